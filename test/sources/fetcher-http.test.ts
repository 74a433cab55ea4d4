import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {seedFrom} from '../../src/kernel/ids.js';
import {retryDelayMs} from '../../src/kernel/retry.js';
import {parseIsoInstant} from '../../src/kernel/time.js';
import {getFetchState} from '../../src/store/fetch-state-repo.js';
import {lineageOfGroup} from '../../src/store/raw-items-repo.js';
import {sourceRunsOfGroup, type SourceRunRow} from '../../src/store/source-runs-repo.js';
import {loadSourcesConfig} from '../../src/sources/config.js';
import {fetchSources} from '../../src/sources/fetch-operator.js';
import {computeSourceHealth} from '../../src/sources/health.js';
import {FETCH_RETRY_SCHEDULE} from '../../src/sources/fetcher.js';
import {VirtualSleeper} from '../../src/sources/rate-limit.js';
import {FeedServer} from './feed-server.js';
import {context, makeHome} from './home.js';

const NOW = '2025-12-29T17:00:00Z';
const LATER = '2025-12-29T18:00:00Z';

let server: FeedServer;
beforeAll(async () => {
  server = await new FeedServer().start();
});
afterAll(async () => {
  await server.stop();
});

function sourcesYaml(): string {
  const s = (id: string, path: string, extra = '') => `    - {id: ${id}, type: rss, url: "${server.url(path)}"${extra}}`;
  return [
    'version: 1',
    'defaults:',
    '  rate_limit: {per_host_min_seconds: 2, jitter_seconds: 1}',
    'tiers:',
    '  global:',
    s('ok', '/ok.xml'),
    s('etag', '/etag.xml'),
    s('missing', '/nope.xml'),
    s('err500', '/error500.xml'),
    s('slow', '/slow.xml', ', timeout_seconds: 0.3'),
    s('big', '/big.xml'),
    s('gzip', '/gzip.xml'),
    s('loop', '/loop-a'),
    s('html', '/page.html'),
    s('moved', '/moved.xml'),
    '',
  ].join('\n');
}

function byId(rows: SourceRunRow[]): Map<string, SourceRunRow> {
  return new Map(rows.map((r) => [r.source_id, r]));
}

