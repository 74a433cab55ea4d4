/**
 * Normalization: raw-item candidate → UntypedEvent (pipeline.md §1, domain.md §6.4); the rule
 * pack types it in decide.ts.
 *
 * Pure: no clock, no randomness, no I/O. Problems with individual values (an unparseable
 * date, a payload value JSON cannot hold) become diagnostics, never failures; invalid trust
 * values (which config validation must already have rejected) throw.
 *
 * Text conversion ("each converted to text", §1.2): strings as is; finite numbers with
 * JavaScript's `String` (Python would print `1.0` for floats — only exotic payloads differ);
 * booleans `true` / `false`; arrays and objects as canonical JSON. Emptiness follows Python
 * truthiness (empty string, 0, false, null, empty list or object are skipped), as in the
 * reference.
 */
import {artifactHash, canonicalJson, sha256Hex, type JsonValue} from '../kernel/canonical-json.js';
import {diag, type Diagnostic} from '../kernel/diagnostic.js';
import {HardstopError} from '../kernel/errors.js';
import {formatInstant, parseIsoInstant} from '../kernel/time.js';
import {isPlainJson} from '../kernel/plain-json.js';
import type {RawItemCandidate, SourceType, Tier} from '../model/raw-item.js';
import type {NwsFields, UntypedEvent} from './event.js';
import {eventTypeRef, isNwsSource} from './event-type.js';
import {eventId} from './ids.js';
import {PY_B_END, PY_B_START, PY_WS, pyTruthy} from './pytext.js';


export interface SourceGeo {
  city?: string | null;
  state?: string | null;
  country?: string | null;
}

/** The resolved, validated trust values of the source (domain.md §10.2) and its `geo`. */
export interface NormalizeSourceConfig {
  trust_tier: number;
  classification_floor: number;
  weighting_bias: number;
  geo?: SourceGeo | null;
}

export interface NormalizeInput {
  candidate: RawItemCandidate;
  sourceId: string;
  sourceType: SourceType;
  tier: Tier;
  rawId: string;
  /** The stored raw item's content hash (store/raw-items-repo `contentHashOf`): the event id basis when the feed gives no id. */
  contentHash: string;
  sourceConfig: NormalizeSourceConfig;
}

export interface NormalizeResult {
  event: UntypedEvent;
  diagnostics: Diagnostic[];
}

// ---------------------------------------------------------------------------------------
// Payload as JSON

/**
 * A JSON value of `value`: `undefined` members are dropped (array elements become null, as
 * JSON.stringify does), non-finite numbers and bigints become their text, Dates their ISO
 * text, functions and symbols are dropped. Each coercion adds a diagnostic. A value that is
 * already plain JSON is returned as is (not copied): payloads are treated as immutable.
 */
export function toJsonValue(value: unknown, path: string, diags: Diagnostic[]): JsonValue | undefined {
  if (isPlainJson(value)) return value;
  return coerceJsonValue(value, path, diags);
}

function coerceJsonValue(value: unknown, path: string, diags: Diagnostic[]): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    diags.push(diag('PAYLOAD_VALUE_COERCED', 'warning', `non-finite number at ${path} stored as text`, {details: {path}}));
    return String(value);
  }
  if (typeof value === 'bigint') {
    diags.push(diag('PAYLOAD_VALUE_COERCED', 'warning', `bigint at ${path} stored as text`, {details: {path}}));
    return value.toString();
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value instanceof Date) {
    diags.push(diag('PAYLOAD_VALUE_COERCED', 'warning', `Date at ${path} stored as text`, {details: {path}}));
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      const j = coerceJsonValue(v, `${path}[${i}]`, diags);
      return j === undefined ? null : j;
    });
  }
  const out: {[key: string]: JsonValue} = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const j = coerceJsonValue(v, `${path}.${k}`, diags);
    if (j !== undefined) out[k] = j;
  }
  return out;
}

/** Text form of a payload value (see the module comment). */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return '';
  return canonicalJson(value);
}

// ---------------------------------------------------------------------------------------
// Content hash


