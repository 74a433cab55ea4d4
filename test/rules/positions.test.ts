import {isScalar, LineCounter, parseDocument, visit, type Scalar} from 'yaml';
import {describe, expect, it} from 'vitest';
import {scalarOffsetMap} from '../../src/rules/scalar-positions.js';

/** Every value character must map to a source offset holding that very character, unless produced by an escape or folding. */
function check(text: string): number {
  const doc = parseDocument(text, {keepSourceTokens: true, lineCounter: new LineCounter()});
  expect(doc.errors).toEqual([]);
  let n = 0;
  visit(doc, {
    Scalar(_k, node: Scalar) {
      if (typeof node.value !== 'string' || node.value === '') return;
      const map = scalarOffsetMap(node, text);
      expect(map, JSON.stringify(node.value)).not.toBeNull();
      n++;
      for (let i = 0; i < node.value.length; i++) {
        const c = node.value[i];
        if (c === ' ' || c === '\n' || text[map![i]] === '\\') continue;
        expect(text[map![i]], `${JSON.stringify(node.value)}[${i}]`).toBe(c === "'" && text[map![i]] === "'" ? "'" : c);
      }
      for (let i = 1; i < node.value.length; i++) expect(map![i]).toBeGreaterThanOrEqual(map![i - 1]);
    },
  });
  return n;
}

describe('scalar offset maps', () => {
  it.each([
    ['plain', 'a: foo bar baz\n'],
    ['plain folded over lines', 'a: one\n  two\n\n  three\n'],
    ['single-quoted with doubled quotes and folding', "a: 'it''s\n  folded\n\n  para'\n"],
    ['double-quoted with escapes', 'a: "q\\n \\"x\\u00e9 \\t\\\\ z"\n'],
    ['double-quoted with escaped line break', 'a: "abc \\\n   def"\n'],
    ['literal block', 'a: |\n  line one\n    indented\n\n  last\n'],
    ['literal block strip, nested', 'x:\n  - y: |-\n      one\n      two\n'],
    ['literal with indentation indicator', 'a: |2\n    two extra\n   one extra\n'],
    ['folded block', 'a: >\n  one\n  two\n\n  three\n   more\n  back\n'],
    ['folded keep', 'a: >+\n  keep\n\n'],
    ['block with header comment', 'a: | # note\n  body text\n'],
    ['CRLF line ends', 'a: |\r\n  one\r\n  two\r\nb: "x\r\n  y"\r\n'],
  ])('%s', (_n, text) => {
    expect(check(text)).toBeGreaterThan(0);
  });

  it('maps a non-BMP character inside a double-quoted escape to the backslash', () => {
    const text = 'a: "x\\U0001F600y"\n';
    const doc = parseDocument(text, {keepSourceTokens: true});
    const node = (doc.contents as unknown as {items: {value: Scalar}[]}).items[0].value;
    expect(isScalar(node)).toBe(true);
    const map = scalarOffsetMap(node, text)!;
    expect(map[1]).toBe(5);
    expect(map[2]).toBe(5);
    expect(text[map[3]]).toBe('y');
  });
});
