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
  assertCanonicalizable(value, '$');
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonical JSON: value is not serializable');
  return text;
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