/**
 * Python `json.dumps(value, sort_keys=True)` (default separators, ASCII escapes) for JSON
 * values. Numbers are printed JavaScript-style (Python would print floats such as `1.0`
 * differently); the content-hash fields it is used for are texts.
 */
export function pythonJsonDumpsSorted(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('pythonJsonDumpsSorted: non-finite number');
    return String(value);
  }
  if (typeof value === 'string') {
    // ensure_ascii: everything outside U+0020..U+007E that JSON.stringify left raw
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumpsSorted).join(', ')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${pythonJsonDumpsSorted(k)}: ${pythonJsonDumpsSorted(obj[k])}`).join(', ')}}`;
}

/** The fields both content-hash forms cover: ids, title, url and the payload's text fields. */
function contentHashBasis(candidate: RawItemCandidate): Record<string, unknown> {
  const basis: Record<string, unknown> = {
    canonical_id: candidate.canonical_id ?? null,
    title: candidate.title ?? null,
    url: candidate.url ?? null,
  };
  const payload = candidate.payload ?? {};
  if (Object.keys(payload).length > 0) {
    const sink: Diagnostic[] = [];
    const pick = (k: string): JsonValue => (k in payload ? (toJsonValue(payload[k], k, sink) ?? null) : null);
    basis.payload_content = {
      title: pick('title'),
      summary: pick('summary'),
      description: pick('description'),
      content: pick('content'),
    };
  }
  return basis;
}

/**
 * The reference content hash (domain.md §6.2, vector RAW-1): same fields, serialized as
 * Python's `json.dumps(..., sort_keys=True)`. For parity checks only. Key order is UTF-16
 * code-unit order, which equals Python's code-point order for the fixed ASCII keys used here.
 */
export function contentHashRef(candidate: RawItemCandidate): string {
  return sha256Hex(pythonJsonDumpsSorted(contentHashBasis(candidate)));
}

// ---------------------------------------------------------------------------------------
// Text

/** Body fields joined into raw_text / summary, in order (§1.2). */
const BODY_FIELDS = ['summary', 'description', 'content', 'body'] as const;

export function eventTitle(candidate: RawItemCandidate): string {
  if (pyTruthy(candidate.title)) return valueText(candidate.title);
  const p = candidate.payload?.title;
  return pyTruthy(p) ? valueText(p) : '';
}

/** The body parts (payload summary, description, content, body; non-empty ones, as text). */
export function bodyParts(payload: Record<string, unknown>): string[] {
  const parts: string[] = [];
  for (const f of BODY_FIELDS) if (pyTruthy(payload[f])) parts.push(valueText(payload[f]));
  return parts;
}

// ---------------------------------------------------------------------------------------
// Location hint (§1.5)

const LOCATION_FIELDS = ['areaDesc', 'location', 'area', 'region', 'city', 'state'] as const;
const LOCATION_TEXT_FIELDS = ['description', 'summary', 'content', 'title', 'body'] as const;

/**
 * The reference "Place, ST" pattern with Python semantics:
 * `\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+)*),\s+([A-Z]{2}|[A-Z][a-z]+)\b`.
 */
const PLACE_STATE_RE = new RegExp(
  `${PY_B_START}([A-Z][a-z]+(?:${PY_WS}+[A-Z][a-z]+)*),${PY_WS}+([A-Z]{2}|[A-Z][a-z]+)${PY_B_END}`,
  'u',
);

export function geoHint(geo: SourceGeo | null | undefined): string | null {
  if (!geo) return null;
  const parts = [geo.city, geo.state, geo.country].filter((v): v is string => pyTruthy(v)).map(valueText);
  return parts.length > 0 ? parts.join(', ') : null;
}

export function payloadFieldHint(payload: Record<string, unknown>): string | null {
  for (const f of LOCATION_FIELDS) if (pyTruthy(payload[f])) return valueText(payload[f]);
  return null;
}

export function textPatternHint(payload: Record<string, unknown>): string | null {
  for (const f of LOCATION_TEXT_FIELDS) {
    if (!pyTruthy(payload[f])) continue;
    const m = PLACE_STATE_RE.exec(valueText(payload[f]));
    if (m) return `${m[1]}, ${m[2]}`;
  }
  return null;
}

