import {describe, expect, it} from 'vitest';
import {artifactHash, sha256Hex} from '../../src/kernel/canonical-json.js';
import {Store} from '../../src/store/db.js';
import {
  contentHashOf,
  getRawItem,
  lineageOfGroup,
  previewAction,
  rawIdOf,
  rawItemBatchDigest,
  recordCandidate,
  setRawItemStatus,
} from '../../src/store/raw-items-repo.js';
import {insertSourceRun, sourceRunDigest, sourceRunsOfGroup} from '../../src/store/source-runs-repo.js';
import type {RawItemCandidate} from '../../src/model/raw-item.js';

function memStore(): Store {
  const s = Store.open(':memory:');
  s.migrate();
  return s;
}

const cand = (over: Partial<RawItemCandidate> = {}): RawItemCandidate => ({
  canonical_id: 'rss-1',
  title: 'Alert One',
  url: 'https://example.com/alerts/1',
  published_at: '2024-01-01T12:00:00Z',
  payload: {title: 'Alert One', summary: 'First alert summary.', link: 'https://example.com/alerts/1'},
  ...over,
});

const ctx = (rg: string, at = '2025-12-29T17:00:00Z') => ({sourceId: 'src', tier: 'global', trustTier: 3, runGroupId: rg, fetchedAt: at});

describe('raw-item store', () => {
  it('content hash = canonical hash of {canonical_id, title, url, payload}; raw id is content-derived', () => {
    const c = cand();
    expect(contentHashOf(c)).toBe(artifactHash({canonical_id: 'rss-1', title: 'Alert One', url: 'https://example.com/alerts/1', payload: c.payload}));
    expect(contentHashOf({...c, published_at: null})).toBe(contentHashOf(c));
    expect(rawIdOf('src', 'rss-1', 'x')).toBe(`RAW-${sha256Hex('src\u0000rss-1').slice(0, 16)}`);
    expect(rawIdOf('src', null, 'abc')).toBe(`RAW-${sha256Hex('src\u0000abc').slice(0, 16)}`);
  });

  it('NEW, then DUPLICATE by canonical id (OPS-27) without touching the first fetch time', () => {
    const s = memStore();
    const a = s.write(() => recordCandidate(s, ctx('g1'), cand()));
    expect(a.action).toBe('NEW');
    const b = s.write(() => recordCandidate(s, ctx('g2', '2025-12-30T00:00:00Z'), cand({title: 'Changed title'})));
    expect(b).toMatchObject({action: 'DUPLICATE', raw_id: a.raw_id});
    const row = getRawItem(s, a.raw_id)!;
    expect(row.fetched_at).toBe('2025-12-29T17:00:00Z');
    expect(row.title).toBe('Alert One');
    expect(lineageOfGroup(s, 'g2')).toMatchObject([{raw_id: a.raw_id, fetch_action: 'DUPLICATE', content_hash: b.content_hash}]);
  });

  it('DUPLICATE by content hash when the feed has no id (OPS-28)', () => {
    const s = memStore();
    const c = cand({canonical_id: null});
    const a = s.write(() => recordCandidate(s, ctx('g1'), c));
    const b = s.write(() => recordCandidate(s, ctx('g2'), {...c, payload: {...c.payload}}));
    expect(a.action).toBe('NEW');
    expect(b).toMatchObject({action: 'DUPLICATE', raw_id: a.raw_id});
  });

  it('the same id from two sources gives two raw items', () => {
    const s = memStore();
    const a = s.write(() => recordCandidate(s, ctx('g1'), cand()));
    const b = s.write(() => recordCandidate(s, {...ctx('g1'), sourceId: 'other'}, cand()));
    expect(b.action).toBe('NEW');
    expect(b.raw_id).not.toBe(a.raw_id);
  });

  it('a FAILED item fetched again is a RETRY with a status history row (OPS-30)', () => {
    const s = memStore();
    const a = s.write(() => recordCandidate(s, ctx('g1'), cand()));
    s.write(() => setRawItemStatus(s, a.raw_id, 'FAILED', 'normalize crashed', '2025-12-29T17:01:00Z', 'g1'));
    expect(previewAction(s, 'src', cand()).action).toBe('RETRY');
    const b = s.write(() => recordCandidate(s, ctx('g2'), cand()));
    expect(b.action).toBe('RETRY');
    expect(getRawItem(s, a.raw_id)).toMatchObject({status: 'NEW', error: null});
    const hist = s.db.prepare('SELECT seq, status, error, run_group_id FROM raw_item_status_history WHERE raw_id = ? ORDER BY seq').all(a.raw_id);
    expect(hist).toEqual([
      {seq: 1, status: 'NEW', error: null, run_group_id: 'g1'},
      {seq: 2, status: 'FAILED', error: 'normalize crashed', run_group_id: 'g1'},
      {seq: 3, status: 'NEW', error: null, run_group_id: 'g2'},
    ]);
  });

  it('a repeated item inside one fetch keeps the first lineage row', () => {
    const s = memStore();
    s.write(() => {
      recordCandidate(s, ctx('g1'), cand());
      recordCandidate(s, ctx('g1'), cand());
    });
    expect(lineageOfGroup(s, 'g1')).toHaveLength(1);
    expect(lineageOfGroup(s, 'g1')[0].fetch_action).toBe('NEW');
  });

  it('raw-item batch digest: sorted {source_id, content_hash}; empty → hash of []', () => {
    expect(rawItemBatchDigest([])).toBe('4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945');
    const a = {source_id: 'b', content_hash: '1'};
    const b = {source_id: 'a', content_hash: '2'};
    expect(rawItemBatchDigest([a, b])).toBe(rawItemBatchDigest([b, a]));
    expect(rawItemBatchDigest([a, b])).toBe(artifactHash([b, a]));
  });

  it('SourceRun digest ignores ids and times (OPS-32)', () => {
    const s = memStore();
    const base = {phase: 'FETCH' as const, source_id: 'x', status: 'SUCCESS' as const, status_code: 200, error: null, items_fetched: 2, items_new: 1, bytes_downloaded: 10, diagnostics: {items_seen: 2}};
    s.write(() => {
      insertSourceRun(s, {...base, run_group_id: 'g1', run_at: '2025-01-01T00:00:00Z', duration_ms: 5});
      insertSourceRun(s, {...base, run_group_id: 'g2', run_at: '2025-02-01T00:00:00Z', duration_ms: 99});
    });
    expect(sourceRunDigest(sourceRunsOfGroup(s, 'g1', 'FETCH'))).toBe(sourceRunDigest(sourceRunsOfGroup(s, 'g2', 'FETCH')));
    expect(sourceRunDigest([])).toBe('4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945');
  });
});
