import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {describe, expect, it} from 'vitest';
import {Store} from '../../src/store/db.js';
import {LATEST_SCHEMA_VERSION, MIGRATIONS} from '../../src/store/migrations/index.js';

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'hardstop-store-')), 'hardstop.db');
}

describe('store migrations', () => {
  it('numbers migrations 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('migrates an empty file to the latest version with WAL and foreign keys on', () => {
    const store = Store.open(tempDb());
    expect(store.schemaVersion()).toBe(0);
    expect(store.migrate()).toEqual(MIGRATIONS.map((m) => m.version));
    expect(store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    expect(store.db.pragma('journal_mode', {simple: true})).toBe('wal');
    expect(store.db.pragma('foreign_keys', {simple: true})).toBe(1);
    expect(store.migrate()).toEqual([]);
    store.close();
  });

  it.each(MIGRATIONS.slice(0, -1).map((m) => m.version))('migrates from every earlier version (v%i) keeping the data', (from) => {
    const path = tempDb();
    const db = new Database(path);
    for (const m of MIGRATIONS.filter((x) => x.version <= from)) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
    db.prepare("INSERT INTO facilities (facility_id, name, type) VALUES ('F-1', 'Plant', 'PLANT')").run();
    db.close();
    const store = Store.open(path);
    expect(store.migrate()).toEqual(MIGRATIONS.filter((m) => m.version > from).map((m) => m.version));
    expect(store.db.prepare('SELECT name FROM facilities').all()).toEqual([{name: 'Plant'}]);
    store.close();
  });

  it('v3 adds the run-group index on alert_versions', () => {
    const store = Store.open(tempDb());
    store.migrate();
    const indexes = (store.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alert_versions' AND sql IS NOT NULL ORDER BY name").all() as {name: string; sql: string}[]).map(
      (r) => r.sql,
    );
    expect(indexes).toEqual([
      'CREATE INDEX alert_versions_event ON alert_versions(event_id)',
      'CREATE INDEX alert_versions_run_group ON alert_versions(run_group_id)',
    ]);
    store.close();
  });

  it('refuses a database newer than this Hardstop', () => {
    const path = tempDb();
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => Store.open(path).migrate()).toThrow(/newer than this Hardstop/);
  });

  it('a failed write rolls back completely', () => {
    const store = Store.open(tempDb());
    store.migrate();
    expect(() =>
      store.write(() => {
        store.db.prepare("INSERT INTO facilities (facility_id, name, type) VALUES ('F-1', 'Plant', 'PLANT')").run();
        store.db.prepare("INSERT INTO lanes (lane_id, origin_facility_id, dest_facility_id) VALUES ('L-1', 'F-1', 'NOPE')").run();
      }),
    ).toThrow(/FOREIGN KEY/);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM facilities').get()).toEqual({n: 0});
    store.close();
  });

  it('a second concurrent writer waits, then fails with DB_LOCKED instead of interleaving', () => {
    const path = tempDb();
    const a = Store.open(path);
    a.migrate();
    const b = Store.open(path, {busyTimeoutMs: 50});
    a.db.prepare('BEGIN IMMEDIATE').run();
    a.db.prepare("INSERT INTO facilities (facility_id, name, type) VALUES ('F-1', 'Plant', 'PLANT')").run();
    expect(() => b.write(() => b.db.prepare("INSERT INTO facilities (facility_id, name, type) VALUES ('F-2', 'DC', 'DC')").run())).toThrow(
      expect.objectContaining({code: 'DB_LOCKED'}),
    );
    a.db.prepare('COMMIT').run();
    b.write(() => b.db.prepare("INSERT INTO facilities (facility_id, name, type) VALUES ('F-2', 'DC', 'DC')").run());
    expect((a.db.prepare('SELECT facility_id FROM facilities ORDER BY 1').all() as {facility_id: string}[]).map((r) => r.facility_id)).toEqual(['F-1', 'F-2']);
    a.close();
    b.close();
  });
});
