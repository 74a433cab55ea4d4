import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {jsonBytesBound} from '../../../src/sources/adapters/common.js';
import {FeedError, parseFeed, type ParsedFeed} from '../../../src/sources/parse-feed.js';
import {type SourceType} from '../../../src/model/raw-item.js';
import {utf8} from './helpers.js';

const TYPES: SourceType[] = ['rss', 'nws_alerts', 'nws_cap', 'fema', 'fsis', 'nga_msi'];

/** Parses and returns the result, or null when a FeedError was thrown; rethrows anything else. */
function attempt(bytes: Uint8Array, type: SourceType, extra: {maxItems?: number; maxItemBytes?: number} = {}): ParsedFeed | null {
  try {
    return parseFeed(bytes, {type, ...extra});
  } catch (err) {
    if (err instanceof FeedError) return null;
    throw err;
  }
}

function assertJsonSafe(r: ParsedFeed | null): void {
  if (r === null) return;
  expect(JSON.parse(JSON.stringify(r.items))).toStrictEqual(r.items);
}

const FRAGMENTS = [
  '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="windows-1251"?>', '<rss version="2.0">', '</rss>', '<channel>', '</channel>',
  '<item>', '</item>', '<title>', '</title>', '<guid>', '</guid>', '<link>', '</link>', '<description>', '</description>',
  '<pubDate>', '</pubDate>', 'Mon, 01 Jan 2024 12:00:00 GMT', '291743Z DEC 2023', '<![CDATA[', ']]>', '<!--', '-->',
  '&amp;', '&nbsp;', '&#x', '&#', ';', '&lt;p&gt;', '<', '>', '/>', '"', "'", '=', '<!DOCTYPE x [', '<!DOCTYPE html>', ']>', '<!ENTITY a "b">',
  '<feed xmlns="http://www.w3.org/2005/Atom">', '</feed>', '<entry>', '</entry>', '<id>', '</id>', '<updated>', '</updated>',
  '<content type="xhtml">', '</content>', '<div xmlns="http://www.w3.org/1999/xhtml">', '</div>', '<link href="../x" rel="alternate"/>',
  '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">', '</rdf:RDF>',
  '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">', '</alert>', '<info>', '<geocode>', '<valueName>', 'UGC', '</valueName>', '<value>', '</value>',
  '<broadcast-warn>', '<broadcastWarnActiveEntity>', '<issueDate>', '<msgNumber>', '<navArea>', 'C',
  '<html>', '<a:b xmlns:a="urn:x">', '</a:b>', '<__proto__>', '</__proto__>', '<constructor x="1">', 'xml:base="::bad"', 'text', ' ', '\n', '\r\n', 'é', '\u0000',
];

const JSON_FRAGMENTS = [
  '{', '}', '[', ']', ',', ':', '"features"', '"properties"', '"type"', '"Feature"', '"FeatureCollection"', '"id"', '"sent"', '"@graph"',
  '"items"', '"metadata"', '"entityname"', '"field_recall_number"', '"langcode"', '"Spanish"', '"broadcast-warn"', '"__proto__"', 'null', '1706799600',
  '"2024-01-15T12:00:00-05:00"', '"date:now -5 seconds"', 'true', '"x"', '0', '-1e400',
];

describe('parseFeed never throws anything but FeedError', () => {
  it('on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 600}), fc.constantFrom(...TYPES), (bytes, type) => {
        assertJsonSafe(attempt(bytes, type));
      }),
      {numRuns: 600},
    );
  });

  it('on arbitrary XML-ish text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({weight: 5, arbitrary: fc.constantFrom(...FRAGMENTS)}, {weight: 1, arbitrary: fc.string({maxLength: 8})}), {maxLength: 60}),
        fc.constantFrom(...TYPES),
        fc.option(fc.nat({max: 3}), {nil: undefined}),
        (parts, type, maxItems) => {
          assertJsonSafe(attempt(utf8(parts.join('')), type, {maxItems}));
        },
      ),
      {numRuns: 1500},
    );
  });

  it('on arbitrary JSON-ish text and arbitrary JSON values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({weight: 5, arbitrary: fc.constantFrom(...JSON_FRAGMENTS)}, {weight: 1, arbitrary: fc.string({maxLength: 6})}), {maxLength: 40}),
        fc.constantFrom(...TYPES),
        (parts, type) => {
          assertJsonSafe(attempt(utf8(parts.join('')), type));
        },
      ),
      {numRuns: 800},
    );
    fc.assert(
      fc.property(fc.jsonValue({maxDepth: 4}), fc.constantFrom(...TYPES), (value, type) => {
        const wrapped = [value, {features: [value]}, {type: 'FeatureCollection', features: [{type: 'Feature', properties: value}]}, [value], {'broadcast-warn': [value]}];
        for (const w of wrapped) assertJsonSafe(attempt(utf8(JSON.stringify(w)), type, {maxItemBytes: 10_000}));
      }),
      {numRuns: 400},
    );
  });
});

describe('jsonBytesBound', () => {
  it('never underestimates the UTF-8 length of JSON.stringify', () => {
    const leaf = fc.oneof(
      fc.string({unit: 'binary'}),
      fc.string({unit: fc.constantFrom('\u0000', '\u001f', '"', '\\', '\ud800', '\udfff', '\u2028', 'é', '\u{1F600}')}),
      fc.double({noNaN: true, noDefaultInfinity: true}),
      fc.constantFrom(-0.0000012345678901234567, -1.7976931348623157e308, -5e-324, 1e21, -123456789012345680000),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({depthSize: 'small'}, leaf, fc.array(tie('node')), fc.dictionary(fc.string({unit: 'binary'}), tie('node'))),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(jsonBytesBound(v)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(v), 'utf8'));
      }),
      {numRuns: 500},
    );
  });
});
