/**
 * Builds the brief v2 read model (outputs.md §8.1) from stored alert versions, evidence,
 * suppression verdicts, source runs and RunRecords. One read transaction; decides nothing.
 */
import {artifactHash} from '../../kernel/canonical-json.js';
import {type EpochMicros, formatInstant, MICROS_PER_HOUR, parseIsoInstant} from '../../kernel/time.js';
import {computeSourceHealth, type SourceHealth} from '../../sources/health.js';
import type {ResolvedSource} from '../../sources/config.js';
import type {Store} from '../../store/db.js';
import {
  type AlertRankRow,
  alertRanks,
  AlertSummaries,
  facilityPlaces,
  ingestRunTotals,
  runRecordsOfGroups,
  type StoredRunRecordRow,
  suppressedCounts,
  suppressedItems,
  VersionPayloads,
  type VersionPayloadRow,
} from '../../store/read-models-repo.js';
import {alertEntryV2, rootEventIds, versionDocument} from './alert-entry.js';
import {
  BRIEF_TOP_LIMIT,
  BRIEF_V2_OPERATOR,
  BRIEF_V2_READ_MODEL_VERSION,
  type BriefAlertV2,
  type BriefIncident,
  type BriefModelV2,
  type BriefPublicationV2,
  byText,
  distinctAlerts,
  type ReadinessState,
  type SourceHealthRow,
  tierGroup,
} from './model.js';

/** Operators whose records produced the alert versions a report reads (its provenance). */
export const PRODUCING_OPERATORS = ['hardstop.fetch@1.0.0', 'hardstop.ingest@1.0.0'] as const;

/** Readiness as the caller evaluated it (run status in `run`, source gating otherwise). */
export interface Readiness {
  state: ReadinessState;
  reasons: string[];
}

export interface BriefV2Options {
  /** The run clock: the window ends here and `generated_at` is it. */
  now: EpochMicros;
  sinceMicros: EpochMicros;
  includeClass0: boolean;
  limit: number;
  runGroupId: string;
  mode: string;
  configHash: string;
  hardstopVersion: string;
  /** Configured sources (config order): source health and gating. */
  sources: readonly ResolvedSource[];
  /** Readiness decided by the caller (`run`); otherwise evaluated from source gating. */
  readiness?: Readiness | null;
  /** Also read every alert of the window in full (export bundles); briefs read only what they list. */
  readWindow?: boolean;
}

/** One alert of the window with what ranking needs. */
export interface WindowAlert {
  row: AlertRankRow;
  lastSeen: EpochMicros | null;
}

/** What one listed alert version is, as read (entry plus the stored row for bundles and refs). */
export interface ReadAlert {
  entry: BriefAlertV2;
  version: VersionPayloadRow;
}

export interface BriefV2Read {
  model: BriefModelV2;
  /** The alerts the brief lists, each once (top, updated, created order). */
  shown: ReadAlert[];
  /**
   * With `readWindow`: every alert of the window (class 0 only with includeClass0) in canonical
   * order, and the producing RunRecords of their versions ordered by (run_group_id, seq).
   */
  windowAlerts: ReadAlert[];
  runRecords: StoredRunRecordRow[];
}

const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(\d{1,6}))?Z$/;

/** Epoch micros of an instant text; a fast path for the canonical form the store writes. */
export function instantMicros(text: string | null | undefined): EpochMicros | null {
  if (!text) return null;
  const m = CANONICAL_INSTANT.exec(text);
  if (m) {
    const ms = Date.parse(`${text.slice(0, 19)}Z`);
    if (Number.isFinite(ms)) return ms * 1000 + (m[1] ? Number(m[1].padEnd(6, '0')) : 0);
  }
  return parseIsoInstant(text)?.micros ?? null;
}

function descNullsLast(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return b - a;
}

/** §2.2 canonical order with the final tie-breaker alert id ascending. */
export function canonicalOrder(a: WindowAlert, b: WindowAlert): number {
  return (
    b.row.classification - a.row.classification ||
    descNullsLast(a.row.impact_score, b.row.impact_score) ||
    descNullsLast(a.row.update_count, b.row.update_count) ||
    descNullsLast(a.lastSeen, b.lastSeen) ||
    byText(a.row.alert_id, b.row.alert_id)
  );
}

