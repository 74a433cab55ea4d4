/**
 * Incident evidence artifact (pipeline.md §10, domain.md §8.5): payload builder, merge
 * reasons, hash and verification, and the file-name sanitizer.
 *
 * Pure: the caller supplies every time (TS: `generated_at_utc` falls back to the run clock,
 * never the wall clock) and the existing incident's state. The payload holds only strings,
 * integers, booleans and nulls, so its canonical JSON is byte-identical to the reference's
 * (vectors IE-1, IE-2).
 */
import {canonicalJson, sha256Hex} from '../kernel/canonical-json.js';
import {formatInstant, MICROS_PER_HOUR, parseIsoInstant} from '../kernel/time.js';
import {compareCodePoints} from '../kernel/text.js';

export const INCIDENT_EVIDENCE_VERSION = 'incident-evidence.v1';
export const INCIDENT_EVIDENCE_KIND = 'IncidentEvidence';
export const DEFAULT_WINDOW_HOURS = 168;

export interface ScopeLists {
  facilities: string[];
  lanes: string[];
  shipments: string[];
}

export interface DeterminismContext {
  seed: string;
  timestamp_utc: string;
  run_id: string;
}

export type MergeReasonCode = 'CORRELATION_KEY_MATCH' | 'TEMPORAL_OVERLAP' | 'SHARED_FACILITIES' | 'SHARED_LANES';

export interface MergeReason {
  code: MergeReasonCode;
  message: string;
  matched: boolean;
  details: {[key: string]: string | number | null | string[]};
}

export interface IncidentEvidencePayload {
  artifact_version: typeof INCIDENT_EVIDENCE_VERSION;
  kind: typeof INCIDENT_EVIDENCE_KIND;
  correlation_key: string;
  generated_at_utc: string;
  inputs: {
    alert_id: string;
    event: {event_id: string; event_type: string; observed_at_utc: string; title: string};
    existing_alert: {alert_id: string | null; last_seen_utc: string | null; root_event_ids: string[]};
  };
  merge_reasons: MergeReason[];
  merge_summary: string[];
  overlap: {facilities: string[]; lanes: string[]};
  scope: {existing: ScopeLists; incoming: ScopeLists};
  window_hours: number;
  determinism_mode: 'live' | 'pinned';
  determinism_context?: DeterminismContext;
  /** SHA-256 of the canonical JSON of the payload without this key (§10.5). */
  artifact_hash: string;
}

/** The existing incident an event was correlated to (UPDATED), as of before this event. */
export interface ExistingIncident {
  alert_id: string;
  /**
   * TS: the latest event time among the incident's contributing events (its last decision
   * time if none had a time), canonical text. The reference used processing-time
   * `last_seen_utc` (P-24).
   */
  last_seen: string | null;
  root_event_ids: readonly string[];
  /** The stored scope; null or missing lists count as empty. */
  scope: Partial<ScopeLists> | null;
}

export interface EvidenceInput {
  alertId: string;
  correlationKey: string;
  event: {
    event_id: string;
    /** The type shown for the incident (TS `event.type`). */
    event_type: string;
    title: string;
    event_time: string | null;
    published_at?: string | null;
  };
  /** The event's linked lists (shipments in the linker's order). */
  incoming: ScopeLists;
  /** Null when the alert was created by this event. */
  existing: ExistingIncident | null;
  /** Integer hours (correlation.window_hours). */
  windowHours?: number;
  /** Used when the event has neither an event time nor a published time: the run clock. */
  fallbackTime: string;
  determinismMode: 'live' | 'pinned';
  /** Recorded only in pinned mode and only when given. */
  determinismContext?: DeterminismContext | null;
}

// ---------------------------------------------------------------------------------------
// helpers

/** sorted(set(a) ∩ set(b)) in code-point order. */
export function sortedIntersection(a: readonly string[], b: readonly string[]): string[] {
  const inB = new Set(b);
  return [...new Set(a.filter((x) => inB.has(x)))].sort(compareCodePoints);
}

/**
 * The `generated_at_utc` text: canonical form when the value parses; otherwise the value with
 * a trailing `+00:00` rewritten to `Z` (when it contains no `Z`), as the reference does.
 */
