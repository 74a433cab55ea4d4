import {describe, expect, it} from 'vitest';
import {Home} from '../../src/config/home.js';
import {parseIsoInstant} from '../../src/kernel/time.js';
import {Store} from '../../src/store/db.js';
import {insertSourceRun, type SourceRunRow} from '../../src/store/source-runs-repo.js';
import {loadSourcesConfig} from '../../src/sources/config.js';
import {
  computeSourceHealth,
  explainSuppression,
  healthFromRows,
  healthGate,
  parseLookback,
  scoreHealth,
  sortForDisplay,
  type ScoreInput,
} from '../../src/sources/health.js';
import {makeHome} from './home.js';

const NOW = parseIsoInstant('2025-12-29T17:00:00Z')!.micros;

describe('scoring vectors OPS-34..41 (threshold 48 h)', () => {
  const v = (
    success_rate: number,
    stale_hours: number | null,
    consecutive_failures: number,
    last_status_code: number | null,
    last_error: string | null,
    avg_bytes_downloaded: number | null,
    dedupe_rate: number | null,
    suppression_ratio: number | null,
    avg_duration_seconds: number | null,
  ): ScoreInput => ({success_rate, stale_hours, consecutive_failures, last_status_code, last_error, avg_bytes_downloaded, dedupe_rate, suppression_ratio, avg_duration_seconds});
  const cases: [string, ScoreInput, number, string, string[]][] = [
    ['OPS-34', v(1, 1, 0, 200, null, 20000, 0.1, 0, 1), 100, 'HEALTHY', []],
    ['OPS-35', v(0, null, 0, null, null, 0, null, null, null), 30, 'BLOCKED', ['success_rate<25%', 'no_success_history', 'zero_bytes']],
    ['OPS-36', v(0, null, 1, 404, '404', 0, null, null, 0.01), 10, 'BLOCKED', ['success_rate<25%', 'no_success_history', 'last_status_4xx', 'recent_error', 'zero_bytes']],
    ['OPS-37', v(0, null, 1, null, 'refused', 0, null, null, 0.01), 20, 'BLOCKED', ['success_rate<25%', 'no_success_history', 'recent_error', 'zero_bytes']],
    [
      'OPS-38',
      v(0.7, 30, 0, 200, 'old', 400, 0.95, 0.7, 16),
      52,
      'WATCH',
      ['success_rate<90%', 'stale_trending', 'recent_error', 'tiny_payloads', 'dedupe>90%', 'suppression>60%', 'slow_fetch>15s'],
    ],
    [
      'OPS-39',
      v(0.89, 49, 2, 503, 'x', 1000, 0.5, 0.9, 2),
      15,
      'BLOCKED',
      ['success_rate<90%', 'stale_over_threshold', 'failure_streak_two', 'last_status_5xx', 'recent_error', 'suppression>85%'],
    ],
    ['OPS-40', v(0.9, 24.0001, 2, 200, null, 1000, 0.9, 0.6, 15), 80, 'HEALTHY', ['stale_trending', 'failure_streak_two']],
    ['OPS-41', v(0.5, 10, 0, 200, 'e', null, null, 0.61, null), 65, 'WATCH', ['success_rate<70%', 'recent_error', 'suppression>60%']],
  ];
  for (const [name, input, score, state, factors] of cases) {
    it(name, () => {
      expect(scoreHealth(input, 48)).toEqual({score, state, factors});
    });
  }
});

let seq = 0;
function row(p: Partial<SourceRunRow> & {status: SourceRunRow['status']; run_at: string}): SourceRunRow & {seq: number} {
  seq++;
  return {
    run_id: `r${seq}`,
    run_group_id: `g${seq}`,
    source_id: 's',
    phase: 'FETCH',
    status_code: p.status === 'SUCCESS' ? 200 : null,
    error: p.status === 'FAILURE' ? 'boom' : null,
    duration_ms: 1000,
    items_fetched: 5,
    items_new: 1,
    items_processed: 0,
    items_suppressed: 0,
    items_events_created: 0,
    items_alerts_touched: 0,
    bytes_downloaded: p.status === 'SUCCESS' ? 20000 : 0,
    diagnostics: {items_seen: 5, dedupe_dropped: 4},
    ...p,
    seq,
  };
}

const ID = {source_id: 's', tier: 'global', type: 'rss', enabled: true, tags: [], configured: true};
const hour = (h: number) => `2025-12-29T${String(h).padStart(2, '0')}:00:00Z`;

