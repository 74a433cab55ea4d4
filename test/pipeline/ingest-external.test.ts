import {rmSync} from 'node:fs';
import {afterAll, describe, expect, it} from 'vitest';
import {canonicalJson, sha256Hex} from '../../src/kernel/canonical-json.js';
import type {RunRecord} from '../../src/kernel/run-record.js';
import {runIngestOperator} from '../../src/pipeline/ingest-operator.js';
import type {IngestSummary} from '../../src/pipeline/ingest-external.js';
import {Store} from '../../src/store/db.js';
import {recordCandidate} from '../../src/store/raw-items-repo.js';
import {digestRowsOf, pipelineDigests} from '../helpers/digests.js';
import {ingestFixture} from './ingest-fixture.js';

/**
 * The ingest path in-process (pipeline.md §0.2, §8): a migrated store on a temp file, raw
 * items inserted directly, the shipped rule pack, a pinned run clock and a collecting sink.
 */
const NOW = '2025-12-29T17:00:00Z';
const FETCHED = '2025-12-29T16:00:00Z';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true});
});

const SOURCES = `version: 1
defaults:
  enabled: true
tier_defaults:
  global: {trust_tier: 3}
  regional: {trust_tier: 2}
  local: {trust_tier: 1}
tiers:
  global:
    - {id: gov_feed, type: rss, tier: global, url: "file://feeds/gov.xml"}
  regional:
    - {id: news_feed, type: rss, tier: regional, url: "file://feeds/news.xml"}
  local:
    - {id: union_blog, type: rss, tier: local, url: "file://feeds/union.xml"}
    - {id: old_feed, type: rss, tier: local, url: "file://feeds/old.xml", enabled: false}
`;

interface Item {
  source: 'gov_feed' | 'news_feed' | 'union_blog' | 'old_feed';
  guid: string;
  title: string;
  summary?: string;
  published: string;
}

interface Env {
  dir: string;
  store: Store;
  records: RunRecord[];
  insert(items: readonly Item[]): void;
  run(): Promise<IngestSummary>;
}

const TIERS: Record<Item['source'], [string, number]> = {gov_feed: ['global', 3], news_feed: ['regional', 2], union_blog: ['local', 1], old_feed: ['local', 1]};

function env(): Env {
  const {dir, store, records, group, deps} = ingestFixture(SOURCES, NOW, dirs);
  return {
    dir,
    store,
    records,
    insert(items) {
      store.write(() => {
        for (const it of items) {
          const [tier, trust] = TIERS[it.source];
          recordCandidate(
            store,
            {sourceId: it.source, tier, trustTier: trust, runGroupId: 'fetch-group', fetchedAt: FETCHED},
            {
              canonical_id: it.guid,
              title: it.title,
              url: `https://example.invalid/${it.guid}`,
              published_at: it.published,
              payload: {title: it.title, link: `https://example.invalid/${it.guid}`, summary: it.summary ?? '', content: null, published: it.published, tags: []},
            },
          );
        }
      });
    },
    run: () => runIngestOperator(deps, group),
  };
}

interface Incident {
  alert_id: string;
  correlation_key: string;
  update_count: number;
  classification: number;
  impact_score: number;
  status: string;
  current_version: number;
  root_event_ids_json: string;
  alert_json: string;
}

/** Each incident's projection with its document: the current version's `alert_json`. */
const incidents = (e: Env) =>
  e.store.db
    .prepare('SELECT i.*, v.alert_json AS alert_json FROM incidents i JOIN alert_versions v ON v.alert_id = i.alert_id AND v.version = i.current_version ORDER BY i.alert_id')
    .all() as Incident[];

