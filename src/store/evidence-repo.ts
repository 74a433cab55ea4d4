import type {Store} from './db.js';
import type {StoredJsonValue} from './stored-json-codec.js';

/** The alert version an incident evidence file should hold. */
export interface EvidenceFileWriter {
  /** Home-relative path named by the version's document (`output/incidents/….json`). */
  path: string;
  alert_id: string;
  version: number;
  run_group_id: string;
  decided_at: string;
}

/**
 * For each evidence path, the last alert version (in write order) whose document names it: a
 * later version of the same (alert, event, key) supersedes the file of an earlier one. A path
 * names its alert, so filtering by alert is exact.
 */
export function evidenceFileWriters(store: Store, alertIds?: readonly string[]): EvidenceFileWriter[] {
  const where = alertIds ? `WHERE alert_id IN (SELECT value FROM json_each(?))` : '';
  store.json.refresh();
  const rows = store.db
    .prepare(
      `SELECT path, alert_id, version, run_group_id, decided_at FROM (
         SELECT path, alert_id, version, run_group_id, decided_at, ROW_NUMBER() OVER (PARTITION BY path ORDER BY seq DESC) AS rn
         FROM (SELECT json_extract(stored_json(alert_json, 'alert_versions.alert_json', rowid), '$.evidence.incident_evidence.artifact_path') AS path,
                      alert_id, version, run_group_id, decided_at, rowid AS seq
               FROM alert_versions ${where}))
       WHERE rn = 1 AND path IS NOT NULL ORDER BY path`,
    )
    .all(...(alertIds ? [JSON.stringify(alertIds)] : [])) as EvidenceFileWriter[];
  return rows;
}

/** A reader of stored evidence payloads by (alert, version), its statement prepared once. */
export function evidenceJsonReader(store: Store): (alertId: string, version: number) => string | null {
  const stmt = store.db.prepare('SELECT evidence_json FROM alert_versions WHERE alert_id = ? AND version = ?').pluck();
  return (alertId, version) => store.json.decode('alert_versions.evidence_json', (stmt.get(alertId, version) as StoredJsonValue | undefined) ?? null, `${alertId}@${version}`);
}
