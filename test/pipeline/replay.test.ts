import {cpSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {beforeAll, describe, expect, it} from 'vitest';
import {ROOT, parseJsonOutput, runCli, tempHome} from '../helpers/cli.js';
import {expectValidRunRecords} from '../helpers/run-records.js';
import {initHome as writeHome} from '../../src/app/init-home.js';

const NOW = '2025-12-29T17:00:00Z';

/** A demo home after one full run: network, bundled feeds, decisions. */
function decidedHome(): string {
  const home = tempHome('hardstop-replay-');
  writeHome(home, {force: false});
  cpSync(join(ROOT, 'fixtures/demo/home'), home, {recursive: true});
  expect(runCli(['ingest', '--home', home, '--now', NOW]).code).toBe(0);
  const run = runCli(['run', '--home', home, '--now', NOW, '--since', '7d']);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return home;
}

function copyHome(src: string): string {
  const dst = tempHome('hardstop-replay-copy-');
  cpSync(src, dst, {recursive: true});
  return dst;
}

describe('incidents replay (pipeline.md §11.2)', () => {
  let base: string;
  beforeAll(() => {
    base = decidedHome();
  });

  it('RP-1: strict replay of every incident recomputes identical decisions and evidence (exit 0)', () => {
    const r = runCli(['incidents', 'replay', '--home', copyHome(base), '--now', NOW, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = parseJsonOutput(r) as {versions: {differences: unknown[]; stored: {evidence_hash: string}; recomputed: {evidence_hash: string}}[]};
    expect(out.versions.length).toBeGreaterThanOrEqual(10);
    for (const v of out.versions) {
      expect(v.differences).toEqual([]);
      expect(v.recomputed.evidence_hash).toBe(v.stored.evidence_hash);
    }
    expect(expectValidRunRecords(base)).toBeGreaterThanOrEqual(5);
  });

  it('RP-2/RP-3: a changed network fails strict replay naming the network hash; best-effort lists differences (exit 1)', () => {
    const home = copyHome(base);
    const f = join(home, 'network/facilities.csv');
    writeFileSync(f, readFileSync(f, 'utf8').replace('-86.3997,8', '-86.3997,3'));
    expect(runCli(['ingest', '--home', home, '--now', NOW]).code).toBe(0);
    const strict = runCli(['incidents', 'replay', '--home', home, '--now', NOW]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/NETWORK_CHANGED: .*network snapshot was [0-9a-f]{64}, now [0-9a-f]{64}/);
    expect(strict.stdout).toMatch(/alert\.impact_score: 6 → 4/);
    const lenient = runCli(['incidents', 'replay', '--home', home, '--now', NOW, '--best-effort']);
    expect(lenient.code).toBe(1);
    expect(lenient.stdout).toMatch(/DIFF ALERT-/);
  });

  it('an altered input artifact fails strict replay with exit 2', () => {
    const home = copyHome(base);
    const dir = join(home, 'output/incidents');
    const file = join(dir, readdirSync(dir).sort()[0]);
    const payload = JSON.parse(readFileSync(file, 'utf8')) as {merge_summary: string[]};
    payload.merge_summary = ['edited by hand'];
    writeFileSync(file, JSON.stringify(payload));
    const r = runCli(['incidents', 'replay', '--home', home, '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('INCIDENT_ARTIFACT_MISMATCH');

    const db = new Database(join(home, 'hardstop.db'));
    db.prepare("UPDATE raw_items SET payload_json = replace(payload_json, 'Avon', 'Avoca') WHERE title LIKE '%acid spill%'").run();
    db.close();
    const raw = runCli(['incidents', 'replay', '--home', home, '--now', NOW]);
    expect(raw.code).toBe(2);
    expect(raw.stderr).toContain('RAW_ITEM_ALTERED');
  });

  it('an unknown incident id is exit 2 with a hint', () => {
    const r = runCli(['incidents', 'replay', 'ALERT-NOPE', '--home', copyHome(base), '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ALERT_NOT_FOUND');
  });

  it('rules explain --alert traces the decision behind a stored alert', () => {
    const home = copyHome(base);
    const list = parseJsonOutput(runCli(['alerts', 'list', '--home', home, '--now', NOW, '--json'])) as {alerts: {alert_id: string; summary: string}[]};
    const spill = list.alerts.find((a) => a.summary.includes('acid spill'))!;
    const r = runCli(['rules', 'explain', '--alert', spill.alert_id, '--home', home, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = parseJsonOutput(r) as {alert_id: string; version: number; score: {score: number}};
    expect(out.alert_id).toBe(spill.alert_id);
    expect(out.version).toBe(2);
    expect(JSON.stringify(out)).toContain('facility_criticality');
  });
});
