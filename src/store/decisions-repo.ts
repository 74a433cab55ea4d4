import type {Store} from './db.js';
import type {StoredRawItem} from './raw-items-repo.js';

/** A normalized event row as the pipeline writes it. */
export interface EventRow {
  event_id: string;
  raw_id: string;
  source_id: string;
  canonical_id: string | null;
  event_type: string;
  event_time: string | null;
  title: string;
  event_json: string;
  event_hash: string;
  link_json: string | null;
  suppressed: 0 | 1;
  decided_at: string;
  run_group_id: string;
}

export interface SuppressionAuditRow {
  event_id: string;
  raw_id: string;
  source_id: string;
  decided_at: string;
  rule_pack_hash: string;
  primary_rule_id: string;
  primary_reason_code: string | null;
  matches_json: string;
  run_group_id: string;
}

/**
 * The current projection of an incident (its latest alert version). Its document is that
 * version's `alert_json`; the incidents table's own `alert_json` column (migration 001) is
 * written empty, since migrations only add.
 */
export interface IncidentRow {
  alert_id: string;
  correlation_key: string | null;
  first_event_id: string;
  first_seen: string;
  last_seen: string;
  last_event_time: string | null;
  current_version: number;
  classification: number;
  impact_score: number;
  risk_type: string;
  summary: string;
  status: string;
  source_id: string | null;
  tier: string | null;
  trust_tier: number | null;
  update_count: number;
  root_event_ids_json: string;
  scope_json: string;
}

export interface AlertVersionRow {
  alert_id: string;
  version: number;
  event_id: string;
  correlation_action: 'CREATED' | 'UPDATED';
  classification: number;
  impact_score: number;
  decided_at: string;
  alert_json: string;
  alert_hash: string;
  evidence_json: string;
  evidence_hash: string;
  run_group_id: string;
}

/** The projection columns correlation reads (all but the stored document). */
const CORRELATION_COLUMNS = `alert_id, correlation_key, first_event_id, first_seen, last_seen, last_event_time, current_version, classification, impact_score,
  risk_type, summary, status, source_id, tier, trust_tier, update_count, root_event_ids_json, scope_json`;

/** SQL for events, suppression audit, incidents and their immutable alert versions. */
export class DecisionsRepo {
  private readonly stmts;
  private readonly json;

  constructor(store: Store) {
    const db = store.db;
    this.json = store.json;
    this.stmts = {
      insertEvent: db.prepare(
        `INSERT INTO events (event_id, raw_id, source_id, canonical_id, event_type, event_time, title, event_json, event_hash, link_json, suppressed, decided_at, run_group_id)
         VALUES (@event_id, @raw_id, @source_id, @canonical_id, @event_type, @event_time, @title, @event_json, @event_hash, @link_json, @suppressed, @decided_at, @run_group_id)
         ON CONFLICT(event_id) DO NOTHING`,
      ),
      insertAudit: db.prepare(
        `INSERT OR REPLACE INTO suppression_audit (event_id, raw_id, source_id, decided_at, rule_pack_hash, primary_rule_id, primary_reason_code, matches_json, run_group_id)
         VALUES (@event_id, @raw_id, @source_id, @decided_at, @rule_pack_hash, @primary_rule_id, @primary_reason_code, @matches_json, @run_group_id)`,
      ),
      correlationCandidates: db.prepare(
        `SELECT ${CORRELATION_COLUMNS} FROM (
           SELECT ${CORRELATION_COLUMNS}, ROW_NUMBER() OVER (PARTITION BY correlation_key ORDER BY last_event_time IS NULL, last_event_time DESC, alert_id ASC) AS rank
           FROM incidents WHERE correlation_key IN (SELECT value FROM json_each(?))
         ) WHERE rank <= ?`,
      ),
      upsertIncident: db.prepare(
        `INSERT INTO incidents (alert_id, correlation_key, first_event_id, first_seen, last_seen, last_event_time, current_version, classification, impact_score, risk_type, summary, status, source_id, tier, trust_tier, update_count, root_event_ids_json, scope_json, alert_json)
         VALUES (@alert_id, @correlation_key, @first_event_id, @first_seen, @last_seen, @last_event_time, @current_version, @classification, @impact_score, @risk_type, @summary, @status, @source_id, @tier, @trust_tier, @update_count, @root_event_ids_json, @scope_json, '')
         ON CONFLICT(alert_id) DO UPDATE SET first_seen=excluded.first_seen, last_seen=excluded.last_seen, last_event_time=excluded.last_event_time,
           current_version=excluded.current_version, classification=excluded.classification, impact_score=excluded.impact_score, summary=excluded.summary,
           status=excluded.status, source_id=excluded.source_id, tier=excluded.tier, trust_tier=excluded.trust_tier, update_count=excluded.update_count,
           root_event_ids_json=excluded.root_event_ids_json, scope_json=excluded.scope_json, alert_json=''`,
      ),
      insertVersion: db.prepare(
        `INSERT INTO alert_versions (alert_id, version, event_id, correlation_action, classification, impact_score, decided_at, alert_json, alert_hash, evidence_json, evidence_hash, run_group_id)
         VALUES (@alert_id, @version, @event_id, @correlation_action, @classification, @impact_score, @decided_at, @alert_json, @alert_hash, @evidence_json, @evidence_hash, @run_group_id)`,
      ),
    };
  }

