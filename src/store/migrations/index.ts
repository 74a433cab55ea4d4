import {m001Initial} from './001-initial.js';
import {m002ConfigSnapshots} from './002-config-snapshots.js';
import {m003ReadIndexes} from './003-read-indexes.js';
import {m004RuleSnapshots} from './004-rule-snapshots.js';
import {m005StoredJsonDictionaries} from './005-stored-json-dictionaries.js';
import {m006WindowIndexes} from './006-window-indexes.js';
import {m007FetchDocuments} from './007-fetch-documents.js';
import {m008DropEventsRawIndex} from './008-drop-events-raw-index.js';
import type {Migration} from './types.js';

/** Every migration in order. Append only: never edit a released step, add a new one. */
export const MIGRATIONS: readonly Migration[] = [m001Initial, m002ConfigSnapshots, m003ReadIndexes, m004RuleSnapshots, m005StoredJsonDictionaries, m006WindowIndexes, m007FetchDocuments, m008DropEventsRawIndex];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
export type {Migration};