/** Reference hint: source geo, then payload location fields, then the text pattern. */
export function locationHintRef(payload: Record<string, unknown>, geo?: SourceGeo | null): string | null {
  return geoHint(geo) ?? payloadFieldHint(payload) ?? textPatternHint(payload);
}

/**
 * TS display hint: payload location fields, then the text pattern, then the source geo (the
 * source's `geo` is the least specific information, so it comes last).
 */
export function locationHint(payload: Record<string, unknown>, geo?: SourceGeo | null): string | null {
  return payloadFieldHint(payload) ?? textPatternHint(payload) ?? geoHint(geo);
}

// ---------------------------------------------------------------------------------------
// NWS fields

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter((s) => s !== '');
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const v of value) if (typeof v === 'string' || typeof v === 'number') out.push(...stringList(String(v)));
    return out;
  }
  return [];
}

function uniq(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function optText(value: unknown): string | null {
  return pyTruthy(value) ? valueText(value).trim() || null : null;
}

/** `parameters.VTEC` of the API (`{VTEC: [...]}`) or of CAP (`[{valueName, value}]`). */
function vtecStrings(parameters: unknown): string[] {
  const raw: unknown[] = [];
  if (Array.isArray(parameters)) {
    for (const p of parameters) {
      if (p && typeof p === 'object' && String((p as Record<string, unknown>).valueName ?? '').toUpperCase() === 'VTEC') {
        raw.push((p as Record<string, unknown>).value);
      }
    }
  } else if (parameters && typeof parameters === 'object') {
    const v = (parameters as Record<string, unknown>).VTEC;
    if (Array.isArray(v)) raw.push(...v);
    else if (v !== undefined) raw.push(v);
  }
  return uniq(raw.filter((v): v is string => typeof v === 'string').map((s) => s.trim()).filter((s) => s !== ''));
}

/**
 * Referenced alert identifiers: API `[{identifier, sender, sent}]`, a list of strings, or
 * CAP's space-separated `sender,identifier,sent` triples.
 */
function referenceIds(references: unknown): string[] {
  const out: string[] = [];
  const fromText = (text: string): void => {
    for (const item of text.split(/\s+/)) {
      if (item === '') continue;
      const parts = item.split(',');
      out.push(parts.length === 3 ? parts[1] : item);
    }
  };
  if (typeof references === 'string') fromText(references);
  else if (Array.isArray(references)) {
    for (const r of references) {
      if (typeof r === 'string') fromText(r);
      else if (r && typeof r === 'object') {
        const id = (r as Record<string, unknown>).identifier ?? (r as Record<string, unknown>)['@id'];
        if (typeof id === 'string' && id.trim() !== '') out.push(id.trim());
      }
    }
  }
  return uniq(out);
}

/** NWS fields of a payload (JSON API properties, or a CAP entry with the same names). */
export function nwsFields(payload: Record<string, unknown>, instant: (field: string) => string | null): NwsFields {
  const geocode = (payload.geocode && typeof payload.geocode === 'object' ? payload.geocode : {}) as Record<string, unknown>;
  const areaDesc = typeof payload.areaDesc === 'string' ? payload.areaDesc : '';
  // Keys in code-unit order (canonical JSON without a sorted copy).
  return {
    affected_zones: uniq(stringList(payload.affectedZones)),
    area_desc: areaDesc
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    certainty: optText(payload.certainty),
    event: optText(payload.event),
    headline: optText(payload.headline),
    message_type: optText(payload.messageType),
    references: referenceIds(payload.references),
    same: uniq([...stringList(geocode.SAME), ...stringList(geocode.FIPS6)]),
    sender_name: optText(payload.senderName),
    sent_at: instant('sent'),
    severity: optText(payload.severity),
    status: optText(payload.status),
    ugc: uniq(stringList(geocode.UGC).map((s) => s.toUpperCase())),
    urgency: optText(payload.urgency),
    vtec: vtecStrings(payload.parameters),
  };
}

// ---------------------------------------------------------------------------------------
// Instants

function canonicalInstant(value: unknown, field: string, diags: Diagnostic[]): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = typeof value === 'string' ? value : valueText(value);
  const parsed = parseIsoInstant(text);
  if (parsed === null) {
    diags.push(
      diag('DATE_UNPARSEABLE', 'warning', `${field}: not a date-time: ${JSON.stringify(text)}`, {
        details: {field, value: text},
      }),
    );
    return null;
  }
  if (parsed.assumedUtc) {
    diags.push(
      diag('DATE_ASSUMED_UTC', 'info', `${field}: no UTC offset, UTC assumed: ${JSON.stringify(text)}`, {
        details: {field, value: text},
      }),
    );
  }
  return formatInstant(parsed.micros);
}

