import type Database from 'better-sqlite3';
import type {StoredJsonCodec} from '../stored-json-codec.js';

/** One additive schema step. Applied in one transaction and recorded in PRAGMA user_version. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Rewrites existing rows after `sql`, in the same transaction (an interrupted step leaves nothing half-done). */
  apply?: (db: Database.Database, codec: StoredJsonCodec) => void;
  /** The step frees many pages: `hardstop migrate` returns them to the file system (VACUUM) afterwards. */
  freesPages?: boolean;
}
