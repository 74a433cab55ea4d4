import type {Store} from './db.js';

/** What the fetcher remembers per source for conditional GET. */
export interface FetchState {
  source_id: string;
  etag: string | null;
  last_modified: string | null;
  /** The URL the validators belong to: a changed URL discards them. */
  url: string | null;
  updated_at: string;
}

export function getFetchState(store: Store, sourceId: string): FetchState | null {
  const row = store.db.prepare('SELECT source_id, etag, last_modified, url, updated_at FROM fetch_state WHERE source_id = ?').get(sourceId) as
    | FetchState
    | undefined;
  return row ?? null;
}

/** Upserts the validators of a source (call inside the fetch transaction). */
export function putFetchState(store: Store, state: FetchState): void {
  store.db
    .prepare(
      `INSERT INTO fetch_state (source_id, etag, last_modified, url, updated_at) VALUES (@source_id, @etag, @last_modified, @url, @updated_at)
       ON CONFLICT(source_id) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, url = excluded.url, updated_at = excluded.updated_at`,
    )
    .run(state);
}