describe('COR-1 / COR-3: unlinked items do not collapse into one alert per type', () => {
  it('COR-1: three unlinked weather items → three alerts', async () => {
    const e = env();
    e.insert([
      {source: 'gov_feed', guid: 'w1', title: 'Winter Storm Warning for Erie County', published: '2025-12-29T08:00:00Z'},
      {source: 'gov_feed', guid: 'w2', title: 'Flood Watch for Pima County', published: '2025-12-29T09:00:00Z'},
      {source: 'union_blog', guid: 'w3', title: 'Severe cold', summary: 'Wind chill advisory.', published: '2025-12-29T10:00:00Z'},
    ]);
    const s = await e.run();
    expect(s.counts).toMatchObject({processed: 3, alerts_created: 3, alerts_updated: 0, failed: 0, suppressed: 0});
    const rows = incidents(e);
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.update_count)).toEqual([0, 0, 0]);
    expect(new Set(rows.map((r) => r.correlation_key)).size).toBe(3);
    // Each gets a fourth, content part (title fingerprint, URL, location ... as the pack says).
    for (const r of rows) expect(r.correlation_key).toMatch(/^WEATHER\|NONE\|NONE\|[a-z]+:\S+$/);
    for (const r of rows) expect(r.correlation_key).not.toMatch(/^[A-Z_]+\|NONE\|NONE$/);
  });

  it('COR-3: two unrelated unlinked strikes → two alerts', async () => {
    const e = env();
    e.insert([
      {source: 'news_feed', guid: 's1', title: 'Dockworkers strike halts Hamburg terminal', published: '2025-12-27T11:00:00Z'},
      {source: 'news_feed', guid: 's2', title: 'Rail strike spreads across Lyon region', published: '2025-12-27T15:30:00Z'},
    ]);
    const s = await e.run();
    expect(s.counts).toMatchObject({processed: 2, alerts_created: 2, alerts_updated: 0});
    const keys = incidents(e).map((r) => r.correlation_key);
    expect(keys).toHaveLength(2);
    expect(keys.every((k) => k.startsWith('STRIKE|NONE|NONE|'))).toBe(true);
    expect(keys[0]).not.toBe(keys[1]);
  });
});

describe('COR-2: stored and returned agree; versions keep the score history', () => {
  it('L-4 (trust 3) then "Picket line grows at DC-02" (trust 1) → one incident, two versions', async () => {
    const e = env();
    e.insert([
      {source: 'gov_feed', guid: 'l4', title: 'Strike at DC-02 enters day two', summary: 'Pickets at gate.', published: '2025-12-28T12:00:00Z'},
      {source: 'union_blog', guid: 'pk', title: 'Picket line grows at DC-02', summary: 'Union says walkout continues.', published: '2025-12-29T12:00:00Z'},
    ]);
    const s = await e.run();
    expect(s.counts).toMatchObject({processed: 2, alerts_created: 1, alerts_updated: 1, failed: 0});
    const [inc] = incidents(e);
    expect(incidents(e)).toHaveLength(1);
    const versions = e.store.db.prepare('SELECT version, correlation_action, classification, impact_score, alert_json FROM alert_versions WHERE alert_id = ? ORDER BY version').all(inc.alert_id) as {
      version: number;
      correlation_action: string;
      classification: number;
      impact_score: number;
      alert_json: string;
    }[];
    // SC-3 / SC-4: the first scores 4 (class 2), the follow-up 2 (its own class 1).
    expect(versions.map((v) => [v.version, v.correlation_action, v.impact_score])).toEqual([
      [1, 'CREATED', 4],
      [2, 'UPDATED', 2],
    ]);
    const v1 = JSON.parse(versions[0].alert_json);
    const v2 = JSON.parse(versions[1].alert_json);
    expect(v1.classification).toBe(2);
    // The follow-up's own class is 1 (its reasoning says so); the incident keeps max(2, 1).
    expect(v2.reasoning[1].text).toMatch(/^Classification: 1 /);
    expect(v2.classification).toBe(2);
    // The projection points at the latest version, whose document is the only stored copy.
    expect(inc.current_version).toBe(2);
    expect(e.store.db.prepare('SELECT alert_json FROM incidents WHERE alert_id = ?').get(inc.alert_id)).toEqual({alert_json: ''});
    expect({class: inc.classification, impact: inc.impact_score, status: inc.status, updates: inc.update_count, version: inc.current_version}).toEqual({
      class: v2.classification,
      impact: v2.impact_score,
      status: 'UPDATED',
      updates: 1,
      version: 2,
    });
    expect(v2).toMatchObject({status: 'UPDATED', impact_score: 2, update_count: 1, correlation: {action: 'UPDATED', key: inc.correlation_key}});
    expect(inc.correlation_key).toMatch(/^STRIKE\|DC-02\|/);
  });
});

