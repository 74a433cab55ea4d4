import {createRequire} from 'node:module';
import {inflateRawSync} from 'node:zlib';
import type Database from 'better-sqlite3';
import type {Compressor, Decompressor} from 'zstd-napi';
import {StoreError} from '../kernel/errors.js';

/**
 * How the large JSON documents are stored: one mechanism for every large JSON column.
 *
 * A document is written either as TEXT (exactly the text the pipeline hashed) or as a BLOB:
 * one format byte, the id of a preset dictionary (unsigned LEB128), then the UTF-8 text
 * compressed against that dictionary. Reading gives back the exact text, so every hash computed
 * on the text (event_hash, alert_hash, evidence_hash, content_hash) keeps verifying.
 *
 * Small JSON documents share most of their bytes with each other (key names, enum values, the
 * home's own facility names) but little within one document, so plain compression gains only
 * 2-3×. A dictionary made from the column's own first documents gains 4-7×. Dictionaries are
 * trained per home and per column from the first TRAINING_DOCUMENTS documents of the column
 * (rowid order, so deterministic for a home) and stored in `stored_json_dictionaries`; they are
 * never changed or deleted, and every blob names its dictionary by id, so a later dictionary
 * (a retrained one) never makes an older blob unreadable. Until a column has that many
 * documents it is stored as TEXT; the training documents themselves are rewritten as blobs.
 * Homes created before migration 005 keep readable TEXT values; the migration compacts them.
 *
 * Blobs are written as Zstandard frames (format 2). Format 1 (raw deflate against the same kind
 * of dictionary), written by earlier builds, stays readable: nothing stored is rewritten.
 */

/** The compressed columns, named `table.column`. */
export const STORED_JSON_COLUMNS = [
  'events.event_json',
  'events.link_json',
  'alert_versions.alert_json',
  'alert_versions.evidence_json',
  'raw_items.payload_json',
] as const;
export type StoredJsonColumn = (typeof STORED_JSON_COLUMNS)[number];

/** A stored document as SQLite hands it over: TEXT (legacy or untrained) or a BLOB. */
export type StoredJsonValue = string | Uint8Array;

/** Format byte of a blob: raw deflate against a stored preset dictionary (read only). */
const FORMAT_DEFLATE_DICTIONARY = 0x01;
/** Format byte of a blob: a Zstandard frame against a stored raw-content dictionary. */
const FORMAT_ZSTD_DICTIONARY = 0x02;
/** Documents a dictionary is trained from. */
const TRAINING_DOCUMENTS = 64;
/**
 * Dictionary size and compression level, chosen by measurement on the 10,000-item bench home
 * (docs/BENCHMARK.md). Zstandard loads a dictionary once per context instead of hashing it on
 * every call as deflate does, so a 16 KiB dictionary costs no more per document than a 4 KiB
 * one; level 3 with it compresses as well as deflate level 4 did with 4 KiB, at a quarter of
 * the CPU (12 against 45 µs a document), and decodes 3-5× faster. Level 1 (session 9): in a run,
 * between SQLite statements, level 3's larger match tables miss the cache, and level 1 takes
 * 25-45 % less time (10,000 items, old and new alternating: 1.00-1.10 → 0.65-0.75 s of profile)
 * for 1.2 % more database (4.76 → 4.82 KB per item). The level is not stored: blobs of either
 * level decode alike.
 */
const DICTIONARY_BYTES = 16_384;
const ZSTD_LEVEL = 1;

const TABLE_OF = new Map<StoredJsonColumn, [string, string]>(STORED_JSON_COLUMNS.map((c) => [c, c.split('.') as [string, string]]));
const utf8 = new TextDecoder('utf-8', {fatal: true});

/** The dictionary a column's first documents make: the last DICTIONARY_BYTES of their UTF-8 concatenation (the most recent content matches best). */
export function trainDictionary(documents: readonly string[]): Buffer {
  const all = Buffer.from(documents.join(''), 'utf8');
  return all.subarray(Math.max(0, all.length - DICTIONARY_BYTES));
}

/**
 * One compression and one decompression context per dictionary, made on first use: loading a
 * dictionary is the costly part, so it is done once, not per document. Keyed by the dictionary
 * bytes' identity (the codec caches each dictionary's Buffer for the life of the connection).
 */
const compressors = new WeakMap<Uint8Array, Compressor>();
const decompressors = new WeakMap<Uint8Array, Decompressor>();

