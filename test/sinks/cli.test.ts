import {cpSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {retryDelayMs} from '../../src/kernel/retry.js';
import {tempHome} from '../helpers/cli.js';
import {BOT_TOKEN, FakeSlack, WEBHOOK_PATH} from './fake-slack.js';
import {FakeLinear, LINEAR_API_KEY} from './fake-linear.js';
import {changedBundle, goldenBundleHome, runCliAsync, writeSinkFile} from './cli-helpers.js';

let fake: FakeSlack;
let home: string;
let bundle: string;
let routed: string[];

const webApiSink = (ledgerNote = '') => `version: 1
sinks:
  - id: test-slack
    type: slack
    mode: web_api
    token_env: HARDSTOP_SLACK_BOT_TOKEN
    channel: C0123456789
    api_url: ${fake.apiUrl}
    digest: true
    min_interval_ms: 0
    timeout_ms: 10000
    routes:
      - id: everything
        when: alert.classification >= 0${ledgerNote}
retry:
  seed: cli-test
  base_ms: 10
`;
const webhookSink = () => `version: 1
sinks:
  - id: hook
    type: slack
    mode: webhook
    webhook_url_env: HARDSTOP_SLACK_WEBHOOK_URL
    min_interval_ms: 0
    routes:
      - id: everything
        when: alert.classification >= 0
`;

const secrets = () => ({HARDSTOP_SLACK_BOT_TOKEN: BOT_TOKEN, HARDSTOP_SLACK_WEBHOOK_URL: fake.webhookUrl});

beforeAll(async () => {
  fake = await FakeSlack.start();
  ({home, bundle} = goldenBundleHome());
  routed = (JSON.parse(readFileSync(join(bundle, 'alerts.v2.json'), 'utf8')) as {alert_id: string}[]).map((a) => a.alert_id);
}, 240_000);
afterAll(async () => {
  await fake.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('hardstop sinks (CLI, fake Slack on 127.0.0.1)', () => {
  it('plan shows every alert version with route, action and reason, and sends nothing', async () => {
    writeSinkFile(home, webApiSink());
    fake.reset();
    const r = await runCliAsync(['sinks', 'plan', '--bundle', bundle, '--home', home, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {sinks: {id: string; entries: {action: string; route: string}[]}[]};
    expect(j.sinks.map((s) => s.id)).toEqual(['test-slack']);
    expect(j.sinks[0].entries).toHaveLength(routed.length);
    expect(new Set(j.sinks[0].entries.map((e) => e.action))).toEqual(new Set(['create']));
    expect(fake.requests).toHaveLength(0);
  }, 60_000);

  it('push delivers each alert version once; a second push sends nothing; a changed version is exactly one edit', async () => {
    const ledger = join(tempHome(), 'deliveries.db');
    writeSinkFile(home, webApiSink());
    fake.reset();
    const first = await runCliAsync(['sinks', 'push', '--bundle', bundle, '--home', home, '--ledger', ledger, '--json'], secrets());
    expect(first.code, first.stderr).toBe(0);
    expect(fake.topLevel().map((m) => m.metadata?.event_payload.alert_id).sort()).toEqual([...routed].sort());
    expect(fake.topLevel('hardstop_digest')).toHaveLength(1);
    const requests = fake.requests.length;
    const second = await runCliAsync(['sinks', 'push', '--bundle', bundle, '--home', home, '--ledger', ledger], secrets());
    expect(second.code, second.stderr).toBe(0);
    expect(fake.requests.length).toBe(requests);
    const changed = changedBundle(bundle, join(tempHome(), 'bundle2'), (alerts) => {
      alerts[0].version = (alerts[0].version as number) + 1;
      alerts[0].update_count = (alerts[0].update_count as number) + 1;
      alerts[0].action = 'UPDATED';
    });
    const third = await runCliAsync(['sinks', 'push', '--bundle', changed, '--home', home, '--ledger', ledger, '--json'], secrets());
    expect(third.code, third.stderr).toBe(0);
    const calls = fake.requests.slice(requests).map((q) => q.path);
    expect(calls.filter((p) => p === '/api/chat.update')).toHaveLength(1);
    expect(fake.topLevel()).toHaveLength(routed.length);
    const status = await runCliAsync(['sinks', 'status', '--home', home, '--ledger', ledger, '--json']);
    expect(status.code).toBe(0);
  }, 120_000);

  it('refuses a bundle with one byte changed anywhere: exit 2, zero requests', async () => {
    writeSinkFile(home, webApiSink());
    const files = filesUnder(bundle).filter((f) => statSync(f).size > 0);
    for (const file of [join(bundle, 'alerts.v2.json'), join(bundle, 'manifest.json'), files[files.length - 1]]) {
      const copy = join(tempHome(), 'tampered');
      cpSync(bundle, copy, {recursive: true});
      const target = join(copy, file.slice(bundle.length + 1));
      const bytes = readFileSync(target);
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      writeFileSync(target, bytes);
      fake.reset();
      const r = await runCliAsync(['sinks', 'push', '--bundle', copy, '--home', home, '--ledger', join(tempHome(), 'l.db')], secrets());
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/BUNDLE/);
      expect(fake.requests).toHaveLength(0);
    }
  }, 120_000);

  it('no secret value appears in any file of the home, the ledger or the output of a full push', async () => {
    const ledger = join(home, 'state', 'secret-check.db');
    writeSinkFile(home, webApiSink().replace('retry:', `${webhookSink().split('sinks:\n')[1]}retry:`));
    fake.reset();
    fake.enqueue('chat.postMessage', {status: 200, body: {ok: false, error: 'invalid_auth'}});
    fake.enqueue(WEBHOOK_PATH, {status: 404, body: 'channel_not_found'});
    const outputs: string[] = [];
    for (const json of [false, true]) {
      const r = await runCliAsync(['sinks', 'push', '--bundle', bundle, '--home', home, '--ledger', ledger, ...(json ? ['--json'] : [])], secrets());
      outputs.push(r.stdout, r.stderr);
    }
    const test = await runCliAsync(['sinks', 'test', 'hook', '--home', home], secrets());
    const status = await runCliAsync(['sinks', 'status', '--home', home, '--ledger', ledger, '--json']);
    const doctor = await runCliAsync(['doctor', '--home', home, '--json'], secrets());
    outputs.push(test.stdout, test.stderr, status.stdout, status.stderr, doctor.stdout, doctor.stderr);
    const needles = [BOT_TOKEN, fake.webhookUrl, WEBHOOK_PATH, 'fakewebhooksecret0123'];
    const haystacks = [...outputs, ...filesUnder(home).map((f) => readFileSync(f).toString('latin1'))];
    for (const n of needles) for (const h of haystacks) expect(h.includes(n)).toBe(false);
    expect(outputs.join('\n')).toContain('invalid_auth');
    expect(outputs.join('\n')).toContain('channel_not_found');
  }, 120_000);

  it('no Linear API key appears in any file of the home, the ledger or the output of a full push', async () => {
    const linear = await FakeLinear.start();
    try {
      const ledger = join(home, 'state', 'linear-secret-check.db');
      writeSinkFile(home, `version: 1
sinks:
  - id: cli-linear
    type: linear
    api_key_env: HARDSTOP_LINEAR_API_KEY
    team_id: ${linear.teamId}
    api_url: ${linear.apiUrl}
    link_base_url: https://ops.example.com/hardstop
    min_interval_ms: 0
    routes:
      - id: all
        when: alert.classification >= 0
`);
      const env = {HARDSTOP_LINEAR_API_KEY: LINEAR_API_KEY};
      const outputs: string[] = [];
      linear.enqueue('issueCreate', {error: {type: 'invalid input', code: 'INPUT_ERROR', message: 'Argument Validation Error: labelIds must be valid labels'}});
      for (const json of [false, true]) {
        const r = await runCliAsync(['sinks', 'push', '--bundle', bundle, '--home', home, '--ledger', ledger, ...(json ? ['--json'] : [])], env);
        outputs.push(r.stdout, r.stderr);
      }
      const test = await runCliAsync(['sinks', 'test', 'cli-linear', '--home', home], env);
      const status = await runCliAsync(['sinks', 'status', '--home', home, '--ledger', ledger, '--json']);
      const doctor = await runCliAsync(['doctor', '--home', home, '--json'], env);
      outputs.push(test.stdout, test.stderr, status.stdout, status.stderr, doctor.stdout, doctor.stderr);
      expect(linear.issues.size, outputs.join('\n')).toBeGreaterThan(0);
      expect(linear.requests.every((q) => q.authorization === LINEAR_API_KEY)).toBe(true);
      const haystacks = [...outputs, ...filesUnder(home).map((f) => readFileSync(f).toString('latin1'))];
      for (const h of haystacks) expect(h.includes(LINEAR_API_KEY)).toBe(false);
      expect(outputs.join('\n')).toContain('InvalidInputLinearError');
    } finally {
      await linear.close();
    }
  }, 120_000);

  it('records the retry schedule of a rate-limited delivery in the RunRecord, equal to the schedule of §5', async () => {
    writeSinkFile(home, webApiSink());
    const schedules: number[][] = [];
    for (let run = 0; run < 2; run++) {
      fake.reset();
      fake.enqueue('chat.postMessage', {status: 429, body: '', headers: {'retry-after': '1'}});
      const r = await runCliAsync(['sinks', 'push', '--bundle', bundle, '--home', home, '--ledger', join(tempHome(), 'l.db'), '--json'], secrets());
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as {run_group_id: string; sinks: {deliveries: {deliveryKey: string; attempts: {waited_ms: number | null}[]}[]}[]};
      const retried = out.sinks[0].deliveries.find((d) => d.attempts.length > 1)!;
      expect(retried.attempts[0].waited_ms).toBeGreaterThanOrEqual(1000);
      const dir = join(home, 'run_records', out.run_group_id);
      const record = JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => f.includes('sinks.push'))!), 'utf8')) as {operator_id: string; warnings: {code: string; details: {delivery_key: string; planned_schedule_ms: number[]; attempts: unknown[]}}[]};
      expect(record.operator_id).toBe('hardstop.sinks.push@1.0.0');
      const w = record.warnings.find((x) => x.code === 'SINK_DELIVERY_RETRIED')!;
      expect(w.details.delivery_key).toBe(retried.deliveryKey);
      const policy = {maxAttempts: 6, baseMs: 10, factor: 2, maxDelayMs: 60000, jitter: 0.5};
      expect(w.details.planned_schedule_ms).toEqual([1, 2, 3, 4, 5].map((a) => retryDelayMs(policy, 'cli-test', retried.deliveryKey, a)));
      schedules.push(w.details.planned_schedule_ms);
    }
    expect(schedules[1]).toEqual(schedules[0]);
  }, 120_000);

  it('a missing secret fails that sink (exit 2, SINK_SECRET_MISSING, names the variable only)', async () => {
    writeSinkFile(home, webApiSink());
    fake.reset();
    const r = await runCliAsync(['sinks', 'push', '--bundle', bundle, '--home', home, '--ledger', join(tempHome(), 'l.db')], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SINK_SECRET_MISSING');
    expect(r.stderr).toContain('HARDSTOP_SLACK_BOT_TOKEN');
    expect(fake.requests).toHaveLength(0);
  }, 60_000);

  it('--no-network plans and stops with exit 1', async () => {
    writeSinkFile(home, webApiSink());
    fake.reset();
    const r = await runCliAsync(['sinks', 'push', '--bundle', bundle, '--home', home, '--ledger', join(tempHome(), 'l.db'), '--no-network'], secrets());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('network disabled');
    expect(fake.requests).toHaveLength(0);
  }, 60_000);
});
