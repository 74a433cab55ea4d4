/**
 * Alerts read models (outputs.md §6): the list in canonical order and the detail of one alert
 * with its version history. Documents are served as stored in the alert version (R-17), never
 * rebuilt from the row; verification state is reported, never dropped.
 */
import {type EpochMicros, formatInstant} from '../kernel/time.js';
import {instantMicros} from './brief-v2/build.js';
import {verifyIncidentEvidence} from '../pipeline/evidence.js';
import {classificationTone, paint} from '../present/colour.js';
import {table} from '../present/table.js';
import type {Store} from '../store/db.js';
import {requireAlert} from '../store/known-ids-repo.js';
import {
  alertDetail,
  alertRanks,
  AlertSummaries,
  type AlertSummaryRow,
  alertVersionHistory,
  rootEvents,
  VersionPayloads,
} from '../store/read-models-repo.js';
import {newestSourceRuns} from '../store/source-runs-repo.js';

export const DEFAULT_ALERTS_LIMIT = 50;

export interface AlertListItem {
  alert_id: string;
  version: number;
  correlation_key: string | null;
  correlation_action: 'CREATED' | 'UPDATED';
  classification: number;
  impact_score: number | null;
  risk_type: string;
  status: string;
  summary: string;
  source_id: string | null;
  tier: string | null;
  trust_tier: number | null;
  update_count: number;
  first_seen_utc: string;
  last_seen_utc: string;
  alert_hash: string | null;
  /** Facility and lane ids the current version linked (its scope). */
  facilities: string[];
  lanes: string[];
}

export interface AlertListOptions {
  /** Run clock: the window is [now − since, now]. */
  now: EpochMicros;
  /** Absent = all time (no implicit cap, OUT-9). */
  sinceMicros?: EpochMicros | null;
  classification?: number | null;
  sourceId?: string | null;
  /** Exact tier of the alert (`export alerts --tier`). */
  tier?: string | null;
  /** Alerts whose current version linked any of these facilities / lanes (none: no filter). */
  facilityIds?: readonly string[] | null;
  laneIds?: readonly string[] | null;
  limit?: number;
}

export interface AlertList {
  /** Alerts matching the filters before the limit. */
  total: number;
  limit: number;
  items: AlertListItem[];
}

const micros = instantMicros;

function descNullsLast(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return b - a;
}

function ascNullsLast(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a - b;
}

function scopeIds(scopeJson: string): {facilities: string[]; lanes: string[]} {
  const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  try {
    const scope = JSON.parse(scopeJson) as {facilities?: unknown; lanes?: unknown};
    return {facilities: ids(scope.facilities), lanes: ids(scope.lanes)};
  } catch {
    return {facilities: [], lanes: []};
  }
}

function itemOf(r: AlertSummaryRow, payloads: VersionPayloads): AlertListItem {
  return {
    alert_id: r.alert_id,
    version: r.current_version,
    correlation_key: r.correlation_key,
    correlation_action: r.correlation_action ?? (r.status === 'UPDATED' ? 'UPDATED' : 'CREATED'),
    classification: r.classification,
    impact_score: r.impact_score,
    risk_type: r.risk_type,
    status: r.status,
    summary: r.summary,
    source_id: r.source_id,
    tier: r.tier,
    trust_tier: r.trust_tier,
    update_count: r.update_count ?? 0,
    first_seen_utc: r.first_seen,
    last_seen_utc: r.last_seen,
    alert_hash: payloads.hashes(r.alert_id, r.current_version)?.alert_hash ?? null,
    ...scopeIds(r.scope_json),
  };
}

/**
 * §6.2 list: filters before the limit, canonical order with the alert-id tie-breaker (R-12).
 * Every matching alert is ranked from narrow columns; only the listed ones are read in full,
 * in the same read transaction.
 */
export function listAlerts(store: Store, opts: AlertListOptions): AlertList {
  return store.read(() => readAlertList(store, opts));
}

