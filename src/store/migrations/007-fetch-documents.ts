import type {Migration} from './types.js';

/**
 * What the fetcher remembers of each source's last document taken whole (fetch-state-repo
 * `RememberedDocument`), so that a cron run over a feed that has not changed (the common case;
 * many servers answer no conditional GET) records its sightings without parsing it again.
 */
export const m007FetchDocuments: Migration = {
  version: 7,
  name: 'fetch-documents',
  sql: `
ALTER TABLE fetch_state ADD COLUMN document_json TEXT;
`,
};
