import type {JsonValue} from './canonical-json.js';

/**
 * True when `value` is plain JSON data, the one shape stored payloads and documents take:
 * null, strings, booleans, finite numbers other than -0 (JSON has one zero), dense arrays,
 * and objects with the ordinary (or no) prototype whose own values are plain JSON. Anything
 * else (undefined, NaN, Infinity, bigint, Date, class instances, holes) needs a copy first.
 */
export function isPlainJson(value: unknown): value is JsonValue {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      const proto = Object.getPrototypeOf(value);
      if (proto === Array.prototype) {
        const list = value as unknown[];
        for (let i = 0; i < list.length; i++) if (!(i in list) || !isPlainJson(list[i])) return false;
        return true;
      }
      if (proto !== Object.prototype && proto !== null) return false;
      const obj = value as Record<string, unknown>;
      for (const k of Object.keys(obj)) if (!isPlainJson(obj[k])) return false;
      return true;
    }
    default:
      return false;
  }
}
