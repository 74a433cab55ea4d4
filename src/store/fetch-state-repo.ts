import type {Diagnostic} from '../kernel/diagnostic.js';
import type {Store} from './db.js';

/** One recorded item of a remembered document: raw id, content hash, published instant (epoch µs) or null. */
export type RememberedItem = [rawId: string, contentHash: string, publishedMicros: number | null];

/**
 * The last document a source's fetch took whole (no warnings, nothing cut by max-items or
 * skipped as from the future): enough to record a byte-identical document's sightings, and
 * to count what its parse would count, without parsing it.
 */
export interface RememberedDocument {
  /** SHA-256 of the document's bytes and of everything its parse depends on. */
  digest: string;
  format: string | null;
  /** Its parse's diagnostics (info only: a document with warnings is not remembered), said again with each sighting. */
  parse_diagnostics: Diagnostic[];
  items_in_feed: number;
  /** Items that fetch's `--since` window dropped (never recorded), and where that window started. */
  since_dropped: number;
  since: string | null;
  /** The recorded items, in document order. */
  items: RememberedItem[];
}

/** What the fetcher remembers per source: conditional-GET validators and the last document. */
export interface FetchState {
  source_id: string;
  etag: string | null;
  last_modified: string | null;
  /** The URL the validators and the document belong to: a changed URL discards them. */
  url: string | null;
  updated_at: string;
  /** Null: parse the next document whatever it holds. */
  document: RememberedDocument | null;
}

export function getFetchState(store: Store, sourceId: string): FetchState | null {
  const row = store.db.prepare('SELECT source_id, etag, last_modified, url, updated_at, document_json FROM fetch_state WHERE source_id = ?').get(sourceId) as
    | (Omit<FetchState, 'document'> & {document_json: string | null})
    | undefined;
  if (!row) return null;
  const {document_json, ...rest} = row;
  return {...rest, document: rememberedDocumentOf(document_json)};
}

/**
 * The remembered document of a row, or null when there is none or it cannot be read: it only
 * spares a parse, so a damaged one (a hand edit, an older shape) means parsing the next
 * document, never a failed fetch.
 */
function rememberedDocumentOf(text: string | null): RememberedDocument | null {
  if (text === null) return null;
  try {
    const d = JSON.parse(text) as Partial<RememberedDocument> | null;
    const itemsOk = Array.isArray(d?.items) && d.items.every((i) => Array.isArray(i) && typeof i[0] === 'string' && typeof i[1] === 'string' && (i[2] === null || typeof i[2] === 'number'));
    const shapeOk =
      typeof d?.digest === 'string' &&
      Array.isArray(d.parse_diagnostics) &&
      typeof d.items_in_feed === 'number' &&
      typeof d.since_dropped === 'number' &&
      (d.since === null || typeof d.since === 'string') &&
      (d.format === null || typeof d.format === 'string');
    return itemsOk && shapeOk ? (d as RememberedDocument) : null;
  } catch {
    return null;
  }
}

/** Upserts the state of a source (call inside the fetch transaction). */
export function putFetchState(store: Store, state: FetchState): void {
  const {document, ...rest} = state;
  store.db
    .prepare(
      `INSERT INTO fetch_state (source_id, etag, last_modified, url, updated_at, document_json)
       VALUES (@source_id, @etag, @last_modified, @url, @updated_at, @document_json)
       ON CONFLICT(source_id) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, url = excluded.url,
         updated_at = excluded.updated_at, document_json = excluded.document_json`,
    )
    .run({...rest, document_json: document === null ? null : JSON.stringify(document)});
}
