import {cpSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {tempHome} from '../helpers/cli.js';
import {changedBundle, goldenBundleHome, writeSinkFile} from './cli-helpers.js';
import {CRASH_ROUTES_AND_RETRY, type CrashWorker, killChildPush, pushUntilHealthy, runTrials} from './crash-harness.js';
import {FakeLinear, LINEAR_API_KEY} from './fake-linear.js';

/**
 * Crash trials for Linear (sinks.md §7, §10): a child `hardstop sinks push` is SIGKILLed at a
 * random moment, sometimes the ledger is deleted too, and pushing again until exit 0 must leave
 * exactly one issue per correlation key, one attachment per issue and one comment per later
 * alert version. HARDSTOP_SINKS_CRASH_TRIALS runs more trials locally (default 50).
 */
const TRIALS = Number(process.env.HARDSTOP_SINKS_CRASH_TRIALS ?? 50);
const WORKERS = 2;

type Worker = CrashWorker<FakeLinear>;

let workers: Worker[] = [];
/** The golden bundle (first versions) and a later export where every alert has a new version. */
let first: string;
let later: string;
let keys: string[];
let laterVersions: number;

const sinkFile = (fake: FakeLinear) => `version: 1
sinks:
  - id: crash-linear
    type: linear
    api_key_env: HARDSTOP_LINEAR_API_KEY
    team_id: ${fake.teamId}
    api_url: ${fake.apiUrl}
    link_base_url: https://ops.example.com/hardstop
    min_interval_ms: 0
    timeout_ms: 2000
${CRASH_ROUTES_AND_RETRY}`;

const env = {HARDSTOP_LINEAR_API_KEY: LINEAR_API_KEY};

function deleteLedger(ledger: string): void {
  for (const suffix of ['', '-wal', '-shm', '.lock']) rmSync(ledger + suffix, {force: true});
}

/** One trial: kill a child push of the first or the later bundle, maybe lose the ledger, push both to the end. */
async function trial(w: Worker, rand: () => number): Promise<{killedMidPush: boolean; ledgerDeleted: boolean}> {
  const ledger = join(tempHome('hardstop-linear-crash-'), 'deliveries.db');
  const killLater = rand() < 0.6;
  if (killLater) await pushUntilHealthy(w.home, first, ledger, env);
  const killedMidPush = await killChildPush(w, {bundle: killLater ? later : first, ledger, env, rand, earlyKill: 0.1, windowMs: 200});
  const ledgerDeleted = rand() < 0.4;
  if (ledgerDeleted) deleteLedger(ledger);
  if (!killLater) await pushUntilHealthy(w.home, first, ledger, env);
  await pushUntilHealthy(w.home, later, ledger, env);
  return {killedMidPush, ledgerDeleted};
}

beforeAll(async () => {
  const golden = goldenBundleHome();
  first = golden.bundle;
  later = changedBundle(first, join(tempHome('hardstop-linear-later-'), 'bundle'), (alerts) => {
    for (const a of alerts) {
      a.version = Number(a.version) + 1;
      a.action = 'UPDATED';
      a.update_count = Number(a.update_count) + 1;
      a.impact_score = Number(a.impact_score ?? 0) + 1;
    }
  });
  const alerts = JSON.parse(readFileSync(join(first, 'alerts.v2.json'), 'utf8')) as {correlation_key: string}[];
  keys = [...new Set(alerts.map((a) => a.correlation_key))].sort();
  laterVersions = alerts.length;
  workers = await Promise.all(
    Array.from({length: WORKERS}, async () => {
      const fake = await FakeLinear.start();
      fake.latencyMs = 2;
      const home = join(tempHome('hardstop-linear-crash-home-'), 'home');
      cpSync(golden.home, home, {recursive: true});
      writeSinkFile(home, sinkFile(fake));
      return {fake, home};
    }),
  );
}, 240_000);
afterAll(async () => {
  await Promise.all(workers.map((w) => w.fake.close()));
});

describe('Linear crash trials', () => {
  it(`${TRIALS} SIGKILLed pushes (some with the ledger deleted) leave one issue per key, one attachment per issue, one comment per later version`, async () => {
    const seed = Number(process.env.HARDSTOP_SINKS_CRASH_SEED ?? 20251230);
    let midPush = 0;
    let deleted = 0;
    await runTrials(workers, TRIALS, seed, async (w, rand, t) => {
      const r = await trial(w, rand);
      if (r.killedMidPush) midPush++;
      if (r.ledgerDeleted) deleted++;
      const issues = [...w.fake.issues.values()];
      const label = `trial ${t} (seed ${seed}, ledger deleted: ${r.ledgerDeleted})`;
      expect(issues, label).toHaveLength(keys.length);
      expect(w.fake.attachments.map((a) => a.issueId).sort(), label).toEqual(issues.map((x) => x.id).sort());
      expect(w.fake.comments.size, label).toBe(laterVersions);
      for (const issue of issues) expect(w.fake.commentsOf(issue.id).length, label).toBeGreaterThanOrEqual(1);
      expect(w.fake.requests.filter((q) => q.field === 'issueCreate').length, label).toBeGreaterThanOrEqual(keys.length);
    });
    expect(midPush).toBeGreaterThan(TRIALS / 2);
    expect(deleted).toBeGreaterThan(0);
  }, 900_000);
});
