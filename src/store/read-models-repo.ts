import type {Store} from './db.js';
import type {AlertVersionRow} from './decisions-repo.js';

/**
 * Read-only SQL for reports: briefs, the alerts commands and the decisions export. Nothing
 * here writes, and nothing here decides: every value is read as stored.
 */

/**
 * What ranking, filtering and counting alerts needs: order keys, tier, status and the current
 * version's correlation action. Briefs and alert lists read this for every alert of their
 * window and the full summary only for the alerts they show.
 */
export interface AlertRankRow {
  alert_id: string;
  current_version: number;
  classification: number;
  impact_score: number | null;
  update_count: number | null;
  first_seen: string;
  last_seen: string;
  tier: string | null;
  status: string;
  /** Action of the current version; null when the version row is missing (legacy). */
  correlation_action: 'CREATED' | 'UPDATED' | null;
}

/**
 * The current projection of an alert joined with its current version: light columns only.
 * (Columns stored after the large JSON payloads, such as `alert_hash`, cost an overflow-page
 * walk per row; they are read per listed alert through VersionPayloads.)
 */
export interface AlertSummaryRow extends AlertRankRow {
  correlation_key: string | null;
  last_event_time: string | null;
  risk_type: string;
  summary: string;
  source_id: string | null;
  trust_tier: number | null;
  version_event_id: string | null;
  /** The current version's scope: `{facilities, lanes, shipments, …}` as JSON. */
  scope_json: string;
}

const SUMMARY_COLUMNS = `i.alert_id, i.correlation_key, i.first_seen, i.last_seen, i.last_event_time, i.current_version, i.classification,
  i.impact_score, i.risk_type, i.summary, i.status, i.source_id, i.tier, i.trust_tier, i.update_count,
  i.scope_json, v.correlation_action, v.event_id AS version_event_id`;

const SUMMARY_FROM = `FROM incidents i LEFT JOIN alert_versions v ON v.alert_id = i.alert_id AND v.version = i.current_version`;

/**
 * The rank rows of alerts whose first or last sighting text is at or after `fromPrefix` (a
 * prefilter on the fixed-width `YYYY-MM-DDTHH:MM:SS` prefix of canonical instants; a text
 * compares to that prefix as its own first 19 characters do, and callers compare exact instants
 * afterwards). Null = every alert. Unordered: callers sort with a total order.
 */