/** Correlation action of an alert's current version; legacy rows fall back on the status. */
export function actionOf(row: AlertRankRow): 'CREATED' | 'UPDATED' {
  if (row.correlation_action === 'CREATED' || row.correlation_action === 'UPDATED') return row.correlation_action;
  return row.status === 'UPDATED' ? 'UPDATED' : 'CREATED';
}

/** The fixed-width seconds prefix used to prefilter canonical instants in SQL. */
export function prefixOf(micros: EpochMicros): string {
  return formatInstant(micros).slice(0, 19);
}

/** Hours text of a window (`7d` → `168h`). */
export function sinceText(sinceMicros: EpochMicros): {since: string; since_hours: number} {
  const hours = Math.floor(sinceMicros / MICROS_PER_HOUR);
  return {since: `${hours}h`, since_hours: hours};
}

/** Every alert whose creation or last change lies in [start, end], canonical order. */
export function windowAlerts(store: Store, start: EpochMicros, end: EpochMicros): WindowAlert[] {
  const inWindow = (t: EpochMicros | null) => t !== null && t >= start && t <= end;
  const out: WindowAlert[] = [];
  for (const row of alertRanks(store, {fromPrefix: prefixOf(start)})) {
    const w = {row, lastSeen: instantMicros(row.last_seen)};
    if (inWindow(w.lastSeen) || inWindow(instantMicros(row.first_seen))) out.push(w);
  }
  return out.sort(canonicalOrder);
}

