/**
 * What `export alerts`, `export brief` and `export sources` carry (outputs.md §4.2–4.4): the
 * stored alert documents, the brief v1 model without a wall-clock value, and the
 * source health rows. Each returns its export content and the stored artifacts it read.
 */
import type {EpochMicros} from '../../kernel/time.js';
import type {ResolvedSource} from '../../sources/config.js';
import {computeSourceHealth, type Lookback} from '../../sources/health.js';
import type {Store} from '../../store/db.js';
import {VersionPayloads} from '../../store/read-models-repo.js';
import {type AlertListItem, type AlertListOptions, listAlerts} from '../alerts.js';
import {byText} from '../brief-v2/model.js';
import {csvText} from '../csv.js';
import {type BriefV1Options, briefV1ArtifactHashes, buildBriefV1} from './brief-v1.js';
import {csvExport, type ExportContent, type ExportFormat, jsonExport} from './envelope.js';

/** A stored artifact an export read (RunRecord input ref). */
export interface ExportRead {
  id: string;
  hash: string;
  kind: string;
}

export interface ExportResult {
  content: ExportContent;
  reads: ExportRead[];
  /** Number of rows or alerts exported (for the status line). */
  count: number;
}

/** The reference's 11 CSV columns (§4.3), with LF record ends. */
export const ALERT_EXPORT_COLUMNS = [
  'alert_id',
  'classification',
  'impact_score',
  'tier',
  'trust_tier',
  'source_id',
  'correlation_action',
  'update_count',
  'first_seen_utc',
  'last_seen_utc',
  'summary',
] as const;

type Doc = Record<string, unknown>;

function obj(v: unknown): Doc | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : null;
}

/** §4.3: the stored documents of the current versions, plus the deprecated `priority` and `diagnostics`. */
export function alertsExport(store: Store | undefined, opts: AlertListOptions, format: ExportFormat, exportedAt: string): ExportResult {
  if (!store) return alertsContent([], [], format, exportedAt);
  return store.read(() => {
    const list = listAlerts(store, opts);
    const payloads = new VersionPayloads(store);
    const docs: {doc: Doc; item: AlertListItem}[] = [];
    const reads: ExportRead[] = [];
    for (const it of list.items) {
      const v = payloads.get(it.alert_id, it.version);
      if (!v) continue;
      const doc = obj(JSON.parse(v.alert_json)) ?? {};
      const diagnostics = obj(obj(doc.evidence)?.diagnostics) ?? null;
      docs.push({doc: {...doc, priority: it.classification, diagnostics}, item: it});
      reads.push({id: `alert-version:${it.alert_id}:${it.version}`, hash: v.alert_hash, kind: 'AlertVersion'});
      reads.push({id: `incident-evidence:${it.alert_id}:${v.evidence_hash}`, hash: v.evidence_hash, kind: 'IncidentEvidence'});
    }
    return alertsContent(docs, reads, format, exportedAt);
  });
}

function alertsContent(docs: {doc: Doc; item: AlertListItem}[], reads: ExportRead[], format: ExportFormat, exportedAt: string): ExportResult {
  const hashes = [...new Set(reads.filter((r) => r.kind === 'IncidentEvidence').map((r) => r.hash))].sort(byText);
  if (format === 'json') return {content: jsonExport(docs.map((d) => d.doc), exportedAt, hashes), reads, count: docs.length};
  const rows = docs.map(({doc, item}) => {
    const impact = obj(doc.diagnostics)?.impact_score;
    const action = obj(doc.correlation)?.action;
    return [
      item.alert_id,
      item.classification,
      typeof impact === 'number' ? impact : item.impact_score,
      item.tier,
      item.trust_tier,
      item.source_id,
      typeof action === 'string' ? action : item.correlation_action,
      item.update_count,
      item.first_seen_utc,
      item.last_seen_utc,
      item.summary,
    ];
  });
  return {content: csvExport(csvText(ALERT_EXPORT_COLUMNS, rows), ALERT_EXPORT_COLUMNS, rows.length, hashes), reads, count: rows.length};
}

/** §4.2: the brief v1 model (evidence best-effort, no publication block) whose time is its newest alert's. */
export function briefExport(store: Store | undefined, opts: BriefV1Options, exportedAt: string): ExportResult {
  const model = buildBriefV1(store, opts);
  const hashes = briefV1ArtifactHashes(model);
  const reads: ExportRead[] = [];
  for (const e of [...model.top, ...model.updated, ...model.created]) {
    const h = e.evidence_summary?.artifact_hash;
    if (typeof h === 'string' && !reads.some((r) => r.id === `incident-evidence:${e.alert_id}:${h}`)) {
      reads.push({id: `incident-evidence:${e.alert_id}:${h}`, hash: h, kind: 'IncidentEvidence'});
    }
  }
  const count = new Set([...model.top, ...model.updated, ...model.created].map((e) => e.alert_id)).size;
  return {content: jsonExport(model, exportedAt, hashes), reads, count};
}

/** §4.4: one health row per configured source (file order) in the API shape. */
export function sourcesExport(store: Store | undefined, sources: readonly ResolvedSource[], opts: {now: EpochMicros; lookback: Lookback; staleHours: number}, exportedAt: string): ExportResult {
  const rows = computeSourceHealth(store, sources, {now: opts.now, lookback: opts.lookback, staleHours: opts.staleHours}).map((h) => ({
    source_id: h.source_id,
    tier: h.tier,
    enabled: h.enabled,
    type: h.type,
    tags: h.tags,
    last_success_utc: h.last_success_utc,
    success_rate: h.success_rate,
    last_status_code: h.last_status_code,
    last_items_new: h.last_items_new,
    last_ingest: h.last_ingest,
    is_stale: h.is_stale,
    health_score: h.health_score,
    health_budget_state: h.health_budget_state,
    health_factors: h.health_factors,
    suppression_ratio: h.suppression_ratio,
  }));
  return {content: jsonExport(rows, exportedAt, []), reads: [], count: rows.length};
}
