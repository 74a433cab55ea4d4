import type {Store} from './db.js';

/** Stores a config snapshot once per hash (first run group that used it). */
export function saveConfigSnapshot(store: Store, configHash: string, snapshotJson: string, runGroupId: string): void {
  store.write(() =>
    store.db.prepare('INSERT OR IGNORE INTO config_snapshots (config_hash, snapshot_json, first_run_group_id) VALUES (?, ?, ?)').run(configHash, snapshotJson, runGroupId),
  );
}

export function configSnapshot(store: Store, configHash: string): Record<string, unknown> | null {
  const row = store.db.prepare('SELECT snapshot_json FROM config_snapshots WHERE config_hash = ?').get(configHash) as {snapshot_json: string} | undefined;
  return row ? (JSON.parse(row.snapshot_json) as Record<string, unknown>) : null;
}
