import type {Store} from './db.js';

/** The stored text of a config snapshot, or null when none was stored under that hash. */
export function configSnapshotText(store: Store, configHash: string): string | null {
  const row = store.db.prepare('SELECT snapshot_json FROM config_snapshots WHERE config_hash = ?').get(configHash) as {snapshot_json: string} | undefined;
  return row?.snapshot_json ?? null;
}
