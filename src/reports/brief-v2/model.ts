/**
 * The brief v2 read model (outputs.md §8.1): one document, built once from stored artifacts and
 * rendered four ways. Types and the words the renderers share live here; building is in
 * build.ts, rendering in the render-*.ts modules.
 */

export const BRIEF_V2_READ_MODEL_VERSION = 'brief.v2';
export const BRIEF_V2_OPERATOR = 'hardstop.brief@2.0.0';
export const BRIEF_TOP_LIMIT = 2;
export const BRIEF_DEFAULT_LIMIT = 20;

export type CorrelationAction = 'CREATED' | 'UPDATED';
export type TierGroup = 'global' | 'regional' | 'local' | 'unknown';
export const TIER_ORDER: readonly TierGroup[] = ['global', 'regional', 'local', 'unknown'];

/** Null and unrecognised tiers are Unknown. */
export function tierGroup(tier: string | null | undefined): TierGroup {
  return tier === 'global' || tier === 'regional' || tier === 'local' ? tier : 'unknown';
}

/** Labels are words, not codes (issue 14). */
export const CLASSIFICATION_LABEL: Record<number, string> = {2: 'Impactful', 1: 'Relevant', 0: 'Interesting'};

export function classificationLabel(c: number): string {
  return CLASSIFICATION_LABEL[c] ?? `Classification ${c}`;
}

export interface EvidenceRef {
  /** The incident-evidence `artifact_hash` stored with the alert version. */
  hash: string;
  /** Home-relative path with `/` of the evidence file under output/incidents/ (null when the version names none). */
  path: string | null;
  /** The stored payload re-hashes to its `artifact_hash` and agrees with the version's column. */
  verified: boolean;
  merge_summary: string[];
}

/** §8.1 alert entry: one stored alert version. */
export interface BriefAlertV2 {
  alert_id: string;
  correlation_key: string;
  action: CorrelationAction;
  version: number;
  classification: number;
  classification_label: string;
  impact_score: number | null;
  /** Verbatim from the scoring trace of the version (`impact_score_breakdown`). */
  rationale: string[];
  summary: string;
  tier: string | null;
  trust_tier: number | null;
  source_id: string | null;
  facilities: string[];
  lanes: string[];
  shipments: string[];
  shipments_total_linked: number;
  shipments_truncated: boolean;
  first_seen_utc: string;
  last_seen_utc: string;
  update_count: number;
  suppression: {rule_id: string; reason_code: string | null} | null;
  evidence: EvidenceRef;
}

export interface BriefHeader {
  brief_id: string;
  generated_at: string;
  run_group_id: string;
  run_ids: string[];
  mode: string;
  config_hash: string;
  hardstop_version: string;
  operator_version: string;
}

export type PublicationState = 'AUTHORITATIVE' | 'DRAFT_ONLY';
export type ReadinessState = 'READY' | 'DEGRADED' | 'BROKEN';

export interface BriefPublicationV2 {
  state: PublicationState;
  readiness_state: ReadinessState;
  reasons: string[];
}

export interface BriefCounts {
  new: number;
  updated: number;
  impactful: number;
  relevant: number;
  interesting: number;
}

export interface TierCounts {
  global: number;
  regional: number;
  local: number;
  unknown: number;
}

export interface BriefSummary {
  counts: BriefCounts;
  tier_counts: TierCounts;
  incidents: {new: number; ongoing: number};
  sources: {blocked: string[]; watch: string[]; pending: string[]};
  suppression: {suppressed: number; processed: number; rate: number | null};
}

export interface SuppressedItem {
  raw_id: string;
  source_id: string;
  title: string;
  rule_id: string;
  reason_code: string | null;
  suppressed_at: string;
}

export interface BriefSuppressed {
  count: number;
  by_rule: {rule_id: string; count: number}[];
  by_source: {source_id: string; count: number}[];
  items: SuppressedItem[];
}

export interface BriefIncident {
  incident_id: string;
  correlation_key: string;
  root_event_ids: string[];
  start: string;
  end: string;
  update_count: number;
  merge_summary: string[];
  evidence: {hash: string; path: string | null};
}

export interface SourceHealthRow {
  source_id: string;
  tier: string | null;
  /** Gating state (operations.md §6.4): HEALTHY, WATCH, BLOCKED or PENDING. */
  state: string;
  display_state: string;
  score: number;
  suppression_pct: number | null;
  last_success_utc: string | null;
  stale_hours: number | null;
}

/**
 * Where the affected facilities are (TS addition to §8.1, so the HTML map is a pure function of
 * the model): every distinct facility of the listed alerts known to the network, by id.
 */
export interface FacilityPlace {
  facility_id: string;
  name: string;
  lat: number | null;
  lon: number | null;
}

export interface BriefModelV2 {
  read_model_version: typeof BRIEF_V2_READ_MODEL_VERSION;
  header: BriefHeader;
  window: {since: string; since_hours: number; start: string; end: string};
  publication: BriefPublicationV2;
  summary: BriefSummary;
  top: BriefAlertV2[];
  updated: BriefAlertV2[];
  created: BriefAlertV2[];
  suppressed: BriefSuppressed;
  incidents: BriefIncident[];
  source_health: SourceHealthRow[];
  facilities: FacilityPlace[];
}

/** Each listed alert once, in the order top, updated, created. */
export function distinctAlerts(model: BriefModelV2): BriefAlertV2[] {
  const seen = new Map<string, BriefAlertV2>();
  for (const e of [...model.top, ...model.updated, ...model.created]) if (!seen.has(e.alert_id)) seen.set(e.alert_id, e);
  return [...seen.values()];
}

/** Code-point order (JS string comparison is UTF-16 order; ids are ASCII). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
