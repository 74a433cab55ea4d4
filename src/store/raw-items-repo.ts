import {artifactHash} from '../kernel/canonical-json.js';
import {contentId} from '../kernel/ids.js';
import type {RawItemCandidate} from '../model/raw-item.js';
import type Database from 'better-sqlite3';
import type {Db, Store} from './db.js';

/** Prepared statements cached per connection: preparing is a large share of per-item cost. */
type Stmt = Database.Statement<unknown[], unknown>;
const stmtCache = new WeakMap<Db, Map<string, Stmt>>();
function stmt(store: Store, sql: string): Stmt {
  let m = stmtCache.get(store.db);
  if (!m) stmtCache.set(store.db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = store.db.prepare(sql)));
  return st;
}

export type RawItemStatus = 'NEW' | 'NORMALIZED' | 'SUPPRESSED' | 'FAILED';
export type FetchAction = 'NEW' | 'DUPLICATE' | 'RETRY';

/**
 * Content hash of a candidate: SHA-256 (hex) of the RFC 8785 canonical JSON of
 * `{canonical_id, title, url, payload}` (the TS form; not the reference's Python-JSON form,
 * so it is not comparable with reference databases). `published_at` is deliberately left
 * out: a feed that re-stamps an unchanged item does not make it new content.
 */
export function contentHashOf(c: RawItemCandidate): string {
  return artifactHash({canonical_id: canonicalIdOf(c), payload: c.payload ?? {}, title: c.title ?? null, url: c.url ?? null});
}

/** The feed's own id, or null when absent or blank. */
export function canonicalIdOf(c: RawItemCandidate): string | null {
  return typeof c.canonical_id === 'string' && c.canonical_id.trim() !== '' ? c.canonical_id : null;
}

/** `RAW-` + 16 hex of SHA-256(source_id NUL (canonical_id or content_hash)). */
export function rawIdOf(sourceId: string, canonicalId: string | null, contentHash: string): string {
  return `RAW-${contentId([sourceId, canonicalId ?? contentHash], 16)}`;
}

export interface StoredRawItem {
  raw_id: string;
  source_id: string;
  tier: string;
  fetched_at: string;
  published_at: string | null;
  canonical_id: string | null;
  url: string | null;
  title: string | null;
  payload_json: string;
  content_hash: string;
  trust_tier: number | null;
  status: RawItemStatus;
  error: string | null;
  run_group_id: string;
}

/** What dedupe needs of a stored raw item. */
export interface RawItemMatch {
  raw_id: string;
  status: RawItemStatus;
}

/** The stored raw item a candidate of this source matches: same canonical id, else same content hash. */
export function findMatch(store: Store, sourceId: string, canonicalId: string | null, contentHash: string): RawItemMatch | null {
  if (canonicalId !== null) {
    const byId = stmt(store, 'SELECT raw_id, status FROM raw_items WHERE source_id = ? AND canonical_id = ?').get(sourceId, canonicalId) as RawItemMatch | undefined;
    if (byId) return byId;
  }
  const byHash = stmt(store, 'SELECT raw_id, status FROM raw_items WHERE source_id = ? AND content_hash = ? ORDER BY rowid LIMIT 1')
    .get(sourceId, contentHash) as RawItemMatch | undefined;
  return byHash ?? null;
}

/** The dedupe action a candidate would get, without writing anything (`sources test`). */
export function previewAction(store: Store, sourceId: string, c: RawItemCandidate): {action: FetchAction; raw_id: string; content_hash: string} {
  const hash = contentHashOf(c);
  const cid = canonicalIdOf(c);
  const match = findMatch(store, sourceId, cid, hash);
  if (!match) return {action: 'NEW', raw_id: rawIdOf(sourceId, cid, hash), content_hash: hash};
  return {action: match.status === 'FAILED' ? 'RETRY' : 'DUPLICATE', raw_id: match.raw_id, content_hash: hash};
}

function nextHistorySeq(store: Store, rawId: string): number {
  const row = stmt(store, 'SELECT COALESCE(MAX(seq), 0) AS s FROM raw_item_status_history WHERE raw_id = ?').get(rawId) as {s: number};
  return row.s + 1;
}

function addHistory(store: Store, rawId: string, status: RawItemStatus, error: string | null, at: string, runGroupId: string): void {
  stmt(store, 'INSERT INTO raw_item_status_history (raw_id, seq, status, error, changed_at, run_group_id) VALUES (?, ?, ?, ?, ?, ?)')
    .run(rawId, nextHistorySeq(store, rawId), status, error, at, runGroupId);
}

/** The first history row of a raw item just inserted: it has none yet (raw_id is a foreign key), so seq is 1. */
function addFirstHistory(store: Store, rawId: string, at: string, runGroupId: string): void {
  stmt(store, "INSERT INTO raw_item_status_history (raw_id, seq, status, error, changed_at, run_group_id) VALUES (?, 1, 'NEW', NULL, ?, ?)").run(rawId, at, runGroupId);
}

export interface RecordContext {
  sourceId: string;
  tier: string;
  trustTier: number | null;
  runGroupId: string;
  /** When this source was fetched (canonical instant). */
  fetchedAt: string;
}

export interface RecordedItem {
  raw_id: string;
  action: FetchAction;
  content_hash: string;
}

/**
 * Records one fetched candidate (call inside the fetch transaction):
 * - no match → a new append-only raw item (status NEW, history row 1), action NEW;
 * - match with status FAILED → status back to NEW with a history row, action RETRY (the stored
 *   content is not rewritten: raw items are append-only);
 * - any other match → action DUPLICATE, nothing changes (the first fetch time is kept).
 * Every sighting gets a lineage row `run_raw_items` (first write per run group wins) with the
 * content hash seen in this fetch.
 */
