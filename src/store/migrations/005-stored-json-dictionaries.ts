import {STORED_JSON_COLUMNS} from '../stored-json-codec.js';
import type {Migration} from './types.js';

/**
 * Compact stored documents (stored-json-codec.ts): the preset dictionaries the large JSON
 * columns are compressed against, one per column and home, never changed once written. Every
 * existing TEXT document is rewritten as a blob in the same transaction, so an interrupted
 * migration leaves the home as it was; the pages freed are reused by later writes.
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
  apply: (_db, codec) => {
    for (const column of STORED_JSON_COLUMNS) codec.compactColumn(column);
  },
};
