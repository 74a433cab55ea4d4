import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {parseXmlDocument, parseXmlDocumentReference, type XElement} from '../../../src/sources/adapters/xml-dom.js';
import {decodeBytes} from '../../../src/sources/decode.js';
import {FIXTURES} from './helpers.js';

/** Both parsers' outcome: the root element, or the thrown error's code and message. */
function outcome(parse: (text: string) => XElement, text: string): unknown {
  try {
    return {root: parse(text)};
  } catch (err) {
    const e = err as {code?: string; message: string};
    return {error: e.code, message: e.message};
  }
}

function expectSameTree(text: string): void {
  expect(outcome(parseXmlDocument, text)).toEqual(outcome(parseXmlDocumentReference, text));
}

/** Mostly forms the fast path accepts, now and then one it must hand to the reference parser. */
function mostly<T>(usual: T[], rare: T[]): fc.Arbitrary<T> {
  return fc.oneof({weight: 15, arbitrary: fc.constantFrom(...usual)}, {weight: 1, arbitrary: fc.constantFrom(...rare)});
}

const NAME = mostly(['item', 'title', 'dc:date', 'atom:link', 'a', 'rdf:about', 'xml:base', 'xmlns', 'xmlns:dc', 'x.y-z', '_u'], ['constructor', 'toString', 'é', 'a:b:c']);
const SPACE = mostly([' ', '\t', '\n', '\r\n', '\r', '  '], ['\u00a0', '\f']);
const TEXT = fc.constantFrom('text', ' ', '\n', '\r\n', 'a &amp; b', '&nbsp;', '&#x41;', '&bogus;', 'x > y', 'é', ']]>', '"q"', "'s'");

const attr = fc
  .tuple(NAME, fc.constantFrom('', ' '), fc.constantFrom('"', "'"), fc.constantFrom('v', '', 'a b', 'x/', 'a&amp;b', '../rel', '>', "it's", 'http://purl.org/dc/elements/1.1/'))
  .map(([name, pad, q, value]) => (value.includes(q) ? `${name}${pad}=${pad}${q}${q}` : `${name}${pad}=${pad}${q}${value}${q}`));

const misc = mostly(['<!-- c -->', '<?pi x="?>"?>', '<?xml version="1.0"?>', '<![CDATA[ <b>raw</b> & ]]>', '<![CDATA[]]>'], ['<!DOCTYPE x>', '<!ELEMENT x>', '<?pi constructor?>']);

const element: fc.Memo<string> = fc.memo((depth) =>
  fc
    .tuple(
      NAME,
      fc.array(fc.tuple(SPACE, attr), {maxLength: 3}),
      fc.option(SPACE, {nil: ''}),
      depth > 1 ? fc.array(fc.oneof(TEXT, misc, element(depth - 1)), {maxLength: 4}) : fc.array(TEXT, {maxLength: 2}),
      fc.boolean(),
      fc.option(SPACE, {nil: ''}),
    )
    .map(([name, attrs, pad, children, selfClosing, closePad]) => {
      const open = `<${name}${attrs.map(([s, a]) => s + a).join('')}${pad}`;
      return selfClosing ? `${open}/>` : `${open}>${children.join('')}</${name}${closePad}>`;
    }),
);

/** A mostly well-formed document, sometimes damaged by cutting or inserting a fragment. */
const documentText = fc
  .tuple(fc.option(misc, {nil: ''}), element(4), fc.option(TEXT, {nil: ''}), fc.nat(), mostly([''], ['<', '</x>', '<a>', '"', '<b c=d>', '<e f>', '<g/ >']))
  .map(([prolog, body, tail, at, insert]) => {
    const text = `${prolog}${body}${tail}`;
    const cut = at % (text.length + 1);
    return insert === '' ? text : text.slice(0, cut) + insert + text.slice(cut);
  });

describe('XML tree: the fast path agrees with fast-xml-parser', () => {
  it('on every XML fixture', () => {
    for (const dir of [FIXTURES, join(FIXTURES, '..', 'golden'), join(FIXTURES, '..', 'demo')]) {
      for (const f of readdirSync(dir, {recursive: true}) as string[]) {
        if (!/\.(xml|rss|atom)$/.test(f)) continue;
        expectSameTree(decodeBytes(new Uint8Array(readFileSync(join(dir, f)))).text);
      }
    }
  });

  it('on generated documents, well-formed or damaged', () => {
    fc.assert(fc.property(documentText, expectSameTree), {numRuns: 3000});
  });

  it.each([
    ['text split at CDATA and processing instructions, not at comments', '<a>x<!-- c -->y<![CDATA[z]]>w<?p?>v</a>'],
    ['line ends normalized everywhere', '<a b="1\r\n2">x\ry<![CDATA[\r\n]]></a>'],
    ['namespaces and xml:base', '<f xmlns="http://www.w3.org/2005/Atom" xml:base="http://e.com/a/"><e xmlns:dc="http://purl.org/dc/elements/1.1" xml:base="b/"><dc:date>d</dc:date></e></f>'],
    ['self-closing forms', '<a><b/><c /><d e="1"/><f g="/"/></a>'],
    ['mismatched end tag', '<a><b></a>'],
    ['unclosed element', '<a><b>text'],
    ['boolean and unquoted attributes', '<a b c=d e="f"></a>'],
    ['duplicate attributes', '<a b="1" b="2"></a>'],
    ['guarded names', '<a><constructor x="1"/><toString/></a>'],
  ])('%s', (_name, text) => expectSameTree(text));
});
