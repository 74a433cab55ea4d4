import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {beforeAll, describe, expect, it} from 'vitest';
import {parseJsonOutput, runCli} from '../helpers/cli.js';
import {rssDoc} from './feed-server.js';
import {makeHome} from './home.js';

const NOW = '2025-12-29T17:00:00Z';

function homeWithFeeds(): string {
  const home = makeHome(`version: 1
tiers:
  global:
    - {id: remote, type: rss, url: "http://127.0.0.1:9/never.xml"}
  local:
    - {id: port, type: rss, url: "file://feeds/port.xml"}
    - {id: broken, type: rss, url: "file://feeds/missing.xml", enabled: false}
`);
  mkdirSync(join(home, 'feeds'));
  writeFileSync(join(home, 'feeds', 'port.xml'), rssDoc(5, 'port'));
  return home;
}

function recordFiles(home: string): string[] {
  const dir = join(home, 'run_records');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((g) => readdirSync(join(dir, g)).map((f) => join(dir, g, f)));
}

describe('hardstop fetch / sources (built CLI)', {timeout: 240_000}, () => {
  beforeAll(() => {
    expect(existsSync(join(process.cwd(), 'dist', 'commands', 'fetch.js')), 'run `npm run build` first').toBe(true);
  });

  it('fetch --since 24x is a usage error naming the flag (exit 2)', () => {
    const home = homeWithFeeds();
    const r = runCli(['fetch', '--home', home, '--since', '24x', '--no-network']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since/);
    expect(existsSync(join(home, 'hardstop.db'))).toBe(false);
  });

  it('dry run writes nothing but its RunRecord and says so', () => {
    const home = homeWithFeeds();
    const r = runCli(['fetch', '--home', home, '--now', NOW, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/would fetch 2 source\(s\): remote, port/);
    expect(r.stdout).toMatch(/Nothing was fetched or stored/);
    expect(existsSync(join(home, 'hardstop.db'))).toBe(false);
    const files = recordFiles(home);
    expect(files).toHaveLength(1);
    const rec = JSON.parse(readFileSync(files[0], 'utf8'));
    expect(rec.operator_id).toBe('hardstop.fetch@1.0.0');
    expect(rec.input_refs.map((x: {id: string}) => x.id)).toContain('fetch-window:24h');
  });

  it('fetch --no-network: file sources succeed, http sources fail with NETWORK_DISABLED (exit 1); non-TTY stderr has no progress', () => {
    const home = homeWithFeeds();
    const r = runCli(['fetch', '--home', home, '--now', NOW, '--no-network', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const j = parseJsonOutput(r);
    expect(j.totals).toMatchObject({sources: 2, succeeded: 1, failed: 1, new: 5});
    const results = j.results as {source_id: string; status: string; error_code: string | null}[];
    expect(results.find((x) => x.source_id === 'remote')).toMatchObject({status: 'FAILURE', error_code: 'NETWORK_DISABLED'});
    expect(r.stderr).not.toMatch(/\[1\/2\]/);
    const db = new Database(join(home, 'hardstop.db'), {readonly: true});
    expect(db.prepare('SELECT COUNT(*) AS n FROM raw_items').get()).toEqual({n: 5});
    expect(db.prepare("SELECT source_id, status FROM source_runs WHERE phase='FETCH' ORDER BY source_id").all()).toEqual([
      {source_id: 'port', status: 'SUCCESS'},
      {source_id: 'remote', status: 'FAILURE'},
    ]);
    db.close();
    const again = runCli(['fetch', '--home', home, '--now', NOW, '--no-network', '--source', 'port', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(parseJsonOutput(again).totals).toMatchObject({new: 0, skipped: 1});
  });

  it('two fresh homes with the same --now produce byte-identical fetch RunRecords (strict)', () => {
    const a = homeWithFeeds();
    const b = homeWithFeeds();
    expect(runCli(['fetch', '--home', a, '--now', NOW, '--no-network']).code).toBe(1);
    expect(runCli(['fetch', '--home', b, '--now', NOW, '--no-network']).code).toBe(1);
    const fa = recordFiles(a);
    const fb = recordFiles(b);
    expect(fa.map((f) => f.slice(a.length))).toEqual(fb.map((f) => f.slice(b.length)));
    expect(readFileSync(fa[0], 'utf8')).toBe(readFileSync(fb[0], 'utf8'));
  });

  it('sources health on never-fetched sources shows the PENDING placeholder (no database needed)', () => {
    const home = homeWithFeeds();
    const r = runCli(['sources', 'health', '--home', home, '--now', NOW]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PENDING/);
    const j = parseJsonOutput(runCli(['sources', 'health', '--home', home, '--now', NOW, '--json']));
    const rows = j.sources as {source_id: string; never_fetched: boolean; display_state: string; health_score: number; health_budget_state: string}[];
    expect(rows.find((x) => x.source_id === 'port')).toMatchObject({never_fetched: true, display_state: 'PENDING', health_score: 30, health_budget_state: 'BLOCKED'});
    expect(existsSync(join(home, 'hardstop.db'))).toBe(false);
  });

  it('sources health after fetches, with --explain-suppress and a bad --stale', () => {
    const home = homeWithFeeds();
    runCli(['fetch', '--home', home, '--now', NOW, '--no-network']);
    const r = runCli(['sources', 'health', '--home', home, '--now', NOW, '--explain-suppress', 'port']);
    expect(r.stdout).toMatch(/Source Health \(last 10 runs, stale threshold: 48h\)/);
    expect(r.stdout).toMatch(/Suppression summary for port \(last 72h\):\n {2}No suppressed items in the selected window\./);
    expect(r.code).toBe(1); // remote failed once: BLOCKED score, gating WATCH (sample 1)
    expect(r.stderr).toMatch(/SOURCES_WATCH/);
    expect(runCli(['sources', 'health', '--home', home, '--stale', 'soon']).code).toBe(2);
    const unknown = runCli(['sources', 'health', '--home', home, '--explain-suppress', 'prot']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/SOURCE_UNKNOWN: --explain-suppress: no source "prot" in config\/sources.yaml\n {2}hint: did you mean port\?/);
    expect(unknown.stdout).toMatch(/^BROKEN \(exit 2\)/m);
  });

  it('sources test: success stores nothing; failure writes a FAILURE row and a RunRecord and exits 2', () => {
    const home = homeWithFeeds();
    const ok = runCli(['sources', 'test', 'port', '--home', home, '--now', NOW, '--since', '30d']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/\[NEW\] .*port alert 1/);
    const db1 = new Database(join(home, 'hardstop.db'), {readonly: true});
    expect(db1.prepare('SELECT COUNT(*) AS n FROM raw_items').get()).toEqual({n: 0});
    db1.close();
    const bad = runCli(['sources', 'test', 'broken', '--home', home, '--now', NOW]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/FILE_NOT_FOUND/);
    const db = new Database(join(home, 'hardstop.db'), {readonly: true});
    expect(db.prepare("SELECT source_id, status FROM source_runs WHERE source_id='broken'").all()).toEqual([{source_id: 'broken', status: 'FAILURE'}]);
    db.close();
    const recs = recordFiles(home).map((f) => JSON.parse(readFileSync(f, 'utf8')));
    expect(recs.filter((x) => x.operator_id === 'hardstop.sources-test@1.0.0')).toHaveLength(2);
    expect(recs.some((x) => x.errors.some((e: {code: string}) => e.code === 'FETCH_ALL_FAILED'))).toBe(true);
    expect(runCli(['sources', 'test', 'nope', '--home', home]).code).toBe(2);
  });

  it('sources list: table and --json; missing or invalid file is exit 2 with position', () => {
    const home = homeWithFeeds();
    const r = runCli(['sources', 'list', '--home', home]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/port\s+local\s+yes\s+rss/);
    const j = parseJsonOutput(runCli(['sources', 'list', '--home', home, '--json']));
    expect((j.sources as unknown[]).length).toBe(3);
    writeFileSync(join(home, 'config', 'sources.yaml'), 'version: 1\ntiers:\n  global:\n    - {id: a, type: rss, url: "https://x.org/", trust_tier: 7}\n');
    const bad = runCli(['sources', 'list', '--home', home]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/config\/sources\.yaml:4:\d+: error SOURCES_OUT_OF_RANGE/);
    const f = runCli(['fetch', '--home', home, '--no-network']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/SOURCES_OUT_OF_RANGE/);
    const noFile = makeHome('x');
    rmSync(join(noFile, 'config', 'sources.yaml'));
    const gone = runCli(['sources', 'list', '--home', noFile]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/SOURCES_MISSING/);
  });
});
