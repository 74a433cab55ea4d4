import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {isPlainJson} from '../../src/kernel/plain-json.js';

describe('isPlainJson', () => {
  const holey: unknown[] = [1];
  holey[2] = 3;
  class Point {
    x = 1;
  }
  it.each<[string, unknown, boolean]>([
    ['null', null, true],
    ['string', 'a', true],
    ['boolean', false, true],
    ['finite number', 1.5, true],
    ['zero', 0, true],
    ['negative zero', -0, false],
    ['NaN', Number.NaN, false],
    ['Infinity', Number.POSITIVE_INFINITY, false],
    ['bigint', 1n, false],
    ['undefined', undefined, false],
    ['function', () => 1, false],
    ['nested object', {a: [1, {b: 'c'}], d: null}, true],
    ['object without prototype', Object.assign(Object.create(null) as object, {a: 1}), true],
    ['own __proto__ key', JSON.parse('{"__proto__": {"a": 1}}'), true],
    ['undefined member', {a: undefined}, false],
    ['array with a hole', holey, false],
    ['Date', new Date(0), false],
    ['class instance', new Point(), false],
    ['deep non-finite', {a: [{b: Number.NaN}]}, false],
  ])('%s → %s', (_name, value, expected) => {
    expect(isPlainJson(value)).toBe(expected);
  });

  it('accepts whatever JSON.parse returns', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => isPlainJson(JSON.parse(JSON.stringify(v)))));
  });

  it('plain JSON survives a JSON round trip unchanged', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        if (isPlainJson(v)) expect(JSON.parse(JSON.stringify(v))).toStrictEqual(v);
      }),
    );
  });
});
