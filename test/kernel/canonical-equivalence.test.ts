import canonicalizeLib from 'canonicalize';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {artifactHash, canonicalJson, referenceCanonicalJson, sha256Hex} from '../../src/kernel/canonical-json.js';
import {batchHash, batchRef, referenceBatchHash} from '../../src/kernel/run-record.js';

const canonicalize = canonicalizeLib as unknown as (value: unknown) => string | undefined;

// Values like the pipeline's: JSON data plus undefined members (dropped), -0, big/small doubles,
// non-BMP and lone-surrogate strings.
const leaf = fc.oneof(
  fc.string({unit: 'binary'}),
  fc.string({unit: 'grapheme'}),
  fc.double({noNaN: true, noDefaultInfinity: true}),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(-0, 1e21, 1e-7, 5e-324, Number.MAX_SAFE_INTEGER + 2),
);
const tree = fc.letrec((tie) => ({
  value: fc.oneof({depthSize: 'small'}, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), {maxLength: 6}),
  object: fc.dictionary(fc.string({unit: 'binary', maxLength: 6}), fc.oneof(tie('value'), fc.constant(undefined)), {maxKeys: 6}),
})).value;

describe('fast canonical JSON writer is byte-identical to the canonicalize package', () => {
  it('property: same bytes as the reference path and as canonicalize itself', () => {
    fc.assert(
      fc.property(tree, (v) => {
        const fast = canonicalJson(v);
        expect(fast).toBe(referenceCanonicalJson(v));
        expect(fast).toBe(canonicalize(v));
      }),
      {numRuns: 2000},
    );
  });

  it('property: fc.jsonValue round-trips to the same bytes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(canonicalize(v));
      }),
      {numRuns: 1000},
    );
  });

  it('sorted and unsorted key orders, nested and with array-index keys, give the same bytes', () => {
    const cases: unknown[] = [
      {a: 1, b: {c: [1, {e: 2, d: 3}], a: null}},
      {b: 1, a: {z: 1, y: [{q: 1, p: 2}]}},
      {'10': 1, '9': 2, a: 3, '': 4},
      {x: {'0': 'a', '': 'b'}},
      {'1': true},
      [{b: 1, a: 2}, {a: 1}],
      JSON.parse('{"__proto__":{"b":1,"a":2},"a":3}'),
      JSON.parse('{"a":1,"__proto__":null}'),
    ];
    for (const v of cases) {
      expect(canonicalJson(v)).toBe(canonicalize(v));
      expect(canonicalJson(v)).toBe(referenceCanonicalJson(v));
    }
    const sorted = {a: {b: 1, c: 2}};
    expect(canonicalJson(sorted)).toBe('{"a":{"b":1,"c":2}}');
  });

  it('edge values take the reference path with the reference result or error', () => {
    class WithToJson {
      toJSON() {
        return {b: 1, a: 2};
      }
    }
    const sparse = [1, , 2]; // eslint-disable-line no-sparse-arrays
    for (const v of [new WithToJson(), {d: new Date(0)}, sparse, {x: 1, y: undefined}]) {
      expect(canonicalJson(v)).toBe(referenceCanonicalJson(v));
    }
    for (const v of [{x: Number.NaN}, [Infinity], [undefined], {f: () => 1}, {b: 1n}, Symbol('s')]) {
      let fastErr: unknown;
      let refErr: unknown;
      try {
        canonicalJson(v);
      } catch (e) {
        fastErr = e;
      }
      try {
        referenceCanonicalJson(v);
      } catch (e) {
        refErr = e;
      }
      expect(fastErr).toBeInstanceOf(Error);
      expect((fastErr as Error).message).toBe((refErr as Error).message);
    }
  });
});

describe('streaming batch hash equals the canonical-array hash', () => {
  const ref = fc.record({id: fc.string({unit: 'binary', maxLength: 12}), hash: fc.string({unit: 'grapheme', maxLength: 8})});

  it('property: batchHash(items) === sha256(canonical sorted array)', () => {
    fc.assert(
      fc.property(fc.array(ref, {maxLength: 60}), (items) => {
        expect(batchHash(items)).toBe(referenceBatchHash(items));
        const sorted = [...items].map(({id, hash}) => ({id, hash})).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        expect(batchHash(items)).toBe(sha256Hex(canonicalize(sorted)!));
      }),
      {numRuns: 500},
    );
  });

  it('a large batch (chunked updates) hashes like the reference', () => {
    const items = Array.from({length: 20_000}, (_, i) => ({id: `alert-version:ALERT-${(i * 7919) % 20_000}@1`, hash: sha256Hex(String(i))}));
    expect(batchRef('AlertVersion', 'g', items).hash).toBe(artifactHash([...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(({id, hash}) => ({hash, id}))));
  });

  it('extra fields on refs are ignored, as in the reference', () => {
    const items = [{id: 'b', hash: 'h2', extra: 1}, {id: 'a', hash: 'h1'}];
    expect(batchHash(items)).toBe(referenceBatchHash(items));
  });
});
