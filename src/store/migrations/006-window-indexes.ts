import type {Migration} from './types.js';

/**
 * The brief and the alert lists read a window of time: alerts first or last seen since an
 * instant, suppression verdicts decided since one. Without these indexes every brief scanned
 * every incident and every verdict ever stored, so a long-lived home's brief grew with its
 * history (0.4 s at 50,000 items, 2.5 s at 1,000,000 with a one-week window).
 */
export const m006WindowIndexes: Migration = {
  version: 6,
  name: 'window-indexes',
  sql: `
CREATE INDEX incidents_last_seen ON incidents(last_seen);
CREATE INDEX incidents_first_seen ON incidents(first_seen);
CREATE INDEX suppression_audit_decided_at ON suppression_audit(decided_at);
`,
};
