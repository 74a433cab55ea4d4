import {STORED_JSON_COLUMNS} from '../stored-json-codec.js';
import type {Migration} from './types.js';

/**
 * Compact stored documents (stored-json-codec.ts): the preset dictionaries the large JSON
 * columns are compressed against, one per column and home, never changed once written. Every
 * existing TEXT document is rewritten as a blob in the same transaction, so an interrupted
 * migration leaves the home as it was. `hardstop migrate` then runs VACUUM to give the freed
 * pages back (a 10,000-item home: 117.5 → 47 MB); a writing command that migrates on its way
 * leaves them to later writes.
 */
export const m005StoredJsonDictionaries: Migration = {
  version: 5,
  name: 'stored-json-dictionaries',
  sql: `
CREATE TABLE stored_json_dictionaries (
  dictionary_id INTEGER PRIMARY KEY,
  column_name TEXT NOT NULL,
  dictionary BLOB NOT NULL
);
`,
  freesPages: true,
  apply: (_db, codec) => {
    for (const column of STORED_JSON_COLUMNS) codec.compactColumn(column);
  },
};