/** The native module, loaded on the first document encoded or decoded: most commands (a cron run with nothing new) never touch one. */
let zstdModule: typeof import('zstd-napi') | undefined;
function zstd(): typeof import('zstd-napi') {
  return (zstdModule ??= createRequire(import.meta.url)('zstd-napi') as typeof import('zstd-napi'));
}

function compressorFor(dictionary: Uint8Array): Compressor {
  let c = compressors.get(dictionary);
  if (!c) {
    c = new (zstd().Compressor)();
    c.setParameters({compressionLevel: ZSTD_LEVEL, checksumFlag: false, dictIDFlag: false, contentSizeFlag: true});
    c.loadDictionary(dictionary);
    compressors.set(dictionary, c);
  }
  return c;
}

function decompressorFor(dictionary: Uint8Array): Decompressor {
  let d = decompressors.get(dictionary);
  if (!d) {
    d = new (zstd().Decompressor)();
    d.loadDictionary(dictionary);
    decompressors.set(dictionary, d);
  }
  return d;
}

/** Encodes a document against a dictionary (pure: the blob bytes for one text). */
export function encodeStoredJson(text: string, dictionaryId: number, dictionary: Uint8Array): Buffer {
  const header: number[] = [FORMAT_ZSTD_DICTIONARY];
  for (let id = dictionaryId; ; id = Math.floor(id / 128)) {
    if (id < 128) {
      header.push(id);
      break;
    }
    header.push((id % 128) | 0x80);
  }
  const body = compressorFor(dictionary).compress(utf8Of(text));
  return Buffer.concat([Buffer.from(header), body]);
}

const encoder = new TextEncoder();
let scratch = Buffer.allocUnsafe(64 * 1024);

/** The UTF-8 bytes of `text` in a reused buffer, valid until the next call (the compressor copies what it reads). */
function utf8Of(text: string): Uint8Array {
  // A UTF-16 code unit takes at most 3 UTF-8 bytes.
  if (text.length * 3 > scratch.length) scratch = Buffer.allocUnsafe(text.length * 3);
  const {written} = encoder.encodeInto(text, scratch);
  return scratch.subarray(0, written);
}

/** Where a stored document lives, for errors: the column and the row's key or rowid. */
export interface StoredJsonPlace {
  column: StoredJsonColumn;
  row: string | number;
}

function corrupt(place: StoredJsonPlace, reason: string): StoreError {
  const [table, column] = TABLE_OF.get(place.column)!;
  return new StoreError('STORED_DOCUMENT_CORRUPT', `stored document ${table}.${column} of row ${place.row} is unreadable: ${reason}`, {
    hint: 'run `hardstop verify` to list every unreadable document; restore hardstop.db from a backup or rebuild it with `hardstop ingest` and `hardstop run`',
  });
}

/** Reads the header of a blob: its format, its dictionary id and where the compressed body starts. */
function parseHeader(blob: Uint8Array, place: StoredJsonPlace): {format: number; dictionaryId: number; bodyStart: number} {
  if (blob.length === 0) throw corrupt(place, 'empty blob');
  const format = blob[0];
  if (format !== FORMAT_ZSTD_DICTIONARY && format !== FORMAT_DEFLATE_DICTIONARY) throw corrupt(place, `unknown format byte 0x${format.toString(16).padStart(2, '0')}`);
  let id = 0;
  let scale = 1;
  for (let i = 1; i < blob.length && i <= 5; i++) {
    id += (blob[i] & 0x7f) * scale;
    if ((blob[i] & 0x80) === 0) return {format, dictionaryId: id, bodyStart: i + 1};
    scale *= 128;
  }
  throw corrupt(place, 'truncated header');
}

/** Decodes a blob against a known dictionary (pure). */
export function decodeStoredJson(blob: Uint8Array, dictionaryOf: (id: number) => Uint8Array | undefined, place: StoredJsonPlace): string {
  const {format, dictionaryId, bodyStart} = parseHeader(blob, place);
  const dictionary = dictionaryOf(dictionaryId);
  if (!dictionary) throw corrupt(place, `unknown dictionary ${dictionaryId}`);
  let bytes: Buffer;
  try {
    const body = blob.subarray(bodyStart);
    bytes = format === FORMAT_ZSTD_DICTIONARY ? decompressorFor(dictionary).decompress(body) : inflateRawSync(body, {dictionary});
  } catch (err) {
    const what = format === FORMAT_ZSTD_DICTIONARY ? 'zstd' : 'deflate';
    throw corrupt(place, `${what} data damaged (${(err as {code?: string}).code ?? (err as Error).message})`);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw corrupt(place, 'not UTF-8 text');
  }
}