export function recordCandidate(store: Store, ctx: RecordContext, c: RawItemCandidate): RecordedItem {
  const hash = contentHashOf(c);
  const cid = canonicalIdOf(c);
  const match = findMatch(store, ctx.sourceId, cid, hash);
  let rawId: string;
  let action: FetchAction;
  if (!match) {
    rawId = rawIdOf(ctx.sourceId, cid, hash);
    action = 'NEW';
    stmt(store, 
        `INSERT INTO raw_items (raw_id, source_id, tier, fetched_at, published_at, canonical_id, url, title, payload_json, content_hash, trust_tier, status, error, run_group_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'NEW', NULL, ?)`,
      )
      .run(rawId, ctx.sourceId, ctx.tier, ctx.fetchedAt, c.published_at ?? null, cid, c.url ?? null, c.title ?? null, store.json.encode('raw_items.payload_json', JSON.stringify(c.payload ?? {})), hash, ctx.trustTier, ctx.runGroupId);
    addFirstHistory(store, rawId, ctx.fetchedAt, ctx.runGroupId);
  } else if (match.status === 'FAILED') {
    rawId = match.raw_id;
    action = 'RETRY';
    stmt(store, "UPDATE raw_items SET status = 'NEW', error = NULL WHERE raw_id = ?").run(rawId);
    addHistory(store, rawId, 'NEW', null, ctx.fetchedAt, ctx.runGroupId);
  } else {
    rawId = match.raw_id;
    action = 'DUPLICATE';
  }
  addLineage(store, ctx, rawId, hash, action);
  return {raw_id: rawId, action, content_hash: hash};
}

/** The lineage row of one sighting in this run group (the first write per run group wins). */
function addLineage(store: Store, ctx: RecordContext, rawId: string, contentHash: string, action: FetchAction): void {
  stmt(store, 'INSERT OR IGNORE INTO run_raw_items (run_group_id, raw_id, source_id, content_hash, fetch_action, recorded_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    ctx.runGroupId,
    rawId,
    ctx.sourceId,
    contentHash,
    action,
    ctx.fetchedAt,
  );
}

/**
 * Records a sighting of a stored item without its candidate: an item of a document
 * byte-identical to one recorded before (fetcher `unchanged_document`). Its lineage row is the
 * one recordCandidate would write; no FAILED item is sighted so (the fetcher parses a source
 * that holds one), so the action is DUPLICATE.
 */
export function recordSighting(store: Store, ctx: RecordContext, rawId: string, contentHash: string): FetchAction {
  addLineage(store, ctx, rawId, contentHash, 'DUPLICATE');
  return 'DUPLICATE';
}

/**
 * Moves a raw item to a new status (ingest: NORMALIZED, SUPPRESSED, FAILED) and appends the
 * status history row. Call inside the caller's transaction.
 */
export function setRawItemStatus(store: Store, rawId: string, status: RawItemStatus, error: string | null, at: string, runGroupId: string): void {
  const res = stmt(store, 'UPDATE raw_items SET status = ?, error = ? WHERE raw_id = ?').run(status, error, rawId);
  if (res.changes === 0) throw new Error(`raw item ${rawId} does not exist`);
  addHistory(store, rawId, status, error, at, runGroupId);
}

export function getRawItem(store: Store, rawId: string): StoredRawItem | null {
  return (stmt(store, 'SELECT * FROM raw_items WHERE raw_id = ?').get(rawId) as StoredRawItem | undefined) ?? null;
}

export interface LineageRow {
  run_group_id: string;
  raw_id: string;
  source_id: string;
  content_hash: string;
  fetch_action: FetchAction;
  recorded_at: string;
}

/** Whether the source holds a raw item whose decision failed (to be retried when fetched again). */
export function hasFailedRawItems(store: Store, sourceId: string): boolean {
  return store.db.prepare("SELECT 1 FROM raw_items WHERE status = 'FAILED' AND source_id = ? LIMIT 1").get(sourceId) !== undefined;
}

export function lineageOfGroup(store: Store, runGroupId: string): LineageRow[] {
  return stmt(store, 'SELECT * FROM run_raw_items WHERE run_group_id = ? ORDER BY source_id, content_hash, raw_id').all(runGroupId) as LineageRow[];
}

/**
 * Raw-item batch digest (operations.md §5.3, TS form): the run group's lineage rows reduced
 * to `{source_id, content_hash}`, sorted by (source_id, content_hash), canonical JSON,
 * SHA-256. No rows → the hash of `[]`.
 */
export function rawItemBatchDigest(rows: readonly {source_id: string; content_hash: string}[]): string {
  const reduced = rows
    .map((r) => ({content_hash: r.content_hash ?? '', source_id: r.source_id}))
    .sort((a, b) => (a.source_id < b.source_id ? -1 : a.source_id > b.source_id ? 1 : a.content_hash < b.content_hash ? -1 : a.content_hash > b.content_hash ? 1 : 0));
  return artifactHash(reduced);
}

/** Raw items waiting for ingest (status NEW), per source. */
export function pendingCounts(store: Store): Map<string, number> {
  const rows = stmt(store, "SELECT source_id, COUNT(*) AS n FROM raw_items WHERE status = 'NEW' GROUP BY source_id").all() as {source_id: string; n: number}[];
  return new Map(rows.map((r) => [r.source_id, r.n]));
}
