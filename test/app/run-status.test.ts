import {describe, expect, it} from 'vitest';
import {evaluateRunStatus, type RunStatusInput} from '../../src/app/run-status.js';
import type {SourceHealth} from '../../src/sources/health.js';
import type {SourceRunRow} from '../../src/store/source-runs-repo.js';

function row(source_id: string, phase: 'FETCH' | 'INGEST', status: 'SUCCESS' | 'FAILURE', extra: Partial<SourceRunRow> = {}): SourceRunRow {
  return {
    run_id: `${source_id}-${phase}`,
    run_group_id: 'rg',
    source_id,
    phase,
    run_at: '2025-12-29T17:00:00Z',
    status,
    status_code: null,
    error: status === 'FAILURE' ? 'boom' : null,
    duration_ms: 0,
    items_fetched: status === 'SUCCESS' ? 3 : 0,
    items_new: 0,
    items_processed: 0,
    items_suppressed: 0,
    items_events_created: 0,
    items_alerts_touched: 0,
    bytes_downloaded: 0,
    diagnostics: {},
    ...extra,
  };
}

function health(source_id: string, gating_state: SourceHealth['gating_state'], extra: Partial<SourceHealth> = {}): SourceHealth {
  return {source_id, enabled: true, configured: true, is_stale: false, never_fetched: false, gating_state, ...extra} as SourceHealth;
}

const eight = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

function input(over: Partial<RunStatusInput>): RunStatusInput {
  return {
    mode: 'strict',
    enabledSources: eight.length,
    fetchRows: eight.map((s) => row(s, 'FETCH', 'SUCCESS')),
    ingestRows: eight.map((s) => row(s, 'INGEST', 'SUCCESS')),
    health: eight.map((s) => health(s, 'HEALTHY')),
    crashedSteps: [],
    otherWarnings: 0,
    ...over,
  };
}

const oneFailed = eight.map((s) => row(s, 'FETCH', s === 'c' ? 'FAILURE' : 'SUCCESS'));

/** The exit-code matrix of docs/OPERATIONS.md, row by row, in both modes. */
describe('run status exit matrix (issue 20 finding 6)', () => {
  it.each([
    ['all healthy', {}, 0, 0],
    ['one of eight sources failed to fetch, budget not spent', {fetchRows: oneFailed, health: eight.map((s) => health(s, s === 'c' ? 'WATCH' : 'HEALTHY'))}, 1, 1],
    ['one of eight sources failed and its budget is spent', {fetchRows: oneFailed, health: eight.map((s) => health(s, s === 'c' ? 'BLOCKED' : 'HEALTHY'))}, 2, 2],
    ['a stale source', {health: eight.map((s) => health(s, 'HEALTHY', {is_stale: s === 'b'}))}, 1, 1],
    ['a source on WATCH', {health: eight.map((s) => health(s, s === 'b' ? 'WATCH' : 'HEALTHY'))}, 1, 1],
    ['a feed or item warning (W7)', {otherWarnings: 3}, 1, 1],
    ['items that could not be decided (W4)', {ingestRows: eight.map((s) => row(s, 'INGEST', 'SUCCESS', {diagnostics: s === 'a' ? {errors: 2} : {}}))}, 2, 1],
    ['a source failed during ingest (W3)', {ingestRows: eight.map((s) => row(s, 'INGEST', s === 'a' ? 'FAILURE' : 'SUCCESS'))}, 2, 1],
    ['every source failed to fetch', {fetchRows: eight.map((s) => row(s, 'FETCH', 'FAILURE'))}, 2, 2],
    ['a crashed step', {crashedSteps: ['brief']}, 2, 2],
    ['no enabled source', {enabledSources: 0, fetchRows: [], ingestRows: [], health: []}, 2, 2],
  ] as [string, Partial<RunStatusInput>, number, number][])('%s', (_name, over, strict, bestEffort) => {
    expect(evaluateRunStatus(input({...over, mode: 'strict'})).exitCode).toBe(strict);
    expect(evaluateRunStatus(input({...over, mode: 'best-effort'})).exitCode).toBe(bestEffort);
  });

  it('names the failed source and says its budget is not spent', () => {
    const s = evaluateRunStatus(input({fetchRows: oneFailed, health: eight.map((x) => health(x, x === 'c' ? 'WATCH' : 'HEALTHY'))}));
    expect(s.messages).toEqual(['1 source(s) failed to fetch (within failure budget): c', '1 source(s) near their failure budget: c']);
  });

  it('a stale source on WATCH is called stale with its hours, not near its failure budget (issue 20 finding 17)', () => {
    const s = evaluateRunStatus(
      input({health: eight.map((x) => (x === 'b' ? health(x, 'WATCH', {is_stale: true, stale_hours: 71.6}) : x === 'd' ? health(x, 'WATCH') : health(x, 'HEALTHY')))}),
    );
    expect(s.exitCode).toBe(1);
    expect(s.messages).toEqual(['1 source(s) stale (no successful fetch within 48 h): b (72 h)', '1 source(s) near their failure budget: d']);
  });
});
