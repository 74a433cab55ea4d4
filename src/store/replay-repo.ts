import type {AlertVersionRow} from './decisions-repo.js';
import type {Store} from './db.js';
import type {StoredRawItem} from './raw-items-repo.js';

/** Reads replay needs: every stored fact of one decision, in store order. */
export class ReplayRepo {
  // Prepared once: a replay reads a few rows for each of thousands of versions.
  private readonly stmts;

  constructor(private readonly store: Store) {
    const db = store.db;
    this.stmts = {
      versions: db.prepare('SELECT * FROM alert_versions WHERE alert_id = ? ORDER BY version'),
      event: db.prepare('SELECT event_id, raw_id, event_json, event_hash, link_json FROM events WHERE event_id = ?'),
      rawItem: db.prepare('SELECT * FROM raw_items WHERE raw_id = ?'),
      producingRecords: db.prepare('SELECT record_json FROM run_records WHERE run_group_id = ? AND operator_id = ? ORDER BY seq'),
    };
  }

  versions(alertId: string): AlertVersionRow[] {
    const rows = this.stmts.versions.all(alertId) as AlertVersionRow[];
    return rows.map((r) => this.store.json.decodeVersion(r));
  }

  alertIdsOfRun(runGroupId: string | null): string[] {
    const rows = runGroupId
      ? this.store.db.prepare('SELECT DISTINCT alert_id FROM alert_versions WHERE run_group_id = ? ORDER BY alert_id').all(runGroupId)
      : this.store.db.prepare('SELECT alert_id FROM incidents ORDER BY alert_id').all();
    return (rows as {alert_id: string}[]).map((r) => r.alert_id);
  }

  event(eventId: string): {event_id: string; raw_id: string; event_json: string; event_hash: string; link_json: string | null} | undefined {
    const row = this.stmts.event.get(eventId) as
      | {event_id: string; raw_id: string; event_json: string; event_hash: string; link_json: string | null}
      | undefined;
    if (row) {
      row.event_json = this.store.json.decode('events.event_json', row.event_json, eventId);
      row.link_json = this.store.json.decode('events.link_json', row.link_json, eventId);
    }
    return row;
  }

  rawItem(rawId: string): StoredRawItem | undefined {
    const row = this.stmts.rawItem.get(rawId) as StoredRawItem | undefined;
    if (row) row.payload_json = this.store.json.decode('raw_items.payload_json', row.payload_json, rawId);
    return row;
  }

  /** The RunRecords a producing operator wrote in a run group (never replay's own). */
  producingRecords(runGroupId: string, operatorId: string): string[] {
    return (
      this.stmts.producingRecords.all(runGroupId, operatorId) as {
        record_json: string;
      }[]
    ).map((r) => r.record_json);
  }

  versionsOfRun(runGroupId: string): {alert_id: string; version: number; alert_hash: string; evidence_hash: string}[] {
    return this.store.db
      .prepare('SELECT alert_id, version, alert_hash, evidence_hash FROM alert_versions WHERE run_group_id = ? ORDER BY alert_id, version')
      .all(runGroupId) as never;
  }
}

/**
 * Alert versions written by a run whose decide step never recorded its RunRecord (the
 * process was killed): their derived evidence files may be missing. The run groups that wrote
 * versions are walked through the run-group index one distinct id at a time (a loose index
 * scan: one seek per group, never a pass over the versions), and only the versions of groups
 * without a RunRecord are read.
 */
export function versionsOfInterruptedRuns(store: Store, operatorId: string): {alert_json: string; evidence_json: string}[] {
  const rows = store.db
    .prepare(
      `WITH RECURSIVE groups(id) AS (
         SELECT MIN(run_group_id) FROM alert_versions
         UNION ALL
         SELECT (SELECT MIN(run_group_id) FROM alert_versions WHERE run_group_id > groups.id) FROM groups WHERE groups.id IS NOT NULL
       )
       SELECT alert_id, version, alert_json, evidence_json FROM alert_versions
       WHERE run_group_id IN (
         SELECT id FROM groups
         WHERE id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM run_records r WHERE r.run_group_id = groups.id AND r.operator_id = ?)
       )
       ORDER BY alert_id, version`,
    )
    .all(operatorId) as {alert_id: string; version: number; alert_json: string; evidence_json: string}[];
  return rows.map((r) => {
    const {alert_json, evidence_json} = store.json.decodeVersion(r);
    return {alert_json, evidence_json};
  });
}
