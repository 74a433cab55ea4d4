import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {deflateRawSync} from 'node:zlib';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {Compressor} from 'zstd-napi';
import {StoreError} from '../../src/kernel/errors.js';
import {Store} from '../../src/store/db.js';
import {MIGRATIONS} from '../../src/store/migrations/index.js';
import {decodeStoredJson, encodeStoredJson, trainDictionary, type StoredJsonPlace} from '../../src/store/stored-json-codec.js';

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'hardstop-codec-')), 'hardstop.db');
}

const document = fc.oneof(fc.json(), fc.string({unit: 'grapheme'}), fc.constant(''));
const place: StoredJsonPlace = {column: 'alert_versions.alert_json', row: 'ALERT-1@2'};

/** A raw item row for tests: the codec's columns need real tables. */
function insertRawItem(store: Store, i: number, payload: string): void {
  store.db
    .prepare(
      `INSERT INTO raw_items (raw_id, source_id, tier, fetched_at, canonical_id, payload_json, content_hash, run_group_id)
       VALUES (?, 'src', 'global', '2025-01-01T00:00:00Z', ?, ?, ?, 'G1')`,
    )
    .run(`RAW-${i}`, `c-${i}`, store.json.encode('raw_items.payload_json', payload), `h${i}`);
}

function payloadOf(i: number): string {
  return JSON.stringify({id: `item-${i}`, headline: `Storm warning ${i} – Überschwemmung 洪水`, severity: i % 3 === 0 ? 'Severe' : 'Moderate', area: ['a', 'b', String(i)]});
}

function storedPayloads(store: Store): {raw_id: string; type: string; text: string}[] {
  return (store.db.prepare('SELECT raw_id, typeof(payload_json) AS type, payload_json FROM raw_items ORDER BY rowid').all() as {raw_id: string; type: string; payload_json: string}[]).map((r) => ({
    raw_id: r.raw_id,
    type: r.type,
    text: store.json.decode('raw_items.payload_json', r.payload_json, r.raw_id),
  }));
}

describe('StoredJsonCodec', () => {
  it('encode → decode is the identity for any JSON-ish text (non-ASCII, empty) and any dictionary', () => {
    fc.assert(
      fc.property(fc.array(document, {maxLength: 8}), document, fc.integer({min: 1, max: 100_000}), (training, text, id) => {
        const dictionary = trainDictionary(training);
        const blob = encodeStoredJson(text, id, dictionary);
        expect(decodeStoredJson(blob, (n) => (n === id ? dictionary : undefined), place)).toBe(text);
      }),
    );
  });

  it('stores TEXT until a column holds 64 documents, then trains one dictionary and compresses every document, the first ones included', () => {
    const store = Store.open(':memory:');
    store.migrate();
    store.write(() => {
      for (let i = 0; i < 63; i++) insertRawItem(store, i, payloadOf(i));
    });
    expect(new Set(storedPayloads(store).map((r) => r.type))).toEqual(new Set(['text']));
    store.write(() => {
      for (let i = 63; i < 200; i++) insertRawItem(store, i, payloadOf(i));
    });
    const rows = storedPayloads(store);
    expect(rows.map((r) => r.text)).toEqual(Array.from({length: 200}, (_, i) => payloadOf(i)));
    expect(rows.filter((r) => r.type !== 'blob')).toEqual([]);
    expect(store.db.prepare('SELECT dictionary_id, column_name FROM stored_json_dictionaries').all()).toEqual([{dictionary_id: 1, column_name: 'raw_items.payload_json'}]);
    store.close();
  });

  it('a dictionary trained in a rolled-back savepoint is forgotten: later documents stay readable', () => {
    const store = Store.open(':memory:');
    store.migrate();
    const step = store.savepoints();
    store.write(() => {
      for (let i = 0; i < 64; i++) insertRawItem(store, i, payloadOf(i));
      expect(() =>
        step(() => {
          insertRawItem(store, 64, payloadOf(64));
          throw new Error('item failed');
        }),
      ).toThrow('item failed');
      expect(store.db.prepare('SELECT COUNT(*) FROM stored_json_dictionaries').pluck().get()).toBe(0);
      for (let i = 65; i < 70; i++) insertRawItem(store, i, payloadOf(i));
    });
    const reopened = storedPayloads(store);
    expect(reopened.map((r) => r.text)).toEqual([...Array.from({length: 64}, (_, i) => payloadOf(i)), ...Array.from({length: 5}, (_, i) => payloadOf(i + 65))]);
    expect(store.db.prepare('SELECT COUNT(*) FROM stored_json_dictionaries').pluck().get()).toBe(1);
    store.close();
  });

  it('a second connection reads blobs whose dictionary another connection trained after it opened', () => {
    const path = tempDb();
    const writer = Store.open(path);
    writer.migrate();
    const reader = Store.open(path, {readonly: true});
    expect(reader.json.decode('raw_items.payload_json', 'plain', 'x')).toBe('plain');
    writer.write(() => {
      for (let i = 0; i < 80; i++) insertRawItem(writer, i, payloadOf(i));
    });
    expect(storedPayloads(reader).map((r) => r.text)).toEqual(Array.from({length: 80}, (_, i) => payloadOf(i)));
    reader.json.refresh();
    expect(reader.db.prepare(`SELECT json_extract(stored_json(payload_json, 'raw_items.payload_json', rowid), '$.id') FROM raw_items WHERE raw_id = 'RAW-70'`).pluck().get()).toBe('item-70');
    writer.close();
    reader.close();
  });
});

