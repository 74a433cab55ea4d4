import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import type {AppContext} from '../../src/app/context.js';
import {runRecordCoverage, runRecordCoverageCheck} from '../../src/app/run-record-coverage.js';
import {Store} from '../../src/store/db.js';

const HASH = 'a'.repeat(64);
const ref = {id: 'x', kind: 'X', hash: HASH};

interface Rec {
  group: string;
  seq: number;
  op?: string;
  outputs?: boolean;
  errors?: boolean;
}

function storeWith(records: Rec[], fetchGroups: string[] = []): Store {
  const store = Store.open(join(mkdtempSync(join(tmpdir(), 'hardstop-coverage-')), 'hardstop.db'));
  store.migrate();
  const insert = store.db.prepare(
    `INSERT INTO run_records (run_id, run_group_id, seq, operator_id, mode, started_at, ended_at, record_hash, record_json, file_path)
     VALUES (?, ?, ?, ?, 'strict', 't', 't', ?, ?, NULL)`,
  );
  for (const r of records) {
    const op = r.op ?? 'hardstop.brief@1.0.0';
    const record = {
      run_id: `${r.group}-${r.seq}`, operator_id: op, mode: 'strict', config_hash: HASH, input_refs: [ref],
      output_refs: r.outputs === false ? [] : [ref], errors: r.errors ? [{code: 'E', message: 'failed'}] : [],
    };
    insert.run(record.run_id, r.group, r.seq, op, HASH, JSON.stringify(record));
  }
  for (const g of fetchGroups) {
    store.db.prepare("INSERT INTO source_runs (run_id, run_group_id, source_id, phase, run_at, status) VALUES (?, ?, 's', 'FETCH', 't', 'SUCCESS')").run(`sr-${g}`, g);
  }
  return store;
}

const complete = (n: number, group = 'g1'): Rec[] => Array.from({length: n}, (_, i) => ({group, seq: i + 1}));

describe('RunRecord coverage (doctor)', () => {
  it.each([
    ['every execution recorded', complete(20), [], 'ok', 0],
    ['a failed execution without outputs is still complete', [...complete(3), {group: 'g1', seq: 4, outputs: false, errors: true}], [], 'ok', 0],
    ['1 gap in 20 executions (5 %) warns', [...complete(19), {group: 'g1', seq: 20, outputs: false}], [], 'warn', 1],
    ['2 gaps in 20 executions (10 %) fail', [...complete(18), {group: 'g1', seq: 19, outputs: false}, {group: 'g1', seq: 20, outputs: false}], [], 'fail', 2],
    ['a hole in a chain is a gap', [...complete(30).filter((r) => r.seq !== 7)], [], 'warn', 1],
    ['fetch work without a fetch record is a gap', [...complete(25), {group: 'g2', seq: 1}], ['g2'], 'warn', 1],
    ['fetch work with its record is covered', [...complete(25), {group: 'g2', seq: 1, op: 'hardstop.fetch@1.0.0'}], ['g2'], 'ok', 0],
  ] as const)('%s → %s', (_name, records, fetchGroups, status, gaps) => {
    const store = storeWith([...records], [...fetchGroups]);
    const c = runRecordCoverage(store);
    expect(c.gaps.length).toBe(gaps);
    const check = runRecordCoverageCheck({store} as unknown as AppContext, 'readable');
    const result = Array.isArray(check) ? check[0] : check;
    expect(result.status).toBe(status);
    if (gaps > 0) {
      expect(result.message).toContain(`${gaps} gap(s)`);
      expect(result.diagnostics.map((d) => d.code)).toEqual(Array(gaps).fill('RUN_RECORD_GAP'));
    }
    store.close();
  });

  it('names each gap: its run group, execution and reason', () => {
    const store = storeWith([{group: 'g1', seq: 1}, {group: 'g1', seq: 3}, {group: 'g2', seq: 1}], ['g2']);
    expect(runRecordCoverage(store).gaps).toEqual([
      {run_group_id: 'g1', execution: 'seq 2', reason: 'no record (a hole in the chain)'},
      {run_group_id: 'g2', execution: 'hardstop.fetch@1.0.0', reason: 'the run fetched (stored rows) but wrote no hardstop.fetch@1.0.0 record'},
    ]);
    store.close();
  });
});