export function alertRanks(
  store: Store,
  opts: {fromPrefix?: string | null; classification?: number | null; sourceId?: string | null; facilityIds?: readonly string[] | null; laneIds?: readonly string[] | null} = {},
): AlertRankRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.fromPrefix) {
    where.push('(i.last_seen >= ? OR i.first_seen >= ?)');
    params.push(opts.fromPrefix, opts.fromPrefix);
  }
  if (opts.classification !== undefined && opts.classification !== null) {
    where.push('i.classification = ?');
    params.push(opts.classification);
  }
  if (opts.sourceId !== undefined && opts.sourceId !== null) {
    where.push('i.source_id = ?');
    params.push(opts.sourceId);
  }
  // An alert is in scope of a facility or lane its current version linked (scope_json).
  for (const [path, ids] of [['$.facilities', opts.facilityIds], ['$.lanes', opts.laneIds]] as const) {
    if (!ids || ids.length === 0) continue;
    where.push(`EXISTS (SELECT 1 FROM json_each(i.scope_json, '${path}') s WHERE s.value IN (${ids.map(() => '?').join(', ')}))`);
    params.push(...ids);
  }
  const sql = `SELECT i.alert_id, i.current_version, i.classification, i.impact_score, i.update_count, i.first_seen, i.last_seen, i.tier, i.status,
      v.correlation_action
    ${SUMMARY_FROM}
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  return store.db.prepare(sql).all(...params) as AlertRankRow[];
}

/** The summary rows of single alerts (the ones a report lists). */
export class AlertSummaries {
  private readonly stmt;
  constructor(store: Store) {
    this.stmt = store.db.prepare(`SELECT ${SUMMARY_COLUMNS} ${SUMMARY_FROM} WHERE i.alert_id = ?`);
  }
  get(alertId: string): AlertSummaryRow | undefined {
    return this.stmt.get(alertId) as AlertSummaryRow | undefined;
  }
}

/** The stored evidence payload and alert document of one alert version. */
export interface VersionPayloadRow {
  alert_id: string;
  version: number;
  alert_json: string;
  alert_hash: string;
  evidence_json: string;
  evidence_hash: string;
  /** The run group that decided this version (provenance of reports). */
  run_group_id: string;
}

export class VersionPayloads {
  private readonly stmt;
  private readonly scopeStmt;
  private readonly hashStmt;
  private readonly json;
  constructor(store: Store) {
    this.json = store.json;
    this.hashStmt = store.db.prepare('SELECT alert_hash, evidence_hash, run_group_id FROM alert_versions WHERE alert_id = ? AND version = ?');
    this.stmt = store.db.prepare(
      'SELECT alert_id, version, alert_json, alert_hash, evidence_json, evidence_hash, run_group_id FROM alert_versions WHERE alert_id = ? AND version = ?',
    );
    this.scopeStmt = store.db.prepare('SELECT scope_json FROM incidents WHERE alert_id = ?');
  }
  get(alertId: string, version: number): VersionPayloadRow | undefined {
    const row = this.stmt.get(alertId, version) as VersionPayloadRow | undefined;
    return row && this.json.decodeVersion(row);
  }
  /** Hashes of one version without loading its payloads. */
  hashes(alertId: string, version: number): {alert_hash: string; evidence_hash: string; run_group_id: string} | undefined {
    return this.hashStmt.get(alertId, version) as {alert_hash: string; evidence_hash: string; run_group_id: string} | undefined;
  }
  /** The stored scope JSON of the alert's current projection. */
  scope(alertId: string): string | null {
    return (this.scopeStmt.get(alertId) as {scope_json: string} | undefined)?.scope_json ?? null;
  }
}

/**
 * Suppressed raw items (status SUPPRESSED) counted per verdict instant, source and primary
 * rule: a brief needs only these counts, and items decided together share one instant.
 */
export interface SuppressedCountRow {
  decided_at: string;
  source_id: string;
  primary_rule_id: string;
  n: number;
}

/**
 * Counts of suppressed raw items whose verdict text is at or after `fromPrefix` (same prefilter
 * as above). `+r.status` keeps the planner off the status index: the window's verdicts
 * (suppression_audit_decided_at) drive the read, so its cost follows the window, not the history.
 */
export function suppressedCounts(store: Store, fromPrefix: string): SuppressedCountRow[] {
  return store.db
    .prepare(
      `SELECT a.decided_at, r.source_id, a.primary_rule_id, COUNT(*) AS n
       FROM suppression_audit a JOIN raw_items r ON r.raw_id = a.raw_id
       WHERE +r.status = 'SUPPRESSED' AND a.decided_at >= ?
       GROUP BY a.decided_at, r.source_id, a.primary_rule_id`,
    )
    .all(fromPrefix) as SuppressedCountRow[];
}

export interface SuppressionAuditRow {
  raw_id: string;
  primary_rule_id: string | null;
  primary_reason_code: string | null;
  decided_at: string;
  title: string | null;
  /** Store order of the verdict (later verdicts have larger values). */
  seq: number;
}

/** Every suppression verdict about one source's items, with the raw item's title. */
export function suppressionAuditOfSource(store: Store, sourceId: string): SuppressionAuditRow[] {
  return store.db
    .prepare(
      `SELECT a.raw_id, a.primary_rule_id, a.primary_reason_code, a.decided_at, r.title, a.rowid AS seq
       FROM suppression_audit a LEFT JOIN raw_items r ON r.raw_id = a.raw_id WHERE a.source_id = ?`,
    )
    .all(sourceId) as SuppressionAuditRow[];
}

/** The full current projection of one alert, with the document of its current version. */
export interface AlertDetailRow extends AlertSummaryRow {
  first_event_id: string;
  scope_json: string;
  root_event_ids_json: string;
  /** The current version's alert document; null when the version row is missing (legacy). */
  alert_json: string | null;
}

/** The projection row of one alert. Its document is the current version's: the projection does not keep one. */
export function alertDetail(store: Store, alertId: string): AlertDetailRow | undefined {
  const row = store.db.prepare(`SELECT ${SUMMARY_COLUMNS}, i.first_event_id, i.scope_json, i.root_event_ids_json, v.alert_json ${SUMMARY_FROM} WHERE i.alert_id = ?`).get(alertId) as
    | AlertDetailRow
    | undefined;
  if (row) row.alert_json = store.json.decode('alert_versions.alert_json', row.alert_json, `${alertId}@${row.current_version}`);
  return row;
}

/** One alert version (its document left out) with the event that made it. */
export interface AlertVersionHistoryRow extends Omit<AlertVersionRow, 'alert_id' | 'alert_json'> {
  event_title: string | null;
  event_time: string | null;
  event_source_id: string | null;
}

/** Every version of an alert, oldest first. */
export function alertVersionHistory(store: Store, alertId: string): AlertVersionHistoryRow[] {
  const rows = store.db
    .prepare(
      `SELECT v.version, v.event_id, v.correlation_action, v.classification, v.impact_score, v.decided_at, v.alert_hash, v.evidence_hash,
              v.evidence_json, v.run_group_id, e.title AS event_title, e.event_time, e.source_id AS event_source_id
       FROM alert_versions v LEFT JOIN events e ON e.event_id = v.event_id
       WHERE v.alert_id = ? ORDER BY v.version`,
    )
    .all(alertId) as AlertVersionHistoryRow[];
  for (const r of rows) r.evidence_json = store.json.decode('alert_versions.evidence_json', r.evidence_json, `${alertId}@${r.version}`);
  return rows;
}

/** Root events of an alert with their raw items' times and source tiers (provenance). */
export interface RootEventRow {
  event_id: string;
  event_time: string | null;
  source_id: string;
  fetched_at: string | null;
  published_at: string | null;
  tier: string | null;
}

export function rootEvents(store: Store, eventIds: readonly string[]): RootEventRow[] {
  if (eventIds.length === 0) return [];
  const stmt = store.db.prepare(
    `SELECT e.event_id, e.event_time, e.source_id, r.fetched_at, r.published_at, r.tier
     FROM events e LEFT JOIN raw_items r ON r.raw_id = e.raw_id WHERE e.event_id = ?`,
  );
  const out: RootEventRow[] = [];
  for (const id of eventIds) {
    const row = stmt.get(id) as RootEventRow | undefined;
    if (row) out.push(row);
  }
  return out;
}

/**
 * One row per processed raw item for the decisions export: the raw item, its event(s), the
 * suppression verdict and the alert version the event produced. Rows come sorted by item id
 * (canonical id, else raw id; byte order = code-point order), then raw id, then newest
 * event first, so a caller keeps the first row of each raw id. Link lists are extracted in
 * SQLite (json_extract) so the large link payloads are never parsed in JS.
 */
export interface DecisionRow {
  item_id: string;
  raw_id: string;
  source_id: string;
  event_id: string;
  event_hash: string;
  suppressed: number;
  primary_rule_id: string | null;
  primary_reason_code: string | null;
  matches_json: string | null;
  facilities_json: string | null;
  paths_json: string | null;
  incident_id: string | null;
  /** The item's own type (the pack's types table). */
  event_type: string | null;
  /** The incident's type when the item joined it as a follow-up, else null. */
  follow_type: string | null;
}

export function iterateDecisionRows(store: Store, opts: {runGroupId?: string | null} = {}): IterableIterator<DecisionRow> {
  // The sort runs in SQLite's temp store; in memory it is several times faster than a temp
  // file (connection-level, harmless for every other statement). Events are read in table
  // order (NOT INDEXED): left to itself SQLite walked an index of events and sought every large row.
  store.db.pragma('temp_store = MEMORY');
  store.json.refresh();
  const filter = opts.runGroupId ? 'WHERE e.run_group_id = ?' : '';
  const stmt = store.db.prepare(
    `SELECT COALESCE(r.canonical_id, e.canonical_id, e.raw_id) AS item_id, e.raw_id, e.source_id, e.event_id, e.event_hash, e.suppressed,
            a.primary_rule_id, a.primary_reason_code, a.matches_json,
            json_extract(stored_json(e.link_json, 'events.link_json', e.rowid), '$.facilities') AS facilities_json,
            json_extract(stored_json(e.link_json, 'events.link_json', e.rowid), '$.facility_paths') AS paths_json,
            (SELECT v.alert_id FROM alert_versions v WHERE v.event_id = e.event_id ORDER BY v.version LIMIT 1) AS incident_id,
            e.event_type,
            (SELECT CASE WHEN json_extract(stored_json(v.alert_json, 'alert_versions.alert_json', v.rowid), '$.correlation.follow_up')
                         THEN json_extract(stored_json(v.alert_json, 'alert_versions.alert_json', v.rowid), '$.risk_type') END
               FROM alert_versions v WHERE v.event_id = e.event_id ORDER BY v.version LIMIT 1) AS follow_type
     FROM events e NOT INDEXED
     LEFT JOIN raw_items r ON r.raw_id = e.raw_id
     LEFT JOIN suppression_audit a ON a.event_id = e.event_id
     ${filter}
     ORDER BY item_id, e.raw_id, e.decided_at DESC, e.event_id DESC`,
  );
  return (opts.runGroupId ? stmt.iterate(opts.runGroupId) : stmt.iterate()) as IterableIterator<DecisionRow>;
}

/** A suppressed raw item with its verdict (brief v2 `suppressed.items`). */
export interface SuppressedItemRow {
  raw_id: string;
  source_id: string;
  title: string | null;
  rule_id: string;
  reason_code: string | null;
  suppressed_at: string;
}

/** Suppressed raw items whose verdict text is at or after `fromPrefix` (callers compare exact instants and order); driven by the window as suppressedCounts is. */
export function suppressedItems(store: Store, fromPrefix: string): SuppressedItemRow[] {
  return store.db
    .prepare(
      `SELECT r.raw_id, r.source_id, r.title, a.primary_rule_id AS rule_id, a.primary_reason_code AS reason_code, a.decided_at AS suppressed_at
       FROM suppression_audit a JOIN raw_items r ON r.raw_id = a.raw_id
       WHERE +r.status = 'SUPPRESSED' AND a.decided_at >= ?`,
    )
    .all(fromPrefix) as SuppressedItemRow[];
}

/** INGEST source runs whose time text is at or after `fromPrefix`: the suppression totals of a window. */
export function ingestRunTotals(store: Store, fromPrefix: string): {run_at: string; items_processed: number; items_suppressed: number}[] {
  return store.db
    .prepare(`SELECT run_at, items_processed, items_suppressed FROM source_runs WHERE phase = 'INGEST' AND run_at >= ?`)
    .all(fromPrefix) as {run_at: string; items_processed: number; items_suppressed: number}[];
}

/** A stored RunRecord: its id, group, position and canonical file text. */
export interface StoredRunRecordRow {
  run_id: string;
  run_group_id: string;
  seq: number;
  operator_id: string;
  record_json: string;
}

/** The RunRecords of the given run groups written by the given operators, ordered by (run_group_id, seq). */
export function runRecordsOfGroups(store: Store, groupIds: readonly string[], operators: readonly string[]): StoredRunRecordRow[] {
  if (groupIds.length === 0 || operators.length === 0) return [];
  const stmt = store.db.prepare(
    `SELECT run_id, run_group_id, seq, operator_id, record_json FROM run_records
     WHERE run_group_id = ? AND operator_id IN (${operators.map(() => '?').join(', ')}) ORDER BY seq`,
  );
  const out: StoredRunRecordRow[] = [];
  for (const g of [...new Set(groupIds)].sort()) out.push(...(stmt.all(g, ...operators) as StoredRunRecordRow[]));
  return out;
}

/** Name and coordinates of facilities (for the brief's map); unknown ids are left out. */
export interface FacilityPlaceRow {
  facility_id: string;
  name: string;
  lat: number | null;
  lon: number | null;
}

export function facilityPlaces(store: Store, ids: readonly string[]): FacilityPlaceRow[] {
  const stmt = store.db.prepare('SELECT facility_id, name, lat, lon FROM facilities WHERE facility_id = ?');
  const out: FacilityPlaceRow[] = [];
  for (const id of ids) {
    const row = stmt.get(id) as FacilityPlaceRow | undefined;
    if (row) out.push(row);
  }
  return out;
}
