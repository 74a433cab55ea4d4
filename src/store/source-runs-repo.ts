import {artifactHash} from '../kernel/canonical-json.js';
import {uuidFromBasis} from '../kernel/ids.js';
import {type EpochMicros, formatInstant, instantOf} from '../kernel/time.js';
import type {Store} from './db.js';

export type SourceRunPhase = 'FETCH' | 'INGEST';
export type SourceRunStatus = 'SUCCESS' | 'FAILURE' | 'SKIPPED';

/** One row of `source_runs` (domain.md §9). */
export interface SourceRunRow {
  run_id: string;
  run_group_id: string;
  source_id: string;
  phase: SourceRunPhase;
  run_at: string;
  status: SourceRunStatus;
  status_code: number | null;
  error: string | null;
  duration_ms: number | null;
  items_fetched: number;
  items_new: number;
  items_processed: number;
  items_suppressed: number;
  items_events_created: number;
  items_alerts_touched: number;
  bytes_downloaded: number;
  diagnostics: Record<string, unknown>;
}

/** Errors are stored truncated to 1000 characters (domain.md §9). */
export const MAX_ERROR_CHARS = 1000;

/** SourceRun ids are content-derived: one row per (run group, source, phase). */
export function sourceRunId(runGroupId: string, sourceId: string, phase: SourceRunPhase): string {
  return uuidFromBasis({run_group_id: runGroupId, source_id: sourceId, phase});
}

export type NewSourceRun = Omit<SourceRunRow, 'run_id' | 'items_processed' | 'items_suppressed' | 'items_events_created' | 'items_alerts_touched'> &
  Partial<Pick<SourceRunRow, 'items_processed' | 'items_suppressed' | 'items_events_created' | 'items_alerts_touched' | 'run_id'>>;

/** Inserts a SourceRun row (call inside the transaction that writes the work it describes). */
export function insertSourceRun(store: Store, row: NewSourceRun): SourceRunRow {
  const full: SourceRunRow = {
    items_processed: 0,
    items_suppressed: 0,
    items_events_created: 0,
    items_alerts_touched: 0,
    ...row,
    run_id: row.run_id ?? sourceRunId(row.run_group_id, row.source_id, row.phase),
    error: row.error === null ? null : row.error.slice(0, MAX_ERROR_CHARS),
  };
  store.db
    .prepare(
      `INSERT INTO source_runs (run_id, run_group_id, source_id, phase, run_at, status, status_code, error, duration_ms,
         items_fetched, items_new, items_processed, items_suppressed, items_events_created, items_alerts_touched, bytes_downloaded, diagnostics_json)
       VALUES (@run_id, @run_group_id, @source_id, @phase, @run_at, @status, @status_code, @error, @duration_ms,
         @items_fetched, @items_new, @items_processed, @items_suppressed, @items_events_created, @items_alerts_touched, @bytes_downloaded, @diagnostics_json)`,
    )
    .run({...full, diagnostics_json: JSON.stringify(full.diagnostics)});
  return full;
}

interface DbRow extends Omit<SourceRunRow, 'diagnostics'> {
  diagnostics_json: string;
  rowid: number;
}

function fromDb(r: DbRow): SourceRunRow & {seq: number} {
  const {diagnostics_json, rowid, ...rest} = r;
  let diagnostics: Record<string, unknown> = {};
  try {
    diagnostics = JSON.parse(diagnostics_json) as Record<string, unknown>;
  } catch {
    diagnostics = {unparseable: diagnostics_json};
  }
  return {...rest, diagnostics, seq: rowid};
}

const COLUMNS = `rowid, run_id, run_group_id, source_id, phase, run_at, status, status_code, error, duration_ms, items_fetched, items_new,
  items_processed, items_suppressed, items_events_created, items_alerts_touched, bytes_downloaded, diagnostics_json`;

/** The rows of one run group and phase, ordered by source id. */
export function sourceRunsOfGroup(store: Store, runGroupId: string, phase: SourceRunPhase): (SourceRunRow & {seq: number})[] {
  return (
    store.db.prepare(`SELECT ${COLUMNS} FROM source_runs WHERE run_group_id = ? AND phase = ? ORDER BY source_id, rowid`).all(runGroupId, phase) as DbRow[]
  ).map(fromDb);
}

/** Which rows of a source's history to read. */
export interface SourceRunFilter {
  /** Only rows of this status. */
  status?: SourceRunRow['status'];
  /** Leave SKIPPED rows out. */
  notSkipped?: boolean;
}

