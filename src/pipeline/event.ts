/**
 * The normalized event (domain.md §6.4, pipeline.md §1).
 *
 * Conventions:
 * - Every instant is canonical text (`YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, kernel/time.ts) or null.
 * - Trust fields are integers (validated upstream, domain.md §10.2).
 * - The object is a plain JSON value. Its stored and hashed form is `storedEventJson`: the
 *   canonical JSON without `payload`, which is the raw item's payload (`raw_id`) and is pinned
 *   by `payload_hash` (stored once, in raw_items).
 * - Link results are not part of the event (domain.md §6.5, persisted beside it); the
 *   reference's empty `facilities` / `lanes` / `shipments` lists are kept for shape parity.
 */
import {canonicalJson, type JsonValue} from '../kernel/canonical-json.js';
import type {SourceType, Tier} from '../model/raw-item.js';

/** The reference's event types (`type_ref`), in the category order of pipeline.md §1.4. */
export const EVENT_TYPES = ['WEATHER', 'SPILL', 'STRIKE', 'CLOSURE', 'REG', 'RECALL', 'OTHER'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** NWS-specific fields (domain.md §6.4 TS additions; pipeline.md §3.9). Null for non-NWS items. */
export interface NwsFields {
  /** `status` verbatim: Actual, Exercise, System, Test, Draft. */
  status: string | null;
  /** `messageType` verbatim: Alert, Update, Cancel, Ack, Error. */
  message_type: string | null;
  /** The NWS `event` name, e.g. `Winter Storm Warning`. */
  event: string | null;
  headline: string | null;
  severity: string | null;
  urgency: string | null;
  certainty: string | null;
  /** Identifiers of the referenced (superseded) alerts, in payload order. */
  references: string[];
  /** `geocode.UGC` codes (upper-case, trimmed, first occurrence kept, payload order). */
  ugc: string[];
  /** `geocode.SAME` (CAP: `FIPS6`) codes, same treatment. */
  same: string[];
  /** `areaDesc` split on `;`, each part trimmed, empty parts dropped. */
  area_desc: string[];
  /** `affectedZones` URLs verbatim (the zone code is the last path segment). */
  affected_zones: string[];
  /** `parameters.VTEC` strings verbatim (trimmed). */
  vtec: string[];
  /** `senderName` (an excluded span for linking, pipeline.md §2.2). */
  sender_name: string | null;
  /** `sent` as a canonical instant. */
  sent_at: string | null;
}

export interface CanonicalEvent {
  // --- identity -------------------------------------------------------------------------
  /** `EVT-` + 16 hex (ids.ts eventId): namespaced by source. */
  event_id: string;
  /** The source's own id, verbatim; null when the source gave none. */
  canonical_id: string | null;
  /** Content hash of the candidate (normalize.ts contentHash); the id basis when no canonical id. */
  content_hash: string;
  raw_id: string;
  // --- source and trust -----------------------------------------------------------------
  /** Always `EXTERNAL` for feed items (reference parity). */
  source_type: 'EXTERNAL';
  /** Feed family of the source (rss, nws_alerts, …). */
  source_kind: SourceType;
  source_id: string;
  /** = source_id (reference parity). */
  source_name: string;
  tier: Tier;
  trust_tier: number;
  classification_floor: number;
  weighting_bias: number;
  // --- text ------------------------------------------------------------------------------
  title: string;
  /** Title and body parts joined with single spaces (pipeline.md §1.2, reference parity). */
  raw_text: string;
  /** The body parts without the title (TS addition). */
  summary: string;
  url: string | null;
  // --- classification -------------------------------------------------------------------
  /** The type the rule pack's `types:` table gave (decide.ts); `OTHER` when no row matched. */
  type: string;
  /** Reference substring type (`event_type` of the reference), for parity and the scoring rule. */
  type_ref: EventType;
  /** Always 1 for external events. */
  severity_guess: number;
  // --- time -----------------------------------------------------------------------------
  /** Event time = the candidate's published instant (NWS: `sent`). */
  event_time: string | null;
  published_at: string | null;
  effective_at: string | null;
  onset_at: string | null;
  expires_at: string | null;
  ends_at: string | null;
  // --- location -------------------------------------------------------------------------
  /** TS display hint: payload fields, then the text pattern, then the source `geo` (§1.5). */
  location_hint: string | null;
  /** The reference hint (`geo` first), kept for parity reports. */
  location_hint_ref: string | null;
  /** Canonical JSON text `{"location":"<hint>"}` of the TS hint, or null. */
  entities_json: string | null;
  // --- payload --------------------------------------------------------------------------
  /** The payload as a JSON value (canonical JSON when a text form is needed). */
  payload: {[key: string]: JsonValue};
  /** SHA-256 of canonicalJson(payload). */
  payload_hash: string;
  /** GeoJSON geometry of an NWS feature (payload `geometry`), else null. */
  geometry: JsonValue;
  nws: NwsFields | null;
  // --- link placeholders (reference shape) ----------------------------------------------
  facilities: string[];
  lanes: string[];
  shipments: string[];
}

/** An event as normalized, before the rule pack types it (decide.ts). */
export type UntypedEvent = Omit<CanonicalEvent, 'type'> & {type: null};

/** The stored event document: the canonical JSON of the event without its payload. */
export type StoredEvent = Omit<CanonicalEvent, 'payload'>;

export function storedEventJson(event: CanonicalEvent): string {
  return canonicalJson({...event, payload: undefined});
}