function readAlertList(store: Store, opts: AlertListOptions): AlertList {
  const limit = opts.limit ?? DEFAULT_ALERTS_LIMIT;
  const start = opts.sinceMicros !== undefined && opts.sinceMicros !== null ? opts.now - opts.sinceMicros : null;
  const rows = alertRanks(store, {
    fromPrefix: start === null ? null : formatInstant(start).slice(0, 19),
    classification: opts.classification,
    sourceId: opts.sourceId,
    facilityIds: opts.facilityIds,
    laneIds: opts.laneIds,
  });
  const keyed = rows
    .map((r) => ({r, first: micros(r.first_seen), last: micros(r.last_seen)}))
    .filter((k) => {
      if (opts.tier !== undefined && opts.tier !== null && k.r.tier !== opts.tier) return false;
      if (start === null) return true;
      const inside = (t: EpochMicros | null) => t !== null && t >= start && t <= opts.now;
      return inside(k.first) || inside(k.last);
    });
  keyed.sort(
    (a, b) =>
      b.r.classification - a.r.classification ||
      descNullsLast(a.r.impact_score, b.r.impact_score) ||
      descNullsLast(a.r.update_count, b.r.update_count) ||
      descNullsLast(a.last, b.last) ||
      (a.r.alert_id < b.r.alert_id ? -1 : a.r.alert_id > b.r.alert_id ? 1 : 0),
  );
  const summaries = new AlertSummaries(store);
  const payloads = new VersionPayloads(store);
  const items = keyed.slice(0, limit).map((k) => {
    const r = summaries.get(k.r.alert_id);
    if (!r) throw new Error(`alerts list: alert ${k.r.alert_id} vanished while the list was read`);
    return itemOf(r, payloads);
  });
  return {total: keyed.length, limit, items};
}

/** The stored alert documents of the listed alerts' current versions (for `--json`). */
export function listedDocuments(store: Store, list: AlertList): Record<string, unknown>[] {
  const payloads = new VersionPayloads(store);
  return list.items.map((it) => {
    const v = payloads.get(it.alert_id, it.version);
    const doc = v ? (JSON.parse(v.alert_json) as Record<string, unknown>) : {};
    return {...doc, correlation_action: it.correlation_action, tier: it.tier, alert_hash: it.alert_hash};
  });
}

function cut(text: string, width: number): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  return chars.length <= width ? chars.join('') : `${chars.slice(0, width - 1).join('')}…`;
}

/** Up to three ids, then how many more. */
function idsCell(ids: readonly string[]): string {
  if (ids.length === 0) return '-';
  return ids.length <= 3 ? ids.join(',') : `${ids.slice(0, 3).join(',')},+${ids.length - 3}`;
}

/** The text table of `alerts list`; with `colour` each CLASS in its tone (2 red, 1 yellow, 0 dim). */
export function alertListTable(list: AlertList, opts: {colour?: boolean} = {}): string {
  if (list.items.length === 0) return 'No alerts match.';
  const rows = list.items.map((a) => [
    a.alert_id,
    paint(classificationTone(a.classification), String(a.classification), opts.colour === true),
    a.impact_score === null ? '-' : String(a.impact_score),
    a.correlation_action,
    String(a.update_count),
    a.tier ?? '-',
    a.source_id ?? '-',
    idsCell(a.facilities),
    a.last_seen_utc,
    cut(a.summary, 60),
  ]);
  const head = table(['ALERT', 'CLASS', 'IMPACT', 'ACTION', 'UPDATES', 'TIER', 'SOURCE', 'FACILITIES', 'LAST_SEEN', 'SUMMARY'], rows);
  const more = list.total > list.items.length ? `\n${list.items.length} of ${list.total} alert(s) shown (raise --limit to see more)` : `\n${list.total} alert(s)`;
  return head + more;
}

// ---------------------------------------------------------------------------------------
// detail

export interface AlertVersionEntry {
  version: number;
  correlation_action: 'CREATED' | 'UPDATED';
  classification: number;
  impact_score: number;
  decided_at: string;
  event_id: string;
  event_title: string | null;
  event_time: string | null;
  event_source_id: string | null;
  run_group_id: string;
  alert_hash: string;
  evidence_hash: string;
  evidence_verified: boolean;
  merge_summary: string[];
}