describe('metrics from rows (§6.1 with the §6.4 corrections)', () => {
  it('OPS-42: 7 successes and 3 failures in 10 rows → success rate 0.7', () => {
    const rows = Array.from({length: 10}, (_, i) => row({status: i < 3 ? 'FAILURE' : 'SUCCESS', run_at: hour(16 - i)}));
    expect(healthFromRows(ID, rows, [], {now: NOW}).success_rate).toBe(0.7);
  });

  it('OPS-43: three 500 failures with lookback 3 → score ≤ 50', () => {
    const rows = [0, 1, 2].map((i) => row({status: 'FAILURE', status_code: 500, run_at: hour(16 - i)}));
    const h = healthFromRows(ID, rows, [], {now: NOW, lookback: {count: 3}});
    expect(h.health_score).toBeLessThanOrEqual(50);
    expect(h.gating_state).toBe('BLOCKED'); // three samples: the budget really is exhausted
  });

  it('last success comes from all history, not only the window', () => {
    const rows = [row({status: 'SUCCESS', run_at: '2025-12-20T00:00:00Z'}), ...[1, 2, 3].map((i) => row({status: 'FAILURE', run_at: hour(10 + i)}))];
    const h = healthFromRows(ID, rows, [], {now: NOW, lookback: {count: 3}});
    expect(h.last_success_utc).toBe('2025-12-20T00:00:00Z');
    expect(h.stale_hours).toBeCloseTo(9 * 24 + 17, 5);
    expect(h.health_factors).toContain('stale_over_threshold');
    expect(h.consecutive_failures).toBe(3);
  });

  it('last_error is the newest row\'s error only when it failed', () => {
    const rows = [row({status: 'FAILURE', run_at: hour(10)}), row({status: 'SUCCESS', run_at: hour(11)})];
    const h = healthFromRows(ID, rows, [], {now: NOW});
    expect(h.last_error).toBeNull();
    expect(h.last_failure_utc).toBe(hour(10));
    expect(h.health_factors).not.toContain('recent_error');
  });

  it('avg bytes is null (no deduction) when no row carries bytes', () => {
    const rows = [row({status: 'FAILURE', run_at: hour(10)})];
    const h = healthFromRows(ID, rows, [], {now: NOW});
    expect(h.avg_bytes_downloaded).toBeNull();
    expect(h.health_factors).not.toContain('zero_bytes');
  });

  it('minimum sample: a brand-new source\'s single failure gates as WATCH, not BLOCKED', () => {
    const h = healthFromRows(ID, [row({status: 'FAILURE', status_code: 404, run_at: hour(16)})], [], {now: NOW});
    expect(h.health_budget_state).toBe('BLOCKED');
    expect(h.gating_state).toBe('WATCH');
  });

  it('time lookback counts rows in the window only', () => {
    const rows = [row({status: 'FAILURE', run_at: '2025-12-01T00:00:00Z'}), row({status: 'SUCCESS', run_at: hour(12)})];
    const h = healthFromRows(ID, rows, [], {now: NOW, lookback: parseLookback('1d')});
    expect(h.sample_size).toBe(1);
    expect(h.success_rate).toBe(1);
    expect(parseLookback('10')).toEqual({count: 10});
    expect(() => parseLookback('ten')).toThrow(/--lookback/);
  });

  it('suppression ratio from the newest INGEST row; dedupe rate from items_seen', () => {
    const ingest = [
      row({status: 'SUCCESS', phase: 'INGEST', run_at: hour(9), items_processed: 10, items_suppressed: 1}),
      row({status: 'SUCCESS', phase: 'INGEST', run_at: hour(12), items_processed: 10, items_suppressed: 9, diagnostics: {suppression_reason_counts: {TEST: 9}}}),
    ];
    const h = healthFromRows(ID, [row({status: 'SUCCESS', run_at: hour(12)})], ingest, {now: NOW});
    expect(h.suppression_ratio).toBe(0.9);
    expect(h.last_ingest).toMatchObject({processed: 10, suppressed: 9, suppression_reason_counts: {TEST: 9}});
    expect(h.dedupe_rate).toBe(0.8);
    expect(h.health_factors).toContain('suppression>85%');
  });

  it('a disabled source never gates', () => {
    const h = healthFromRows({...ID, enabled: false}, [0, 1, 2].map((i) => row({status: 'FAILURE', run_at: hour(10 + i)})), [], {now: NOW});
    expect(h.health_budget_state).toBe('BLOCKED');
    expect(h.gating_state).toBe('IGNORED');
    expect(healthGate([h]).blocked).toEqual([]);
  });
});

