import {appendFileSync, cpSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {beforeAll, describe, expect, it} from 'vitest';
import {parseJsonOutput, runCli, tempHome} from '../helpers/cli.js';
import {homeFrom} from '../helpers/home-templates.js';

const NOW = '2025-12-29T17:00:00Z';

interface Problem {
  code: string;
  run_group_id: string | null;
  seq: number | null;
  file: string | null;
}

describe('hardstop verify (the RunRecord chain)', () => {
  let base: string;
  let group: string;
  beforeAll(() => {
    base = homeFrom('demo-decided', 'hardstop-verify-');
    const db = new Database(join(base, 'hardstop.db'), {readonly: true});
    group = (db.prepare("SELECT run_group_id FROM run_records WHERE operator_id = 'hardstop.ingest@1.0.0'").get() as {run_group_id: string}).run_group_id;
    db.close();
  });
  const copy = () => {
    const h = tempHome('hardstop-verify-case-');
    cpSync(base, h, {recursive: true});
    return h;
  };
  const verify = (home: string) => {
    const r = runCli(['verify', '--home', home, '--json']);
    return {code: r.code, out: parseJsonOutput(r) as {ok: boolean; records: number; first_broken: Problem | null; problems: Problem[]}, text: runCli(['verify', '--home', home]).stdout};
  };

  it('passes on an untouched home (exit 0)', () => {
    const v = verify(copy());
    expect(v.code).toBe(0);
    expect(v.out.ok).toBe(true);
    expect(v.out.records).toBeGreaterThanOrEqual(5);
    expect(v.out.problems).toEqual([]);
  });

  it('a damaged stored document: exit 2 naming table, column and row; a report reading it fails with the typed error, no stack', () => {
    const home = copy();
    const db = new Database(join(home, 'hardstop.db'));
    const row = db.prepare('SELECT rowid, alert_id, version FROM alert_versions ORDER BY rowid LIMIT 1').get() as {rowid: number; alert_id: string; version: number};
    // A blob naming a dictionary the home never trained.
    db.prepare("UPDATE alert_versions SET alert_json = X'01096e6f' WHERE rowid = ?").run(row.rowid);
    db.close();
    const v = verify(home);
    expect(v.code).toBe(2);
    const problem = v.out.problems.find((p) => p.code === 'STORED_DOCUMENT_CORRUPT') as (Problem & {message: string}) | undefined;
    expect(problem?.message).toContain(`stored document alert_versions.alert_json of row ${row.rowid} is unreadable: unknown dictionary 9`);
    const show = runCli(['alerts', 'show', row.alert_id, '--home', home]);
    expect(show.code).toBe(2);
    expect(show.stderr).toContain('STORED_DOCUMENT_CORRUPT');
    expect(show.stderr).toContain('hardstop verify');
    expect(show.stderr).not.toMatch(/\bat .+\.js:\d+/);
  });

  it('one byte of a RunRecord file: exit 2 naming the record', () => {
    const home = copy();
    const file = join(home, 'run_records', group, '002-hardstop.ingest.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"mode": "strict"', '"mode": "strict" '));
    const v = verify(home);
    expect(v.code).toBe(2);
    expect(v.out.first_broken).toMatchObject({code: 'RUNRECORD_FILE_MISMATCH', run_group_id: group, seq: 2, file: `run_records/${group}/002-hardstop.ingest.json`});
    expect(v.text).toContain(`First broken link: run ${group} record 2`);
  });

  it('one row of the table: exit 2 naming the record, its own hash and the broken link after it', () => {
    const home = copy();
    const db = new Database(join(home, 'hardstop.db'));
    db.prepare("UPDATE run_records SET record_json = replace(record_json, '\"bytes_out\": 0', '\"bytes_out\": 1') WHERE run_group_id = ? AND seq = 1").run(group);
    db.close();
    const v = verify(home);
    expect(v.code).toBe(2);
    expect(v.out.first_broken).toMatchObject({run_group_id: group, seq: 1});
    const codes = v.out.problems.map((p) => `${p.code}@${p.seq}`);
    expect(codes).toContain('RUNRECORD_HASH_MISMATCH@1');
    expect(codes).toContain('RUNRECORD_FILE_MISMATCH@1');
    expect(codes).toContain('RUNRECORD_CHAIN_BROKEN@2');
  });

  it('one evidence file: exit 2 naming the ingest record that wrote it', () => {
    const home = copy();
    expect(runCli(['evidence', 'materialize', '--home', home, '--now', NOW]).code).toBe(0);
    const dir = join(home, 'output/incidents');
    const name = readdirSync(dir).sort()[0];
    appendFileSync(join(dir, name), ' ');
    const v = verify(home);
    expect(v.code).toBe(2);
    expect(v.out.problems).toEqual([expect.objectContaining({code: 'EVIDENCE_FILE_MISMATCH', run_group_id: group, seq: 2, file: `output/incidents/${name}`})]);
  });

  it('a stored rule text altered and an untracked record file: every problem is reported', () => {
    const home = copy();
    const db = new Database(join(home, 'hardstop.db'));
    db.prepare("UPDATE rule_file_texts SET text = text || '#'").run();
    db.close();
    writeFileSync(join(home, 'run_records', group, 'extra.json'), '{}');
    const v = verify(home);
    expect(v.code).toBe(2);
    const codes = new Set(v.out.problems.map((p) => p.code));
    expect(codes).toEqual(new Set(['RULE_SNAPSHOT_ALTERED', 'RUNRECORD_UNTRACKED']));
  });
});
