import type {EpochMicros} from '../kernel/time.js';
import {BOOL, INSTANT, listOf, NUMBER, STRING, type Type} from './types.js';

/**
 * The evaluation context of every rule: what the pipeline knows about one item. Every field
 * may be null when the data is missing; rules never throw on missing data (docs/RULES.md,
 * "Null semantics"). Instants are epoch microseconds. Lists of network entities are sorted
 * ascending by id by whoever fills the context (the pack relies on it for "first by id").
 */
export interface RuleContext {
  /** The run clock. */
  now: EpochMicros | null;
  event: EventContext;
  source: SourceContext;
  facilities: FacilityContext[];
  lanes: LaneContext[];
  shipments: ShipmentContext[];
  link: LinkContext;
  config: ConfigContext;
  /** Classification and quality rules: the final (clamped) impact score. */
  score?: number | null;
  /** Quality rules: the class from the classify table before caps and floors. */
  classification?: number | null;
  /** Quality rules: structured factor flags set by score rules (`flag:`). */
  flags?: string[];
  quality?: QualityContext;
}

export interface EventContext {
  id: string | null;
  title: string | null;
  /** The body text without the title (pipeline.md §1.2). */
  summary: string | null;
  /** Title and body joined (reference parity). */
  raw_text: string | null;
  url: string | null;
  /** The event type the pack's `types:` section gave (null while that section runs). */
  type: string | null;
  /** The reference's substring event type (used by the scoring pack for parity). */
  type_ref: string | null;
  /** Event time (published, else the run clock). */
  time: EpochMicros | null;
  canonical_id: string | null;
  location_hint: string | null;
  published_at: EpochMicros | null;
  expires_at: EpochMicros | null;
  /** Extracted two-letter state codes, sorted and unique. */
  states: string[];
  /** Extracted county FIPS codes (6 digits), sorted and unique. */
  counties: string[];
  /** NWS fields; null for non-NWS items. */
  nws: NwsContext | null;
}

export interface NwsContext {
  status: string | null;
  message_type: string | null;
  event: string | null;
  severity: string | null;
  certainty: string | null;
  urgency: string | null;
  sender_name: string | null;
  ugc: string[];
  same: string[];
  area_desc: string[];
  /** Raw VTEC strings, e.g. `/O.CON.KHNX.FG.Y.0002.250101T0000Z-250101T1800Z/`. */
  vtec: string[];
  /** Identifiers of the referenced messages, oldest first (the first is the chain root). */
  references: string[];
}

export interface SourceContext {
  id: string | null;
  type: string | null;
  tier: string | null;
  trust_tier: number | null;
  classification_floor: number | null;
  weighting_bias: number | null;
  tags: string[];
}

export interface FacilityContext {
  id: string;
  name: string | null;
  type: string | null;
  city: string | null;
  state: string | null;
  /** criticality_score; null when the CSV cell was empty. */
  criticality: number | null;
}

export interface LaneContext {
  id: string;
  origin: string | null;
  dest: string | null;
  mode: string | null;
  /** volume_score. */
  volume: number | null;
}

export interface ShipmentContext {
  id: string;
  lane_id: string | null;
  status: string | null;
  /** priority_flag. */
  priority: number | null;
  /** Parsed ETA instant (date-only ETAs are 23:59:59Z of that day). */
  eta: EpochMicros | null;
  qty: number | null;
}

export interface LinkContext {
  facility_confidence: number | null;
  lane_confidence: number | null;
  shipment_confidence: number | null;
  /** Provenance code of the strongest facility path (e.g. CITY_STATE_AMBIGUOUS). */
  provenance: string | null;
  ambiguous: boolean | null;
  /** Linked shipments before truncation. */
  shipments_total: number | null;
}

/** Engine settings the pack may read (hardstop.config.yaml `alert_quality`). */
export interface ConfigContext {
  min_confidence_class_1: number | null;
  min_confidence_class_2: number | null;
  min_confidence_ambiguous: number | null;
  allow_quality_override_floor: boolean | null;
}

export interface QualityContext {
  /** Labels of the built-in high-impact keyword detector (pipeline.md §7.1). */
  high_impact_keywords: string[];
}

const obj = (name: string, fields: Record<string, Type>, doc: Record<string, string> = {}): Type => ({t: 'object', name, fields, doc});
const S = STRING;
const LS = listOf(STRING);

