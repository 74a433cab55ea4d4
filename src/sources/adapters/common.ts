/** Shared shapes and helpers for the feed adapters. */
import {type Diagnostic} from '../../kernel/diagnostic.js';
import {isPlainJson} from '../../kernel/plain-json.js';
import {parseFeedDate} from '../feed-date.js';
import {type RawItemCandidate} from '../../model/raw-item.js';
import type {DiagnosticCode} from '../../kernel/diagnostic-codes.js';
import type {XElement} from './xml-dom.js';

/** One item as built by an adapter: the candidate (null when the entry must be skipped) and its diagnostics. */
export interface ItemBuild {
  candidate: RawItemCandidate | null;
  diagnostics: Diagnostic[];
}

/**
 * What an adapter hands back: the detected format, one lazy builder per item in document order
 * (so `maxItems` stops work early), and feed-level diagnostics.
 */
/**
 * Builds one item. XML adapters name the element the item comes from, so that an item whose
 * element a truncated document never closed is dropped instead of stored half-read.
 */
export type ItemThunk = (() => ItemBuild) & {element?: XElement};

/** An item thunk tied to its source element. */
export function fromElement(element: XElement, build: () => ItemBuild): ItemThunk {
  return Object.assign(build, {element});
}

export interface AdapterResult {
  format: string;
  items: ItemThunk[];
  diagnostics: Diagnostic[];
}

/** Trimmed non-empty string, else null. Numbers and booleans are stringified. */
export function str(v: unknown): string | null {
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? null : t;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return null;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Shallow copy of a JSON object, the keys `{...record}` would copy, that stays fast to extend:
 * V8 makes every key added to a spread copy of a JSON.parse object very slow. `__proto__` is
 * defined rather than assigned, so it stays an ordinary own key as in the spread.
 */
export function copyRecord(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(record)) {
    if (k === '__proto__') Object.defineProperty(out, k, {value: record[k], enumerable: true, writable: true, configurable: true});
    else out[k] = record[k];
  }
  return out;
}

/** First argument that is a non-empty string (after `str`). */
export function firstStr(...vals: unknown[]): string | null {
  for (const v of vals) {
    const s = str(v);
    if (s !== null) return s;
  }
  return null;
}

/** Removes duplicates, keeping first occurrences in order. */
export function uniq(values: string[]): string[] {
  // Most lists have one entry or none: no Set needed.
  return values.length < 2 ? values.slice() : [...new Set(values)];
}

/** Each NWS/CAP time field with its canonical key (constant keys keep property stores fast). */
const NWS_TIME_FIELDS = [
  ['sent', 'sent_at'],
  ['effective', 'effective_at'],
  ['onset', 'onset_at'],
  ['expires', 'expires_at'],
  ['ends', 'ends_at'],
] as const;

/**
 * Parses the NWS/CAP time fields of a payload into canonical `<field>_at` keys
 * (sent_at, effective_at, onset_at, expires_at, ends_at). Returns the `sent` instant.
 */
export function addNwsInstants(
  payload: Record<string, unknown>,
  itemIndex: number,
  diagnostics: Diagnostic[],
): string | null {
  let sent: string | null = null;
  for (const [field, key] of NWS_TIME_FIELDS) {
    const r = parseFeedDate(payload[field] ?? null, {field, itemIndex});
    diagnostics.push(...r.diagnostics);
    payload[key] = r.instant;
    if (field === 'sent') sent = r.instant;
  }
  return sent;
}

/** Item-level diagnostic helper that always carries `details.item_index`. */
export function itemDiag(
  code: DiagnosticCode,
  severity: Diagnostic['severity'],
  message: string,
  itemIndex: number,
  extra: Record<string, unknown> = {},
): Diagnostic {
  return {code, severity, message, details: {item_index: itemIndex, ...extra}};
}

/**
 * JSON data that is safe to serialize and compare: the value itself when it already is plain
 * JSON data (the usual case, and no copy is made), else a deep copy where non-finite numbers
 * (JSON.parse turns 1e400 into Infinity) become null, -0 becomes 0, undefined and functions
 * are dropped from objects (null in arrays), and keys such as `__proto__` stay ordinary own keys.
 */
export function toJsonSafe(value: unknown): unknown {
  return isPlainJson(value) ? value : jsonSafeCopy(value);
}

function jsonSafeCopy(value: unknown): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null;
    case 'object': {
      if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' ? null : jsonSafeCopy(v)));
      const entries: Array<[string, unknown]> = [];
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') continue;
        entries.push([k, jsonSafeCopy(v)]);
      }
      return Object.fromEntries(entries);
    }
    default:
      return null;
  }
}

/**
 * An upper bound on the UTF-8 length of `JSON.stringify(value)` for JSON data (no toJSON
 * methods), computed without serializing: a string costs at most 6 bytes per UTF-16 unit
 * (`\uXXXX`) plus its quotes, a number at most 32 bytes, anything else at most `false`/`null`.
 */
export function jsonBytesBound(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return 6 * value.length + 2;
    case 'number':
      return 32;
    case 'object': {
      if (value === null) return 4;
      let n = 2;
      if (Array.isArray(value)) {
        for (const v of value) n += jsonBytesBound(v) + 1;
        return n;
      }
      const obj = value as Record<string, unknown>;
      for (const k of Object.keys(obj)) n += 6 * k.length + 4 + jsonBytesBound(obj[k]);
      return n;
    }
    default:
      return 5;
  }
}