export function evidenceTimeText(value: string): string {
  const parsed = parseIsoInstant(value);
  if (parsed !== null) return formatInstant(parsed.micros);
  return value.endsWith('+00:00') && !value.includes('Z') ? `${value.slice(0, -6)}Z` : value;
}

function scopeLists(scope: Partial<ScopeLists> | null | undefined): ScopeLists {
  return {
    facilities: [...(scope?.facilities ?? [])],
    lanes: [...(scope?.lanes ?? [])],
    shipments: [...(scope?.shipments ?? [])],
  };
}

// ---------------------------------------------------------------------------------------
// §10.3 merge reasons

/** Merge reasons in order (only when an existing incident was found). */
export function mergeReasons(
  correlationKey: string,
  generatedAt: string,
  existing: ExistingIncident,
  incoming: ScopeLists,
  windowHours: number,
): MergeReason[] {
  const existingScope = scopeLists(existing.scope);
  const now = parseIsoInstant(generatedAt);
  const last = existing.last_seen === null ? null : parseIsoInstant(existing.last_seen);
  const withinWindow = now !== null && last !== null && now.micros - last.micros <= windowHours * MICROS_PER_HOUR;
  const sharedFacilities = sortedIntersection(incoming.facilities, existingScope.facilities);
  const sharedLanes = sortedIntersection(incoming.lanes, existingScope.lanes);
  // Keys in code-unit order (canonicalJson writes them without a sorted copy).
  return [
    {
      code: 'CORRELATION_KEY_MATCH',
      details: {correlation_key: correlationKey},
      matched: true,
      message: 'Correlation key matched existing alert',
    },
    {
      code: 'TEMPORAL_OVERLAP',
      details: {existing_last_seen_utc: existing.last_seen, window_hours: windowHours},
      matched: withinWindow,
      message: `Existing alert seen within ${windowHours}h window`,
    },
    {
      code: 'SHARED_FACILITIES',
      details: {shared: sharedFacilities},
      matched: sharedFacilities.length > 0,
      message: sharedFacilities.length > 0 ? `Shared facilities: ${sharedFacilities.join(', ')}` : 'No shared facilities',
    },
    {
      code: 'SHARED_LANES',
      details: {shared: sharedLanes},
      matched: sharedLanes.length > 0,
      message: sharedLanes.length > 0 ? `Shared lanes: ${sharedLanes.join(', ')}` : 'No shared lanes',
    },
  ];
}

// ---------------------------------------------------------------------------------------
// §10.2 payload, §10.5 hash

/** The payload and its canonical JSON (the stored text and the file content). */
export interface SerializedEvidence {
  payload: IncidentEvidencePayload;
  json: string;
}

export function buildIncidentEvidence(input: EvidenceInput): IncidentEvidencePayload {
  return serializeIncidentEvidence(input).payload;
}

/**
 * Builds the payload and serializes it once: `artifact_hash` is the code-unit-smallest key, so
 * the canonical JSON of the payload is the hashed body's with that member put first.
 */
export function serializeIncidentEvidence(input: EvidenceInput): SerializedEvidence {
  const body = evidenceBody(input);
  const bodyJson = canonicalJson(body);
  const hash = sha256Hex(bodyJson);
  return {payload: {...body, artifact_hash: hash}, json: `{"artifact_hash":"${hash}",${bodyJson.slice(1)}`};
}