const MIXED: Item[] = [
  {source: 'news_feed', guid: 'a1', title: 'Hydrochloric acid spill at Avon chemical plant', summary: 'A leak at a site in Avon, IN.', published: '2025-12-29T09:15:00Z'},
  {source: 'news_feed', guid: 'a2', title: 'Crews still containing acid spill in Avon, IN', published: '2025-12-29T14:40:00Z'},
  {source: 'gov_feed', guid: 'a3', title: 'Spill response continues in Avon, IN', published: '2025-12-29T14:40:00Z'},
  {source: 'union_blog', guid: 'b1', title: 'Strike at DC-02 enters day two', published: '2025-12-28T12:00:00Z'},
  {source: 'gov_feed', guid: 'b2', title: 'Picket line grows at DC-02', published: '2025-12-28T12:00:00Z'},
  {source: 'news_feed', guid: 'c1', title: 'Dockworkers strike halts Hamburg terminal', published: '2025-12-27T11:00:00Z'},
  {source: 'news_feed', guid: 'c2', title: 'Rail strike spreads across Lyon region', published: '2025-12-27T11:00:00Z'},
  {source: 'news_feed', guid: 'd1', title: 'TEST ALERT: feed connectivity check', published: '2025-12-29T06:00:00Z'},
  {source: 'union_blog', guid: 'e1', title: 'Outage at Memphis Logistics Hub', summary: 'Power lost.', published: 'not a date'},
  {source: 'gov_feed', guid: 'e2', title: 'Power restored at Memphis Logistics Hub', published: 'not a date'},
];

