import {cpSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DeliveryLedger} from '../../src/store/ledger/delivery-ledger.js';
import {tempHome} from '../helpers/cli.js';
import {BOT_TOKEN, FakeSlack} from './fake-slack.js';
import {goldenBundleHome, writeSinkFile} from './cli-helpers.js';
import {CRASH_ROUTES_AND_RETRY, type CrashWorker, killChildPush, pushUntilHealthy, runTrials} from './crash-harness.js';

/**
 * Crash trials (sinks.md §10): a child `hardstop sinks push` is SIGKILLed at a random moment of
 * its push; pushing again until exit 0 must leave exactly one message per alert version (web_api)
 * and at most one extra, marked copy per in-doubt delivery (webhook). HARDSTOP_SINKS_CRASH_TRIALS
 * runs more trials locally (default 50 web_api + 10 webhook).
 */
const TRIALS = Number(process.env.HARDSTOP_SINKS_CRASH_TRIALS ?? 50);
const WEBHOOK_TRIALS = Math.max(5, Math.round(TRIALS / 5));

/** Trials run on this many workers at once, each with its own home copy and fake Slack. */
const WORKERS = 3;

type Worker = CrashWorker<FakeSlack>;

let workers: Worker[] = [];
let bundle: string;
let alertIds: string[];

const sinkFile = (fake: FakeSlack, mode: 'web_api' | 'webhook') => `version: 1
sinks:
  - id: crash
    type: slack
    mode: ${mode}
${mode === 'web_api' ? `    token_env: HARDSTOP_SLACK_BOT_TOKEN\n    channel: C0CRASH\n    api_url: ${fake.apiUrl}` : '    webhook_url_env: HARDSTOP_SLACK_WEBHOOK_URL'}
    digest: true
    min_interval_ms: 0
    timeout_ms: 10000
${CRASH_ROUTES_AND_RETRY}`;

const env = (fake: FakeSlack) => ({HARDSTOP_SLACK_BOT_TOKEN: BOT_TOKEN, HARDSTOP_SLACK_WEBHOOK_URL: fake.webhookUrl});

/** Runs `count` trials spread over the workers; `check` asserts each trial's end state. Returns how many kills landed mid-push. */
async function trials(count: number, mode: 'web_api' | 'webhook', seed: number, check: (w: Worker, ledger: string, t: number) => void): Promise<number> {
  for (const w of workers) writeSinkFile(w.home, sinkFile(w.fake, mode));
  let midPush = 0;
  await runTrials(workers, count, seed, async (w, rand, t) => {
    const ledger = join(tempHome('hardstop-crash-'), 'deliveries.db');
    if (await killChildPush(w, {bundle, ledger, env: env(w.fake), rand, earlyKill: 0.15, windowMs: 250})) midPush++;
    await pushUntilHealthy(w.home, bundle, ledger, env(w.fake));
    check(w, ledger, t);
  });
  return midPush;
}

beforeAll(async () => {
  const golden = goldenBundleHome();
  bundle = golden.bundle;
  alertIds = (JSON.parse(readFileSync(join(bundle, 'alerts.v2.json'), 'utf8')) as {alert_id: string}[]).map((a) => a.alert_id);
  workers = await Promise.all(
    Array.from({length: WORKERS}, async () => {
      const fake = await FakeSlack.start();
      fake.latencyMs = 2;
      const home = join(tempHome('hardstop-crash-home-'), 'home');
      cpSync(golden.home, home, {recursive: true});
      return {fake, home};
    }),
  );
}, 240_000);
afterAll(async () => {
  await Promise.all(workers.map((w) => w.fake.close()));
});

describe('crash trials', () => {
  it(`web_api: ${TRIALS} SIGKILLed pushes leave exactly one message per alert version`, async () => {
    const seed = Number(process.env.HARDSTOP_SINKS_CRASH_SEED ?? 20251229);
    const midPush = await trials(TRIALS, 'web_api', seed, (w, ledger, t) => {
      const posted = w.fake.topLevel().map((m) => String(m.metadata?.event_payload.alert_id)).sort();
      expect(posted, `trial ${t} (seed ${seed})`).toEqual([...alertIds].sort());
      expect(w.fake.topLevel('hardstop_digest'), `trial ${t} (seed ${seed})`).toHaveLength(1);
      const l = DeliveryLedger.openReadOnly(ledger)!;
      expect(l.rowsInStates(['pending', 'sending', 'failed']), `trial ${t}`).toEqual([]);
      l.close();
    });
    expect(midPush).toBeGreaterThan(TRIALS / 2);
  }, 900_000);

  it(`webhook: ${WEBHOOK_TRIALS} SIGKILLed pushes leave at most one extra, marked message per in-doubt delivery`, async () => {
    await trials(WEBHOOK_TRIALS, 'webhook', 7, (w, ledger, t) => {
      const l = DeliveryLedger.openReadOnly(ledger)!;
      const rows = l.all();
      l.close();
      const resent = rows.filter((r) => r.kind === 'alert' && r.resent === 1).length;
      const alertPosts = w.fake.webhookPosts.filter((p) => !p.text.startsWith('Hardstop:'));
      const marked = alertPosts.filter((p) => p.text.endsWith('(resent: earlier delivery not confirmed)'));
      expect(alertPosts.length, `trial ${t}`).toBeGreaterThanOrEqual(alertIds.length);
      expect(alertPosts.length - alertIds.length, `trial ${t}: extra messages`).toBeLessThanOrEqual(resent);
      expect(alertPosts.length - marked.length, `trial ${t}: unmarked messages`).toBeLessThanOrEqual(alertIds.length);
      expect(rows.filter((r) => r.kind === 'alert').every((r) => r.state === 'delivered'), `trial ${t}`).toBe(true);
    });
  }, 900_000);
});
