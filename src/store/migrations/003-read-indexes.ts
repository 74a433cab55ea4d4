import type {Migration} from './types.js';

/**
 * Finds the run groups that wrote alert versions without a pass over the versions: the check
 * for interrupted runs before each decide costs one seek per run group instead of a scan of
 * every version (and its large payload pages).
 */
export const m003ReadIndexes: Migration = {
  version: 3,
  name: 'read-indexes',
  sql: `
CREATE INDEX alert_versions_run_group ON alert_versions(run_group_id);
`,
};
