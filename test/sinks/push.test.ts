import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {retryDelayMs} from '../../src/kernel/retry.js';
import {DeliveryLedger} from '../../src/store/ledger/delivery-ledger.js';
import type {BundleView} from '../../src/sinks/bundle-alert.js';
import type {SinkConfig} from '../../src/sinks/config/model.js';
import {createNotifier} from '../../src/sinks/notifiers.js';
import {planSink} from '../../src/sinks/plan.js';
import {pushSink, type SinkPushResult} from '../../src/sinks/push.js';
import {virtualWaiter, type Waiter} from '../../src/sinks/waiter.js';
import {BOT_TOKEN, FakeSlack} from './fake-slack.js';
import {alertEntry, bundleOf, clock, sinksFrom, slackSinkYaml, tempDir} from './fixtures.js';

let fake: FakeSlack;
let ledger: DeliveryLedger;

beforeEach(async () => {
  fake = await FakeSlack.start();
  ledger = DeliveryLedger.open(join(tempDir(), 'state', 'deliveries.db'));
});
afterEach(async () => {
  ledger.close();
  await fake.close();
});

function webApiSink(over: {updates?: string; digest?: boolean; retry?: string; timeoutMs?: number} = {}): SinkConfig {
  return sinksFrom({'slack.yaml': slackSinkYaml({mode: 'web_api', apiUrl: fake.apiUrl, ...over})})[0];
}
function webhookSink(extra?: string): SinkConfig {
  return sinksFrom({'slack.yaml': slackSinkYaml({mode: 'webhook', extra})})[0];
}
const env = () => ({HARDSTOP_SLACK_BOT_TOKEN: BOT_TOKEN, HARDSTOP_SLACK_WEBHOOK_URL: fake.webhookUrl});

async function push(sink: SinkConfig, bundle: BundleView, waiter: Waiter = virtualWaiter()): Promise<SinkPushResult> {
  const n = createNotifier(sink, env());
  if (!n.ok) throw new Error(n.diagnostic.message);
  const plan = planSink(sink, bundle, ledger, {now: clock().now(), firstPushWindowMicros: 24 * 3600e6});
  return pushSink(plan, bundle, {ledger, notifier: n.notifier, waiter, clock: clock()});
}