type Ranked = SourceRunRow & {seq: number; micros: EpochMicros};

/** Newest first: by the run_at instant, then by insertion order. */
function newestFirst(rows: DbRow[]): Ranked[] {
  return rows
    .map((r) => ({...fromDb(r), micros: instantOf(r.run_at) ?? 0}))
    .sort((a, b) => b.micros - a.micros || b.seq - a.seq);
}

function filterSql(f: SourceRunFilter): {sql: string; args: string[]} {
  const args: string[] = [];
  let sql = 'source_id = ? AND phase = ?';
  if (f.status) {
    sql += ' AND status = ?';
    args.push(f.status);
  }
  if (f.notSkipped) sql += " AND status <> 'SKIPPED'";
  return {sql, args};
}

// run_at texts order as their instants down to the second (fixed-width prefix) but not within
// one: '2025-12-29T17:00:00Z' sorts after '2025-12-29T17:00:00.5Z'. A range starts at the
// second's prefix, which every text of that second or later sorts at or after; the exact
// order is then taken from the parsed instants.
const secondPrefix = (runAt: string): string => runAt.slice(0, 19);

/**
 * The `limit` newest rows of a source and phase (newest first), read through the
 * (source_id, run_at) index: a source's whole history is never read, however long it grows.
 */
export function newestSourceRuns(store: Store, sourceId: string, phase: SourceRunPhase, limit: number, filter: SourceRunFilter = {}): Ranked[] {
  if (limit <= 0) return [];
  const {sql, args} = filterSql(filter);
  const nth = store.db.prepare(`SELECT run_at FROM source_runs WHERE ${sql} ORDER BY run_at DESC LIMIT 1 OFFSET ?`).get(sourceId, phase, ...args, limit - 1) as
    | {run_at: string}
    | undefined;
  const rows = nth
    ? store.db.prepare(`SELECT ${COLUMNS} FROM source_runs WHERE ${sql} AND run_at >= ?`).all(sourceId, phase, ...args, secondPrefix(nth.run_at))
    : store.db.prepare(`SELECT ${COLUMNS} FROM source_runs WHERE ${sql}`).all(sourceId, phase, ...args);
  return newestFirst(rows as DbRow[]).slice(0, limit);
}

/** The rows of a source and phase run at or after `since` (newest first), through the same index. */
export function sourceRunsSince(store: Store, sourceId: string, phase: SourceRunPhase, since: EpochMicros, filter: SourceRunFilter = {}): Ranked[] {
  const {sql, args} = filterSql(filter);
  const rows = store.db.prepare(`SELECT ${COLUMNS} FROM source_runs WHERE ${sql} AND run_at >= ?`).all(sourceId, phase, ...args, secondPrefix(formatInstant(since))) as DbRow[];
  return newestFirst(rows).filter((r) => r.micros >= since);
}

/** Source ids that have rows of a phase (for `sources health --all`). */
export function sourceIdsWithRuns(store: Store, phase: SourceRunPhase): string[] {
  return (store.db.prepare('SELECT DISTINCT source_id FROM source_runs WHERE phase = ? ORDER BY source_id').all(phase) as {source_id: string}[]).map(
    (r) => r.source_id,
  );
}

/** A row reduced to its content (no ids, no times): what the SourceRun digest hashes. */
export function sourceRunContent(r: SourceRunRow): Record<string, unknown> {
  return {
    source_id: r.source_id,
    status: r.status,
    status_code: r.status_code,
    error: r.error ?? '',
    items_fetched: r.items_fetched,
    items_new: r.items_new,
    items_processed: r.items_processed,
    items_suppressed: r.items_suppressed,
    items_events_created: r.items_events_created,
    items_alerts_touched: r.items_alerts_touched,
    diagnostics: r.diagnostics,
  };
}

/**
 * SourceRun digest (operations.md §5.3, TS form): the rows of (run group, phase) ordered by
 * source id, reduced to their content, canonical JSON (RFC 8785), SHA-256. Run ids,
 * timestamps and durations are excluded, so identical outcomes digest equally.
 */
export function sourceRunDigest(rows: readonly SourceRunRow[]): string {
  const sorted = [...rows].sort((a, b) => (a.source_id < b.source_id ? -1 : a.source_id > b.source_id ? 1 : 0));
  return artifactHash(sorted.map(sourceRunContent));
}
