import {createHash} from 'node:crypto';
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

/** Thrown inside the fast writer when a value needs the reference path (errors, toJSON, holes). */
const SLOW = Symbol('slow');

/**
 * One-pass RFC 8785 writer for plain JSON data: strings through JSON.stringify (the escaping
 * the package uses), finite numbers through the ECMAScript Number-to-String the package gets
 * from JSON.stringify, keys sorted by UTF-16 code units (Array.prototype.sort's default order),
 * undefined members dropped. Anything unusual (non-finite numbers, undefined/symbol/function/
 * bigint values, sparse arrays, objects with toJSON) returns undefined so the caller takes the
 * reference path and gets identical output or the identical error.
 */
function fastCanonical(value: unknown): string | undefined {
  try {
    return write(value);
  } catch (e) {
    if (e === SLOW) return undefined;
    throw e;
  }
}

function write(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) throw SLOW;
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        const n = v.length;
        if (n === 0) return '[]';
        let out = '[';
        for (let i = 0; i < n; i++) {
          if (!(i in v)) throw SLOW;
          const x = v[i];
          if (x === undefined) throw SLOW;
          out += i === 0 ? write(x) : `,${write(x)}`;
        }
        return `${out}]`;
      }
      const o = v as Record<string, unknown>;
      if (typeof o.toJSON === 'function') throw SLOW;
      const keys = Object.keys(o).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const x = o[k];
        if (x === undefined) continue;
        out += first ? `${JSON.stringify(k)}:${write(x)}` : `,${JSON.stringify(k)}:${write(x)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw SLOW;
  }
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 (lower-case hex) of the canonical JSON of a value: the artifact hash. */
export function artifactHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
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
