import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {artifactHash, canonicalJson, prettyCanonicalJson, sha256Hex} from '../../src/kernel/canonical-json.js';

describe('canonical JSON (RFC 8785)', () => {
  it.each([
    ['OPS-11 empty snapshot', {}, '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'],
    [
      'OPS-12 nested snapshot',
      {runtime: {version: '1.2.3', flags: {strict: true, batch_size: 50}}, sources: {tiers: {global: [{id: 'source-a', enabled: true}, {enabled: false, id: 'source-b'}]}}},
      '820342a4ce6727751edc1507f62bf997a4bd74fc51cb5dea9163c060ed61d58b',
    ],
    [
      'OPS-13 three members',
      {
        runtime: {mode: 'strict', run_group_id: 'rg-123', version: '9.9.9'},
        sources: {version: 1, tiers: {global: [{id: 'source-a', tier: 'global', type: 'http', url: 'https://example.com'}]}},
        suppression: {version: 2, rules: [{id: 'sup-1', match: '*'}]},
      },
      '830a0822c5c9ddebb603caa8f9b7e3d2cf2a448dc89e8de2101fe65a789e1e1f',
    ],
    ['OPS-14 non-ASCII kept as UTF-8', {runtime: {name: 'Zürich'}}, '9666718a952acd2aa2787ed06f349311eeec9e7e3f284fcf936998fdffa35580'],
  ])('%s', (_name, value, hash) => {
    expect(artifactHash(value)).toBe(hash);
  });

  it('OPS-9 run group ref hash is sha256 of the id', () => {
    expect(sha256Hex('rg-123')).toBe('31c6c1a80ff6c85471e6ed2637bcbca7bb2acd13ba3d45b390715543b73ec70d');
  });

  it('sorts keys by UTF-16 code units and writes shortest numbers', () => {
    expect(canonicalJson({b: 1, a: [1.5, 1e21, -0], é: 'x', '\u{1F600}': 1, '\uFFFF': 2})).toBe('{"a":[1.5,1e+21,0],"b":1,"é":"x","\u{1F600}":1,"\uFFFF":2}');
  });

  it('rejects non-finite numbers instead of coercing them', () => {
    expect(() => canonicalJson({x: Number.NaN})).toThrow(/non-finite/);
    expect(() => canonicalJson([Infinity])).toThrow(/non-finite/);
  });

  it('property: key order does not change the bytes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      }),
    );
  });

  it('property: canonical JSON parses back to an equal value and is a fixpoint', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it('property: pretty form re-canonicalizes to the same bytes', () => {
    fc.assert(
      fc.property(fc.jsonValue({maxDepth: 4}), (v) => {
        const pretty = prettyCanonicalJson(v);
        expect(pretty.endsWith('\n')).toBe(true);
        expect(canonicalJson(JSON.parse(pretty))).toBe(canonicalJson(v));
      }),
    );
  });

  it('a __proto__ member survives the pretty form', () => {
    const v = JSON.parse('{"__proto__":{"x":1},"a":2}');
    expect(canonicalJson(JSON.parse(prettyCanonicalJson(v)))).toBe('{"__proto__":{"x":1},"a":2}');
  });

  it('property: unicode strings round-trip (lone surrogates excluded by JSON)', () => {
    fc.assert(
      fc.property(fc.string({unit: 'grapheme'}), (s) => {
        expect(JSON.parse(canonicalJson({s})).s).toBe(s);
      }),
    );
  });
});
