import {spawnSync} from 'node:child_process';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {parseJsonOutput, ROOT, runCli} from '../helpers/cli.js';
import {GOLDEN_NOW} from '../helpers/golden.js';
import {homeFrom} from '../helpers/home-templates.js';

const ESC = '\u001b[';

/** The golden home after its run: alerts linked to PLANT-01, PLANT-02 and their lanes. */
let home = '';
beforeAll(() => {
  home = homeFrom('golden', 'hardstop-alerts-');
}, 300_000);

interface Listed {
  filters: Record<string, unknown>;
  total: number;
  alerts: {alert_id: string; classification: number; scope: {facilities: string[]; lanes: string[]}}[];
}

const list = (...flags: string[]) => runCli(['alerts', 'list', '--home', home, '--now', GOLDEN_NOW, ...flags]);
const listJson = (...flags: string[]) => parseJsonOutput(list(...flags, '--json')) as unknown as Listed;

/**
 * The CLI on a real terminal (a pseudo-terminal from util-linux `script`; stdout and stderr
 * both land in it), with `env` added to a colour-neutral environment (NODE_ENV=test, set by
 * vitest, would make oclif warn about TypeScript sources).
 */
function runOnTty(args: string[], env: Record<string, string> = {}): string {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(HARDSTOP_|NO_COLOR$|FORCE_COLOR$|NODE_ENV$)/.test(k) && v !== undefined) base[k] = v;
  const quoted = [process.execPath, join(ROOT, 'bin', 'run.js'), ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', quoted, '/dev/null'], {cwd: ROOT, env: {...base, TERM: 'xterm', ...env}, encoding: 'utf8', timeout: 120_000});
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('issue 20 finding 19: alerts list answers "what affects this facility?"', {timeout: 300_000}, () => {
  it('--facility keeps the alerts that linked it; a comma list or a repeated flag means any of them', () => {
    const all = listJson();
    const plant2 = listJson('--facility', 'PLANT-02');
    expect(plant2.total).toBeGreaterThan(0);
    expect(plant2.total).toBeLessThan(all.total);
    expect(plant2.alerts.every((a) => a.scope.facilities.includes('PLANT-02'))).toBe(true);
    expect(plant2.alerts.map((a) => a.alert_id)).toEqual(all.alerts.filter((a) => a.scope.facilities.includes('PLANT-02')).map((a) => a.alert_id));
    expect(plant2.filters.facilities).toEqual(['PLANT-02']);
    const either = all.alerts.filter((a) => a.scope.facilities.some((f) => f === 'PLANT-01' || f === 'PLANT-02')).map((a) => a.alert_id);
    expect(listJson('--facility', 'PLANT-01,PLANT-02').alerts.map((a) => a.alert_id)).toEqual(either);
    expect(listJson('--facility', 'PLANT-01', '--facility', 'PLANT-02').alerts.map((a) => a.alert_id)).toEqual(either);
  });

  it('--lane and --class filter too, combined with AND', () => {
    const all = listJson();
    const lane = listJson('--lane', 'LANE-001');
    expect(lane.total).toBeGreaterThan(0);
    expect(lane.alerts.map((a) => a.alert_id)).toEqual(all.alerts.filter((a) => a.scope.lanes.includes('LANE-001')).map((a) => a.alert_id));
    const class2 = listJson('--class', '2');
    expect(class2.alerts.map((a) => a.alert_id)).toEqual(all.alerts.filter((a) => a.classification === 2).map((a) => a.alert_id));
    expect(listJson('--class', '0', '--facility', 'PLANT-02').total).toBe(all.alerts.filter((a) => a.classification === 0 && a.scope.facilities.includes('PLANT-02')).length);
  });

  it.each([
    [['--facility', 'PLANT-0'], 'FACILITY_UNKNOWN', '--facility: no facility "PLANT-0" in the network or the stored alerts', 'did you mean PLANT-01?'],
    [['--facility', 'PLANT-01,KC-DX'], 'FACILITY_UNKNOWN', '--facility: no facility "KC-DX"', 'load the network with `hardstop ingest`'],
    [['--lane', 'LANE-02'], 'LANE_UNKNOWN', '--lane: no lane "LANE-02" in the network or the stored alerts', 'did you mean LANE-002?'],
  ])('an unknown id %j is exit 2 with a did-you-mean', (flags, code, message, hint) => {
    const r = list(...flags);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error ${code}: ${message}`);
    expect(r.stderr).toContain(hint);
    expect(r.stdout).toMatch(/^BROKEN \(exit 2\)/m);
  });

  it('the table has a FACILITIES column', () => {
    const r = list('--facility', 'PLANT-02');
    expect(r.code, r.stderr).toBe(0);
    const [head, first] = r.stdout.split('\n');
    expect(head).toMatch(/^ALERT +CLASS +IMPACT +ACTION +UPDATES +TIER +SOURCE +FACILITIES +LAST_SEEN +SUMMARY$/);
    expect(first.slice(head.indexOf('FACILITIES')).startsWith('PLANT-02 ')).toBe(true);
    expect(r.stdout).not.toContain(ESC);
  });

  it('on a terminal CLASS and the status line are coloured; NO_COLOR, FORCE_COLOR=0 and --json are not; FORCE_COLOR=1 colours a pipe', () => {
    const args = ['alerts', 'list', '--home', home, '--now', GOLDEN_NOW, '--class', '2'];
    const tty = runOnTty(args);
    expect(tty).toContain(`${ESC}31m2${ESC}0m`);
    expect(tty).toMatch(/\u001b\[32mHEALTHY\u001b\[0m \(exit 0\)/);
    // Padding counts what shows: the column after CLASS starts where the header's does.
    const lines = tty.replace(/\r/g, '').split('\n');
    const head = lines.findIndex((l) => l.startsWith('ALERT '));
    const row = lines[head + 1].replace(/\u001b\[[0-9;]*m/g, '');
    expect(row.indexOf(' 6 ')).toBe(lines[head].indexOf('IMPACT') - 1);
    for (const env of [{NO_COLOR: '1'}, {FORCE_COLOR: '0'}] as Record<string, string>[]) expect(runOnTty(args, env)).not.toContain(ESC);
    expect(runOnTty([...args, '--json'])).not.toContain(ESC);
    const piped = runCli(args, {env: {NO_COLOR: '', FORCE_COLOR: '1'}});
    expect(piped.stdout).toContain(`${ESC}31m2${ESC}0m`);
    expect(runCli(args).stdout).not.toContain(ESC);
  });
});