describe('web_api delivery', () => {
  it('posts one message per alert version with metadata; a second push sends nothing; a changed version is one edit', async () => {
    const sink = webApiSink();
    const alerts = [alertEntry(1), alertEntry(2), alertEntry(3, {classification: 1, classification_label: 'Relevant'})];
    const first = await push(sink, bundleOf(alerts));
    expect(first.results.map((r) => r.state)).toEqual(['delivered', 'delivered']);
    expect(fake.topLevel().map((m) => m.metadata?.event_payload.alert_id)).toEqual([alerts[0].alert_id, alerts[1].alert_id]);
    const before = fake.requests.length;
    const second = await push(sink, bundleOf(alerts));
    expect(second.results).toEqual([]);
    expect(fake.requests.length).toBe(before);
    const v2 = alertEntry(2, {version: 2, action: 'UPDATED', update_count: 1, impact_score: 9, facilities: ['PLANT-02', 'PLANT-07']});
    const third = await push(sink, bundleOf([alerts[0], v2, alerts[2]], 'cd'.repeat(32)));
    expect(third.results.map((r) => [r.alertId, r.state, r.reason])).toEqual([[v2.alert_id, 'delivered', 'alert_updated']]);
    const calls = fake.requests.slice(before).map((r) => r.path);
    expect(calls).toEqual(['/api/chat.update', '/api/chat.postMessage']);
    expect(fake.topLevel()).toHaveLength(2);
    const root = fake.topLevel()[1];
    expect(root.edits).toBe(1);
    expect(root.metadata?.event_payload.version).toBe(2);
    const reply = fake.messages.find((m) => m.thread_ts === root.ts)!;
    expect(reply.text).toContain('Updated to version 2: impact score 7 → 9; new facilities PLANT-07; update count 0 → 1');
  });

  it('falls back to a new message on message_not_found and records it', async () => {
    const sink = webApiSink();
    await push(sink, bundleOf([alertEntry(1)]));
    fake.enqueue('chat.update', {status: 200, body: {ok: false, error: 'message_not_found'}});
    const r = await push(sink, bundleOf([alertEntry(1, {version: 2, action: 'UPDATED'})], 'cd'.repeat(32)));
    expect(r.results[0]).toMatchObject({state: 'delivered', fallback: 'message_not_found→new_message'});
    expect(fake.topLevel()).toHaveLength(2);
    expect(ledger.get(sink.id, alertEntry(1).alert_id, 2)?.fallback).toBe('message_not_found→new_message');
  });

  it('thread mode replies to the first message', async () => {
    const sink = webApiSink({updates: 'thread'});
    await push(sink, bundleOf([alertEntry(1)]));
    await push(sink, bundleOf([alertEntry(1, {version: 2})], 'cd'.repeat(32)));
    expect(fake.topLevel()).toHaveLength(1);
    expect(fake.messages[1].thread_ts).toBe(fake.messages[0].ts);
  });

  it('waits at least Retry-After on a 429 (virtual time) and records the schedule of §5', async () => {
    const sink = webApiSink();
    fake.enqueue('chat.postMessage', {status: 429, body: '', headers: {'retry-after': '3'}});
    const waiter = virtualWaiter();
    const r = await push(sink, bundleOf([alertEntry(1)]), waiter);
    const d = r.results[0];
    expect(d.state).toBe('delivered');
    expect(d.attempts.map((a) => a.status)).toEqual(['retryable', 'delivered']);
    expect(d.attempts[0].error).toBe('ratelimited');
    expect(d.attempts[0].waited_ms).toBeGreaterThanOrEqual(3000);
    expect(waiter.waitedMs).toBeGreaterThanOrEqual(3000);
    const policy = sink.retry.policy;
    expect(d.plannedScheduleMs).toEqual([1, 2, 3, 4, 5].map((a) => retryDelayMs(policy, 'test-seed', d.deliveryKey, a)));
  });

  it.each([
    ['HTTP 500', {status: 500, body: 'oops'}, 'http_500'],
    ['a hang past the timeout', {hang: true as const}, 'timeout'],
    ['a reset connection', {reset: true as const}, 'network_error'],
  ])('retries after %s', async (_what, answer, name) => {
    const sink = webApiSink({timeoutMs: 400});
    fake.enqueue('chat.postMessage', answer);
    const r = await push(sink, bundleOf([alertEntry(1)]));
    expect(r.results[0].state).toBe('delivered');
    expect(r.results[0].attempts[0].error).toBe(name);
    expect(fake.topLevel()).toHaveLength(1);
  });

  it('does not post twice when the request took effect but the answer was lost', async () => {
    const sink = webApiSink();
    fake.enqueue('chat.postMessage', {applyThenReset: true});
    const r = await push(sink, bundleOf([alertEntry(1)]));
    expect(r.results[0].state).toBe('delivered');
    expect(fake.topLevel()).toHaveLength(1);
    expect(ledger.get(sink.id, alertEntry(1).alert_id, 1)?.slack_ts).toBe(fake.topLevel()[0].ts);
  });

  it.each(['channel_not_found', 'not_in_channel', 'is_archived', 'msg_too_long', 'invalid_auth', 'token_revoked'])('%s is terminal, not retried, named verbatim with a hint', async (error) => {
    const sink = webApiSink();
    fake.enqueue('chat.postMessage', {status: 200, body: {ok: false, error}});
    const r = await push(sink, bundleOf([alertEntry(1)]));
    expect(r.results[0]).toMatchObject({state: 'failed', error: {name: error}});
    expect(r.results[0].error!.hint.length).toBeGreaterThan(10);
    expect(fake.requests.filter((q) => q.path === '/api/chat.postMessage')).toHaveLength(1);
    expect(ledger.get(sink.id, alertEntry(1).alert_id, 1)).toMatchObject({state: 'failed', last_error_code: error});
  });

  it('stops at the deadline and leaves the rest pending', async () => {
    const sink = webApiSink({retry: '  deadline_s: 5'});
    fake.enqueue('chat.postMessage', {status: 429, body: '', headers: {'retry-after': '30'}}, 6);
    const r = await push(sink, bundleOf([alertEntry(1), alertEntry(2)]));
    expect(r.results.map((x) => x.state)).toEqual(['pending', 'pending']);
    expect(r.deadlineReached).toBe(true);
  });

  it('sends a digest before the alert messages, once per bundle', async () => {
    const sink = webApiSink({digest: true});
    await push(sink, bundleOf([alertEntry(1), alertEntry(2)]));
    expect(fake.messages.map((m) => m.metadata?.event_type)).toEqual(['hardstop_digest', 'hardstop_alert', 'hardstop_alert']);
    expect(fake.messages[0].text).toContain('2 alert version(s)');
    await push(sink, bundleOf([alertEntry(1), alertEntry(2)]));
    expect(fake.messages).toHaveLength(3);
  });
});

