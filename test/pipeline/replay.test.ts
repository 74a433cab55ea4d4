import {cpSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {describe, expect, it} from 'vitest';
import {parseJsonOutput, runCli, tempHome} from '../helpers/cli.js';
import {homeFrom} from '../helpers/home-templates.js';
import {expectValidRunRecords} from '../helpers/run-records.js';

const NOW = '2025-12-29T17:00:00Z';

/** A copy of the demo home after one full run: network, bundled feeds, decisions. */
const decidedHome = () => homeFrom('demo-decided', 'hardstop-replay-');

describe('incidents replay (pipeline.md §11.2)', () => {
  it('RP-1: strict replay of every incident recomputes identical decisions and evidence (exit 0)', () => {
    const home = decidedHome();
    const r = runCli(['incidents', 'replay', '--home', home, '--now', NOW, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = parseJsonOutput(r) as {versions: {differences: unknown[]; stored: {evidence_hash: string}; recomputed: {evidence_hash: string}}[]};
    expect(out.versions.length).toBeGreaterThanOrEqual(10);
    for (const v of out.versions) {
      expect(v.differences).toEqual([]);
      expect(v.recomputed.evidence_hash).toBe(v.stored.evidence_hash);
    }
    expect(expectValidRunRecords(home)).toBeGreaterThanOrEqual(5);
  });

  it('issue 18: a follow-up joins the open story at its place, different types stay apart, and replay agrees (exit 0)', () => {
    const home = decidedHome();
    const item = (guid: string, title: string, time: string, body: string) =>
      `<item><title>${title}</title><link>https://story.example.invalid/${guid}</link><guid>${guid}</guid><pubDate>Mon, 29 Dec 2025 ${time} +0000</pubDate><description>${body}</description></item>`;
    writeFileSync(
      join(home, 'feeds/story.xml'),
      `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Story</title>${[
        item('story-1', 'Fire damages warehouse at Avon Chemical Manufacturing', '10:00:00', 'Firefighters battled a blaze overnight.'),
        item('story-2', 'Bridge closure forces truck detours near Avon Chemical Manufacturing', '11:00:00', 'An emergency bridge closure is forcing trucks onto detours.'),
        item('story-3', 'UPDATE: Damage assessment under way at Avon Chemical Manufacturing', '12:00:00', 'Inspectors began assessing damage; the operator expects a partial restart in 3 days.'),
      ].join('')}</channel></rss>`,
    );
    const sources = join(home, 'config/sources.yaml');
    writeFileSync(sources, readFileSync(sources, 'utf8').replace('  regional:\n', '  regional:\n    - {id: story_news, type: rss, tier: regional, url: "file://feeds/story.xml"}\n'));
    const run = runCli(['run', '--home', home, '--now', NOW, '--since', '7d']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const db = new Database(join(home, 'hardstop.db'), {readonly: true});
    const docs = (db.prepare("SELECT v.alert_json FROM alert_versions v JOIN events e ON e.event_id = v.event_id WHERE e.source_id = 'story_news' ORDER BY e.title").all() as {alert_json: string}[])
      .map((r) => JSON.parse(r.alert_json) as {alert_id: string; risk_type: string; version: number; correlation: {key: string; follow_up?: boolean}; summary: string});
    db.close();
    const [closure, fire, update] = docs;
    expect(closure.risk_type).toBe('CLOSURE');
    expect(fire.risk_type).toBe('FIRE');
    expect(closure.alert_id).not.toBe(fire.alert_id);
    // The update has no type of its own; it joins the fire (damage), not the later closure.
    expect(update.summary).toMatch(/^UPDATE: Damage/);
    expect(update).toMatchObject({alert_id: fire.alert_id, version: 2, risk_type: 'FIRE', correlation: {key: fire.correlation.key, follow_up: true}});
    const replay = runCli(['incidents', 'replay', '--home', home, '--now', NOW, '--json']);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    const versions = (parseJsonOutput(replay) as {versions: {alert_id: string; differences: unknown[]}[]}).versions;
    expect(versions.filter((v) => v.alert_id === fire.alert_id)).toHaveLength(2);
    for (const v of versions) expect(v.differences).toEqual([]);
    const out = join(home, 'decisions.jsonl');
    expect(runCli(['export', 'decisions', '--home', home, '--now', NOW, '--out', out]).code).toBe(0);
    const types = Object.fromEntries(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as {item_id: string; event_type: string}).map((l) => [l.item_id, l.event_type]));
    expect(types).toMatchObject({'story-1': 'FIRE', 'story-2': 'CLOSURE', 'story-3': 'FIRE'});
  });

  it('RP-2/RP-3: a changed network fails strict replay naming the network hash; best-effort lists differences (exit 1)', () => {
    const home = decidedHome();
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
    const home = decidedHome();
    expect(runCli(['evidence', 'materialize', '--home', home, '--now', NOW]).code).toBe(0);
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

  it('each version is checked against the RunRecord of its run group: an altered or missing record fails every version it covers (exit 2)', () => {
    const home = decidedHome();
    const db = new Database(join(home, 'hardstop.db'));
    const ingest = db.prepare("SELECT rowid, run_group_id, record_json FROM run_records WHERE operator_id = 'hardstop.ingest@1.0.0' AND record_json LIKE '%\"AlertVersion\"%'").all() as {rowid: number; run_group_id: string; record_json: string}[];
    expect(ingest.length).toBeGreaterThanOrEqual(1);
    const group = ingest[0].run_group_id;
    const covered = (db.prepare('SELECT count(*) AS n FROM alert_versions WHERE run_group_id = ?').get(group) as {n: number}).n;
    const all = (db.prepare('SELECT count(*) AS n FROM alert_versions').get() as {n: number}).n;
    expect(covered).toBeGreaterThanOrEqual(2);
    const record = JSON.parse(ingest[0].record_json) as {output_refs: {kind: string; hash: string}[]};
    for (const ref of record.output_refs) if (ref.kind === 'AlertVersion') ref.hash = '0'.repeat(64);
    db.prepare('UPDATE run_records SET record_json = ? WHERE rowid = ?').run(JSON.stringify(record), ingest[0].rowid);
    db.close();
    type Out = {versions: {diagnostics: {code: string}[]}[]};
    const codes = (r: ReturnType<typeof runCli>) => (parseJsonOutput(r) as Out).versions.map((v) => v.diagnostics.map((d) => d.code));
    const altered = runCli(['incidents', 'replay', '--home', home, '--now', NOW, '--json']);
    expect(altered.code, altered.stderr).toBe(2);
    expect(codes(altered).filter((c) => c.includes('RUN_RECORD_MISMATCH'))).toHaveLength(covered);
    expect(codes(altered)).toHaveLength(all);

    const db2 = new Database(join(home, 'hardstop.db'));
    // A record lost with its row (run_records deleted by hand): nothing else may go with it.
    db2.pragma('foreign_keys = OFF');
    db2.prepare('DELETE FROM run_records WHERE rowid = ?').run(ingest[0].rowid);
    db2.close();
    const missing = runCli(['incidents', 'replay', '--home', home, '--now', NOW, '--json']);
    expect(missing.code, missing.stderr).toBe(2);
    expect(codes(missing).filter((c) => c.includes('RUN_RECORD_MISSING'))).toHaveLength(covered);
    expect(codes(missing).filter((c) => c.includes('RUN_RECORD_MISMATCH'))).toHaveLength(0);
  });

  it('an unknown incident id is exit 2 with a hint', () => {
    const r = runCli(['incidents', 'replay', 'ALERT-NOPE', '--home', decidedHome(), '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ALERT_NOT_FOUND');
  });

  it('rules explain --alert traces the decision behind a stored alert', () => {
    const home = decidedHome();
    const list = parseJsonOutput(runCli(['alerts', 'list', '--home', home, '--now', NOW, '--json'])) as {alerts: {alert_id: string; summary: string}[]};
    const spill = list.alerts.find((a) => a.summary.includes('acid spill'))!;
    const r = runCli(['rules', 'explain', '--alert', spill.alert_id, '--home', home, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = parseJsonOutput(r) as {alert_id: string; version: number; score: {score: number}};
    expect(out.alert_id).toBe(spill.alert_id);
    expect(out.version).toBe(2);
    expect(JSON.stringify(out)).toContain('facility_criticality');
  });

  it('replays under the rules of the run that decided after a rule edit (exit 0); --rules current and --rules DIR replay under others', () => {
    const home = decidedHome();
    const scoring = join(home, 'rules/supply-chain/scoring.yaml');
    const original = readFileSync(scoring, 'utf8');
    writeFileSync(scoring, original.replace(/(id: facility_criticality\n\s+when: [^\n]+\n\s+add: )2/, '$13'));
    expect(readFileSync(scoring, 'utf8')).not.toBe(original);
    const r = runCli(['incidents', 'replay', '--home', home, '--now', NOW, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = parseJsonOutput(r) as {versions: {differences: unknown[]}[]};
    expect(out.versions.every((v) => v.differences.length === 0)).toBe(true);

    const current = runCli(['incidents', 'replay', '--home', home, '--now', NOW, '--rules', 'current']);
    expect(current.code).toBe(2);
    expect(current.stderr).toMatch(/RULES_CHANGED: .*was [0-9a-f]{12}, replayed with the current rules [0-9a-f]{12}/);
    expect(current.stdout).toMatch(/alert\.impact_score: \d+ → \d+/);

    // The original files under the same relative names (rule positions are part of the pack).
    const cwd = tempHome('hardstop-replay-rules-');
    const dir = join(cwd, 'rules/supply-chain');
    cpSync(join(home, 'rules/supply-chain'), dir, {recursive: true});
    writeFileSync(join(dir, 'scoring.yaml'), original);
    const fromDir = runCli(['incidents', 'replay', '--home', home, '--now', NOW, '--rules', 'rules/supply-chain'], {cwd});
    expect(fromDir.code, fromDir.stdout + fromDir.stderr).toBe(0);
    const missing = runCli(['incidents', 'replay', '--home', home, '--now', NOW, '--rules', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('USAGE_BAD_RULES');
  });

  it('rules show --run prints the exact rule files a run decided with', () => {
    const home = decidedHome();
    const scoring = join(home, 'rules/supply-chain/scoring.yaml');
    const original = readFileSync(scoring, 'utf8');
    writeFileSync(scoring, `# edited after the run\n${original}`);
    const db = new Database(join(home, 'hardstop.db'), {readonly: true});
    const group = (db.prepare("SELECT run_group_id FROM run_records WHERE operator_id = 'hardstop.ingest@1.0.0'").get() as {run_group_id: string}).run_group_id;
    const record = JSON.parse((db.prepare("SELECT record_json FROM run_records WHERE operator_id = 'hardstop.ingest@1.0.0'").get() as {record_json: string}).record_json) as {input_refs: {id: string; kind: string; hash: string}[]};
    db.close();
    const fileRefs = record.input_refs.filter((x) => x.kind === 'RuleFile');
    expect(fileRefs.map((x) => x.id)).toContain('rule-file:rules/supply-chain/scoring.yaml');
    const r = runCli(['rules', 'show', '--run', group, '--home', home, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = parseJsonOutput(r) as {run: string; pack_hash: string; files: {path: string; sha256: string; text: string}[]};
    expect(out.run).toBe(group);
    expect(out.pack_hash).toBe(record.input_refs.find((x) => x.kind === 'RulePack')!.hash);
    expect(out.files.find((f) => f.path === 'rules/supply-chain/scoring.yaml')!.text).toBe(original);
    expect(out.files.map((f) => f.sha256).sort()).toEqual(fileRefs.map((x) => x.hash).sort());
    const text = runCli(['rules', 'show', '--run', group, '--home', home]);
    expect(text.stdout).toContain('# rules/supply-chain/scoring.yaml  sha256 ');
    expect(text.stdout).not.toContain('# edited after the run');
    const unknown = runCli(['rules', 'show', '--run', 'nope', '--home', home]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('RUN_GROUP_NOT_FOUND');
  });
});
