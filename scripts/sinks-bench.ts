// The sinks figure of `npm run bench` (issue 15): 1,000 alert versions pushed to a fake Slack
// Web API on 127.0.0.1 that answers every 10th request with 429 Retry-After: 1. Virtual time
// (every wait goes through the virtual waiter), real CPU seconds, and the ledger's cost per
// delivery (time inside DeliveryLedger calls / deliveries; the synced `sending` commit apart).
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {DeliveryLedger} from '../src/store/ledger/delivery-ledger.js';
import {createNotifier} from '../src/sinks/notifiers.js';
import {planSink} from '../src/sinks/plan.js';
import {pushSink} from '../src/sinks/push.js';
import {virtualWaiter} from '../src/sinks/waiter.js';
import {BOT_TOKEN, FakeSlack} from '../test/sinks/fake-slack.js';
import {alertEntry, bundleOf, clock, sinksFrom, slackSinkYaml} from '../test/sinks/fixtures.js';

/** Wraps every ledger method so the time spent in it is summed (the synced `sending` commit apart). */
function timedLedger(ledger: DeliveryLedger): {ledger: DeliveryLedger; syncMs: () => number; otherMs: () => number} {
  let sync = 0;
  let other = 0;
  const proxy = new Proxy(ledger, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        } finally {
          if (prop === 'markSending') sync += performance.now() - t0;
          else other += performance.now() - t0;
        }
      };
    },
  });
  return {ledger: proxy, syncMs: () => sync, otherMs: () => other};
}

export async function sinksBench(versions = 1000): Promise<Record<string, unknown>> {
  const fake = await FakeSlack.start();
  fake.rateLimitEvery = 10;
  const dir = mkdtempSync(join(tmpdir(), 'hardstop-sinks-bench-'));
  const raw = DeliveryLedger.open(join(dir, 'deliveries.db'));
  try {
    const sink = sinksFrom({'s.yaml': slackSinkYaml({mode: 'web_api', apiUrl: fake.apiUrl, timeoutMs: 10000}).replace('min_interval_ms: 0', 'min_interval_ms: 1000').replace('  seed: test-seed', '  seed: test-seed\n  deadline_s: 7200')})[0];
    const alerts = Array.from({length: versions}, (_, i) => alertEntry(i + 1));
    const bundle = bundleOf(alerts);
    const n = createNotifier(sink, {HARDSTOP_SLACK_BOT_TOKEN: BOT_TOKEN});
    if (!n.ok) throw new Error(n.diagnostic.message);
    const {ledger, syncMs, otherMs} = timedLedger(raw);
    const waiter = virtualWaiter();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const plan = planSink(sink, bundle, ledger, {now: clock().now(), firstPushWindowMicros: 864e8});
    const res = await pushSink(plan, bundle, {ledger, notifier: n.notifier, waiter, clock: clock()});
    const cpu = process.cpuUsage(cpu0);
    const per = (ms: number) => Math.round((ms / Math.max(1, res.results.length)) * 1000) / 1000;
    const delivered = res.results.filter((r) => r.state === 'delivered').length;
    const rateLimited = res.results.reduce((k, r) => k + r.attempts.filter((a) => a.error === 'ratelimited').length, 0);
    return {
      alert_versions: versions,
      delivered,
      requests: fake.requests.length,
      rate_limited_answers: rateLimited,
      messages_on_fake: fake.topLevel().length,
      virtual_seconds: Math.round(waiter.waitedMs) / 1000,
      wall_seconds: Math.round(performance.now() - t0) / 1000,
      cpu_seconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
      // The ledger's own work per delivery (plan, lookups, state changes), target < 1 ms ...
      ledger_ms_per_delivery: per(otherMs()),
      target_ledger_ms_per_delivery: 1,
      // ... and the one fsync per attempt that exactly-once needs (disk-bound, reported apart).
      ledger_synced_sending_ms_per_delivery: per(syncMs()),
    };
  } finally {
    raw.close();
    await fake.close();
    rmSync(dir, {recursive: true, force: true});
  }
}
