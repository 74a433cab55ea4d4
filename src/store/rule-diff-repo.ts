import type {Store} from './db.js';

/** A decided item as `rules diff` recomputes it: the raw item, its stored event and run. */
export interface DecidedItemRow {
  event_id: string;
  event_json: string;
  event_time: string | null;
  decided_at: string;
  run_group_id: string;
  raw_id: string;
  source_id: string;
  canonical_id: string | null;
  title: string | null;
  url: string | null;
  published_at: string | null;
  payload_json: string;
  content_hash: string;
}

/** Every decided item whose decision time is at or after `since` (canonical instant text). */
export function decidedItemsSince(store: Store, since: string, sourceId: string | null): DecidedItemRow[] {
  const rows = store.db
    .prepare(
      `SELECT e.event_id, e.event_json, e.event_time, e.decided_at, e.run_group_id,
              r.raw_id, r.source_id, r.canonical_id, r.title, r.url, r.published_at, r.payload_json, r.content_hash
       FROM events e JOIN raw_items r ON r.raw_id = e.raw_id
       WHERE e.decided_at >= ? AND (? IS NULL OR e.source_id = ?)
       ORDER BY e.event_id`,
    )
    .all(since, sourceId, sourceId) as DecidedItemRow[];
  for (const r of rows) {
    r.event_json = store.json.decode('events.event_json', r.event_json, r.event_id);
    r.payload_json = store.json.decode('raw_items.payload_json', r.payload_json, r.raw_id);
  }
  return rows;
}

/** How many items `decidedItemsSince` would return: decides whether `rules diff` splits the work. */
export function countDecidedItemsSince(store: Store, since: string, sourceId: string | null): number {
  const row = store.db.prepare('SELECT COUNT(*) AS n FROM events e WHERE e.decided_at >= ? AND (? IS NULL OR e.source_id = ?)').get(since, sourceId, sourceId) as {n: number};
  return row.n;
}

/** The RunRecord JSON of every execution of one operator, by run group (the first of each). */
export function recordsOfOperator(store: Store, operatorId: string): Map<string, string> {
  const rows = store.db.prepare('SELECT run_group_id, record_json FROM run_records WHERE operator_id = ? ORDER BY run_group_id, seq').all(operatorId) as {
    run_group_id: string;
    record_json: string;
  }[];
  const out = new Map<string, string>();
  for (const r of rows) if (!out.has(r.run_group_id)) out.set(r.run_group_id, r.record_json);
  return out;
}
