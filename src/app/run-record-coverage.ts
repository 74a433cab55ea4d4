import {INGEST_EXTERNAL_OPERATOR} from '../pipeline/ingest-external.js';
import {FETCH_OPERATOR_ID} from '../sources/fetch-operator.js';
import type {Store} from '../store/db.js';
import {allRunRecordRows, runGroupsWithWork} from '../store/run-records-repo.js';
import {type CheckResult, type ExtraCheck, skippedCheck} from './checks.js';

/** Above this share of gaps, coverage fails (the seed's P0 exit criterion: gaps ≤ 5 %). */
export const COVERAGE_FAIL_SHARE = 0.05;
/** Gaps named in the check's message; every gap is in its data and diagnostics. */
const LISTED = 10;

export interface CoverageGap {
  run_group_id: string;
  /** The operator execution without a complete record (or `seq N` for a hole in the chain). */
  execution: string;
  reason: string;
}

export interface RunRecordCoverage {
  executions: number;
  complete: number;
  gaps: CoverageGap[];
  /** complete / executions (1 when there are none). */
  coverage: number;
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * RunRecord coverage of the stored run groups: every operator execution should have a
 * complete record (input refs, output refs unless it failed, config hash, mode). Executions
 * are the stored records, the holes in each group's seq numbers, and the fetch and decide
 * work the data tables show for a run group without the matching record.
 */
export function runRecordCoverage(store: Store): RunRecordCoverage {
  const gaps: CoverageGap[] = [];
  const rows = allRunRecordRows(store);
  const operatorsOf = new Map<string, Set<string>>();
  const seqsOf = new Map<string, number[]>();
  let complete = 0;
  for (const row of rows) {
    (operatorsOf.get(row.run_group_id) ?? operatorsOf.set(row.run_group_id, new Set()).get(row.run_group_id)!).add(row.operator_id);
    (seqsOf.get(row.run_group_id) ?? seqsOf.set(row.run_group_id, []).get(row.run_group_id)!).push(row.seq);
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(row.record_json) as Record<string, unknown>;
    } catch {
      gaps.push({run_group_id: row.run_group_id, execution: `${row.seq}-${row.operator_id}`, reason: 'the stored record is not JSON'});
      continue;
    }
    const missing: string[] = [];
    const failed = Array.isArray(r.errors) && r.errors.length > 0;
    if (!Array.isArray(r.input_refs) || r.input_refs.length === 0) missing.push('input refs');
    if (!failed && (!Array.isArray(r.output_refs) || r.output_refs.length === 0)) missing.push('output refs');
    if (typeof r.config_hash !== 'string' || !HEX64.test(r.config_hash)) missing.push('config hash');
    if (r.mode !== 'strict' && r.mode !== 'best-effort') missing.push('mode');
    if (missing.length) gaps.push({run_group_id: row.run_group_id, execution: `${row.seq}-${row.operator_id}`, reason: `no ${missing.join(', ')}`});
    else complete++;
  }
  let holes = 0;
  for (const [group, seqs] of seqsOf) {
    const have = new Set(seqs);
    for (let s = 1; s < Math.max(...seqs); s++) {
      if (have.has(s)) continue;
      holes++;
      gaps.push({run_group_id: group, execution: `seq ${s}`, reason: 'no record (a hole in the chain)'});
    }
  }
  let unrecorded = 0;
  for (const w of runGroupsWithWork(store)) {
    const ops = operatorsOf.get(w.run_group_id) ?? new Set<string>();
    for (const [did, op, what] of [
      [w.fetch > 0, FETCH_OPERATOR_ID, 'fetched'],
      [w.ingest > 0, INGEST_EXTERNAL_OPERATOR, 'decided'],
    ] as const) {
      if (!did || ops.has(op)) continue;
      unrecorded++;
      gaps.push({run_group_id: w.run_group_id, execution: op, reason: `the run ${what} (stored rows) but wrote no ${op} record`});
    }
  }
  const executions = rows.length + holes + unrecorded;
  gaps.sort((a, b) => (a.run_group_id < b.run_group_id ? -1 : a.run_group_id > b.run_group_id ? 1 : a.execution < b.execution ? -1 : 1));
  return {executions, complete, gaps, coverage: executions === 0 ? 1 : complete / executions};
}

/** Doctor: WARN on any gap, FAIL above 5 % of executions, listing the gaps. */
export const runRecordCoverageCheck: ExtraCheck = (ctx, db) => {
  if (db === 'unreadable') return skippedCheck('run-record-coverage', 'RunRecord coverage', db);
  const store = ctx.store;
  if (!store || store.schemaVersion() === 0) return [];
  const c = runRecordCoverage(store);
  const share = c.executions === 0 ? 0 : c.gaps.length / c.executions;
  const status: CheckResult['status'] = c.gaps.length === 0 ? 'ok' : share > COVERAGE_FAIL_SHARE ? 'fail' : 'warn';
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const listed = c.gaps.slice(0, LISTED).map((g) => `${g.run_group_id.slice(0, 8)} ${g.execution}`);
  return {
    id: 'run-record-coverage',
    title: 'RunRecord coverage',
    status,
    message:
      c.gaps.length === 0
        ? `${c.complete}/${c.executions} operator execution(s) with a complete RunRecord (100%)`
        : `${c.complete}/${c.executions} complete (${pct(c.coverage)}), ${c.gaps.length} gap(s) (${pct(share)}; fails above ${pct(COVERAGE_FAIL_SHARE)}): ${listed.join(', ')}${c.gaps.length > LISTED ? `, … ${c.gaps.length - LISTED} more` : ''}`,
    hint: c.gaps.length ? 'a gap is work stored without its provenance (an interrupted run, deleted records): `hardstop verify` shows the chain' : undefined,
    diagnostics: c.gaps.map((g) => ({
      code: 'RUN_RECORD_GAP',
      severity: status === 'fail' ? ('error' as const) : ('warning' as const),
      message: `run group ${g.run_group_id}, ${g.execution}: ${g.reason}`,
    })),
    data: {executions: c.executions, complete: c.complete, coverage: c.coverage, gaps: c.gaps},
  };
};