function evidenceBody(input: EvidenceInput): Omit<IncidentEvidencePayload, 'artifact_hash'> {
  const windowHours = input.windowHours ?? DEFAULT_WINDOW_HOURS;
  if (!Number.isInteger(windowHours) || windowHours < 0) {
    throw new RangeError(`incident evidence: window_hours must be a non-negative integer, got ${windowHours}`);
  }
  const ev = input.event;
  const generated = evidenceTimeText(ev.event_time || ev.published_at || input.fallbackTime);
  const incoming = scopeLists(input.incoming);
  const existing = input.existing;
  const existingScope = scopeLists(existing?.scope);
  const reasons = existing ? mergeReasons(input.correlationKey, generated, existing, incoming, windowHours) : [];

  // Keys in code-unit order at every level (canonicalJson writes them without a sorted copy).
  const body: Omit<IncidentEvidencePayload, 'artifact_hash'> = {
    artifact_version: INCIDENT_EVIDENCE_VERSION,
    correlation_key: input.correlationKey,
    determinism_mode: input.determinismMode,
    generated_at_utc: generated,
    inputs: {
      alert_id: input.alertId,
      event: {event_id: ev.event_id, event_type: ev.event_type, observed_at_utc: generated, title: ev.title},
      existing_alert: existing
        ? {alert_id: existing.alert_id, last_seen_utc: existing.last_seen, root_event_ids: [...existing.root_event_ids]}
        : {alert_id: null, last_seen_utc: null, root_event_ids: []},
    },
    kind: INCIDENT_EVIDENCE_KIND,
    merge_reasons: reasons,
    merge_summary: reasons.filter((r) => r.matched).map((r) => r.message),
    overlap: {
      facilities: sortedIntersection(incoming.facilities, existingScope.facilities),
      lanes: sortedIntersection(incoming.lanes, existingScope.lanes),
    },
    scope: {existing: existingScope, incoming},
    window_hours: windowHours,
  };
  const ctx = input.determinismContext;
  if (input.determinismMode === 'pinned' && ctx && Object.keys(ctx).length > 0) {
    body.determinism_context = {run_id: ctx.run_id, seed: ctx.seed, timestamp_utc: ctx.timestamp_utc};
  }
  return body;
}

/** The file content: canonical JSON of the payload including `artifact_hash`. */
export function evidenceFileContent(payload: IncidentEvidencePayload): string {
  return canonicalJson(payload);
}

export interface EvidenceVerification {
  verified: boolean;
  /** Recomputed hash. */
  expected: string;
  /** Stored hash, null when absent. */
  stored: string | null;
  /** Why verification failed: HASH_MISSING (strict only) or HASH_MISMATCH. */
  problem: 'HASH_MISSING' | 'HASH_MISMATCH' | null;
}

/**
 * §10.5 verification. A payload without `artifact_hash` fails in strict mode (TS) and counts
 * as verified otherwise (reference behaviour, vector IE-5).
 */
export function verifyIncidentEvidence(payload: Record<string, unknown>, options: {strict: boolean}): EvidenceVerification {
  const {artifact_hash: stored, ...rest} = payload;
  const expected = sha256Hex(canonicalJson(rest));
  if (stored === undefined || stored === null) {
    return {verified: !options.strict, expected, stored: null, problem: options.strict ? 'HASH_MISSING' : null};
  }
  const ok = stored === expected;
  return {verified: ok, expected, stored: String(stored), problem: ok ? null : 'HASH_MISMATCH'};
}

// ---------------------------------------------------------------------------------------
// §10.4 file name

const NAME_LIMIT_BYTES = 250;
const NAME_CUT_BYTES = 232;
const LOOKS_GENERATED = /__[0-9a-f]{16}$/;

/** `<alert_id>__<event_id>__<correlation key with "|" → "_">` (before sanitizing). */
export function evidenceBaseName(alertId: string, eventId: string, correlationKey: string): string {
  return `${alertId}__${eventId}__${correlationKey.replace(/\|/g, '_')}`;
}

/**
 * §10.4 sanitizer (without the `.json` extension): runs of characters outside
 * `A–Z a–z 0–9 . _ = -` become one `_`; leading/trailing `.` and `_` are removed; empty →
 * `incident-evidence`. Kept as is when unchanged, ≤ 250 bytes and not ending in `__` + 16
 * hex; otherwise the sanitized part (cut to 232 bytes) + `__` + first 16 hex of SHA-256 of
 * the original base name. The result is ASCII, at most 250 bytes.
 */
export function sanitizeEvidenceBaseName(base: string): string {
  let name = base.replace(/[^A-Za-z0-9._=-]+/g, '_').replace(/^[._]+|[._]+$/g, '');
  if (name === '') name = 'incident-evidence';
  if (name === base && Buffer.byteLength(name, 'utf8') <= NAME_LIMIT_BYTES && !LOOKS_GENERATED.test(name)) return name;
  return `${name.slice(0, NAME_CUT_BYTES)}__${sha256Hex(base).slice(0, 16)}`;
}

/** The evidence file name (with `.json`) for an alert, event and key. */
export function evidenceFileName(alertId: string, eventId: string, correlationKey: string): string {
  return `${sanitizeEvidenceBaseName(evidenceBaseName(alertId, eventId, correlationKey))}.json`;
}
