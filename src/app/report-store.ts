import {existsSync} from 'node:fs';
import {StoreError} from '../kernel/errors.js';
import type {Store} from '../store/db.js';
import type {AppContext} from './context.js';

/**
 * The store for a report that writes a RunRecord: it must exist and be fully migrated; it is
 * opened without migrating, and the report only reads decision tables (the RunRecord sink
 * appends one `run_records` row, which a read-only handle could not do).
 */
export function openStoreForReport(ctx: AppContext): Store {
  const path = ctx.dbPath;
  if (!existsSync(path)) {
    throw new StoreError('DB_MISSING', `database not found: ${ctx.home.rel(path)}`, {
      hint: 'run `hardstop init`, `hardstop ingest` and `hardstop fetch` + `hardstop ingest-external` first, or pass --home',
    });
  }
  const store = ctx.openStoreForWriteNoMigrate();
  if (store.pendingMigrations() > 0) {
    throw new StoreError('DB_NEEDS_MIGRATION', `database ${ctx.home.rel(path)} has pending migrations`);
  }
  return store;
}

/** Opens an existing store read-only for commands that write no RunRecord (alerts list/show). */
export function openStoreReadOnlyChecked(ctx: AppContext): Store {
  const store = ctx.openStoreReadOnly();
  if (store.pendingMigrations() > 0) {
    throw new StoreError('DB_NEEDS_MIGRATION', `database ${ctx.home.rel(ctx.dbPath)} has pending migrations`);
  }
  return store;
}

/**
 * The store for a report that can also speak for an empty home: undefined when the database
 * file does not exist yet (the report then shows a quiet day), otherwise as openStoreForReport.
 */
export function openStoreIfPresent(ctx: AppContext): Store | undefined {
  return existsSync(ctx.dbPath) ? openStoreForReport(ctx) : undefined;
}