/** Deterministic Fisher–Yates with a small LCG. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('processing order (§0.2): insertion order does not matter', () => {
  it('three insertion orders give identical alerts, versions, events and evidence files', async () => {
    const results = [];
    for (const order of [MIXED, [...MIXED].reverse(), shuffled(MIXED, 7)]) {
      const e = env();
      e.insert(order);
      const s = await e.run();
      expect(s.counts).toMatchObject({processed: 10, suppressed: 1, failed: 0});
      results.push(pipelineDigests(e.dir).digests);
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('ties on event time break on source id, then canonical id; items without a time come last', async () => {
    const e = env();
    e.insert(shuffled(MIXED, 3));
    await e.run();
    const order = (e.store.db.prepare("SELECT r.canonical_id FROM raw_item_status_history h JOIN raw_items r ON r.raw_id = h.raw_id WHERE h.status != 'NEW' ORDER BY h.rowid").all() as {canonical_id: string}[]).map(
      (r) => r.canonical_id,
    );
    expect(order).toEqual(['c1', 'c2', 'b2', 'b1', 'd1', 'a1', 'a3', 'a2', 'e2', 'e1']);
    // The gov_feed item at 14:40 sorts before the news_feed item at the same instant, so it
    // updates the spill incident first and the news item's title is the latest summary.
    const spill = incidents(e).find((r) => r.correlation_key.startsWith('SPILL|'))!;
    expect(spill.update_count).toBe(2);
    expect(JSON.parse(spill.alert_json).summary).toBe('Crews still containing acid spill in Avon, IN');
  });
});

describe('stored documents are stored once', () => {
  it('an event row holds the event without its payload; event_hash is the hash of that row; the payload is the raw item\'s', async () => {
    const e = env();
    e.insert([{source: 'gov_feed', guid: 'g-store', title: 'Chemical spill closes plant in Avon, IN', summary: 'Crews respond.', published: '2025-12-29T10:00:00Z'}]);
    await e.run();
    const row = e.store.db.prepare('SELECT e.event_json, e.event_hash, r.payload_json FROM events e JOIN raw_items r ON r.raw_id = e.raw_id').get() as {
      event_json: string;
      event_hash: string;
      payload_json: string;
    };
    const stored = JSON.parse(row.event_json) as Record<string, unknown>;
    expect(stored).not.toHaveProperty('payload');
    expect(row.event_hash).toBe(sha256Hex(row.event_json));
    expect(row.event_json).toBe(canonicalJson(stored));
    expect(stored.payload_hash).toBe(sha256Hex(canonicalJson(JSON.parse(row.payload_json))));
  });
});

describe('INGEST SourceRuns and failures', () => {
  it('nothing pending: one INGEST SourceRun per enabled source, all zero, SUCCESS; one RunRecord', async () => {
    const e = env();
    const s = await e.run();
    expect(s.counts).toEqual({processed: 0, suppressed: 0, events_created: 0, alerts_created: 0, alerts_updated: 0, failed: 0});
    const runs = e.store.db
      .prepare("SELECT source_id, status, items_processed, items_suppressed, items_events_created, items_alerts_touched, error FROM source_runs WHERE phase = 'INGEST' ORDER BY source_id")
      .all();
    expect(runs).toEqual(
      ['gov_feed', 'news_feed', 'union_blog'].map((source_id) => ({
        source_id,
        status: 'SUCCESS',
        items_processed: 0,
        items_suppressed: 0,
        items_events_created: 0,
        items_alerts_touched: 0,
        error: null,
      })),
    );
    expect(e.records.map((r) => [r.operator_id, r.seq, r.errors.length])).toEqual([['hardstop.ingest@1.0.0', 1, 0]]);
    expect(digestRowsOf(e.dir).evidence_files).toEqual([]);
  });

  it('a poisoned payload is marked FAILED with its error; the rest of the batch is decided', async () => {
    const e = env();
    e.insert(MIXED);
    // Corrupt one stored payload (not JSON): deciding it throws.
    const poisoned = e.store.db.prepare("SELECT raw_id FROM raw_items WHERE canonical_id = 'c2'").get() as {raw_id: string};
    e.store.db.prepare("UPDATE raw_items SET payload_json = '{not json' WHERE raw_id = ?").run(poisoned.raw_id);
    const s = await e.run();
    expect(s.counts).toMatchObject({processed: 10, failed: 1, suppressed: 1});
    const statuses = e.store.db.prepare('SELECT canonical_id, status, error FROM raw_items ORDER BY canonical_id').all() as {canonical_id: string; status: string; error: string | null}[];
    const bad = statuses.find((r) => r.canonical_id === 'c2')!;
    expect(bad.status).toBe('FAILED');
    expect(bad.error).toMatch(/JSON/);
    expect(statuses.filter((r) => r.canonical_id !== 'c2').every((r) => r.status === 'NORMALIZED' || r.status === 'SUPPRESSED')).toBe(true);
    // Nothing of the failed item was written.
    expect(e.store.db.prepare('SELECT COUNT(*) AS n FROM events WHERE raw_id = ?').get(poisoned.raw_id)).toEqual({n: 0});
    const history = e.store.db.prepare('SELECT status, error FROM raw_item_status_history WHERE raw_id = ? ORDER BY seq').all(poisoned.raw_id) as {status: string; error: string | null}[];
    expect(history.map((h) => h.status)).toEqual(['NEW', 'FAILED']);
    const run = e.store.db.prepare("SELECT status, items_processed, error, diagnostics_json FROM source_runs WHERE phase = 'INGEST' AND source_id = 'news_feed'").get() as {
      status: string;
      items_processed: number;
      error: string;
      diagnostics_json: string;
    };
    expect(run.status).toBe('FAILURE');
    expect(run.items_processed).toBe(5);
    expect(run.error).toMatch(/JSON/);
    expect(JSON.parse(run.diagnostics_json)).toMatchObject({errors: 1, suppression_reason_counts: {TEST_ALERT: 1}});
    const other = e.store.db.prepare("SELECT source_id, status FROM source_runs WHERE phase = 'INGEST' AND source_id != 'news_feed' ORDER BY source_id").all();
    expect(other).toEqual([
      {source_id: 'gov_feed', status: 'SUCCESS'},
      {source_id: 'union_blog', status: 'SUCCESS'},
    ]);
    expect(s.diagnostics.filter((d) => d.code === 'INGEST_ITEM_FAILED')).toHaveLength(1);
    // The same result for the other items as without the poisoned one, minus its alert.
    expect(incidents(e).some((r) => r.correlation_key.startsWith('STRIKE|NONE|NONE|'))).toBe(true);
    expect(incidents(e).filter((r) => r.correlation_key.startsWith('STRIKE|NONE|NONE|'))).toHaveLength(1);
  });

  it('items of a disabled source stay pending and are reported, not decided', async () => {
    const e = env();
    e.insert([{source: 'old_feed', guid: 'o1', title: 'Strike at DC-02 enters day two', published: '2025-12-28T12:00:00Z'}]);
    const s = await e.run();
    expect(s.counts.processed).toBe(0);
    expect(e.store.db.prepare("SELECT status FROM raw_items WHERE source_id = 'old_feed'").get()).toEqual({status: 'NEW'});
    expect(s.diagnostics.map((d) => d.code)).toContain('INGEST_SOURCE_NOT_ENABLED');
  });
});

describe('noise control (issue 18): a general newspaper feed does not crowd the brief', () => {
  // Real headlines of the Guardian US and TPM feeds (../shared/corpus/news_feeds), as a news source.
  const NOISE = [
    'Trump State of the Union address promised unity but emphasized discord',
    'Stormy Daniels on Jimmy Kimmel: porn actor casts doubt on denial of Trump affair – video',
    'Facebook bans cryptocurrency adverts because so many are scams',
    'Lorde takes out newspaper advert in wake of Grammys snub to women',
    "Doc: O'Reilly Contract Barred Fox From Firing Him Unless Claims Proven In Court",
    'Super blue blood moon - in pictures',
  ];

  it('unlinked items without a supply-chain type are class 0 with CAP_NOISE; an unlinked accident keeps CAP_NO_LINKS', async () => {
    const e = env();
    e.insert([
      ...NOISE.map((title, i) => ({source: 'news_feed' as const, guid: `n${i}`, title, published: `2025-12-29T0${i}:00:00Z`})),
      {source: 'news_feed', guid: 'acc', title: 'Train carrying dozens of GOP lawmakers hits truck in Virginia', published: '2025-12-29T09:00:00Z'},
    ]);
    const s = await e.run();
    expect(s.counts).toMatchObject({processed: NOISE.length + 1, alerts_created: NOISE.length + 1, suppressed: 0});
    const docs = incidents(e).map((r) => JSON.parse(r.alert_json) as {summary: string; risk_type: string; classification: number; evidence: {diagnostics: {quality_validation: {cap_reason_code: string}}}});
    for (const d of docs) expect(d.classification, d.summary).toBe(0);
    const codes = Object.fromEntries(docs.map((d) => [d.summary, [d.risk_type, d.evidence.diagnostics.quality_validation.cap_reason_code]]));
    for (const t of NOISE) expect(codes[t], t).toEqual(['OTHER', 'CAP_NOISE']);
    expect(codes['Train carrying dozens of GOP lawmakers hits truck in Virginia']).toEqual(['ACCIDENT', 'CAP_NO_LINKS']);
  });
});
