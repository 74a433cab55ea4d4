import {appendFileSync, copyFileSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {getFetchState} from '../../src/store/fetch-state-repo.js';
import {lineageOfGroup} from '../../src/store/raw-items-repo.js';
import {sourceRunsOfGroup} from '../../src/store/source-runs-repo.js';
import {fetchSources, type FetchSourcesOptions} from '../../src/sources/fetch-operator.js';
import {defaultFetcherDeps, type ParseFeedFn} from '../../src/sources/fetcher.js';
import {context, makeHome} from './home.js';

const FEED = join(import.meta.dirname, '..', '..', 'fixtures', 'golden', 'home', 'feeds', 'news.xml');
const SOURCES = 'version: 1\ntiers:\n  regional:\n    - {id: news, type: rss, url: "file://feeds/news.xml"}\n';

/** A home with the golden news feed (items from 22 to 30 Dec 2025, one of them ahead of the clock). */
function newsHome(): string {
  const home = makeHome(SOURCES);
  mkdirSync(join(home, 'feeds'));
  copyFileSync(FEED, join(home, 'feeds', 'news.xml'));
  return home;
}

/** One fetch: what it stored, and how often the feed was parsed. */
async function fetchOnce(home: string, now: string, opts: FetchSourcesOptions = {}, forget = false) {
  const ctx = context(home, now);
  const store = ctx.openStoreForWrite();
  if (forget) store.db.prepare('UPDATE fetch_state SET document_json = NULL').run();
  let parses = 0;
  const parse: ParseFeedFn = (bytes, o) => {
    parses++;
    return defaultFetcherDeps.parse(bytes, o);
  };
  const group = ctx.runGroup('fetch', {now, since: opts.since ?? null, forget});
  const summary = await fetchSources(ctx.fetchDeps(), group, {...opts, deps: {parse}});
  const [row] = sourceRunsOfGroup(store, group.id, 'FETCH');
  const lineage = lineageOfGroup(store, group.id).map((l) => [l.raw_id, l.content_hash, l.fetch_action]);
  const result = {parses, row, lineage, summary, remembered: getFetchState(store, 'news')?.document ?? null};
  ctx.close();
  return result;
}

/** The SourceRun as the parse would write it, without the marker of an unparsed document. */
function content(row: {items_fetched: number; items_new: number; status: string; diagnostics: Record<string, unknown>}) {
  const {unchanged_document: _ignored, ...diagnostics} = row.diagnostics;
  return {status: row.status, items_fetched: row.items_fetched, items_new: row.items_new, diagnostics};
}

describe('an unchanged document is recorded without a parse (issue 19: no work for unchanged inputs)', () => {
  it.each([
    ['the same window', '2025-12-29T17:00:00Z', '7d', '2025-12-29T17:00:00Z', '7d'],
    ['a later clock: more items fall out of the window', '2025-12-29T17:00:00Z', '7d', '2025-12-31T17:00:00Z', '7d'],
    ['no window at all, twice', '2025-12-29T17:00:00Z', undefined, '2025-12-30T17:00:00Z', undefined],
    ['a later clock takes the item that was ahead of it without a parse', '2025-12-29T17:00:00Z', '30d', '2025-12-30T20:00:00Z', '30d'],
  ])('%s: the SourceRun and the lineage are the ones a parse gives', async (_name, now1, since1, now2, since2) => {
    const home = newsHome();
    const first = await fetchOnce(home, now1, {since: since1});
    expect(first.parses).toBe(1);
    expect(first.remembered?.items.length).toBe(first.row.items_fetched);
    const second = await fetchOnce(home, now2, {since: since2});
    expect(second.parses).toBe(0);
    expect(second.row.diagnostics.unchanged_document).toBe(true);
    expect(second.summary.results[0]).toMatchObject({unchanged_document: true, not_modified: false});
    // The same fetch again with the document forgotten: what a parse records.
    const parsed = await fetchOnce(home, now2, {since: since2}, true);
    expect(parsed.parses).toBe(1);
    expect(content(second.row)).toEqual(content(parsed.row));
    expect(second.lineage).toEqual(parsed.lineage);
    expect(second.summary.diagnostics).toEqual(parsed.summary.diagnostics);
  });

  it.each([
    ['the document changed', (home: string) => appendFileSync(join(home, 'feeds', 'news.xml'), '\n')],
    ['a wider --since window could take items the last one dropped', () => undefined, '30d'],
    ['--max-items changed', () => undefined, undefined, 3],
    [
      'an item of the source FAILED and must be retried',
      (home: string) => {
        const ctx = context(home, '2025-12-29T17:00:00Z');
        ctx.openStoreForWrite().db.prepare("UPDATE raw_items SET status = 'FAILED' WHERE rowid = 1").run();
        ctx.close();
      },
    ],
  ] as [string, (home: string) => void, string?, number?][])('parsed again when %s', async (_name, change, since = '7d', maxItems) => {
    const home = newsHome();
    await fetchOnce(home, '2025-12-29T17:00:00Z', {since: '7d'});
    change(home);
    const again = await fetchOnce(home, '2025-12-29T18:00:00Z', {since, maxItems});
    expect(again.parses).toBe(1);
    expect(again.row.diagnostics.unchanged_document).toBeUndefined();
  });

  it('the info diagnostics of its parse are said again with each sighting', async () => {
    const home = newsHome();
    // Undeclared charset, not UTF-8: decoded as windows-1252 with an info ENCODING_FALLBACK.
    const file = join(home, 'feeds', 'news.xml');
    const text = readFileSync(file, 'latin1').replace(/<\?xml[^>]*\?>/, '<?xml version="1.0"?>').replace('Avon', 'Av\u00e9on');
    writeFileSync(file, Buffer.from(text, 'latin1'));
    const first = await fetchOnce(home, '2025-12-29T17:00:00Z', {since: '7d'});
    expect(first.summary.diagnostics.map((d) => d.code)).toContain('ENCODING_FALLBACK');
    const second = await fetchOnce(home, '2025-12-29T17:00:00Z', {since: '7d'});
    expect(second.parses).toBe(0);
    expect(second.summary.diagnostics).toEqual(first.summary.diagnostics);
  });

  it.each([
    ['not JSON', '{"digest": '],
    ['another shape', '{"digest": "x", "items": [[1, 2, 3]]}'],
    ['null', 'null'],
  ])('a damaged remembered document (%s) means a parse, never a failed fetch', async (_name, damaged) => {
    const home = newsHome();
    await fetchOnce(home, '2025-12-29T17:00:00Z', {since: '7d'});
    const ctx = context(home, '2025-12-29T17:00:00Z');
    ctx.openStoreForWrite().db.prepare('UPDATE fetch_state SET document_json = ?').run(damaged);
    ctx.close();
    const again = await fetchOnce(home, '2025-12-29T17:00:00Z', {since: '7d'});
    expect(again.parses).toBe(1);
    expect(again.row.status).toBe('SUCCESS');
    expect(again.remembered?.items.length).toBe(again.row.items_fetched);
  });

  it('a document with warnings is never remembered: they are said again, and the run exits 1 again', async () => {
    const home = newsHome();
    // A clock long before the items: every one is more than 24 h ahead (ITEM_FROM_FUTURE, a warning).
    const first = await fetchOnce(home, '2025-12-01T00:00:00Z');
    expect(first.summary.diagnostics.map((d) => d.code)).toContain('ITEM_FROM_FUTURE');
    expect(first.remembered).toBeNull();
    const second = await fetchOnce(home, '2025-12-01T00:00:00Z');
    expect(second.parses).toBe(1);
    expect(second.summary.exitCode).toBe(first.summary.exitCode);
  });
});