interface Dictionary {
  id: number;
  bytes: Buffer;
}

/**
 * The codec of one connection: encodes on insert (training a column's dictionary when it is
 * due) and decodes on read. Dictionaries are cached; the cache is only a copy of the table,
 * dropped after a rollback (`forget`), since a rolled-back transaction may have trained one.
 */
export class StoredJsonCodec {
  private readonly byId = new Map<number, Buffer>();
  private readonly latest = new Map<StoredJsonColumn, Dictionary>();
  /** Per column without a dictionary: how many TEXT documents it holds (counted once, then kept). */
  private readonly textDocuments = new Map<StoredJsonColumn, number>();
  private loadedUpTo = 0;
  private lastInSql: {column: string; row: number; value: Uint8Array; text: string} | undefined;
  private tableExists: boolean | undefined;

  constructor(private readonly db: Database.Database) {}

  /** The value to store for a document: TEXT until the column's dictionary exists, then a blob. */
  encode(column: StoredJsonColumn, text: string): StoredJsonValue;
  encode(column: StoredJsonColumn, text: string | null): StoredJsonValue | null;
  encode(column: StoredJsonColumn, text: string | null): StoredJsonValue | null {
    if (text === null) return null;
    const dictionary = this.dictionaryFor(column);
    return dictionary ? encodeStoredJson(text, dictionary.id, dictionary.bytes) : text;
  }

  /** The document text of a stored value (TEXT as is, a blob decoded). Throws STORED_DOCUMENT_CORRUPT. */
  decode(column: StoredJsonColumn, value: StoredJsonValue, row: string | number): string;
  decode(column: StoredJsonColumn, value: StoredJsonValue | null, row: string | number): string | null;
  decode(column: StoredJsonColumn, value: StoredJsonValue | null, row: string | number): string | null {
    if (value === null || typeof value === 'string') return value;
    return decodeStoredJson(value, (id) => this.dictionary(id, true), {column, row});
  }

  /** Decodes both documents of an alert version row in place. */
  decodeVersion<T extends {alert_id: string; version: number; alert_json: string; evidence_json: string}>(row: T): T {
    row.alert_json = this.decode('alert_versions.alert_json', row.alert_json, `${row.alert_id}@${row.version}`);
    row.evidence_json = this.decode('alert_versions.evidence_json', row.evidence_json, `${row.alert_id}@${row.version}`);
    return row;
  }

  /**
   * `decode` for the SQL function `stored_json(value, column, rowid)`: never queries (a SQL
   * function cannot use its own connection), so the statement's caller runs `refresh` first.
   */
  decodeInSql(column: string, value: StoredJsonValue | null, row: number): string | null {
    if (value === null || typeof value === 'string') return value;
    if (!TABLE_OF.has(column as StoredJsonColumn)) throw new StoreError('STORED_DOCUMENT_CORRUPT', `stored_json(): unknown column ${column}`);
    // SQL often extracts two paths of one document (json_extract twice): the second call is free.
    const last = this.lastInSql;
    if (last && last.row === row && last.column === column && Buffer.compare(last.value, value) === 0) return last.text;
    const text = decodeStoredJson(value, (id) => this.dictionary(id, false), {column: column as StoredJsonColumn, row});
    this.lastInSql = {column, row, value, text};
    return text;
  }

  /**
   * Loads dictionaries stored since the last load. SQL that decodes through `stored_json()`
   * calls this first: a SQL function cannot query its own connection.
   */
  refresh(): void {
    if (!this.hasTable()) return;
    const rows = this.db
      .prepare('SELECT dictionary_id, column_name, dictionary FROM stored_json_dictionaries WHERE dictionary_id > ? ORDER BY dictionary_id')
      .all(this.loadedUpTo) as {dictionary_id: number; column_name: string; dictionary: Buffer}[];
    for (const r of rows) {
      this.byId.set(r.dictionary_id, r.dictionary);
      if ((STORED_JSON_COLUMNS as readonly string[]).includes(r.column_name)) this.latest.set(r.column_name as StoredJsonColumn, {id: r.dictionary_id, bytes: r.dictionary});
      this.loadedUpTo = r.dictionary_id;
    }
  }