describe('in-doubt resolution', () => {
  it('web_api: a row left sending whose message exists is settled without a second post', async () => {
    const sink = webApiSink();
    await push(sink, bundleOf([alertEntry(1)]));
    const row = ledger.get(sink.id, alertEntry(1).alert_id, 1)!;
    ledger.markSending(row.delivery_key, '2025-12-29T17:00:00Z');
    const r = await push(sink, bundleOf([alertEntry(1)]));
    expect(r.inDoubt.map((x) => x.resolution)).toEqual(['found']);
    expect(fake.topLevel()).toHaveLength(1);
    expect(ledger.get(sink.id, alertEntry(1).alert_id, 1)?.state).toBe('delivered');
  });

  it('web_api: a row left sending without a message is sent again', async () => {
    const sink = webApiSink();
    const alert = alertEntry(1);
    const plan = planSink(sink, bundleOf([alert]), ledger, {now: clock().now(), firstPushWindowMicros: 864e8});
    ledger.plan([{sink_id: sink.id, alert_id: alert.alert_id, version: 1, version_hash: alert.version_hash, delivery_key: plan.entries[0].deliveryKey, kind: 'alert', route_id: 'impactful', correlation_key: alert.correlation_key, reason: 'first_notification', facts_json: '{}', bundle_manifest_hash: 'x'}]);
    ledger.markSending(plan.entries[0].deliveryKey, '2025-12-29T17:00:00Z');
    const r = await push(sink, bundleOf([alert]));
    expect(r.inDoubt.map((x) => x.resolution)).toEqual(['absent']);
    expect(fake.topLevel()).toHaveLength(1);
  });

  it('webhook: an in-doubt delivery is resent marked as such (in_doubt: resend), or marked unconfirmed (skip)', async () => {
    for (const policy of ['resend', 'skip'] as const) {
      const sink = webhookSink(`    in_doubt: ${policy}`);
      const alert = alertEntry(policy === 'resend' ? 1 : 2);
      const key = planSink(sink, bundleOf([alert]), ledger, {now: clock().now(), firstPushWindowMicros: 864e8}).entries[0].deliveryKey;
      ledger.plan([{sink_id: sink.id, alert_id: alert.alert_id, version: 1, version_hash: alert.version_hash, delivery_key: key, kind: 'alert', route_id: 'impactful', correlation_key: alert.correlation_key, reason: 'first_notification', facts_json: '{}', bundle_manifest_hash: 'x'}]);
      ledger.markSending(key, '2025-12-29T17:00:00Z');
      await push(sink, bundleOf([alert]));
      const row = ledger.byKey(key)!;
      if (policy === 'resend') {
        expect(row).toMatchObject({state: 'delivered', resent: 1, reason: 'resend_in_doubt'});
        expect(fake.webhookPosts.at(-1)!.text.endsWith('(resent: earlier delivery not confirmed)')).toBe(true);
      } else {
        expect(row.state).toBe('delivered_unconfirmed');
      }
    }
    expect(fake.webhookPosts).toHaveLength(1);
  });
});

describe('a lost ledger', () => {
  it('web_api: a new, empty ledger finds the messages of the last 24 h by metadata and posts nothing again', async () => {
    const sink = webApiSink({digest: true});
    const alerts = [alertEntry(1), alertEntry(2)];
    await push(sink, bundleOf(alerts));
    expect(fake.messages).toHaveLength(3);
    ledger.close();
    ledger = DeliveryLedger.open(join(tempDir(), 'deliveries.db'));
    const r = await push(sink, bundleOf(alerts));
    expect(r.recovered).toBe(3);
    expect(r.results).toEqual([]);
    expect(fake.messages).toHaveLength(3);
    expect(ledger.get(sink.id, alerts[0].alert_id, 1)?.slack_ts).toBe(fake.topLevel()[0].ts);
  });
});

describe('webhook delivery', () => {
  it.each([
    [400, 'invalid_payload'], [400, 'no_text'], [400, 'invalid_blocks'], [400, 'user_not_found'], [403, 'action_prohibited'], [403, 'invalid_token'],
    [404, 'channel_not_found'], [410, 'channel_is_archived'], [400, 'no_service'], [400, 'team_disabled'], [400, 'posting_to_general_channel_denied'], [400, 'too_many_attachments'],
  ])('HTTP %i %s is terminal with its name and a hint', async (status, name) => {
    const sink = webhookSink();
    fake.enqueue('/services/T0FAKE/B0FAKE/fakewebhooksecret0123', {status, body: name});
    const r = await push(sink, bundleOf([alertEntry(1)]));
    expect(r.results[0]).toMatchObject({state: 'failed', error: {name}});
    expect(r.results[0].error!.message).not.toContain('fakewebhooksecret');
    expect(r.results[0].error!.hint).not.toMatch(/see https/);
  });

  it('429 with Retry-After and 500 rollup_error are retried', async () => {
    const sink = webhookSink();
    fake.enqueue('fakewebhooksecret0123', {status: 429, body: 'rate_limited', headers: {'retry-after': '2'}});
    fake.enqueue('fakewebhooksecret0123', {status: 500, body: 'rollup_error'});
    const r = await push(sink, bundleOf([alertEntry(1)]));
    expect(r.results[0].attempts.map((a) => a.error)).toEqual(['rate_limited', 'rollup_error', null]);
    expect(r.results[0].attempts[0].waited_ms).toBeGreaterThanOrEqual(2000);
    expect(fake.webhookPosts).toHaveLength(1);
  });

  it('an empty ledger posts only alert versions inside the first-push window', async () => {
    const sink = webhookSink();
    const old = alertEntry(2, {first_seen_utc: '2025-12-01T00:00:00Z', last_seen_utc: '2025-12-02T00:00:00Z'});
    const plan = planSink(sink, bundleOf([alertEntry(1), old]), ledger, {now: clock().now(), firstPushWindowMicros: 24 * 3600e6});
    expect(plan.entries.map((e) => e.action)).toEqual(['create', 'skip: before first push window']);
  });
});
