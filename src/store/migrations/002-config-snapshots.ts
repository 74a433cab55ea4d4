import type {Migration} from './types.js';

/** Every config snapshot a run group used, so replay can name what changed since. */
export const m002ConfigSnapshots: Migration = {
  version: 2,
  name: 'config-snapshots',
  sql: `
CREATE TABLE config_snapshots (
  config_hash TEXT PRIMARY KEY,
  snapshot_json TEXT NOT NULL,
  first_run_group_id TEXT NOT NULL
);
`,
};
