import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunRecord} from '../../src/kernel/run-record.js';
import type {DecideWorkerOptions} from '../../src/pipeline/decide-ahead.js';
import type {IngestSummary} from '../../src/pipeline/ingest-external.js';
import {runIngestOperator} from '../../src/pipeline/ingest-operator.js';
import {buildRulePack} from '../../src/rules/loader.js';
import {snapshotOf} from '../../src/rules/pack-snapshot.js';
import {readRuleTexts} from '../../src/rules/rule-texts.js';
import {recordCandidate} from '../../src/store/raw-items-repo.js';
import {ROOT, tempHome} from '../helpers/cli.js';
import {ingestFixture, SHIPPED_RULES} from './ingest-fixture.js';

/**
 * The decide worker (issue 19, "both cores"): a worker thread decides chunk k+1 while the
 * writer writes chunk k. Where an item is decided must never show in what is stored, and a
 * worker that fails must neither hang the run nor lose or half-write an item. The worker runs
 * from the build (`npm run build` first): dist/pipeline/decide-worker.js.
 */
const NOW = '2025-12-29T17:00:00Z';
const FETCHED = '2025-12-29T16:00:00Z';
const WORKER = pathToFileURL(join(ROOT, 'dist', 'pipeline', 'decide-worker.js'));
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true});
});

const SNAPSHOT = snapshotOf(SHIPPED_RULES.pack, SHIPPED_RULES.sources);

const SOURCES = `version: 1
defaults:
  enabled: true
tiers:
  global:
    - {id: gov_feed, type: rss, tier: global, url: "file://feeds/gov.xml", trust_tier: 3}
  regional:
    - id: news_feed
      type: rss
      tier: regional
      url: "file://feeds/news.xml"
      trust_tier: 2
      suppress:
        - {id: weekly_digest, kind: keyword, field: title, pattern: "weekly summary"}
`;

/**
 * `n` items that link to the network and correlate across chunk boundaries (the same story
 * every few items), unlinked ones, items the per-source rule suppresses and test alerts.
 */
function items(n: number): {source: 'gov_feed' | 'news_feed'; guid: string; title: string; published: string}[] {
  const stories = [
    (i: number) => `Chemical spill reported at Avon Chemical Manufacturing (${i})`,
    (i: number) => `Road flooding around Memphis, TN warehouses, bulletin ${i}`,
    (i: number) => `Truck drivers strike near Atlanta, GA distribution centers, update ${i}`,
    (i: number) => `Dockworkers walk out in Hamburg terminal ${i}`,
    (i: number) => `Weekly summary of freight news ${i}`,
    (i: number) => `TEST ALERT: connectivity check ${i}`,
  ];
  const base = Date.parse('2025-12-23T12:00:00Z');
  return Array.from({length: n}, (_, i) => ({
    source: i % 2 === 0 ? 'gov_feed' : 'news_feed',
    guid: `item-${String(i).padStart(5, '0')}`,
    title: stories[i % stories.length](i),
    published: new Date(base + Math.floor((i * 517_000) / 3)).toISOString().replace('.000Z', 'Z'),
  }));
}

interface Outcome {
  summary: IngestSummary;
  records: RunRecord[];
  /** Every stored row the decisions produced, in a fixed order. */
  rows: Record<string, unknown[]>;
}

/** A fresh store with `n` pending items, decided by one ingest run. */
async function decide(n: number, worker: DecideWorkerOptions, snapshot = SNAPSHOT): Promise<Outcome> {
  const {store, records, group, deps} = ingestFixture(SOURCES, NOW, dirs);
  try {
    store.write(() => {
      for (const it of items(n)) {
        const [tier, trustTier] = it.source === 'gov_feed' ? ['global', 3] : ['regional', 2];
        recordCandidate(
          store,
          {sourceId: it.source, tier, trustTier, runGroupId: 'fetch-group', fetchedAt: FETCHED},
          {canonical_id: it.guid, title: it.title, url: `https://example.invalid/${it.guid}`, published_at: it.published, payload: {title: it.title, summary: `${it.title}. More to follow.`, published: it.published}},
        );
      }
    });
    const summary = await runIngestOperator({...deps, rulesSnapshot: snapshot}, group, {decideWorker: worker});
    const all = (sql: string) => store.db.prepare(sql).raw().all();
    const rows = {
      raw_items: all('SELECT raw_id, status, error FROM raw_items ORDER BY raw_id'),
      events: all('SELECT * FROM events ORDER BY event_id'),
      suppression_audit: all('SELECT * FROM suppression_audit ORDER BY event_id'),
      alert_versions: all('SELECT * FROM alert_versions ORDER BY alert_id, version'),
      incidents: all('SELECT * FROM incidents ORDER BY alert_id'),
    };
    return {summary, records, rows};
  } finally {
    store.db.close();
  }
}

const workerFailures = (o: Outcome) => o.summary.diagnostics.filter((d) => d.code === 'DECIDE_WORKER_FAILED');

/** A worker script in the test's temp folder. */
function workerScript(name: string, text: string): URL {
  const dir = tempHome('hardstop-fake-worker-');
  dirs.push(dir);
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, text);
  return pathToFileURL(file);
}

/** A stand-in worker that speaks the protocol, says it is ready, then misbehaves on a request. */
function fakeWorker(name: string, onRequest: string): URL {
  const side = pathToFileURL(join(ROOT, 'dist', 'kernel', 'blocking-worker.js')).href;
  return workerScript(name, `import {blockingWorkerSide} from '${side}';\nconst side = blockingWorkerSide();\nside.answer({kind: 'ready', setupMs: 0});\nside.onRequest((request) => {${onRequest}});\n`);
}

