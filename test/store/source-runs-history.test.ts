import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {formatInstant, instantOf, parseIsoInstant} from '../../src/kernel/time.js';
import type {ResolvedSource} from '../../src/sources/config.js';
import {computeSourceHealth, healthFromRows, type Lookback} from '../../src/sources/health.js';
import {Store} from '../../src/store/db.js';
import {insertSourceRun, newestSourceRuns, sourceRunsSince, type SourceRunRow, type SourceRunStatus} from '../../src/store/source-runs-repo.js';
import {plansOf} from '../helpers/query-plans.js';

const NOW = parseIsoInstant('2025-12-29T17:00:00Z')!.micros;
const SECOND = 1_000_000;

/** A run_at a few seconds around NOW, often within one second with and without a fraction (their texts sort apart from their instants). */
const runAt = fc.tuple(fc.integer({min: -4, max: 2}), fc.constantFrom(0, 0, 1, 500_000, 999_999)).map(([s, f]) => formatInstant(NOW + s * SECOND + f));
const history = fc.array(
  fc.record({
    phase: fc.constantFrom('FETCH' as const, 'INGEST' as const),
    status: fc.constantFrom<SourceRunStatus>('SUCCESS', 'FAILURE', 'SKIPPED'),
    run_at: runAt,
    source: fc.constantFrom('a', 'b'),
  }),
  {maxLength: 40},
);

function storeWith(rows: {phase: 'FETCH' | 'INGEST'; status: SourceRunStatus; run_at: string; source: string}[]): Store {
  const store = Store.open(':memory:');
  store.migrate();
  rows.forEach((r, i) =>
    insertSourceRun(store, {
      run_id: `run-${i}`,
      run_group_id: `g${i}`,
      source_id: r.source,
      phase: r.phase,
      run_at: r.run_at,
      status: r.status,
      status_code: null,
      error: null,
      duration_ms: 1,
      items_fetched: i,
      items_new: 0,
      bytes_downloaded: 100 * i,
      diagnostics: {},
    }),
  );
  return store;
}

/** The reference: the whole history, newest first by instant then by insertion. */
function allRows(store: Store, source: string, phase: string): (SourceRunRow & {seq: number})[] {
  const rows = store.db.prepare('SELECT rowid AS seq, * FROM source_runs WHERE source_id = ? AND phase = ?').all(source, phase) as (SourceRunRow & {seq: number; diagnostics_json: string})[];
  return rows
    .map(({diagnostics_json, ...r}) => ({...r, diagnostics: JSON.parse(diagnostics_json) as Record<string, unknown>}))
    .sort((a, b) => instantOf(b.run_at)! - instantOf(a.run_at)! || b.seq - a.seq);
}

describe('source-run history reads (health reads the newest rows, never the whole history)', () => {
  it('newestSourceRuns and sourceRunsSince equal the same cut of the whole history, whatever the run_at texts', () => {
    fc.assert(
      fc.property(history, fc.integer({min: 1, max: 12}), fc.integer({min: -5, max: 3}), (rows, limit, sinceSeconds) => {
        const store = storeWith(rows);
        try {
          for (const phase of ['FETCH', 'INGEST'] as const) {
            const all = allRows(store, 'a', phase);
            const ids = (xs: {run_id: string}[]) => xs.map((r) => r.run_id);
            expect(ids(newestSourceRuns(store, 'a', phase, limit))).toEqual(ids(all.slice(0, limit)));
            expect(ids(newestSourceRuns(store, 'a', phase, limit, {notSkipped: true}))).toEqual(ids(all.filter((r) => r.status !== 'SKIPPED').slice(0, limit)));
            expect(ids(newestSourceRuns(store, 'a', phase, 1, {status: 'SUCCESS'}))).toEqual(ids(all.filter((r) => r.status === 'SUCCESS').slice(0, 1)));
            const since = NOW + sinceSeconds * SECOND + 250_000;
            expect(ids(sourceRunsSince(store, 'a', phase, since, {notSkipped: true}))).toEqual(ids(all.filter((r) => r.status !== 'SKIPPED' && instantOf(r.run_at)! >= since)));
          }
        } finally {
          store.close();
        }
      }),
      {numRuns: 150},
    );
  });

  it('computeSourceHealth over the bounded reads equals healthFromRows over the whole history', () => {
    const source = {id: 'a', tier: 'global', type: 'rss', enabled: true, tags: []} as unknown as ResolvedSource;
    const lookbacks: Lookback[] = [{count: 1}, {count: 3}, {count: 10}, {micros: 2 * SECOND, text: "2s"}];
    fc.assert(
      fc.property(history, fc.constantFrom(...lookbacks), (rows, lookback) => {
        const store = storeWith(rows);
        try {
          const opts = {now: NOW, lookback};
          const [bounded] = computeSourceHealth(store, [source], opts);
          const identity = {source_id: 'a', tier: 'global', type: 'rss', enabled: true, tags: [], configured: true};
          expect(bounded).toEqual(healthFromRows(identity, allRows(store, 'a', 'FETCH'), allRows(store, 'a', 'INGEST'), opts));
        } finally {
          store.close();
        }
      }),
      {numRuns: 150},
    );
  });

  it('each read is an index range of (source_id, run_at), never a scan of the table', () => {
    const plans = plansOf((store) => {
      newestSourceRuns(store, 'a', 'FETCH', 10, {notSkipped: true});
      newestSourceRuns(store, 'a', 'FETCH', 1, {status: 'SUCCESS'});
      sourceRunsSince(store, 'a', 'FETCH', NOW, {notSkipped: true});
    });
    expect(plans.length).toBeGreaterThanOrEqual(3);
    for (const plan of plans) {
      expect(plan.join(' | ')).toMatch(/source_runs_source_time/);
      expect(plan.filter((d) => /^SCAN source_runs\b/.test(d))).toEqual([]);
    }
  });
});