// ---------------------------------------------------------------------------------------
// Trust

function checkInt(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new HardstopError(
      'SOURCE_TRUST_INVALID',
      `source config ${name} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`,
      {hint: 'validate sources.yaml before ingest (domain.md §10.2)'},
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// The stage

export function normalizeItem(input: NormalizeInput): NormalizeResult {
  const {candidate, sourceId, sourceType, tier, rawId, sourceConfig} = input;
  const diagnostics: Diagnostic[] = [];

  const trust_tier = checkInt('trust_tier', sourceConfig.trust_tier, 1, 3);
  const classification_floor = checkInt('classification_floor', sourceConfig.classification_floor, 0, 2);
  const weighting_bias = checkInt('weighting_bias', sourceConfig.weighting_bias, -2, 2);

  const payload = (toJsonValue(candidate.payload ?? {}, 'payload', diagnostics) ?? {}) as {[key: string]: JsonValue};
  const rawPayload = candidate.payload ?? {};

  const title = eventTitle(candidate);
  const body = bodyParts(rawPayload);
  const summary = body.join(' ');
  const raw_text = (title ? [title, ...body] : body).join(' ');

  const hash = input.contentHash;
  const canonical_id = pyTruthy(candidate.canonical_id) ? String(candidate.canonical_id) : null;
  const event_id = eventId(sourceId, canonical_id ?? hash);

  // NWS adapters store the parsed instants as `<field>_at` (and report unparseable values at
  // fetch time); use them when present, else parse the raw field here.
  const payloadInstant = (field: string): string | null => {
    const parsedKey = `${field}_at`;
    if (Object.hasOwn(rawPayload, parsedKey)) {
      const v = rawPayload[parsedKey];
      return typeof v === 'string' && v !== '' ? canonicalInstant(v, parsedKey, diagnostics) : null;
    }
    return canonicalInstant(rawPayload[field], field, diagnostics);
  };
  const published_at = canonicalInstant(candidate.published_at, 'published_at', diagnostics);
  const nws = isNwsSource(sourceType) ? nwsFields(rawPayload, payloadInstant) : null;

  const location_hint = locationHint(rawPayload, sourceConfig.geo);
  const geometry = (payload.geometry ?? null) as JsonValue;

  // Instants in this order (each may add a diagnostic), then the event with its keys in
  // code-unit order so its canonical JSON needs no sorted copy.
  const effective_at = payloadInstant('effective');
  const onset_at = payloadInstant('onset');
  const expires_at = payloadInstant('expires');
  const ends_at = payloadInstant('ends');
  const event: UntypedEvent = {
    canonical_id,
    classification_floor,
    content_hash: hash,
    effective_at,
    ends_at,
    entities_json: location_hint === null ? null : canonicalJson({location: location_hint}),
    event_id,
    event_time: published_at,
    expires_at,
    facilities: [],
    geometry,
    lanes: [],
    location_hint,
    location_hint_ref: locationHintRef(rawPayload, sourceConfig.geo),
    nws,
    onset_at,
    payload,
    payload_hash: artifactHash(payload),
    published_at,
    raw_id: rawId,
    raw_text,
    severity_guess: 1,
    shipments: [],
    source_id: sourceId,
    source_kind: sourceType,
    source_name: sourceId,
    source_type: 'EXTERNAL',
    summary,
    tier,
    title,
    trust_tier,
    type: null,
    type_ref: eventTypeRef(title, raw_text),
    url: pyTruthy(candidate.url) ? String(candidate.url) : null,
    weighting_bias,
  };
  return {event, diagnostics};
}
