import {hash} from 'node:crypto';
import canonicalizeLib from 'canonicalize';

/** A value that canonical JSON can represent without loss. */
export type JsonValue = null | boolean | number | string | JsonValue[] | {[key: string]: JsonValue};

const canonicalize = canonicalizeLib as unknown as (value: unknown) => string | undefined;

function assertCanonicalizable(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: non-finite number at ${path}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertCanonicalizable(v, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      assertCanonicalizable(v, `${path}.${k}`);
    }
    return;
  }
  throw new TypeError(`canonical JSON: unsupported ${typeof value} at ${path}`);
}

/**
 * RFC 8785 (JCS) canonical JSON. Object members whose value is `undefined` are dropped
 * (as JSON.stringify does); non-finite numbers, functions and bigints are rejected rather
 * than silently coerced, because a hash over a coerced value would not be reproducible.
 */
export function canonicalJson(value: unknown): string {
  const fast = fastCanonical(value);
  if (fast !== undefined) return fast;
  return referenceCanonicalJson(value);
}

/**
 * The reference path: validation, then the `canonicalize` package. canonicalJson must produce
 * exactly these bytes (and these errors); test/kernel checks the equivalence property.
 */
export function referenceCanonicalJson(value: unknown): string {
  assertCanonicalizable(value, '$');
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonical JSON: value is not serializable');
  return text;
}

/** Thrown inside the fast path when a value needs the reference path (errors, toJSON, holes). */
const SLOW = Symbol('slow');

/**
 * RFC 8785 for plain JSON data in two steps: `sortedView` returns the value itself when every
 * object's keys are already in UTF-16 code-unit order (as the documents Hardstop builds are), or
 * a copy with sorted keys where they are not; then native JSON.stringify writes it. JCS takes its
 * string escaping and number forms from ECMAScript JSON.stringify, so the bytes are the
 * package's. Anything unusual (non-finite numbers, undefined/symbol/function/bigint values,
 * sparse arrays, objects with toJSON) returns undefined so the caller takes the reference path
 * and gets identical output or the identical error.
 */
function fastCanonical(value: unknown): string | undefined {
  try {
    return JSON.stringify(sortedView(value));
  } catch (e) {
    if (e === SLOW) return undefined;
    throw e;
  }
}

function keysInOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

function isArrayIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < 4294967295;
}

function sortedView(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw SLOW;
      return v;
    case 'object': {
      if (v === null) return v;
      if (Array.isArray(v)) {
        let out: unknown[] = v;
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          // Strings and finite numbers inline: geometry arrays hold thousands of them.
          if (typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x))) continue;
          if (x === undefined || !(i in v)) throw SLOW;
          const y = sortedView(x);
          if (y !== x) {
            if (out === v) out = v.slice();
            out[i] = y;
          }
        }
        return out;
      }
      const o = v as Record<string, unknown>;
      if (typeof o.toJSON === 'function') throw SLOW;
      const keys = Object.keys(o);
      // Engines list array-index keys first in numeric order whatever the insertion order, so
      // no object can carry them in code-unit order: the reference path writes those.
      if (keys.length > 1 && isArrayIndex(keys[0])) throw SLOW;
      // Assigning `__proto__` would set the prototype instead of a member.
      if (Object.hasOwn(o, '__proto__')) throw SLOW;
      if (keysInOrder(keys)) {
        // Undefined members stay: JSON.stringify drops them, as JCS does.
        let out = o;
        for (const k of keys) {
          const x = o[k];
          if (x === undefined) continue;
          const y = sortedView(x);
          if (y !== x) {
            if (out === o) out = {...o};
            out[k] = y;
          }
        }
        return out;
      }
      keys.sort();
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const x = o[k];
        if (x !== undefined) out[k] = sortedView(x);
      }
      return out;
    }
    default:
      throw SLOW;
  }
}

export function sha256Hex(data: string | Uint8Array): string {
  // One-shot crypto.hash: no Hash object per call (hashing is on every item's path).
  return hash('sha256', data, 'hex');
}

/** SHA-256 (lower-case hex) of the canonical JSON of a value: the artifact hash. */
export function artifactHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === 'object') {
    // No prototype: a `__proto__` key stays a member (JSON.stringify writes own keys only).
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortDeep(v);
    }
    return out;
  }
  return value;
}

/**
 * Canonical JSON laid out for people: JCS key order and number forms, 2-space indent, LF,
 * one final newline. Parsing it and re-canonicalizing yields the same bytes as canonicalJson.
 */
export function prettyCanonicalJson(value: unknown): string {
  assertCanonicalizable(value, '$');
  return `${JSON.stringify(sortDeep(value), null, 2)}\n`;
}
