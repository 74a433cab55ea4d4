import {cpSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {AppContext} from '../../src/app/context.js';
import {initHome} from '../../src/app/init-home.js';
import {RUN_OPERATOR, runHardstop, type RunOptions} from '../../src/app/run-operator.js';
import {parseSinceFlag} from '../../src/kernel/time.js';
import {ingestNetwork} from '../../src/network/ingest-operator.js';
import {GOLDEN_DIR, GOLDEN_NOW} from '../helpers/golden.js';
import {tempHome} from '../helpers/cli.js';

const OPTIONS: RunOptions = {since: parseSinceFlag('7d'), noNetwork: false, noSuppress: false, progress: false};

/** The golden home with its network loaded, ready for `run`. */
async function goldenHome(): Promise<string> {
  const home = tempHome();
  initHome(home, {force: false});
  cpSync(join(GOLDEN_DIR, 'network'), join(home, 'network'), {recursive: true, force: true});
  cpSync(join(GOLDEN_DIR, 'home'), home, {recursive: true, force: true});
  const ctx = AppContext.create({home, now: GOLDEN_NOW}, {});
  try {
    const store = ctx.openStoreForWrite();
    const file = (name: string) => ({path: join(home, 'network', name), display: `network/${name}`});
    await ingestNetwork(store, ctx.runGroup('ingest', {}), {facilities: file('facilities.csv'), lanes: file('lanes.csv'), shipments: file('shipments.csv')}, {allowPartial: false});
  } finally {
    ctx.close();
  }
  return home;
}

/** Every source points at a file that does not exist: all fetches fail, the run is BROKEN. */
function breakSources(home: string): void {
  writeFileSync(join(home, 'config', 'sources.yaml'), 'version: 1\ntiers:\n  global:\n    - {id: gone, type: rss, url: "file://feeds/missing.xml"}\n');
}

async function run(home: string, opts: {bestEffort?: boolean} = {}) {
  const ctx = AppContext.create({home, now: GOLDEN_NOW, 'best-effort': opts.bestEffort}, {});
  try {
    const report = await runHardstop(ctx, OPTIONS);
    const operators = (ctx.store!.db.prepare('SELECT operator_id FROM run_records WHERE run_group_id = ? ORDER BY seq').all(ctx.group!.id) as {operator_id: string}[]).map((r) => r.operator_id);
    return {report, operators};
  } finally {
    ctx.close();
  }
}

describe('runHardstop (the application operator behind `hardstop run`)', () => {
  it('healthy: fetch, decide and brief, then the run status in its own RunRecord', async () => {
    const {report, operators} = await run(await goldenHome());
    expect(report.status.exitCode).toBe(0);
    expect(report.fetch?.totals.failed).toBe(0);
    expect(report.ingest?.counts.processed).toBeGreaterThan(0);
    expect(report.brief).toMatch(/^# Hardstop Daily Brief/);
    expect(operators[operators.length - 1]).toBe(RUN_OPERATOR);
  });

  it('BROKEN in strict mode publishes no brief and says why', async () => {
    const home = await goldenHome();
    breakSources(home);
    const {report, operators} = await run(home);
    expect(report.status.exitCode).toBe(2);
    expect(report.brief).toBeUndefined();
    expect(report.diagnostics.find((d) => d.code === 'BRIEF_SKIPPED')?.message).toMatch(/the run is BROKEN/);
    expect(operators).toContain(RUN_OPERATOR);
  });

  it('BROKEN in best-effort mode publishes a DRAFT_ONLY brief', async () => {
    const home = await goldenHome();
    breakSources(home);
    const {report} = await run(home, {bestEffort: true});
    expect(report.status.exitCode).toBe(2);
    expect(report.brief).toMatch(/DRAFT_ONLY/);
    expect(report.diagnostics.some((d) => d.code === 'BRIEF_SKIPPED')).toBe(false);
  });
});