describe('never-fetched placeholder and store-backed health', () => {
  const yaml = `version: 1
tiers:
  global:
    - {id: fresh, type: rss, url: "https://example.org/a.xml"}
  local:
    - {id: port, type: rss, url: "file://feeds/port.xml"}
`;

  it('without a database every source is PENDING (score 30 kept), not a crash', () => {
    const home = new Home(makeHome(yaml));
    const loaded = loadSourcesConfig(home);
    const rows = computeSourceHealth(undefined, loaded.sources, {now: NOW});
    expect(rows.map((r) => [r.source_id, r.health_score, r.health_budget_state, r.display_state, r.never_fetched])).toEqual([
      ['fresh', 30, 'BLOCKED', 'PENDING', true],
      ['port', 30, 'BLOCKED', 'PENDING', true],
    ]);
    expect(rows[0].health_factors).toEqual(['success_rate<25%', 'no_success_history', 'zero_bytes']);
    expect(healthGate(rows)).toEqual({blocked: [], watch: [], pending: ['fresh', 'port']});
  });

  it('with history: display order, --all for removed sources, explain-suppress', () => {
    const homeDir = makeHome(yaml);
    const home = new Home(homeDir);
    const store = Store.open(home.resolve('hardstop.db'));
    store.migrate();
    const base = {run_group_id: 'g1', phase: 'FETCH' as const, status_code: 200, error: null, duration_ms: 10, items_fetched: 1, items_new: 1, bytes_downloaded: 5000, diagnostics: {}};
    store.write(() => {
      insertSourceRun(store, {...base, source_id: 'port', run_at: hour(16), status: 'SUCCESS'});
      insertSourceRun(store, {...base, source_id: 'gone', run_at: hour(16), status: 'FAILURE', status_code: 500, error: 'x'});
      store.db
        .prepare(
          "INSERT INTO raw_items (raw_id, source_id, tier, fetched_at, canonical_id, title, payload_json, content_hash, status, run_group_id) VALUES (?, 'port', 'local', ?, ?, ?, '{}', ?, 'SUPPRESSED', 'g1')",
        )
        .run('RAW-1', hour(10), 'c1', 'Weekly summary 1', 'h1');
      store.db
        .prepare(
          "INSERT INTO raw_items (raw_id, source_id, tier, fetched_at, canonical_id, title, payload_json, content_hash, status, run_group_id) VALUES (?, 'port', 'local', ?, ?, ?, '{}', ?, 'SUPPRESSED', 'g1')",
        )
        .run('RAW-2', hour(11), 'c2', 'Test alert', 'h2');
      for (const [ev, raw, at, rule, reason] of [
        ['EVT-1', 'RAW-1', hour(10), 'weekly_digest', null],
        ['EVT-2', 'RAW-2', hour(11), 'global_test_alerts', 'TEST_ALERT'],
      ] as const) {
        store.db
          .prepare("INSERT INTO events (event_id, raw_id, source_id, event_type, title, event_json, event_hash, decided_at, run_group_id) VALUES (?, ?, 'port', 'OTHER', 't', '{}', 'h', ?, 'g1')")
          .run(ev, raw, at);
        store.db
          .prepare("INSERT INTO suppression_audit (event_id, raw_id, source_id, decided_at, rule_pack_hash, primary_rule_id, primary_reason_code, matches_json, run_group_id) VALUES (?, ?, 'port', ?, 'p', ?, ?, '[]', 'g1')")
          .run(ev, raw, at, rule, reason);
      }
    });
    const loaded = loadSourcesConfig(home);
    const rows = sortForDisplay(computeSourceHealth(store, loaded.sources, {now: NOW, includeUnconfigured: true}));
    expect(rows.map((r) => r.source_id)).toEqual(['gone', 'fresh', 'port']);
    const gone = rows[0];
    expect(gone).toMatchObject({configured: false, gating_state: 'IGNORED'});
    expect(rows[2].display_state).toBe('HEALTHY');
    const x = explainSuppression(store, 'port', {now: NOW, windowMicros: 72 * 3_600_000_000});
    expect(x.groups).toEqual([
      {reason: 'TEST_ALERT', count: 1, rule_ids: ['global_test_alerts'], samples: [{raw_id: 'RAW-2', title: 'Test alert', suppressed_at: hour(11)}]},
      {reason: 'weekly_digest', count: 1, rule_ids: ['weekly_digest'], samples: [{raw_id: 'RAW-1', title: 'Weekly summary 1', suppressed_at: hour(10)}]},
    ]);
    const narrow = explainSuppression(store, 'port', {now: NOW, windowMicros: 6.5 * 3_600_000_000});
    expect(narrow.groups.map((g) => g.reason)).toEqual(['TEST_ALERT']);
    store.close();
  });
});
