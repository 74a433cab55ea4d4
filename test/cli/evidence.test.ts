import {cpSync, existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {beforeAll, describe, expect, it} from 'vitest';
import {parseJsonOutput, runCli, tempHome} from '../helpers/cli.js';
import {homeFrom} from '../helpers/home-templates.js';

const NOW = '2025-12-29T17:00:00Z';

/** path → stored payload of the latest alert version that names it (what each file must hold). */
function expectedFiles(home: string): Map<string, string> {
  const db = new Database(join(home, 'hardstop.db'), {readonly: true});
  try {
    const rows = db.prepare('SELECT alert_json, evidence_json FROM alert_versions ORDER BY rowid').all() as {alert_json: string; evidence_json: string}[];
    const out = new Map<string, string>();
    for (const r of rows) out.set((JSON.parse(r.alert_json) as {evidence: {incident_evidence: {artifact_path: string}}}).evidence.incident_evidence.artifact_path, r.evidence_json);
    return out;
  } finally {
    db.close();
  }
}

const incidentsDir = (home: string) => join(home, 'output', 'incidents');
const filesIn = (home: string) => (existsSync(incidentsDir(home)) ? readdirSync(incidentsDir(home)).sort() : []);

describe('incident evidence files are written on demand (issue 19)', () => {
  let base = '';
  const copy = () => {
    const h = tempHome('hardstop-evidence-case-');
    cpSync(base, h, {recursive: true});
    return h;
  };

  beforeAll(() => {
    base = homeFrom('demo-decided', 'hardstop-evidence-');
  });

  it('a run stores the payloads and writes no evidence file; verify passes without them', () => {
    expect(expectedFiles(base).size).toBeGreaterThan(5);
    expect(filesIn(base)).toEqual([]);
    const v = runCli(['verify', '--home', copy()]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it('`evidence materialize` writes every file with the payload of its latest version, then finds them current', () => {
    const home = copy();
    const r = runCli(['evidence', 'materialize', '--home', home, '--now', NOW, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const expected = expectedFiles(home);
    const out = parseJsonOutput(r) as {written: string[]; rewritten: string[]; differing: string[]; unchanged: number};
    expect(out.written).toEqual([...expected.keys()].sort());
    for (const [path, payload] of expected) expect(readFileSync(join(home, path), 'utf8'), path).toBe(payload);
    const again = parseJsonOutput(runCli(['evidence', 'materialize', '--home', home, '--now', NOW, '--json'])) as typeof out;
    expect(again).toMatchObject({written: [], rewritten: [], differing: [], unchanged: expected.size});
  });

  it('a present file that differs is reported (exit 1) and kept; --force rewrites it', () => {
    const home = copy();
    expect(runCli(['evidence', 'materialize', '--home', home, '--now', NOW]).code).toBe(0);
    const name = filesIn(home)[0];
    writeFileSync(join(incidentsDir(home), name), '{"edited":true}');
    const r = runCli(['evidence', 'materialize', '--home', home, '--now', NOW]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('INCIDENT_ARTIFACT_MISMATCH');
    expect(r.stdout).toContain(`differs    output/incidents/${name}`);
    expect(readFileSync(join(incidentsDir(home), name), 'utf8')).toBe('{"edited":true}');
    const forced = runCli(['evidence', 'materialize', '--home', home, '--now', NOW, '--force', '--json']);
    expect(forced.code).toBe(0);
    expect((parseJsonOutput(forced) as {rewritten: string[]}).rewritten).toEqual([`output/incidents/${name}`]);
    expect(readFileSync(join(incidentsDir(home), name), 'utf8')).toBe(expectedFiles(home).get(`output/incidents/${name}`));
  });

  it('--alert writes only that alert\'s files; an unknown id is exit 2 with a did-you-mean', () => {
    const home = copy();
    const paths = [...expectedFiles(home).keys()];
    const alertId = /ALERT-[0-9]+-[0-9a-f]+/.exec(paths[0])![0];
    const r = runCli(['evidence', 'materialize', '--home', home, '--now', NOW, '--alert', alertId, '--json']);
    expect(r.code).toBe(0);
    expect((parseJsonOutput(r) as {written: string[]}).written).toEqual(paths.filter((p) => p.includes(alertId)).sort());
    const bad = runCli(['evidence', 'materialize', '--home', home, '--now', NOW, '--alert', `${alertId}x`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(alertId);
  });

  it('`alerts show --evidence` and `incidents replay` write the missing files of the alerts they read', () => {
    const home = copy();
    const paths = [...expectedFiles(home).keys()];
    const alertId = /ALERT-[0-9]+-[0-9a-f]+/.exec(paths[0])![0];
    const mine = paths.filter((p) => p.includes(alertId)).sort();
    const show = runCli(['alerts', 'show', alertId, '--evidence', '--home', home, '--json']);
    expect(show.code, show.stderr).toBe(0);
    expect((parseJsonOutput(show) as {evidence_files: unknown[]}).evidence_files).toEqual(mine.map((path) => ({path, state: 'written'})));
    const again = runCli(['alerts', 'show', alertId, '--evidence', '--home', home]);
    expect(again.stdout).toContain(`${mine[0]} (present)`);

    const other = copy();
    const replay = runCli(['incidents', 'replay', '--home', other, '--now', NOW, '--json']);
    expect(replay.code, replay.stderr).toBe(0);
    expect((parseJsonOutput(replay) as {evidence_files_written: string[]}).evidence_files_written).toEqual([...paths].sort());
    expect(filesIn(other).length).toBe(paths.length);
  });
});
