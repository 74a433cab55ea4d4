import {copyFileSync, existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import Database from 'better-sqlite3';
import {describe, expect, it} from 'vitest';
import {parseJsonOutput, runCli, tempHome} from '../helpers/cli.js';
import {homeFrom} from '../helpers/home-templates.js';
import {expectValidRunRecords, listFiles} from '../helpers/run-records.js';
import {initHome as writeHome} from '../../src/app/init-home.js';

const NOW = '2025-12-29T17:00:00Z';

/** A fresh home as `hardstop init` writes it (in-process: the init command has its own test). */
function initHome(): string {
  const home = tempHome();
  writeHome(home, {force: false});
  return home;
}

function tableHashes(dbPath: string): Record<string, string> {
  const db = new Database(dbPath, {readonly: true});
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as {name: string}[]).map((r) => r.name);
  const out: Record<string, string> = {};
  for (const t of tables) out[t] = JSON.stringify(db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).raw().all());
  db.close();
  return out;
}

describe('init', () => {
  it('writes a complete home and refuses to overwrite without --force', () => {
    const home = tempHome();
    expect(runCli(['init', '--home', home]).code).toBe(0);
    const again = runCli(['init', '--home', home]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/INIT_EXISTS/);
    expect(runCli(['init', '--home', home, '--force']).code).toBe(0);
  });
});

