import {existsSync} from 'node:fs';
import Database from 'better-sqlite3';
import {StoreError} from '../kernel/errors.js';
import {sha256Hex} from '../kernel/canonical-json.js';
import {LATEST_SCHEMA_VERSION, MIGRATIONS} from './migrations/index.js';
import {StoredJsonCodec, type StoredJsonValue} from './stored-json-codec.js';

export type Db = Database.Database;

/** SQLite `cache_size` (negative = KiB). */
const PAGE_CACHE_KIB = -8192;

export interface OpenOptions {
  /** Open read-only: doctor and reports never change the store. */
  readonly?: boolean;
  /** Fail instead of creating a missing file. */
  mustExist?: boolean;
  /** Milliseconds a writer waits for another writer's lock before failing. */
  busyTimeoutMs?: number;
}

/** A handle on hardstop.db: WAL, foreign keys on, a bounded busy wait. */
export class Store {
  readonly db: Db;
  readonly path: string;
  /** How the large JSON documents are written and read (stored-json-codec.ts). */
  readonly json: StoredJsonCodec;

  private constructor(db: Db, path: string) {
    this.db = db;
    this.path = path;
    this.json = new StoredJsonCodec(db);
    // SQL that reads inside a stored document (json_extract) decodes it first:
    // json_extract(stored_json(v.alert_json, 'alert_versions.alert_json', v.rowid), '$.x').
    db.function('stored_json', {deterministic: true}, (value, column, rowid) =>
      this.json.decodeInSql(String(column), value as StoredJsonValue | null, Number(rowid)),
    );
  }

  static open(path: string, opts: OpenOptions = {}): Store {
    if ((opts.readonly || opts.mustExist) && path !== ':memory:' && !existsSync(path)) {
      throw new StoreError('DB_MISSING', `database not found: ${path}`, {
        hint: 'run `hardstop init` and `hardstop ingest` to create it, or pass --home',
      });
    }
    let db: Db;
    try {
      db = new Database(path, {readonly: opts.readonly ?? false, fileMustExist: opts.mustExist ?? false});
      db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
      if (!opts.readonly) db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      // Up to 8 MiB of page cache (allocated only as used; the default is 2 MiB): enough for the
      // decide loop's hot index pages. 64 MiB cost ~65 MiB of peak RSS on a 10,000-item run and
      // saved no CPU time (measured side by side, issue 19).
      db.pragma(`cache_size = ${PAGE_CACHE_KIB}`);
    } catch (err) {
      throw new StoreError('DB_OPEN_FAILED', `cannot open database ${path}: ${(err as Error).message}`, {
        hint: 'check the path and file permissions; a corrupt file can be moved aside and rebuilt with `hardstop ingest`',
        cause: err,
      });
    }
    return new Store(db, path);
  }

  schemaVersion(): number {
    return this.db.pragma('user_version', {simple: true}) as number;
  }

  pendingMigrations(): number {
    return MIGRATIONS.filter((m) => m.version > this.schemaVersion()).length;
  }

  /**
   * Applies every missing migration, each in its own transaction. Returns versions applied.
   * `reclaimSpace`: when an applied step freed many pages, VACUUM afterwards (outside any
   * transaction; SQLite rebuilds the file atomically).
   */
  migrate(opts: {reclaimSpace?: boolean} = {}): number[] {
    const current = this.schemaVersion();
    if (current > LATEST_SCHEMA_VERSION) {
      throw new StoreError('DB_TOO_NEW', `database schema version ${current} is newer than this Hardstop (${LATEST_SCHEMA_VERSION})`, {
        hint: 'upgrade Hardstop; never open a newer database with an older release',
      });
    }
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      const step = this.db.transaction(() => {
        this.db.exec(m.sql);
        this.json.forget();
        m.apply?.(this.db, this.json);
        this.db.pragma(`user_version = ${m.version}`);
      });
      try {
        step.immediate();
      } catch (err) {
        this.json.forget();
        throw new StoreError('DB_MIGRATION_FAILED', `migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, {cause: err});
      }
      applied.push(m.version);
    }
    if (opts.reclaimSpace && MIGRATIONS.some((m) => m.freesPages && applied.includes(m.version))) this.db.exec('VACUUM');
    return applied;
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction: a second writer waits up to the busy timeout and
   * then fails with DB_LOCKED; writes never interleave.
   */
  write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      this.json.forget();
      const code = (err as {code?: string}).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
        throw new StoreError('DB_LOCKED', `database ${this.path} is locked by another Hardstop process`, {
          hint: 'wait for the other run to finish (cron jobs overlapping?) and retry',
          cause: err,
        });
      }
      throw err;
    }
  }

  /**
   * A runner for nested all-or-nothing steps inside `write`: each call is one SAVEPOINT. Make
   * it once and reuse it: creating the wrapper per call costs more than the savepoint itself.
   */
  savepoints(): <T>(fn: () => T) => T {
    const inSavepoint = this.db.transaction((fn: () => unknown) => fn());
    return <T>(fn: () => T): T => {
      try {
        return inSavepoint(fn) as T;
      } catch (err) {
        this.json.forget();
        throw err;
      }
    };
  }

  /**
   * Runs `fn` with WAL `synchronous=NORMAL`, then restores the setting: a commit no longer
   * waits for fsync (the WAL is synced at checkpoints). Atomicity and consistency are
   * unchanged and a killed process loses nothing committed (the WAL is in the OS); only an OS
   * crash or power loss could roll back the last commits.
   */
  withRelaxedSync<T>(fn: () => T): T {
    const wal = String(this.db.pragma('journal_mode', {simple: true})).toLowerCase() === 'wal';
    if (!wal) return fn();
    const previous = this.db.pragma('synchronous', {simple: true});
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma(`synchronous = ${Number(previous)}`);
    }
  }

  /** Runs `fn` in one read transaction: every query inside sees the same snapshot. */
  read<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  get readonly(): boolean {
    return this.db.readonly;
  }

  tableNames(): string[] {
    return (this.db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as {name: string}[]).map(
      (r) => r.name,
    );
  }

  /** SHA-256 over every row of a table in primary-key order: proves "unchanged" in tests and doctor. */
  tableHash(table: string): string {
    const rows = this.db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}" ORDER BY rowid`).raw().all();
    return sha256Hex(JSON.stringify(rows));
  }

  close(): void {
    this.db.close();
  }
}