/** Top 5 by count descending, then id ascending. */
export function rollup(counts: Map<string, number>): {id: string; count: number}[] {
  return [...counts.entries()]
    .map(([id, count]) => ({id, count}))
    .sort((a, b) => b.count - a.count || byText(a.id, b.id))
    .slice(0, 5);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function healthRow(h: SourceHealth): SourceHealthRow {
  return {
    source_id: h.source_id,
    tier: h.tier,
    state: h.gating_state,
    display_state: h.display_state,
    score: h.health_score,
    suppression_pct: h.suppression_ratio === null ? null : Math.round(h.suppression_ratio * 100),
    last_success_utc: h.last_success_utc,
    stale_hours: h.stale_hours === null ? null : round1(h.stale_hours),
  };
}

/** Readiness from source gating (operations.md §7.3, TS §6.4): blocked → BROKEN, watch → DEGRADED. */
export function gatingReadiness(enabled: number, blocked: readonly string[], watch: readonly string[]): Readiness {
  const broken: string[] = [];
  if (enabled === 0) broken.push('No sources enabled');
  if (blocked.length) broken.push(`${blocked.length} source(s) exhausted failure budget: ${blocked.join(', ')}`);
  if (broken.length) return {state: 'BROKEN', reasons: broken};
  if (watch.length) return {state: 'DEGRADED', reasons: [`${watch.length} source(s) on WATCH: ${watch.join(', ')}`]};
  return {state: 'READY', reasons: []};
}

/** Health of the enabled sources, their gating lists and the readiness they imply (also gates exports). */
export function sourceGating(
  store: Store | undefined,
  configured: readonly ResolvedSource[],
  now: EpochMicros,
): {health: SourceHealth[]; sources: {blocked: string[]; watch: string[]; pending: string[]}; readiness: Readiness} {
  const health = computeSourceHealth(store, configured, {now}).filter((h) => h.enabled);
  const gate = (s: string) => health.filter((h) => h.gating_state === s).map((h) => h.source_id).sort(byText);
  const sources = {blocked: gate('BLOCKED'), watch: gate('WATCH'), pending: gate('PENDING')};
  return {health, sources, readiness: gatingReadiness(health.length, sources.blocked, sources.watch)};
}

function publicationOf(readiness: Readiness, unverified: readonly string[]): BriefPublicationV2 {
  const reasons = [...readiness.reasons];
  if (unverified.length) reasons.push(`incident evidence failed verification: ${unverified.join(', ')}`);
  const draft = readiness.state === 'BROKEN' || unverified.length > 0;
  return {state: draft ? 'DRAFT_ONLY' : 'AUTHORITATIVE', readiness_state: readiness.state, reasons: draft ? reasons : readiness.reasons};
}

/** `BRIEF-<UTC date of end>-<first 16 hex of the hash of the model with brief_id "">`. */
export function briefIdOf(model: BriefModelV2): string {
  const hash = artifactHash({...model, header: {...model.header, brief_id: ''}});
  return `BRIEF-${model.window.end.slice(0, 10).replace(/-/g, '')}-${hash.slice(0, 16)}`;
}

/** The model and what it read. `store` is undefined in a home without a database: a quiet day. */
export function buildBriefV2(store: Store | undefined, opts: BriefV2Options): BriefV2Read {
  if (!Number.isInteger(opts.limit) || opts.limit < 0) throw new RangeError(`brief: limit must be a non-negative integer, got ${opts.limit}`);
  if (!store) return readBrief(undefined, opts);
  return store.read(() => readBrief(store, opts));
}

function readBrief(store: Store | undefined, opts: BriefV2Options): BriefV2Read {
  const end = opts.now;
  const start = end - opts.sinceMicros;
  const inWindow = (t: EpochMicros | null) => t !== null && t >= start && t <= end;
  const window = store ? windowAlerts(store, start, end) : [];
  const listed = opts.includeClass0 ? window : window.filter((w) => w.row.classification !== 0);

  const summaries = store ? new AlertSummaries(store) : undefined;
  const payloads = store ? new VersionPayloads(store) : undefined;
  const cache = new Map<string, ReadAlert>();
  const read = (w: WindowAlert): ReadAlert => {
    const hit = cache.get(w.row.alert_id);
    if (hit) return hit;
    const row = summaries!.get(w.row.alert_id);
    const v = payloads!.get(w.row.alert_id, w.row.current_version);
    // The window and the entries are read in one transaction: a ranked alert has its rows.
    if (!row || !v) throw new Error(`brief: alert ${w.row.alert_id} version ${w.row.current_version} vanished while the brief was read`);
    const r = {entry: alertEntryV2(row, v), version: v};
    cache.set(w.row.alert_id, r);
    return r;
  };

  const tierCounts = {global: 0, regional: 0, local: 0, unknown: 0};
  for (const w of listed) tierCounts[tierGroup(w.row.tier)]++;
  const created = listed.filter((w) => actionOf(w.row) === 'CREATED');
  const updated = listed.filter((w) => actionOf(w.row) === 'UPDATED');
  const counts = {
    new: created.length,
    updated: updated.length,
    impactful: window.filter((w) => w.row.classification === 2).length,
    relevant: window.filter((w) => w.row.classification === 1).length,
    interesting: window.filter((w) => w.row.classification === 0).length,
  };
  const newIncidents = listed.filter((w) => {
    const t = instantMicros(w.row.first_seen);
    return t !== null && t >= start;
  }).length;

  const top = window
    .filter((w) => w.row.classification === 2)
    .slice(0, BRIEF_TOP_LIMIT)
    .map((w, i) => ({e: read(w).entry, i}))
    .sort((a, b) => (b.e.impact_score ?? 0) - (a.e.impact_score ?? 0) || a.i - b.i)
    .map((x) => x.e);
  const updatedEntries = updated.slice(0, opts.limit).map((w) => read(w).entry);
  const createdEntries = created.slice(0, opts.limit).map((w) => read(w).entry);

  // Suppression: verdicts and INGEST totals whose instants lie in the window.
  const byRule = new Map<string, number>();
  const bySource = new Map<string, number>();
  let suppressedCount = 0;
  const from = prefixOf(start);
  for (const s of store ? suppressedCounts(store, from) : []) {
    if (!inWindow(instantMicros(s.decided_at))) continue;
    suppressedCount += s.n;
    byRule.set(s.primary_rule_id, (byRule.get(s.primary_rule_id) ?? 0) + s.n);
    bySource.set(s.source_id, (bySource.get(s.source_id) ?? 0) + s.n);
  }
  const items = (store ? suppressedItems(store, from) : [])
    .map((s) => ({s, t: instantMicros(s.suppressed_at)}))
    .filter((x) => inWindow(x.t))
    .sort((a, b) => (b.t ?? 0) - (a.t ?? 0) || byText(a.s.raw_id, b.s.raw_id))
    .slice(0, opts.limit)
    .map(({s}) => ({raw_id: s.raw_id, source_id: s.source_id, title: s.title ?? '', rule_id: s.rule_id, reason_code: s.reason_code, suppressed_at: s.suppressed_at}));
  let processed = 0;
  let suppressedInRuns = 0;
  for (const r of store ? ingestRunTotals(store, from) : []) {
    if (!inWindow(instantMicros(r.run_at))) continue;
    processed += r.items_processed;
    suppressedInRuns += r.items_suppressed;
  }

  const {health, sources, readiness: gated} = sourceGating(store, opts.sources, end);
  const readiness = opts.readiness ?? gated;

  const model: BriefModelV2 = {
    read_model_version: BRIEF_V2_READ_MODEL_VERSION,
    header: {
      brief_id: '',
      generated_at: formatInstant(end),
      run_group_id: opts.runGroupId,
      run_ids: [],
      mode: opts.mode,
      config_hash: opts.configHash,
      hardstop_version: opts.hardstopVersion,
      operator_version: BRIEF_V2_OPERATOR,
    },
    window: {...sinceText(opts.sinceMicros), start: formatInstant(start), end: formatInstant(end)},
    publication: {state: 'AUTHORITATIVE', readiness_state: readiness.state, reasons: []},
    summary: {
      counts,
      tier_counts: tierCounts,
      incidents: {new: newIncidents, ongoing: listed.length - newIncidents},
      sources,
      suppression: {suppressed: suppressedInRuns, processed, rate: processed > 0 ? suppressedInRuns / processed : null},
    },
    top,
    updated: updatedEntries,
    created: createdEntries,
    suppressed: {
      count: suppressedCount,
      by_rule: rollup(byRule).map((x) => ({rule_id: x.id, count: x.count})),
      by_source: rollup(bySource).map((x) => ({source_id: x.id, count: x.count})),
      items,
    },
    incidents: [],
    source_health: health.map(healthRow),
    facilities: [],
  };

  const shown = distinctAlerts(model);
  const unverified = shown.filter((e) => !e.evidence.verified).map((e) => e.alert_id).sort(byText);
  model.publication = publicationOf(readiness, unverified);
  model.incidents = shown.map((e) => incidentOf(e, cache.get(e.alert_id)!.version)).filter((x): x is BriefIncident => x !== null);
  const facilityIds = [...new Set(shown.flatMap((e) => e.facilities))].sort(byText);
  model.facilities = store ? facilityPlaces(store, facilityIds).map((f) => ({facility_id: f.facility_id, name: f.name, lat: f.lat, lon: f.lon})) : [];

  const shownReads = shown.map((e) => cache.get(e.alert_id)!);
  const recordsOf = (reads: readonly ReadAlert[]) => (store ? runRecordsOfGroups(store, reads.map((r) => r.version.run_group_id), PRODUCING_OPERATORS) : []);
  model.header.run_ids = recordsOf(shownReads).map((r) => r.run_id).sort(byText);
  model.header.brief_id = briefIdOf(model);
  const all = opts.readWindow ? listed.map(read) : [];
  return {model, shown: shownReads, windowAlerts: all, runRecords: opts.readWindow ? recordsOf(all) : []};
}

function incidentOf(e: BriefAlertV2, v: VersionPayloadRow): BriefIncident | null {
  const roots = rootEventIds(versionDocument(v));
  if (roots.length <= 1) return null;
  return {
    incident_id: e.alert_id,
    correlation_key: e.correlation_key,
    root_event_ids: roots,
    start: e.first_seen_utc,
    end: e.last_seen_utc,
    update_count: e.update_count,
    merge_summary: e.evidence.merge_summary,
    evidence: {hash: e.evidence.hash, path: e.evidence.path},
  };
}

/** Refs of what the brief read, for its RunRecord (§8.5). */
export function readRefs(reads: readonly ReadAlert[]): {id: string; hash: string; kind: string}[] {
  const out: {id: string; hash: string; kind: string}[] = [];
  for (const r of reads) {
    out.push({id: `alert-version:${r.entry.alert_id}:${r.entry.version}`, hash: r.version.alert_hash, kind: 'AlertVersion'});
    out.push({id: `incident-evidence:${r.entry.alert_id}:${r.version.evidence_hash}`, hash: r.version.evidence_hash, kind: 'IncidentEvidence'});
  }
  return out;
}