/** A blob as earlier builds wrote it: format 1, raw deflate against the dictionary. */
function deflateBlob(bytes: Buffer, dictionaryId: number, dictionary: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([1, dictionaryId]), deflateRawSync(bytes, {dictionary})]);
}

describe('blobs of earlier builds (format 1, raw deflate)', () => {
  it('stay readable beside the Zstandard blobs written now, with the same dictionary', () => {
    fc.assert(
      fc.property(fc.array(document, {maxLength: 8}), document, (training, text) => {
        const dictionary = trainDictionary(training);
        const legacy = deflateBlob(Buffer.from(text, 'utf8'), 7, dictionary);
        const current = encodeStoredJson(text, 7, dictionary);
        expect([legacy[0], current[0]]).toEqual([1, 2]);
        for (const blob of [legacy, current]) expect(decodeStoredJson(blob, (n) => (n === 7 ? dictionary : undefined), place)).toBe(text);
      }),
    );
  });
});

describe('corrupt stored documents', () => {
  const dictionary = trainDictionary([payloadOf(1), payloadOf(2)]);
  const good = encodeStoredJson(payloadOf(3), 7, dictionary);
  const legacy = deflateBlob(Buffer.from(payloadOf(3), 'utf8'), 7, dictionary);
  const zstdBlob = (bytes: Buffer) => {
    const c = new Compressor();
    c.loadDictionary(dictionary);
    return Buffer.concat([Buffer.from([2, 7]), c.compress(bytes)]);
  };
  it.each([
    ['an empty blob', Buffer.alloc(0), 'empty blob'],
    ['a wrong format byte', Buffer.from([0x78, 0x9c, 1, 2]), 'unknown format byte 0x78'],
    ['a truncated header', Buffer.from([2, 0x80]), 'truncated header'],
    ['an unknown dictionary id', Buffer.concat([Buffer.from([2, 9]), good.subarray(2)]), 'unknown dictionary 9'],
    ['a truncated body', good.subarray(0, good.length - 5), 'zstd data damaged'],
    ['a truncated format-1 body', legacy.subarray(0, legacy.length - 5), 'deflate data damaged'],
    ['bytes that are not UTF-8', zstdBlob(Buffer.from([0xff, 0xfe, 0x41])), 'not UTF-8 text'],
    ['format-1 bytes that are not UTF-8', deflateBlob(Buffer.from([0xff, 0xfe, 0x41]), 7, dictionary), 'not UTF-8 text'],
  ])('%s is a typed store error naming table, row and column', (_name, blob, reason) => {
    let error: unknown;
    try {
      decodeStoredJson(blob, (id) => (id === 7 ? dictionary : undefined), place);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    const e = error as StoreError;
    expect(e.code).toBe('STORED_DOCUMENT_CORRUPT');
    expect(e.message).toContain('alert_versions.alert_json of row ALERT-1@2');
    expect(e.message).toContain(reason);
    expect(e.hint).toContain('hardstop verify');
  });

  it('the SQL function reports a corrupt blob the same way, and problems() lists it by table, rowid and column', () => {
    const store = Store.open(':memory:');
    store.migrate();
    store.write(() => {
      for (let i = 0; i < 70; i++) insertRawItem(store, i, payloadOf(i));
    });
    store.db.prepare("UPDATE raw_items SET payload_json = substr(payload_json, 1, 12) WHERE raw_id = 'RAW-68'").run();
    const rowid = store.db.prepare("SELECT rowid FROM raw_items WHERE raw_id = 'RAW-68'").pluck().get();
    expect(() => store.db.prepare(`SELECT stored_json(payload_json, 'raw_items.payload_json', rowid) FROM raw_items`).all()).toThrow(
      `stored document raw_items.payload_json of row ${rowid} is unreadable`,
    );
    expect(store.json.problems()).toEqual([{column: 'raw_items.payload_json', rowid, message: expect.stringContaining('zstd data damaged')}]);
    store.close();
  });
});

describe('migration 005 (compact stored documents)', () => {
  function v4Home(items: number, payload: (i: number) => string = payloadOf): string {
    const path = tempDb();
    const db = new Database(path);
    for (const m of MIGRATIONS.filter((x) => x.version <= 4)) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
    const insert = db.prepare(
      `INSERT INTO raw_items (raw_id, source_id, tier, fetched_at, canonical_id, payload_json, content_hash, run_group_id) VALUES (?, 'src', 'global', '2025-01-01T00:00:00Z', ?, ?, ?, 'G1')`,
    );
    db.transaction(() => {
      for (let i = 0; i < items; i++) insert.run(`RAW-${i}`, `c-${i}`, payload(i), `h${i}`);
    })();
    db.close();
    return path;
  }

  it('an old home (TEXT documents) is read as is before migrating and compacted by the migration, text unchanged', () => {
    const path = v4Home(300);
    const old = Store.open(path, {readonly: true});
    expect(storedPayloads(old).every((r, i) => r.type === 'text' && r.text === payloadOf(i))).toBe(true);
    old.close();
    const store = Store.open(path);
    expect(store.migrate()).toEqual(MIGRATIONS.map((m) => m.version).filter((v) => v >= 5));
    const rows = storedPayloads(store);
    expect(rows.every((r) => r.type === 'blob')).toBe(true);
    expect(rows.map((r) => r.text)).toEqual(Array.from({length: 300}, (_, i) => payloadOf(i)));
    store.close();
  });

  it('hardstop migrate (reclaimSpace) gives the freed pages back to the file system', () => {
    const large = (i: number) => JSON.stringify({item: payloadOf(i), areas: Array.from({length: 12}, (_, k) => `County ${k} of state ${i % 7}`), body: 'Flood warning. '.repeat(20)});
    const path = v4Home(1000, large);
    const pages = (store: Store) => store.db.pragma('page_count', {simple: true}) as number;
    const store = Store.open(path);
    const before = pages(store);
    store.migrate({reclaimSpace: true});
    expect(pages(store)).toBeLessThan(before * 0.5);
    expect(store.db.pragma('freelist_count', {simple: true})).toBe(0);
    expect(storedPayloads(store).map((r) => r.text)).toEqual(Array.from({length: 1000}, (_, i) => large(i)));
    store.close();
  });

  it('an interrupted migration leaves the home as it was, and a second attempt completes it', () => {
    const path = v4Home(300);
    const db = new Database(path);
    db.exec(`CREATE TRIGGER fail_midway BEFORE UPDATE ON raw_items WHEN OLD.raw_id = 'RAW-250' BEGIN SELECT RAISE(ABORT, 'interrupted'); END`);
    db.close();
    const store = Store.open(path);
    expect(() => store.migrate()).toThrow('migration 5 (stored-json-dictionaries) failed: interrupted');
    expect(store.schemaVersion()).toBe(4);
    expect(store.tableNames()).not.toContain('stored_json_dictionaries');
    expect(storedPayloads(store).every((r, i) => r.type === 'text' && r.text === payloadOf(i))).toBe(true);
    store.db.exec('DROP TRIGGER fail_midway');
    expect(store.migrate()).toEqual(MIGRATIONS.map((m) => m.version).filter((v) => v >= 5));
    expect(storedPayloads(store).map((r) => r.text)).toEqual(Array.from({length: 300}, (_, i) => payloadOf(i)));
    store.close();
  });
});
