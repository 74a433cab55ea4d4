import {spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {beforeAll, describe, expect, it} from 'vitest';
import {cliEnv, parseJsonOutput, ROOT, runCli, tempHome} from '../helpers/cli.js';
import {homeFrom} from '../helpers/home-templates.js';

const NOW = '2025-12-29T17:00:00Z';
/** A fresh home with the demo's three file:// sources and network loaded. */
const demoSourcesHome = () => homeFrom('demo-ingested', 'hardstop-src-');

const STATUS_LINE = /^(HEALTHY|WARNING|BROKEN) \(exit [012]\) (strict|best-effort) run (-|[0-9a-f]{8}) config (-|[0-9a-f]{12})$/m;

/** One demo home (init, ingest, doctor, run, alerts list) shared by the id and demo tests. */
let demoHome = '';
let demoOut = '';
beforeAll(() => {
  demoHome = join(tempHome('hardstop-opx-'), 'home');
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'demo.js'), demoHome], {cwd: ROOT, encoding: 'utf8', env: cliEnv(), timeout: 300_000});
  expect(r.status, r.stderr).toBe(0);
  demoOut = r.stdout;
}, 300_000);

describe('issue 20 finding 5: an id that names nothing is exit 2 with a did-you-mean', {timeout: 300_000}, () => {
  function runGroups(): string[] {
    const db = new Database(join(demoHome, 'hardstop.db'), {readonly: true});
    const ids = (db.prepare('SELECT DISTINCT run_group_id FROM run_records ORDER BY run_group_id').all() as {run_group_id: string}[]).map((r) => r.run_group_id);
    db.close();
    return ids;
  }

  it.each([
    [['incidents', 'replay', '--run', 'nope'], 'RUN_GROUP_NOT_FOUND', /--run: no run group "nope" in this home's RunRecords/],
    [['export', 'decisions', '--run', 'nope'], 'RUN_GROUP_NOT_FOUND', /--run: no run group "nope"/],
    [['rules', 'show', '--run', 'nope'], 'RUN_GROUP_NOT_FOUND', /--run: no run group "nope"/],
    [['incidents', 'replay', 'ALERT-nope'], 'ALERT_NOT_FOUND', /<alert_id>: no alert "ALERT-nope"/],
    [['alerts', 'show', 'nope'], 'ALERT_NOT_FOUND', /<id>: no alert "nope"/],
    [['rules', 'explain', '--alert', 'nope'], 'ALERT_NOT_FOUND', /--alert: no alert "nope"/],
    [['ingest-external', '--source', 'nope'], 'SOURCE_UNKNOWN', /--source: no source "nope"/],
    [['alerts', 'list', '--source', 'nope'], 'SOURCE_UNKNOWN', /--source: no source "nope"/],
    [['fetch', '--source', 'nope', '--no-network'], 'SOURCE_UNKNOWN', /--source: no source "nope"/],
    [['sources', 'test', 'nope'], 'SOURCE_UNKNOWN', /<id>: no source "nope"/],
    [['sources', 'health', '--explain-suppress', 'nope'], 'SOURCE_UNKNOWN', /--explain-suppress: no source "nope"/],
    [['rules', 'diff', '--source', 'nope'], 'SOURCE_UNKNOWN', /--source: no source "nope"/],
    [['sinks', 'status', '--sink', 'nope'], 'SINK_UNKNOWN', /--sink: no sink "nope" in sinks\/\*\.yaml/],
    [['sinks', 'test', 'nope'], 'SINK_UNKNOWN', /<id>: no sink "nope"/],
  ])('%j', (args, code, message) => {
    const r = runCli([...args, '--home', demoHome, '--now', NOW]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`error ${code}:`);
    expect(r.stderr).toMatch(message);
    expect(r.stdout + r.stderr).toMatch(/^BROKEN \(exit 2\)/m);
  });

  it('suggests the closest known id', () => {
    const alert = runCli(['alerts', 'list', '--home', demoHome, '--now', NOW, '--json']);
    const first = (parseJsonOutput(alert).alerts as {alert_id: string}[])[0].alert_id;
    const typo = `${first.slice(0, -2)}${first.slice(-1)}${first.slice(-2, -1)}`;
    expect(runCli(['alerts', 'show', typo, '--home', demoHome]).stderr).toContain(`hint: did you mean ${first}?`);
    expect(runCli(['ingest-external', '--source', 'demo_nws_alert', '--home', demoHome, '--now', NOW]).stderr).toContain('hint: did you mean demo_nws_alerts?');
    expect(runCli(['sources', 'test', 'demo_port_notice', '--home', demoHome, '--now', NOW]).stderr).toContain('hint: did you mean demo_port_notices?');
  });

  it('accepts a run group id and its 8-character prefix from the status line', () => {
    const ids = runGroups();
    expect(ids.length).toBeGreaterThan(0);
    const out = join(tempHome(), 'decisions.jsonl');
    const full = runCli(['export', 'decisions', '--run', ids[0], '--out', out, '--home', demoHome, '--now', NOW, '--json']);
    expect(full.code, full.stderr).toBe(0);
    const prefix = runCli(['export', 'decisions', '--run', ids[0].slice(0, 8), '--out', out, '--home', demoHome, '--now', NOW, '--json']);
    expect(prefix.code, prefix.stderr).toBe(0);
    expect(parseJsonOutput(prefix).run_group_filter).toBe(ids[0]);
  });
});

describe('issue 20 finding 9: unknown commands and usage errors get a did-you-mean and the status line', {timeout: 300_000}, () => {
  it.each([
    [['alert', 'list'], 'USAGE_UNKNOWN_COMMAND', 'did you mean `hardstop alerts list`?'],
    [['alerts', 'lst'], 'USAGE_UNKNOWN_COMMAND', 'did you mean `hardstop alerts list`?'],
    [['doctr'], 'USAGE_UNKNOWN_COMMAND', 'did you mean `hardstop doctor`?'],
    [['frobnicate'], 'USAGE_UNKNOWN_COMMAND', '`hardstop --help` lists every command'],
    [['run', '--sinc', '2h'], 'USAGE_UNKNOWN_FLAG', 'did you mean --since?'],
    [['brief', '--format', 'xml'], 'USAGE_BAD_FLAG', 'see `hardstop brief --help`'],
    [['sources', 'test'], 'USAGE_MISSING_ARGUMENT', 'see `hardstop sources test --help`'],
    [['alerts', 'show', 'a', 'b'], 'USAGE_UNEXPECTED_ARGUMENT', 'see `hardstop alerts show --help`'],
    [['alerts', 'list', '--limit', 'x'], 'USAGE_BAD_FLAG', 'see `hardstop alerts list --help`'],
  ])('%j', (args, code, hint) => {
    const r = runCli(args, {cwd: tempHome()});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error ${code}:`);
    expect(r.stderr).toContain(`hint: ${hint}`);
    expect(r.stderr).not.toMatch(/See more help|USAGE\n/);
    expect(r.stdout).toMatch(STATUS_LINE);
    expect(r.stdout.trim()).toBe('BROKEN (exit 2) strict run - config -');
  });

  it('--json carries the same facts', () => {
    const r = runCli(['alert', 'list', '--json'], {cwd: tempHome()});
    expect(r.code).toBe(2);
    expect(parseJsonOutput(r)).toMatchObject({status: 'BROKEN', exit_code: 2, diagnostics: [{code: 'USAGE_UNKNOWN_COMMAND'}]});
  });
});

describe('issue 20 finding 18: the demo and the help examples name things that exist', {timeout: 300_000}, () => {
  it('the demo prints `npx hardstop …` commands that work from the project folder', () => {
    const commands = demoOut.split('\n').filter((l) => /^\s+npx hardstop /.test(l)).map((l) => l.trim());
    expect(commands.length).toBeGreaterThanOrEqual(3);
    expect(demoOut).not.toMatch(/^\$ hardstop /m);
    for (const c of commands) {
      const args = c.split(/\s+/).slice(2);
      const r = spawnSync('npx', ['--offline', 'hardstop', ...args], {cwd: ROOT, encoding: 'utf8', env: cliEnv()});
      expect(r.status, `${c}\n${r.stderr}`).toBeLessThanOrEqual(1);
      expect(r.stdout + r.stderr).toMatch(STATUS_LINE);
    }
  }, 300_000);

  it('every example file named in a --help example exists in the project', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {examples?: string[]}>};
    const named = Object.values(manifest.commands)
      .flatMap((c) => c.examples ?? [])
      .flatMap((e) => e.match(/(?:examples|fixtures)\/[\w./-]+/g) ?? []);
    expect(named).toContain('examples/strike.json');
    for (const path of named) expect(existsSync(join(ROOT, path)), path).toBe(true);
    const r = runCli(['rules', 'explain', '--event', 'examples/strike.json', '--home', demoHome]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/correlation key: STRIKE/);
  });

  it('package.json declares which dependencies may run install scripts', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {allowScripts?: Record<string, boolean>};
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {packages: Record<string, {version: string; hasInstallScript?: boolean}>};
    // npm ci runs (and, from npm 11.19, warns about) exactly these: each must be declared.
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => path.startsWith('node_modules/') && p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
      .sort();
    expect(withScripts).toContain('better-sqlite3');
    expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual(withScripts);
    expect(Object.values(pkg.allowScripts ?? {}).every((v) => v === true)).toBe(true);
  });
});

describe('issue 20 finding 4: paths in flags are relative to the working directory', {timeout: 300_000}, () => {
  it('ingest --facilities/--lanes/--shipments and brief --out resolve against the cwd, config paths against the home', () => {
    const home = homeFrom('init');
    const work = tempHome('hardstop-cwd-');
    for (const f of ['facilities', 'lanes', 'shipments']) copyFileSync(join(home, 'network', `${f}.csv`), join(work, `${f}.csv`));
    rmSync(join(home, 'network'), {recursive: true});
    const r = runCli(['ingest', '--home', home, '--now', NOW, '--facilities', 'facilities.csv', '--lanes', 'lanes.csv', '--shipments', 'shipments.csv', '--json'], {cwd: work});
    expect(r.code, r.stderr).toBe(0);
    expect(parseJsonOutput(r).files).toEqual({facilities: join(work, 'facilities.csv'), lanes: join(work, 'lanes.csv'), shipments: join(work, 'shipments.csv')});
    // Without flags the config's paths (network/*.csv) are read from the home, not the cwd.
    const fromConfig = runCli(['ingest', '--home', home, '--now', NOW], {cwd: work});
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.stderr).toContain('network/facilities.csv:1:1: error FILE_MISSING: file not found: network/facilities.csv');
    const brief = runCli(['brief', '--home', demoHome, '--now', NOW, '--since', '7d', '--out', 'brief.md'], {cwd: work});
    expect(brief.code, brief.stderr).toBeLessThanOrEqual(1);
    expect(existsSync(join(work, 'brief.md'))).toBe(true);
    expect(existsSync(join(demoHome, 'brief.md'))).toBe(false);
  });

  it('--help says so', () => {
    expect(runCli(['ingest', '--help']).stdout).toMatch(/relative to the working\s+directory/);
    expect(runCli(['brief', '--help']).stdout).toMatch(/relative to the working\s+directory/);
  });
});

describe('issue 20 finding 8: artifacts name files home-relative, error records are identical across homes', {timeout: 300_000}, () => {
  it('a failed ingest writes the same RunRecord in two homes', () => {
    const records: string[][] = [];
    for (const n of [1, 2]) {
      const home = homeFrom('init', `hardstop-home${n}-`);
      rmSync(join(home, 'network', 'facilities.csv'));
      const r = runCli(['ingest', '--home', home, '--now', NOW]);
      expect(r.code).toBe(2);
      const dir = join(home, 'run_records');
      const files = readdirSync(dir, {recursive: true, withFileTypes: true}).filter((e) => e.isFile());
      expect(files).toHaveLength(1);
      const text = readFileSync(join(files[0].parentPath, files[0].name), 'utf8');
      expect(text).not.toContain(home);
      expect(text).toContain('file not found: network/facilities.csv');
      records.push([files[0].name, text]);
    }
    expect(records[1]).toEqual(records[0]);
  });
});

describe('issue 20 finding 6: one exit-code matrix; one unreachable feed among many is a warning until its budget is spent', {timeout: 300_000}, () => {
  it('a missing feed file is WARNING (exit 1) in strict mode, then BROKEN once the failure budget is spent', () => {
    const home = demoSourcesHome();
    rmSync(join(home, 'feeds', 'port_notices.xml'));
    const codes: number[] = [];
    for (const hour of ['17', '18', '19']) {
      const r = runCli(['run', '--home', home, '--now', `2025-12-29T${hour}:00:00Z`, '--since', '7d']);
      codes.push(r.code);
      if (hour === '17') {
        expect(r.stdout).toContain('1 source(s) failed to fetch (within failure budget): demo_port_notices');
        expect(r.stdout).toMatch(/^WARNING \(exit 1\) strict run/m);
      }
      if (hour === '19') expect(r.stdout).toContain('1 source(s) exhausted failure budget: demo_port_notices');
    }
    expect(codes).toEqual([1, 1, 2]);
  });

  it('docs/OPERATIONS.md, the README and `run --help` state the same matrix', () => {
    const ops = readFileSync(join(ROOT, 'docs', 'OPERATIONS.md'), 'utf8');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const help = runCli(['run', '--help']).stdout.replace(/\s+/g, ' ');
    expect(ops).toMatch(/\| A source failed to fetch, went stale or is on WATCH, while its failure budget lasts[^|]*\| 1 \| 1 \|/);
    expect(ops).toMatch(/\| An item that could not be decided[^|]*\| 2 \| 1 \|/);
    expect(ops).toMatch(/\| A source's failure budget is spent[^|]*\| 2 \| 2 \|/);
    for (const text of [readme.replace(/\s+/g, ' '), help]) {
      expect(text).toContain('a source that failed to fetch, is stale or on WATCH while its failure budget lasts');
      expect(text).toContain('(strict mode) an item that could not be decided');
      expect(text).toContain('docs/OPERATIONS.md');
    }
  });
});

describe('issue 20 finding 1: a truncated feed is reported, only complete items are stored', {timeout: 300_000}, () => {
  it('sources test and run: FEED_MALFORMED with line:col, the cut-off item never stored, the run exits 1', () => {
    const home = demoSourcesHome();
    const feed = join(home, 'feeds', 'industry_news.xml');
    const text = readFileSync(feed, 'utf8');
    // Cut in the middle of the last item's description, as `head -c` of a download would.
    const lastItem = text.lastIndexOf('<item>');
    writeFileSync(feed, text.slice(0, text.indexOf('<description>', lastItem) + 30));
    const test = runCli(['sources', 'test', 'demo_industry_news', '--since', '7d', '--home', home, '--now', NOW]);
    expect(test.stderr).toMatch(/warning FEED_MALFORMED: source demo_industry_news: not well-formed XML at line \d+ col \d+: the document ends inside <description> opened at line \d+ col \d+ \(a truncated download\?\); 1 incomplete item\(s\) dropped, 6 kept/);
    expect(test.code).toBe(1);
    const run = runCli(['run', '--home', home, '--now', NOW, '--since', '7d', '--json']);
    expect(run.code, run.stderr).toBe(1);
    const out = parseJsonOutput(run) as {fetch: {results: {source_id: string; items_fetched: number}[]}; run_status: {messages: string[]}};
    expect(out.fetch.results.find((r) => r.source_id === 'demo_industry_news')?.items_fetched).toBe(6);
    expect(out.run_status.messages.join('\n')).toMatch(/warning\(s\) about feeds, items or configuration/);
  });
});

describe('issue 20 finding 3: items dated after the run clock', {timeout: 300_000}, () => {
  it('an item more than 24 h after --now is skipped and counted (ITEM_FROM_FUTURE); up to 24 h is kept and said', () => {
    const home = demoSourcesHome();
    const r = runCli(['fetch', '--home', home, '--now', '2025-12-27T12:00:00Z', '--since', '15d', '--json']);
    const out = parseJsonOutput(r) as {results: {source_id: string; items_fetched: number}[]; diagnostics: {code: string; message: string; details?: {count?: number}}[]};
    const future = out.diagnostics.filter((d) => d.code === 'ITEM_FROM_FUTURE');
    expect(future.length).toBeGreaterThan(0);
    for (const d of future) expect(d.message).toMatch(/^source \w+: \d+ item\(s\) dated more than 24 h after the run clock \(2025-12-27T12:00:00Z\) skipped$/);
    expect(r.code).toBe(1);
    const all = runCli(['fetch', '--home', demoSourcesHome(), '--now', '2026-01-05T12:00:00Z', '--since', '15d', '--json']);
    const fetched = (o: typeof out) => o.results.reduce((a, x) => a + x.items_fetched, 0);
    const skipped = future.reduce((a, d) => a + Number(d.details?.count), 0);
    expect(fetched(out) + skipped).toBe(fetched(parseJsonOutput(all) as typeof out));
    const ahead = runCli(['fetch', '--home', demoSourcesHome(), '--now', NOW, '--since', '7d']);
    expect(ahead.code).toBe(0);
    expect(ahead.stderr).toMatch(/info ITEM_AHEAD_OF_CLOCK: source demo_industry_news: 1 item\(s\) dated up to 24 h after the run clock \(2025-12-29T17:00:00Z\) kept/);
  });
});

describe('issue 20 finding 7: a per-source problem fails only that source', {timeout: 300_000}, () => {
  it('a feed symlinked outside the home: that source fails, the others run, the run is a warning', () => {
    const home = demoSourcesHome();
    const outside = tempHome('hardstop-outside-');
    copyFileSync(join(home, 'feeds', 'port_notices.xml'), join(outside, 'port_notices.xml'));
    rmSync(join(home, 'feeds', 'port_notices.xml'));
    symlinkSync(join(outside, 'port_notices.xml'), join(home, 'feeds', 'port_notices.xml'));
    const list = runCli(['sources', 'list', '--home', home]);
    expect(list.code).toBe(1);
    expect(list.stderr).toContain('config/sources.yaml:34:12: warning SOURCE_FILE_OUTSIDE_HOME: source "demo_port_notices": the file URL leaves the home folder through a symbolic link: file://feeds/port_notices.xml; only this source fails');
    const run = runCli(['run', '--home', home, '--now', NOW, '--since', '7d', '--json']);
    expect(run.code, run.stderr).toBe(1);
    const out = parseJsonOutput(run) as {fetch: {results: {source_id: string; status: string; error_code: string | null}[]}};
    expect(out.fetch.results.map((r) => [r.source_id, r.status])).toEqual([
      ['demo_nws_alerts', 'SUCCESS'],
      ['demo_industry_news', 'SUCCESS'],
      ['demo_port_notices', 'FAILURE'],
    ]);
  });
});
