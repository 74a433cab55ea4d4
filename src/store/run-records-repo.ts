import type {Store} from './db.js';

/** One `run_records` row as stored. */
export interface RunRecordRow {
  run_id: string;
  run_group_id: string;
  seq: number;
  operator_id: string;
  mode: string;
  started_at: string;
  ended_at: string;
  record_hash: string;
  record_json: string;
  file_path: string | null;
}

/** Hash of the newest RunRecord in the store, null in a store without any. */
export function newestRecordHash(store: Store): string | null {
  const row = store.db.prepare('SELECT record_hash FROM run_records ORDER BY rowid DESC LIMIT 1').get() as {record_hash: string} | undefined;
  return row?.record_hash ?? null;
}

/** Every stored RunRecord row, by run group then seq. */
export function allRunRecordRows(store: Store): RunRecordRow[] {
  return store.db.prepare('SELECT * FROM run_records ORDER BY run_group_id, seq').all() as RunRecordRow[];
}

/** The rows of one run group, or of the group holding the record with this run id. */
export function runRecordRowsOf(store: Store, id: string): RunRecordRow[] {
  return store.db
    .prepare('SELECT * FROM run_records WHERE run_group_id = ? OR run_group_id = (SELECT run_group_id FROM run_records WHERE run_id = ?) ORDER BY seq')
    .all(id, id) as RunRecordRow[];
}

/**
 * Run groups the decision and fetch tables name, with what each wrote: the executions a
 * RunRecord must account for (doctor's coverage).
 */
export function runGroupsWithWork(store: Store): {run_group_id: string; fetch: number; ingest: number}[] {
  return store.db
    .prepare(
      `SELECT run_group_id, SUM(phase = 'FETCH') AS fetch, SUM(phase = 'INGEST') AS ingest FROM (
         SELECT run_group_id, phase FROM source_runs
         UNION ALL SELECT DISTINCT run_group_id, 'INGEST' FROM alert_versions
         UNION ALL SELECT DISTINCT run_group_id, 'INGEST' FROM suppression_audit
       ) GROUP BY run_group_id ORDER BY run_group_id`,
    )
    .all() as {run_group_id: string; fetch: number; ingest: number}[];
}