export const NWS_TYPE = obj('nws', {
  status: S, message_type: S, event: S, severity: S, certainty: S, urgency: S, sender_name: S,
  ugc: LS, same: LS, area_desc: LS, vtec: LS, references: LS,
});
export const EVENT_TYPE = obj('event', {
  id: S, title: S, summary: S, raw_text: S, url: S, type: S, type_ref: S, time: INSTANT, canonical_id: S,
  location_hint: S, published_at: INSTANT, expires_at: INSTANT, states: LS, counties: LS, nws: NWS_TYPE,
});
export const SOURCE_TYPE = obj('source', {
  id: S, type: S, tier: S, trust_tier: NUMBER, classification_floor: NUMBER, weighting_bias: NUMBER, tags: LS,
});
export const FACILITY_TYPE = obj('facility', {id: S, name: S, type: S, city: S, state: S, criticality: NUMBER});
export const LANE_TYPE = obj('lane', {id: S, origin: S, dest: S, mode: S, volume: NUMBER});
export const SHIPMENT_TYPE = obj('shipment', {id: S, lane_id: S, status: S, priority: NUMBER, eta: INSTANT, qty: NUMBER});
export const LINK_TYPE = obj('link', {
  facility_confidence: NUMBER, lane_confidence: NUMBER, shipment_confidence: NUMBER, provenance: S, ambiguous: BOOL,
  shipments_total: NUMBER,
});
export const CONFIG_TYPE = obj('config', {
  min_confidence_class_1: NUMBER, min_confidence_class_2: NUMBER, min_confidence_ambiguous: NUMBER,
  allow_quality_override_floor: BOOL,
});
export const QUALITY_TYPE = obj('quality', {high_impact_keywords: LS});
/** An alert version as the export bundle lists it (outputs.md §8.1, §8.3): what sink routes see. */
export const ALERT_TYPE = obj('alert', {
  alert_id: S, correlation_key: S, action: S, version: NUMBER, version_hash: S, classification: NUMBER, classification_label: S,
  impact_score: NUMBER, rationale: LS, summary: S, tier: S, trust_tier: NUMBER, source_id: S, facilities: LS, lanes: LS, shipments: LS,
  shipments_total_linked: NUMBER, shipments_truncated: BOOL, first_seen_utc: INSTANT, last_seen_utc: INSTANT, update_count: NUMBER,
  suppression: obj('suppression', {rule_id: S, reason_code: S}),
  evidence: obj('evidence', {hash: S, path: S, verified: BOOL, merge_summary: LS}),
});

/** Every context root and its type. */
export const ROOTS: Record<string, Type> = {
  now: INSTANT,
  event: EVENT_TYPE,
  source: SOURCE_TYPE,
  facilities: listOf(FACILITY_TYPE),
  lanes: listOf(LANE_TYPE),
  shipments: listOf(SHIPMENT_TYPE),
  link: LINK_TYPE,
  config: CONFIG_TYPE,
  score: NUMBER,
  fired: LS,
  classification: NUMBER,
  flags: LS,
  quality: QUALITY_TYPE,
  alert: ALERT_TYPE,
};

/** The places an expression can appear; each sees a subset of the roots. */
export type RuleKind = 'types' | 'suppress' | 'suppress_post_link' | 'score' | 'classify' | 'quality' | 'correlate' | 'route' | 'macro';

const BASE = ['now', 'event', 'source', 'config'];
const NETWORK = ['facilities', 'lanes', 'shipments', 'link'];

/** Roots score rules change as they fire: a later rule sees the running score and the rules fired so far. */
export const SCORE_STATE_ROOTS: readonly string[] = ['score', 'fired'];

export const ROOTS_BY_KIND: Record<RuleKind, readonly string[]> = {
  types: BASE,
  suppress: BASE,
  suppress_post_link: [...BASE, ...NETWORK],
  score: [...BASE, ...NETWORK, ...SCORE_STATE_ROOTS],
  classify: [...BASE, ...NETWORK, 'score'],
  quality: [...BASE, ...NETWORK, 'score', 'classification', 'flags', 'quality'],
  correlate: [...BASE, ...NETWORK],
  route: ['alert'],
  macro: Object.keys(ROOTS),
};

/** Why a root is missing from a kind, for the hint of RULE_UNKNOWN_FIELD. */
export function rootUnavailableHint(root: string, kind: RuleKind): string {
  if (kind === 'types' && NETWORK.includes(root)) {
    return 'an event type depends on the event and its source only, never on what it links to';
  }
  if (kind === 'suppress' && NETWORK.includes(root)) {
    return 'suppression runs before linking; set `pass: post_link` on this rule to see link results';
  }
  if (root === 'score' || root === 'fired') return '`score` exists only in score, classify and quality rules';
  if (kind === 'route') return 'sink routes see one alert version of the export bundle: use alert.<field>';
  if (root === 'alert') return '`alert` exists only in sink route conditions (sinks/*.yaml)';
  return `\`${root}\` is not available in ${kind.replace('_', ' ')} rules`;
}

/** A context with every field present and null/empty: the starting point for tests and tools. */
export function emptyContext(): RuleContext {
  return {
    now: null,
    event: {
      id: null, title: null, summary: null, raw_text: null, url: null, type: null, type_ref: null, time: null,
      canonical_id: null, location_hint: null, published_at: null, expires_at: null, states: [], counties: [], nws: null,
    },
    source: {id: null, type: null, tier: null, trust_tier: null, classification_floor: null, weighting_bias: null, tags: []},
    facilities: [],
    lanes: [],
    shipments: [],
    link: {facility_confidence: null, lane_confidence: null, shipment_confidence: null, provenance: null, ambiguous: null, shipments_total: null},
    config: {min_confidence_class_1: 0.6, min_confidence_class_2: 0.7, min_confidence_ambiguous: 0.5, allow_quality_override_floor: true},
  };
}
