import type {Migration} from './types.js';

/**
 * `events(raw_id)` served no query: events are read by id, by decision time and in table
 * order, and joins to raw items go through raw_items' own key. Keyed by a content hash, it
 * cost every decided item an insert on a page of its own once a home is large (issue 19).
 */
export const m008DropEventsRawIndex: Migration = {
  version: 8,
  name: 'drop-events-raw-index',
  sql: `
DROP INDEX IF EXISTS events_raw;
`,
};
