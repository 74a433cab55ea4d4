import type {Store} from './db.js';

/**
 * The incident evidence file each path should hold: the last alert version (in write order)
 * whose document names that path, since a later version of the same event rewrites it.
 */
export function evidenceFileWriters(store: Store): {path: string; alert_id: string; version: number; run_group_id: string}[] {
  const rows = store.db
    .prepare(
      `SELECT json_extract(alert_json, '$.evidence.incident_evidence.artifact_path') AS path, alert_id, version, run_group_id
       FROM alert_versions ORDER BY rowid`,
    )
    .all() as {path: string | null; alert_id: string; version: number; run_group_id: string}[];
  const last = new Map<string, {path: string; alert_id: string; version: number; run_group_id: string}>();
  for (const r of rows) if (r.path) last.set(r.path, {...r, path: r.path});
  return [...last.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The stored evidence payload of one alert version. */
export function evidenceJsonOf(store: Store, alertId: string, version: number): string | null {
  const row = store.db.prepare('SELECT evidence_json FROM alert_versions WHERE alert_id = ? AND version = ?').get(alertId, version) as {evidence_json: string} | undefined;
  return row?.evidence_json ?? null;
}

/** The stored text of a config snapshot, or null when none was stored under that hash. */
export function configSnapshotText(store: Store, configHash: string): string | null {
  const row = store.db.prepare('SELECT snapshot_json FROM config_snapshots WHERE config_hash = ?').get(configHash) as {snapshot_json: string} | undefined;
  return row?.snapshot_json ?? null;
}