export interface AlertDetail {
  alert: Record<string, unknown>;
  alert_id: string;
  current_version: number;
  correlation_action: 'CREATED' | 'UPDATED';
  current_tier: string | null;
  current_source_id: string | null;
  evidence: {artifact_hash: string | null; artifact_path: string | null; verified: boolean; expected_hash: string | null};
  provenance: {root_event_count: number; root_event_ids: string[] | null; first_seen_source_id: string | null; first_seen_tier: string | null};
  source_runs_summary: {
    source_id: string;
    last_success_utc: string | null;
    success_rate: number | null;
    last_status_code: number | null;
    last_items_new: number | null;
    last_ingest: {run_at: string; items_processed: number; items_suppressed: number; items_alerts_touched: number} | null;
  } | null;
  versions: AlertVersionEntry[];
}

function evidenceCheck(json: string, storedColumn: string): {verified: boolean; expected: string | null; merge_summary: string[]} {
  try {
    const payload = JSON.parse(json) as Record<string, unknown>;
    const check = verifyIncidentEvidence(payload, {strict: true});
    const summary = Array.isArray(payload.merge_summary) ? payload.merge_summary.filter((x): x is string => typeof x === 'string') : [];
    return {verified: check.verified && check.stored === storedColumn, expected: check.expected, merge_summary: summary};
  } catch {
    return {verified: false, expected: null, merge_summary: []};
  }
}

const LOOKBACK_RUNS = 10;