  /** Inserts an event; false when an event with this id already exists (first write wins). */
  insertEvent(row: EventRow): boolean {
    const stored = {...row, event_json: this.json.encode('events.event_json', row.event_json), link_json: this.json.encode('events.link_json', row.link_json)};
    return this.stmts.insertEvent.run(stored).changes > 0;
  }

  insertSuppressionAudit(row: SuppressionAuditRow): void {
    this.stmts.insertAudit.run(row);
  }

  /**
   * For many keys at once, the first `limit` rows per key, most recent event time first
   * (no time last), then alert id (in no particular order overall).
   */
  correlationCandidates(keys: readonly string[], limit: number): IncidentRow[] {
    if (keys.length === 0) return [];
    return this.stmts.correlationCandidates.all(JSON.stringify(keys), limit) as IncidentRow[];
  }

  /** Appends a version and moves the projection to it, in the caller's transaction. */
  writeVersion(incident: IncidentRow, version: AlertVersionRow): void {
    this.stmts.upsertIncident.run(incident);
    this.stmts.insertVersion.run({
      ...version,
      alert_json: this.json.encode('alert_versions.alert_json', version.alert_json),
      evidence_json: this.json.encode('alert_versions.evidence_json', version.evidence_json),
    });
  }
}

/** A raw item waiting for ingest (status NEW), as the decision pipeline reads it. */
export type PendingRawItem = Pick<
  StoredRawItem,
  'raw_id' | 'source_id' | 'tier' | 'fetched_at' | 'published_at' | 'canonical_id' | 'url' | 'title' | 'payload_json' | 'content_hash'
>;

/** What ingest orders and filters pending items by: everything but the payload. */
export type PendingRawItemKey = Pick<PendingRawItem, 'raw_id' | 'source_id' | 'fetched_at' | 'published_at' | 'canonical_id'>;

/**
 * The key of every raw item with status NEW (ingest orders them itself, deterministically).
 * Payloads are read chunk by chunk (`pendingRawItemsByIds`), so a run's memory does not grow
 * with the number of items it decides.
 */
export function pendingRawItemKeys(store: Store): PendingRawItemKey[] {
  return store.db
    .prepare(`SELECT raw_id, source_id, fetched_at, published_at, canonical_id FROM raw_items WHERE status = 'NEW' ORDER BY raw_id`)
    .all() as PendingRawItemKey[];
}

/** The pending raw items with these ids, in the order given. */
export function pendingRawItemsByIds(store: Store, rawIds: readonly string[]): PendingRawItem[] {
  const rows = store.db
    .prepare(
      `SELECT raw_id, source_id, tier, fetched_at, published_at, canonical_id, url, title, payload_json, content_hash
       FROM raw_items WHERE raw_id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(rawIds)) as PendingRawItem[];
  for (const r of rows) r.payload_json = store.json.decode('raw_items.payload_json', r.payload_json, r.raw_id);
  const byId = new Map(rows.map((r) => [r.raw_id, r]));
  return rawIds.map((id) => byId.get(id)!);
}