/** The real worker, whose thread exits once it has been handed chunk 1 (it may still answer that one). */
function workerExitingAtChunk1(): URL {
  const listen = "import {parentPort} from 'node:worker_threads';";
  return workerScript('exits-later', `${listen}\nimport '${WORKER.href}';\nparentPort.on('message', (request) => {\n  if (request.chunk >= 1) process.exit(5);\n});\n`);
}

describe('decide worker: the same stored results as deciding in the writer thread', () => {
  let here: Outcome;
  beforeAll(async () => {
    expect(existsSync(WORKER), 'run `npm run build` first: the worker runs from dist/').toBe(true);
    here = await decide(700, {mode: 'never'});
  }, 60_000);

  it('the reference run decides, suppresses, correlates across chunks and marks items', () => {
    expect(here.summary.counts.processed).toBe(700);
    expect(here.summary.counts.suppressed).toBeGreaterThan(100);
    expect(here.summary.counts.alerts_updated).toBeGreaterThan(100);
    expect(here.summary.counts.alerts_created).toBeGreaterThan(50);
    expect(here.rows.raw_items.every((r) => (r as unknown[])[1] !== 'NEW')).toBe(true);
    expect(workerFailures(here)).toEqual([]);
  });

  it.each([
    ['always (every chunk in the worker, 3 chunks)', {mode: 'always' as const, script: WORKER}],
    ['auto (700 items ≥ 512: a worker is started, this thread decides until it is ready)', {mode: 'auto' as const, script: WORKER}],
  ])('%s: rows, counts and RunRecords are identical', async (_name, opts) => {
    const o = await decide(700, opts);
    expect(workerFailures(o)).toEqual([]);
    expect(o.summary.counts).toEqual(here.summary.counts);
    expect(o.rows).toEqual(here.rows);
    expect(JSON.stringify(o.records)).toBe(JSON.stringify(here.records));
  }, 60_000);

  it('a small run (fewer than 512 items) in auto mode never starts a worker', async () => {
    const small = await decide(40, {mode: 'never'});
    // A worker that would exit at once: had it been started, the run would report it.
    const o = await decide(40, {mode: 'auto', script: fakeWorker('exits', 'process.exit(9);')});
    expect(workerFailures(o)).toEqual([]);
    expect(o.rows).toEqual(small.rows);
  }, 60_000);

  it('a small run with the worker forced decides there, with the same results', async () => {
    const small = await decide(40, {mode: 'never'});
    const o = await decide(40, {mode: 'always', script: WORKER});
    expect(workerFailures(o)).toEqual([]);
    expect(o.rows).toEqual(small.rows);
    expect(JSON.stringify(o.records)).toBe(JSON.stringify(small.records));
  }, 60_000);
});

describe('decide worker failures: no hang, nothing lost, the same results decided in the writer thread', () => {
  let here: Outcome;
  beforeAll(async () => {
    here = await decide(600, {mode: 'never'});
  }, 60_000);

  const otherRules = (() => {
    // The same files with one score changed: a pack the writer is not deciding with.
    const read = readRuleTexts('rules/supply-chain', {cwd: ROOT});
    const texts = read.texts.map((t) => (t.file.endsWith('scoring.yaml') ? {...t, text: `${t.text}\n# edited\n`} : t));
    const r = buildRulePack(texts, read.build);
    return snapshotOf(r.pack!, r.sources);
  })();

  it.each([
    ['the worker thread exits', () => ({mode: 'always' as const, script: fakeWorker('exit', 'process.exit(7);')}), /exited with code 7/],
    ['the worker throws while deciding', () => ({mode: 'always' as const, script: fakeWorker('throws', "throw new Error('boom');")}), /exited with code 1/],
    ['the worker answers a failure', () => ({mode: 'always' as const, script: fakeWorker('fails', "side.answer({kind: 'failed', message: 'cannot decide'});")}), /cannot decide/],
    ['the worker never answers', () => ({mode: 'always' as const, script: fakeWorker('stalls', ''), stallMs: 300}), /no answer within 300 ms/],
    ['the worker exits in the middle of the run', () => ({mode: 'always' as const, script: workerExitingAtChunk1()}), /exited with code 5/],
  ])('%s: a DECIDE_WORKER_FAILED warning and every item decided as in the writer thread', async (_name, opts, reason) => {
    const o = await decide(600, opts());
    const failures = workerFailures(o);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({severity: 'warning'});
    expect(failures[0].message).toMatch(reason);
    expect(o.summary.counts).toEqual(here.summary.counts);
    expect(o.rows).toEqual(here.rows);
  }, 60_000);

  it('rule files that rebuild another pack: the worker refuses, and the writer decides with its own pack', async () => {
    expect(readFileSync(join(ROOT, 'rules/supply-chain/scoring.yaml'), 'utf8')).not.toContain('# edited');
    const o = await decide(600, {mode: 'always', script: WORKER}, otherRules);
    const failures = workerFailures(o);
    expect(failures).toHaveLength(1);
    expect(failures[0].message).toMatch(/rebuild pack [0-9a-f]{12}, not the writer's [0-9a-f]{12}/);
    expect(o.rows).toEqual(here.rows);
  }, 60_000);
});