describe('ingest', () => {
  it('loads the example network, writes one valid RunRecord, exit 0', () => {
    const home = initHome();
    const r = runCli(['ingest', '--home', home, '--now', NOW, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = parseJsonOutput(r);
    expect(out.counts).toEqual({facilities: 10, lanes: 8, shipments: 12});
    expect(out.status).toBe('HEALTHY');
    expect(expectValidRunRecords(home)).toBe(1);
  });

  it('rejects a shipment on an unknown lane at data line 7 with file:line:col and leaves the database unchanged', () => {
    const home = homeFrom('ingested');
    const before = tableHashes(join(home, 'hardstop.db'));
    const ships = join(home, 'network/shipments.csv');
    const lines = readFileSync(ships, 'utf8').split('\n');
    // Header is line 1, so data line 7 is physical line 8: the file's 8th line.
    lines[7] = lines[7].replace('LANE-006', 'LANE-999');
    writeFileSync(ships, lines.join('\n'));
    const r = runCli(['ingest', '--home', home, '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('network/shipments.csv:8:19: error CSV_FK_MISSING: lane_id: no lane "LANE-999"');
    expect(r.stdout).toMatch(/^BROKEN \(exit 2\) strict run [0-9a-f]{8} config [0-9a-f]{12}$/m);
    const after = tableHashes(join(home, 'hardstop.db'));
    for (const t of ['facilities', 'lanes', 'shipments', 'network_loads']) expect(after[t]).toBe(before[t]);
    expect(expectValidRunRecords(home)).toBe(2);
  });

  it('--allow-partial loads the valid rows, skips dependants, exits 1', () => {
    const home = initHome();
    const lanes = join(home, 'network/lanes.csv');
    writeFileSync(lanes, readFileSync(lanes, 'utf8').replace('LANE-004,PORT-01', 'LANE-004,PORT-99'));
    const strict = runCli(['ingest', '--home', home, '--now', NOW]);
    expect(strict.code).toBe(2);
    const r = runCli(['ingest', '--home', home, '--now', NOW, '--allow-partial', '--json']);
    expect(r.code).toBe(1);
    const out = parseJsonOutput(r);
    expect(out.counts).toEqual({facilities: 10, lanes: 7, shipments: 10});
    const codes = (out.diagnostics as {code: string; line: number}[]).map((d) => `${d.code}@${d.line}`);
    expect(codes).toContain('CSV_FK_MISSING@5');
    expect(codes.filter((c) => c.startsWith('CSV_FK_MISSING')).length).toBe(3);
  });

  it.each([
    ['CSV-4 integer typed as 8.0', 'facilities', (t: string) => t.replace('-86.3997,8', '-86.3997,8.0'), 'CSV_TYPE', '2:73'],
    ['CSV-5 criticality out of range', 'facilities', (t: string) => t.replace('-86.3997,8', '-86.3997,15'), 'CSV_RANGE', '2:73'],
    ['CSV-6 nan latitude', 'facilities', (t: string) => t.replace('39.7628', 'nan'), 'CSV_TYPE', '2:56'],
    ['CSV-12 header case', 'facilities', (t: string) => t.replace('facility_id,', 'Facility_ID,'), 'CSV_HEADER_MISSING', '1:1'],
    ['CSV-13 slash date', 'shipments', (t: string) => t.replace('2025-12-30,Midwest', '2025/12/30,Midwest'), 'CSV_DATE', '2:66'],
    ['CSV-3 short row', 'lanes', (t: string) => t.replace('LANE-008,PORT-02,DC-04,OCEAN,Atlantic Feeder Lines,5,2', 'LANE-008,PORT-02,DC-04'), 'CSV_FIELD_COUNT', '9:23'],
  ])('%s → %s', (_name, file, edit, code, pos) => {
    const home = initHome();
    const path = join(home, `network/${file}.csv`);
    writeFileSync(path, edit(readFileSync(path, 'utf8')));
    const r = runCli(['ingest', '--home', home, '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`network/${file}.csv:${pos}: error ${code}`);
    // The caret sits under the reported character column (issue 20 finding 10: not the field ordinal).
    const caretLine = r.stderr.split('\n').find((l) => /^\s+\|\s*\^/.test(l)) ?? '';
    expect(caretLine.indexOf('^') - caretLine.indexOf('|') - 1).toBe(Number(pos.split(':')[1]));
  });

  it('CSV-2 strips a BOM; CSV-7 a duplicate id is an error naming both lines and nothing is loaded (issue 20 finding 2)', () => {
    const home = initHome();
    const path = join(home, 'network/facilities.csv');
    const text = readFileSync(path, 'utf8');
    const firstLine = text.split('\n').findIndex((l) => l.startsWith('WH-01,')) + 1;
    writeFileSync(path, `\uFEFF${text}WH-01,Columbus Cold Storage Annex,WAREHOUSE,Columbus,OH,USA,39.96,-82.99,4\n`);
    const r = runCli(['ingest', '--home', home, '--now', NOW, '--json']);
    expect(r.code).toBe(2);
    const out = parseJsonOutput(r);
    expect(out.diagnostics).toContainEqual(
      expect.objectContaining({code: 'CSV_DUPLICATE_ID', severity: 'error', file: 'network/facilities.csv', line: 12, message: `facility_id "WH-01" is also on line ${firstLine}: ids must be unique`}),
    );
    expect(existsSync(join(home, 'hardstop.db')) ? tableHashes(join(home, 'hardstop.db')).facilities : '[]').toBe('[]');
    const partial = runCli(['ingest', '--home', home, '--now', NOW, '--allow-partial', '--json']);
    expect(partial.code).toBe(1);
    expect(parseJsonOutput(partial)).toMatchObject({counts: {facilities: 10}, rejected_rows: 1});
  });

  it('CSV-11 missing file is FILE_MISSING exit 2', () => {
    const home = initHome();
    const r = runCli(['ingest', '--home', home, '--now', NOW, '--shipments', 'network/nope.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FILE_MISSING');
  });

  it('CSV-10 a reload replaces the network', () => {
    const home = homeFrom('ingested');
    const dir = join(home, 'network');
    writeFileSync(join(dir, 'facilities.csv'), readFileSync(join(dir, 'facilities.csv'), 'utf8').replace(/^DC-04.*\n/m, ''));
    writeFileSync(join(dir, 'lanes.csv'), readFileSync(join(dir, 'lanes.csv'), 'utf8').replace(/^LANE-008.*\n/m, ''));
    writeFileSync(join(dir, 'shipments.csv'), readFileSync(join(dir, 'shipments.csv'), 'utf8').replace(/^SHP-1009.*\n/m, ''));
    const r = parseJsonOutput(runCli(['ingest', '--home', home, '--now', NOW, '--json']));
    expect(r.counts).toEqual({facilities: 9, lanes: 7, shipments: 11});
  });
});

describe('doctor', () => {
  it('exits 2 on a missing database, 0 when healthy, 2 on invalid config, 1 with warnings only', () => {
    const home = initHome();
    const missing = runCli(['doctor', '--home', home]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('DB_MISSING');
    expect(runCli(['ingest', '--home', home, '--now', NOW]).code).toBe(0);
    const healthy = runCli(['doctor', '--home', home, '--json']);
    expect(healthy.code, healthy.stdout + healthy.stderr).toBe(0);
    expect(parseJsonOutput(healthy).status).toBe('HEALTHY');

    const cfg = join(home, 'hardstop.config.yaml');
    const good = readFileSync(cfg, 'utf8');
    writeFileSync(cfg, good.replace('window_hours: 168', 'window_hours: -5'));
    const invalid = runCli(['doctor', '--home', home]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/hardstop\.config\.yaml:\d+:\d+: error CONFIG_INVALID: correlation\.window_hours/);

    writeFileSync(cfg, good.replace('correlation:\n', 'correlation:\n  window_hour: 3\n'));
    const bestEffort = runCli(['doctor', '--home', home, '--best-effort']);
    expect(bestEffort.code).toBe(1);
    expect(bestEffort.stderr).toContain('CONFIG_UNKNOWN_KEY');
  });

  it('never changes the database', () => {
    const home = homeFrom('ingested');
    const before = tableHashes(join(home, 'hardstop.db'));
    runCli(['doctor', '--home', home]);
    expect(tableHashes(join(home, 'hardstop.db'))).toEqual(before);
  });
});

describe('determinism and secrets', () => {
  it('two fresh homes with the same --now produce byte-identical RunRecord files', () => {
    const homes = [initHome(), initHome()];
    const trees = homes.map((home) => {
      expect(runCli(['ingest', '--home', home, '--now', NOW]).code).toBe(0);
      const dir = join(home, 'run_records');
      return listFiles(dir).map((f) => [relative(dir, f), readFileSync(f, 'utf8')]);
    });
    expect(trees[0].length).toBeGreaterThan(0);
    expect(trees[0]).toEqual(trees[1]);
  });

  it('HARDSTOP_* overrides change the config hash; bad override names are errors', () => {
    const home = initHome();
    copyFileSync(join(home, 'hardstop.config.yaml'), join(home, 'copy.yaml'));
    const a = parseJsonOutput(runCli(['ingest', '--home', home, '--now', NOW, '--json']));
    const b = parseJsonOutput(runCli(['ingest', '--home', home, '--now', NOW, '--json'], {env: {HARDSTOP_CORRELATION__WINDOW_HOURS: '24'}}));
    expect(a.config_hash).not.toBe(b.config_hash);
    const bad = runCli(['ingest', '--home', home, '--now', NOW], {env: {HARDSTOP_CORRELATION__WINDOWHOURS: '24'}});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CONFIG_ENV_UNKNOWN');
  });

  it('no secret value from the environment appears anywhere under the home', () => {
    const home = initHome();
    const secrets = {
      HARDSTOP_SLACK_WEBHOOK_URL: 'https://hooks.slack.invalid/services/T000/B000/SECRETSLACKVALUE123',
      HARDSTOP_LINEAR_API_KEY: 'lin_api_SECRETLINEARVALUE456',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.invalid/services/T111/B111/OTHERSECRET789',
    };
    expect(runCli(['ingest', '--home', home, '--now', NOW], {env: secrets}).code).toBe(0);
    runCli(['doctor', '--home', home], {env: secrets});
    for (const f of listFiles(home)) {
      const bytes = readFileSync(f);
      for (const v of Object.values(secrets)) expect(bytes.includes(Buffer.from(v)), `${f} contains a secret`).toBe(false);
    }
  });
});