describe('fetcher against a local HTTP server', () => {
  let home: string;
  const firstSleeper = new VirtualSleeper();
  let firstGroup = '';
  let rows1: Map<string, SourceRunRow>;

  beforeAll(async () => {
    home = makeHome(sourcesYaml());
    const ctx = context(home, NOW);
    ctx.openStoreForWrite();
    const group = ctx.runGroup('fetch', {test: 1});
    firstGroup = group.id;
    const summary = await fetchSources(ctx.fetchDeps(), group, {since: '24h', deps: {sleeper: firstSleeper}});
    expect(summary.results).toHaveLength(10);
    rows1 = byId(sourceRunsOfGroup(ctx.store!, group.id, 'FETCH'));
    ctx.close();
  });

  it('200: SUCCESS with every item new, status 200, bytes counted', () => {
    const r = rows1.get('ok')!;
    expect(r.status).toBe('SUCCESS');
    expect(r.status_code).toBe(200);
    expect(r.items_fetched).toBe(3);
    expect(r.items_new).toBe(3);
    expect(r.bytes_downloaded).toBeGreaterThan(500);
    expect(r.diagnostics).toMatchObject({items_seen: 3, dedupe_dropped: 0, format: 'rss2', not_modified: false});
  });

  it('404: terminal FAILURE after one attempt', () => {
    const r = rows1.get('missing')!;
    expect(r.status).toBe('FAILURE');
    expect(r.status_code).toBe(404);
    expect(r.error).toMatch(/HTTP 404/);
    expect(r.diagnostics.attempts).toHaveLength(1);
    expect(r.diagnostics.error_code).toBe('FETCH_HTTP_STATUS');
  });

  it('500: retried twice with seeded backoff, then FAILURE with every attempt recorded', () => {
    const r = rows1.get('err500')!;
    expect(r.status).toBe('FAILURE');
    expect(r.status_code).toBe(500);
    const attempts = r.diagnostics.attempts as {attempt: number; status_code: number; wait_ms: number}[];
    expect(attempts.map((a) => a.status_code)).toEqual([500, 500, 500]);
    const seed = seedFrom(firstGroup);
    const backoffMs = (s: number, id: string, attempt: number) => retryDelayMs({maxAttempts: 3, ...FETCH_RETRY_SCHEDULE}, String(s), id, attempt);
    expect(attempts.map((a) => a.wait_ms)).toEqual([backoffMs(seed, 'err500', 1), backoffMs(seed, 'err500', 2), 0]);
    expect(firstSleeper.sleeps).toContain(backoffMs(seed, 'err500', 1));
    expect(server.hits.get('/error500.xml')).toBe(3);
  });

  it('slow: FETCH_TIMEOUT after the per-source timeout, retried', () => {
    const r = rows1.get('slow')!;
    expect(r.status).toBe('FAILURE');
    expect(r.diagnostics.error_code).toBe('FETCH_TIMEOUT');
    expect(r.diagnostics.attempts).toHaveLength(3);
  });

  it('oversized: FETCH_TOO_LARGE from the declared length, nothing buffered', () => {
    const r = rows1.get('big')!;
    expect(r.status).toBe('FAILURE');
    expect(r.diagnostics.error_code).toBe('FETCH_TOO_LARGE');
    expect(r.bytes_downloaded).toBe(0);
  });

  it('gzip: decoded transparently', () => {
    const r = rows1.get('gzip')!;
    expect(r.status).toBe('SUCCESS');
    expect(r.items_new).toBe(4);
  });

  it('redirect loop: FETCH_REDIRECT_LOOP, no retry', () => {
    const r = rows1.get('loop')!;
    expect(r.status).toBe('FAILURE');
    expect(r.diagnostics.error_code).toBe('FETCH_REDIRECT_LOOP');
    expect(r.error).toMatch(/loop-a -> .*loop-b -> .*loop-a/);
  });

  it('an HTML page is a FAILURE with FEED_NOT_A_FEED', () => {
    const r = rows1.get('html')!;
    expect(r.status).toBe('FAILURE');
    expect(r.status_code).toBe(200);
    expect(r.diagnostics.error_code).toBe('FEED_NOT_A_FEED');
  });

  it('a bounded redirect is followed and the final URL recorded', () => {
    const r = rows1.get('moved')!;
    expect(r.status).toBe('SUCCESS');
    expect(r.diagnostics.final_url).toBe(server.url('/ok.xml'));
  });

  it('per-host spacing goes through the injected sleeper (strict: jitter 0, waits recorded as 0)', () => {
    // Virtual time never advances except by sleeping, so every request after the first waits
    // exactly the 2 s interval.
    expect(firstSleeper.sleeps.filter((s) => s === 2000).length).toBeGreaterThanOrEqual(9);
    for (const r of rows1.values()) expect(r.diagnostics.rate_limit).toEqual({wait_ms: 0, jitter_ms: 0});
  });

  it('each SourceRun has its own start time, rows and items in one transaction', () => {
    const times = [...rows1.values()].map((r) => parseIsoInstant(r.run_at)!.micros);
    expect(new Set(times).size).toBe(times.length);
  });

  describe('second fetch', () => {
    let rows2: Map<string, SourceRunRow>;
    let group2 = '';
    const rememberedItems = {before: -1, after: -1};
    beforeAll(async () => {
      const ctx = context(home, LATER);
      ctx.openStoreForWrite();
      expect(getFetchState(ctx.store!, 'etag')).toMatchObject({etag: '"v1"', last_modified: 'Mon, 29 Dec 2025 10:00:00 GMT'});
      rememberedItems.before = getFetchState(ctx.store!, 'etag')?.document?.items.length ?? -1;
      const group = ctx.runGroup('fetch', {test: 2});
      group2 = group.id;
      await fetchSources(ctx.fetchDeps(), group, {since: '24h', sourceIds: ['ok', 'etag', 'missing', 'err500'], deps: {sleeper: new VirtualSleeper()}});
      rows2 = byId(sourceRunsOfGroup(ctx.store!, group.id, 'FETCH'));
      const lineage = lineageOfGroup(ctx.store!, group.id);
      expect(lineage.filter((l) => l.source_id === 'ok').map((l) => l.fetch_action)).toEqual(['DUPLICATE', 'DUPLICATE', 'DUPLICATE']);
      rememberedItems.after = getFetchState(ctx.store!, 'etag')?.document?.items.length ?? -1;
      ctx.close();
    });

    it('304: conditional GET with the remembered ETag is SUCCESS, zero items, not_modified', () => {
      const r = rows2.get('etag')!;
      expect(r.status).toBe('SUCCESS');
      expect(r.status_code).toBe(304);
      expect(r.items_fetched).toBe(0);
      expect(r.diagnostics.not_modified).toBe(true);
      const last = server.requests.filter((q) => q.path === '/etag.xml').at(-1)!;
      expect(last.headers['if-none-match']).toBe('"v1"');
      expect(last.headers['if-modified-since']).toBe('Mon, 29 Dec 2025 10:00:00 GMT');
    });

    it('304 keeps the remembered document whole: a later identical 200 is still recorded without a parse', () => {
      expect(rememberedItems.before).toBe(2);
      expect(rememberedItems.after).toBe(2);
    });

    it('re-fetched items are duplicates, not new', () => {
      const r = rows2.get('ok')!;
      expect(r.items_fetched).toBe(3);
      expect(r.items_new).toBe(0);
      expect(r.diagnostics.dedupe_dropped).toBe(3);
    });

    it('sources not selected get a SKIPPED row with a reason', () => {
      const r = rows2.get('gzip')!;
      expect(r.status).toBe('SKIPPED');
      expect(String(r.diagnostics.reason)).toMatch(/not selected/);
      expect(group2).not.toBe(firstGroup);
    });

    it('health reflects each outcome', () => {
      const ctx = context(home, LATER);
      const loaded = loadSourcesConfig(ctx.home, {runtime: ctx.config});
      const store = ctx.openStoreReadOnly();
      const health = new Map(computeSourceHealth(store, loaded.sources, {now: ctx.clock.now()}).map((h) => [h.source_id, h]));
      ctx.close();
      const ok = health.get('ok')!;
      expect(ok.success_rate).toBe(1);
      expect(ok.health_budget_state).toBe('HEALTHY');
      expect(ok.stale_hours).toBe(0);
      const etag = health.get('etag')!;
      expect(etag.success_rate).toBe(1);
      expect(etag.last_status_code).toBe(304);
      expect(etag.health_factors).not.toContain('zero_bytes');
      const missing = health.get('missing')!;
      expect(missing.health_factors).toEqual(expect.arrayContaining(['success_rate<25%', 'no_success_history', 'last_status_4xx', 'recent_error']));
      expect(missing.health_budget_state).toBe('BLOCKED');
      expect(missing.consecutive_failures).toBe(2);
      expect(missing.gating_state).toBe('WATCH'); // 2 runs < minimum sample of 3
      const e500 = health.get('err500')!;
      expect(e500.health_factors).toContain('last_status_5xx');
      expect(e500.last_error).toMatch(/HTTP 500/);
      expect(health.get('slow')!.health_factors).toContain('recent_error');
      expect(health.get('big')!.sample_size).toBe(1); // the SKIPPED row of run 2 is not a sample
      expect(health.get('html')!.health_budget_state).toBe('BLOCKED');
      expect(health.get('gzip')!.health_budget_state).toBe('HEALTHY');
    });
  });
});

