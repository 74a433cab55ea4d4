/** Shared shapes and helpers for the feed adapters. */
import {type Diagnostic} from '../../kernel/diagnostic.js';
import {parseFeedDate} from '../feed-date.js';
import {type RawItemCandidate} from '../types.js';

/** One item as built by an adapter: the candidate (null when the entry must be skipped) and its diagnostics. */
export interface ItemBuild {
  candidate: RawItemCandidate | null;
  diagnostics: Diagnostic[];
}

/**
 * What an adapter hands back: the detected format, one lazy builder per item in document order
 * (so `maxItems` stops work early), and feed-level diagnostics.
 */
export interface AdapterResult {
  format: string;
  items: Array<() => ItemBuild>;
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
  return [...new Set(values)];
}

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
  for (const field of ['sent', 'effective', 'onset', 'expires', 'ends'] as const) {
    const r = parseFeedDate(payload[field] ?? null, {field, itemIndex});
    diagnostics.push(...r.diagnostics);
    payload[`${field}_at`] = r.instant;
    if (field === 'sent') sent = r.instant;
  }
  return sent;
}

/** Item-level diagnostic helper that always carries `details.item_index`. */
export function itemDiag(
  code: string,
  severity: Diagnostic['severity'],
  message: string,
  itemIndex: number,
  extra: Record<string, unknown> = {},
): Diagnostic {
  return {code, severity, message, details: {item_index: itemIndex, ...extra}};
}

/**
 * Deep copy that is safe to serialize and compare: non-finite numbers (JSON.parse turns 1e400
 * into Infinity) become null, -0 becomes 0, undefined and functions are dropped from objects
 * (null in arrays), and keys such as `__proto__` stay ordinary own keys.
 */
export function toJsonSafe(value: unknown): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null;
    case 'object': {
      if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' ? null : toJsonSafe(v)));
      const entries: Array<[string, unknown]> = [];
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') continue;
        entries.push([k, toJsonSafe(v)]);
      }
      return Object.fromEntries(entries);
    }
    default:
      return null;
  }
}