  /** Drops every cached fact: after a rollback the table is the only truth. */
  forget(): void {
    this.byId.clear();
    this.latest.clear();
    this.textDocuments.clear();
    this.loadedUpTo = 0;
    this.tableExists = undefined;
    this.lastInSql = undefined;
  }

  /**
   * Rewrites every TEXT document of a column as a blob (training its dictionary first when the
   * column holds enough documents). Call inside a write transaction: migration 005.
   */
  compactColumn(column: StoredJsonColumn): number {
    const [table, col] = TABLE_OF.get(column)!;
    const page = this.db.prepare(`SELECT rowid AS id, ${col} AS text FROM ${table} WHERE typeof(${col}) = 'text' AND rowid > ? ORDER BY rowid LIMIT 500`);
    const update = this.db.prepare(`UPDATE ${table} SET ${col} = ? WHERE rowid = ?`);
    let rewritten = 0;
    for (let after = 0; ; ) {
      const rows = page.all(after) as {id: number; text: string}[];
      if (rows.length === 0) return rewritten;
      for (const r of rows) {
        const value = this.encode(column, r.text);
        if (typeof value === 'string') return rewritten;
        update.run(value, r.id);
        rewritten++;
      }
      after = rows[rows.length - 1].id;
    }
  }

  /** Every unreadable document of every compressed column (`hardstop verify`). */
  problems(): {column: StoredJsonColumn; rowid: number; message: string}[] {
    this.refresh();
    const out: {column: StoredJsonColumn; rowid: number; message: string}[] = [];
    for (const column of STORED_JSON_COLUMNS) {
      const [table, col] = TABLE_OF.get(column)!;
      const rows = this.db.prepare(`SELECT rowid AS id, ${col} AS value FROM ${table} WHERE typeof(${col}) = 'blob'`).iterate() as IterableIterator<{id: number; value: Buffer}>;
      for (const r of rows) {
        try {
          decodeStoredJson(r.value, (id) => this.dictionary(id, false), {column, row: r.id});
        } catch (err) {
          out.push({column, rowid: r.id, message: (err as Error).message});
        }
      }
    }
    return out;
  }

  /** A dictionary by id; `mayQuery` reloads the table once when it is not cached (another process may have trained it). */
  private dictionary(id: number, mayQuery: boolean): Buffer | undefined {
    if (!this.byId.has(id) && mayQuery) this.refresh();
    return this.byId.get(id);
  }

  private hasTable(): boolean {
    this.tableExists ??= this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stored_json_dictionaries'").get() !== undefined;
    return this.tableExists;
  }

  private dictionaryFor(column: StoredJsonColumn): Dictionary | undefined {
    const known = this.latest.get(column);
    if (known) return known;
    let stored = this.textDocuments.get(column);
    if (stored === undefined) {
      this.refresh();
      const loaded = this.latest.get(column);
      if (loaded) return loaded;
      if (!this.hasTable()) return undefined;
      const [table, col] = TABLE_OF.get(column)!;
      stored = (this.db.prepare(`SELECT COUNT(*) FROM (SELECT 1 FROM ${table} WHERE typeof(${col}) = 'text' LIMIT ${TRAINING_DOCUMENTS})`).pluck().get() as number);
    }
    if (stored < TRAINING_DOCUMENTS) {
      this.textDocuments.set(column, stored + 1);
      return undefined;
    }
    return this.train(column);
  }

  /** Trains and stores a column's dictionary from its first documents, and rewrites those as blobs. */
  private train(column: StoredJsonColumn): Dictionary {
    const [table, col] = TABLE_OF.get(column)!;
    const first = this.db
      .prepare(`SELECT rowid AS id, ${col} AS text FROM ${table} WHERE typeof(${col}) = 'text' ORDER BY rowid LIMIT ${TRAINING_DOCUMENTS}`)
      .all() as {id: number; text: string}[];
    const bytes = trainDictionary(first.map((r) => r.text));
    const id = Number(this.db.prepare('INSERT INTO stored_json_dictionaries (column_name, dictionary) VALUES (?, ?)').run(column, bytes).lastInsertRowid);
    const dictionary = {id, bytes};
    this.byId.set(id, bytes);
    this.latest.set(column, dictionary);
    this.textDocuments.delete(column);
    const update = this.db.prepare(`UPDATE ${table} SET ${col} = ? WHERE rowid = ?`);
    for (const r of first) update.run(encodeStoredJson(r.text, id, bytes), r.id);
    return dictionary;
  }
}