describe('streamed 100 MB response', () => {
  it('is rejected once the cap is passed, without buffering the body', async () => {
    const home = makeHome(`version: 1\ntiers:\n  global:\n    - {id: huge, type: rss, url: "${server.url('/huge-stream.xml')}"}\n`);
    const ctx = context(home, NOW);
    ctx.openStoreForWrite();
    const group = ctx.runGroup('fetch', {});
    const summary = await fetchSources(ctx.fetchDeps(), group, {deps: {sleeper: new VirtualSleeper()}});
    const r = summary.results[0];
    expect(r.status).toBe('FAILURE');
    expect(r.error_code).toBe('FETCH_TOO_LARGE');
    expect(r.bytes_downloaded).toBeLessThan(6 * 1024 * 1024);
    expect(summary.exitCode).toBe(2); // the only source failed
    ctx.close();
  });
});

describe('429 with Retry-After and --no-network', () => {
  it('honours Retry-After (capped) between attempts', async () => {
    const home = makeHome(`version: 1\ntiers:\n  global:\n    - {id: busy, type: rss, url: "${server.url('/busy.xml')}"}\n`);
    const ctx = context(home, NOW);
    ctx.openStoreForWrite();
    const sleeper = new VirtualSleeper();
    const summary = await fetchSources(ctx.fetchDeps(), ctx.runGroup('fetch', {}), {deps: {sleeper}});
    const row = sourceRunsOfGroup(ctx.store!, ctx.group!.id, 'FETCH')[0];
    expect(summary.results[0].status_code).toBe(429);
    expect((row.diagnostics.attempts as {wait_ms: number}[]).map((a) => a.wait_ms)).toEqual([7000, 7000, 0]);
    expect(sleeper.sleeps).toContain(7000);
    ctx.close();
  });

  it('--no-network refuses http sources with NETWORK_DISABLED and reaches no server', async () => {
    const home = makeHome(`version: 1\ntiers:\n  global:\n    - {id: net, type: rss, url: "${server.url('/ok.xml?offline')}"}\n`);
    const before = server.requests.length;
    const ctx = context(home, NOW);
    ctx.openStoreForWrite();
    const summary = await fetchSources(ctx.fetchDeps(), ctx.runGroup('fetch', {}), {noNetwork: true, deps: {sleeper: new VirtualSleeper()}});
    expect(summary.results[0]).toMatchObject({status: 'FAILURE', error_code: 'NETWORK_DISABLED'});
    expect(server.requests.length).toBe(before);
    const row = sourceRunsOfGroup(ctx.store!, ctx.group!.id, 'FETCH')[0];
    expect(row.status).toBe('FAILURE');
    ctx.close();
  });
});

