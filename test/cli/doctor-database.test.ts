import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseJsonOutput, runCli} from '../helpers/cli.js';
import {homeFrom} from '../helpers/home-templates.js';

describe('doctor on a corrupt database (issue 20 finding 16)', () => {
  it('fails the database check and skips, never passes, every check that reads it', () => {
    const home = homeFrom('ingested');
    const db = join(home, 'hardstop.db');
    const bytes = readFileSync(db);
    bytes.fill(0xff, 4096, 12288);
    writeFileSync(db, bytes);

    const r = runCli(['doctor', '--home', home]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/\[FAIL\] Database +hardstop\.db: database disk image is malformed/);
    for (const title of ['Network', 'Source health', 'RunRecord coverage']) {
      expect(r.stdout).toMatch(new RegExp(`\\[SKIP\\] ${title} +\\(database unreadable\\)`));
    }
    expect(r.stdout).not.toMatch(/\[ok {2}\] Source health/);
    expect(r.stdout).not.toContain('Error:');

    const json = parseJsonOutput(runCli(['doctor', '--home', home, '--json']));
    const checks = (json.checks ?? (json.data as {checks: unknown[]}).checks) as {id: string; status: string}[];
    expect(checks.filter((c) => c.status === 'skip').map((c) => c.id)).toEqual(['network', 'source-health', 'run-record-coverage']);
  });
});