/** The stored alert document; {} when the version row is missing or its JSON unreadable. */
function documentOf(json: string | null): Record<string, unknown> {
  if (json === null) return {};
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** §6.2 detail, or a usage error (exit 2) naming close ids when the alert does not exist. */
export function getAlertDetail(store: Store, alertId: string): AlertDetail {
  const row = alertDetail(store, requireAlert(store, alertId, '<id>'))!;
  const history = alertVersionHistory(store, alertId);
  const versions: AlertVersionEntry[] = history.map((h) => {
    const ev = evidenceCheck(h.evidence_json, h.evidence_hash);
    return {
      version: h.version,
      correlation_action: h.correlation_action,
      classification: h.classification,
      impact_score: h.impact_score,
      decided_at: h.decided_at,
      event_id: h.event_id,
      event_title: h.event_title,
      event_time: h.event_time,
      event_source_id: h.event_source_id,
      run_group_id: h.run_group_id,
      alert_hash: h.alert_hash,
      evidence_hash: h.evidence_hash,
      evidence_verified: ev.verified,
      merge_summary: ev.merge_summary,
    };
  });
  const document = documentOf(row.alert_json);
  const current = history.find((h) => h.version === row.current_version);
  const currentCheck = current ? evidenceCheck(current.evidence_json, current.evidence_hash) : {verified: false, expected: null, merge_summary: []};
  const docEvidence = (document.evidence as {incident_evidence?: {artifact_hash?: string; artifact_path?: string}} | undefined)?.incident_evidence;

  let rootIds: string[] = [];
  try {
    const parsed = JSON.parse(row.root_event_ids_json) as unknown;
    if (Array.isArray(parsed)) rootIds = parsed.filter((x): x is string => typeof x === 'string');
  } catch {
    rootIds = [];
  }
  const roots = rootEvents(store, rootIds)
    .map((r) => ({r, t: micros(r.fetched_at) ?? micros(r.published_at) ?? micros(r.event_time)}))
    .sort((a, b) => ascNullsLast(a.t, b.t) || (a.r.event_id < b.r.event_id ? -1 : a.r.event_id > b.r.event_id ? 1 : 0));
  const firstRoot = roots[0]?.r;

  let sourceSummary: AlertDetail['source_runs_summary'] = null;
  if (row.source_id) {
    const runs = newestSourceRuns(store, row.source_id, 'FETCH', LOOKBACK_RUNS);
    const ingest = newestSourceRuns(store, row.source_id, 'INGEST', 1)[0];
    const counted = runs.filter((r) => r.status !== 'SKIPPED');
    const success = counted.filter((r) => r.status === 'SUCCESS');
    sourceSummary = {
      source_id: row.source_id,
      last_success_utc: success[0]?.run_at ?? null,
      success_rate: counted.length ? success.length / counted.length : null,
      last_status_code: runs[0]?.status_code ?? null,
      last_items_new: runs[0]?.items_new ?? null,
      last_ingest: ingest
        ? {run_at: ingest.run_at, items_processed: ingest.items_processed, items_suppressed: ingest.items_suppressed, items_alerts_touched: ingest.items_alerts_touched}
        : null,
    };
  }

  return {
    alert: document,
    alert_id: row.alert_id,
    current_version: row.current_version,
    correlation_action: row.correlation_action ?? (row.status === 'UPDATED' ? 'UPDATED' : 'CREATED'),
    current_tier: row.tier,
    current_source_id: row.source_id,
    evidence: {
      artifact_hash: current?.evidence_hash ?? docEvidence?.artifact_hash ?? null,
      artifact_path: docEvidence?.artifact_path ?? null,
      verified: currentCheck.verified,
      expected_hash: currentCheck.expected,
    },
    provenance: {
      root_event_count: rootIds.length,
      root_event_ids: rootIds.length <= 10 ? rootIds : null,
      first_seen_source_id: firstRoot?.source_id ?? null,
      first_seen_tier: firstRoot?.tier ?? null,
    },
    source_runs_summary: sourceSummary,
    versions,
  };
}

function scopeText(doc: Record<string, unknown>): string {
  const s = (doc.scope ?? {}) as {facilities?: string[]; lanes?: string[]; shipments?: string[]; shipments_total_linked?: number};
  const f = s.facilities ?? [];
  const l = s.lanes ?? [];
  const sh = s.shipments ?? [];
  const total = typeof s.shipments_total_linked === 'number' ? s.shipments_total_linked : sh.length;
  const parts = [
    `facilities ${f.length ? f.join(', ') : '-'}`,
    `lanes ${l.length ? l.join(', ') : '-'}`,
    `shipments ${total > sh.length ? `${sh.length}/${total}` : sh.length}${sh.length ? ` (${sh.join(', ')})` : ''}`,
  ];
  return parts.join('; ');
}

/** The text form of `alerts show`. */
export function alertDetailText(d: AlertDetail): string {
  const doc = d.alert;
  const str = (v: unknown) => (v === null || v === undefined || v === '' ? '-' : String(v));
  const lines = [
    `Alert ${d.alert_id} (version ${d.current_version}, ${d.correlation_action})`,
    `  Summary:         ${str(doc.summary)}`,
    `  Classification:  ${str(doc.classification)}   Impact: ${str(doc.impact_score)}   Risk type: ${str(doc.risk_type)}   Status: ${str(doc.status)}`,
    `  Source:          ${str(d.current_source_id)}   Tier: ${str(d.current_tier)}`,
    `  Correlation key: ${str((doc.correlation as {key?: string} | undefined)?.key)}`,
    `  First seen:      ${str(doc.first_seen)}   Last seen: ${str(doc.last_seen)}   Last event: ${str(doc.last_event_time)}`,
    `  Updates:         ${str(doc.update_count)}`,
    `  Scope:           ${scopeText(doc)}`,
    `  Evidence:        ${str(d.evidence.artifact_hash)} ${d.evidence.verified ? '(verified)' : `(UNVERIFIED, recomputed ${str(d.evidence.expected_hash)})`}${d.evidence.artifact_path ? ` ${d.evidence.artifact_path}` : ''}`,
    `  Root events:     ${d.provenance.root_event_count}${d.provenance.root_event_ids ? ` (${d.provenance.root_event_ids.join(', ')})` : ''}; first seen from ${str(d.provenance.first_seen_source_id)} (${str(d.provenance.first_seen_tier)})`,
  ];
  const reasoning = Array.isArray(doc.reasoning) ? (doc.reasoning as {text?: unknown}[]).map((r) => (typeof r?.text === 'string' ? r.text : null)).filter((x): x is string => x !== null) : [];
  if (reasoning.length) {
    lines.push('', 'Reasoning');
    for (const r of reasoning) lines.push(`  - ${r}`);
  }
  lines.push('', 'Versions');
  lines.push(
    table(
      ['VERSION', 'ACTION', 'CLASS', 'IMPACT', 'DECIDED_AT', 'EVENT', 'EVIDENCE'],
      d.versions.map((v) => [
        String(v.version),
        v.correlation_action,
        String(v.classification),
        String(v.impact_score),
        v.decided_at,
        v.event_id,
        `${v.evidence_hash.slice(0, 12)}${v.evidence_verified ? '' : ' UNVERIFIED'}`,
      ]),
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  return lines.join('\n');
}
