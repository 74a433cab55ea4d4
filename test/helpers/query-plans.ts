import {Store} from '../../src/store/db.js';

/** The SQL a read issues against an empty migrated store, captured from the connection, with SQLite's plan for each statement. */
export function plansOf(read: (store: Store) => unknown): string[][] {
  const store = Store.open(':memory:');
  store.migrate();
  const statements: string[] = [];
  const prepare = store.db.prepare.bind(store.db);
  store.db.prepare = ((sql: string) => {
    statements.push(sql);
    return prepare(sql);
  }) as typeof store.db.prepare;
  read(store);
  const plans = statements.map((sql) => (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array.from({length: (sql.match(/\?/g) ?? []).length}, () => '2025-01-01')) as {detail: string}[]).map((r) => r.detail));
  store.close();
  return plans;
}