describe('best-effort records', () => {
  it('record the seed and name jitter and network', async () => {
    const home = makeHome(`version: 1\ntiers:\n  global:\n    - {id: ok, type: rss, url: "${server.url('/ok.xml')}"}\n    - {id: ok2, type: rss, url: "${server.url('/gzip.xml')}"}\n`);
    const ctx = context(home, NOW, {bestEffort: true});
    ctx.openStoreForWrite();
    const group = ctx.runGroup('fetch', {});
    const sleeper = new VirtualSleeper();
    await fetchSources(ctx.fetchDeps(), group, {deps: {sleeper}});
    const rec = group.records[0];
    expect(rec.mode).toBe('best-effort');
    expect(rec.best_effort?.seed).toBe(seedFrom(group.id));
    expect(rec.best_effort?.notes).toMatch(/jitter/);
    expect(rec.best_effort?.notes).toMatch(/network/);
    const rows = sourceRunsOfGroup(ctx.store!, group.id, 'FETCH');
    const second = rows.find((r) => r.source_id === 'ok2')!;
    const rl = second.diagnostics.rate_limit as {wait_ms: number; jitter_ms: number};
    expect(rl.wait_ms).toBeGreaterThanOrEqual(2000);
    expect(rl.wait_ms).toBe(sleeper.sleeps[0] === undefined ? -1 : Math.round(sleeper.sleeps[0]));
    ctx.close();
  });
});

describe('compressed bodies', () => {
  it('deflate is decoded; a gzip bomb is cut off at the decoded cap', async () => {
    const home = makeHome(
      `version: 1\ntiers:\n  global:\n    - {id: defl, type: rss, url: "${server.url('/deflate.xml')}"}\n    - {id: bomb, type: rss, url: "${server.url('/gzip-bomb.xml')}"}\n`,
    );
    const ctx = context(home, NOW);
    ctx.openStoreForWrite();
    const summary = await fetchSources(ctx.fetchDeps(), ctx.runGroup('fetch', {}), {deps: {sleeper: new VirtualSleeper()}});
    const [defl, bomb] = summary.results;
    expect(defl).toMatchObject({status: 'SUCCESS', items_new: 2});
    expect(bomb).toMatchObject({status: 'FAILURE', error_code: 'FETCH_TOO_LARGE'});
    expect(bomb.bytes_downloaded).toBeLessThan(1024 * 1024);
    ctx.close();
  });
});

describe('selection flags', () => {
  const yaml = () =>
    `version: 1\ntiers:\n  global:\n    - {id: bad, type: rss, url: "${server.url('/nope.xml')}"}\n  regional:\n    - {id: good, type: rss, url: "${server.url('/ok.xml')}"}\n    - {id: off, type: rss, url: "${server.url('/gzip.xml')}", enabled: false}\n`;

  it('--fail-fast skips the rest after the first failure and is BROKEN', async () => {
    const ctx = context(makeHome(yaml()), NOW);
    ctx.openStoreForWrite();
    const s = await fetchSources(ctx.fetchDeps(), ctx.runGroup('fetch', {}), {failFast: true, deps: {sleeper: new VirtualSleeper()}});
    expect(s.results.map((r) => [r.source_id, r.status])).toEqual([
      ['bad', 'FAILURE'],
      ['good', 'SKIPPED'],
    ]);
    expect(s.results[1].reason).toMatch(/fail-fast/);
    expect(s.exitCode).toBe(2);
    expect(s.diagnostics.map((d) => d.code)).toContain('FETCH_FAIL_FAST');
    ctx.close();
  });

  it('--tier fetches one tier; --include-disabled adds disabled sources; a disabled --source is refused', async () => {
    const ctx = context(makeHome(yaml()), NOW);
    ctx.openStoreForWrite();
    const s = await fetchSources(ctx.fetchDeps(), ctx.runGroup('fetch', {}), {tier: 'regional', includeDisabled: true, deps: {sleeper: new VirtualSleeper()}});
    expect(s.results.map((r) => [r.source_id, r.status])).toEqual([
      ['bad', 'SKIPPED'],
      ['good', 'SUCCESS'],
      ['off', 'SUCCESS'],
    ]);
    expect(s.exitCode).toBe(0);
    ctx.close();
    const ctx2 = context(makeHome(yaml()), NOW);
    ctx2.openStoreForWrite();
    await expect(fetchSources(ctx2.fetchDeps(), ctx2.runGroup('fetch', {}), {sourceIds: ['off'], deps: {sleeper: new VirtualSleeper()}})).rejects.toThrow(/disabled/);
    expect(ctx2.group!.records[0].errors[0].code).toBe('SOURCE_DISABLED');
    ctx2.close();
  });
});
