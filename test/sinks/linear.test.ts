import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {DeliveryLedger} from '../../src/store/ledger/delivery-ledger.js';
import type {BundleView} from '../../src/sinks/bundle-alert.js';
import type {LinearSinkConfig, SinkConfig} from '../../src/sinks/config/model.js';
import {linearAttachmentUrl, linearCommentId, linearIssueId} from '../../src/sinks/linear/linear-ids.js';
import {linearTitle, parseFooter, TITLE_MAX} from '../../src/sinks/linear/render.js';
import {createNotifier} from '../../src/sinks/notifiers.js';
import {planSink} from '../../src/sinks/plan.js';
import {pushSink, type SinkPushResult} from '../../src/sinks/push.js';
import {virtualWaiter, type Waiter} from '../../src/sinks/waiter.js';
import {FakeLinear, LINEAR_API_KEY} from './fake-linear.js';
import {alertEntry, bundleOf, clock, sinksFrom, tempDir} from './fixtures.js';

let fake: FakeLinear;
let dir: string;
let ledger: DeliveryLedger;

beforeEach(async () => {
  fake = await FakeLinear.start();
  dir = tempDir();
  ledger = DeliveryLedger.open(join(dir, 'state', 'deliveries.db'));
});
afterEach(async () => {
  ledger.close();
  await fake.close();
});

function linearSink(extra = ''): LinearSinkConfig {
  const yaml = `version: 1
sinks:
  - id: ops-linear
    type: linear
    api_key_env: HARDSTOP_LINEAR_API_KEY
    team_id: ${fake.teamId}
    api_url: ${fake.apiUrl}
    link_base_url: https://ops.example.com/hardstop
    label_ids: [5b4e9a1c-0d1f-4b8e-9a51-3c3b8f0a1d22]
    min_interval_ms: 0
    timeout_ms: 300
${extra}    routes:
      - id: impactful
        when: alert.classification >= 2
retry:
  seed: test-seed
`;
  return sinksFrom({'linear.yaml': yaml})[0] as LinearSinkConfig;
}

async function push(sink: SinkConfig, bundle: BundleView, env: Record<string, string> = {HARDSTOP_LINEAR_API_KEY: LINEAR_API_KEY}, waiter: Waiter = virtualWaiter()): Promise<SinkPushResult & {waitedMs: number}> {
  const n = createNotifier(sink, env);
  if (!n.ok) throw new Error(n.diagnostic.message);
  const plan = planSink(sink, bundle, ledger, {now: clock().now(), firstPushWindowMicros: 24 * 3600e6});
  const r = await pushSink(plan, bundle, {ledger, notifier: n.notifier, waiter, clock: clock()});
  return {...r, waitedMs: waiter.waitedMs};
}

const v1 = [alertEntry(1), alertEntry(2), alertEntry(3, {classification: 1, classification_label: 'Relevant'})];
const v2of2 = alertEntry(2, {version: 2, action: 'UPDATED', update_count: 1, impact_score: 9, facilities: ['PLANT-02', 'PLANT-07']});

describe('Linear ids (sinks.md §7)', () => {
  it('issue and comment ids are UUIDs in version-4 layout, deterministic per key', () => {
    const id = linearIssueId('ops-linear', 'team', 'SPILL|PLANT-01');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(linearIssueId('ops-linear', 'team', 'SPILL|PLANT-01')).toBe(id);
    expect(linearIssueId('ops-linear', 'team', 'SPILL|PLANT-02')).not.toBe(id);
    expect(linearIssueId('other-sink', 'team', 'SPILL|PLANT-01')).not.toBe(id);
    expect(linearCommentId('k1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    expect(linearAttachmentUrl('https://ops.example.com/hardstop/', 'K')).toMatch(/^https:\/\/ops\.example\.com\/hardstop\/alerts\/[0-9a-f]{16}$/);
  });

  it('titles are "[label] summary" within 255 characters', () => {
    expect(linearTitle(alertEntry(1))).toBe('[Impactful] Chemical spill near plant 1 <closed> & evacuated');
    const long = linearTitle(alertEntry(1, {summary: 'x'.repeat(20_000)}));
    expect([...long].length).toBe(TITLE_MAX);
  });
});

describe('Linear delivery', () => {
  it('one issue per correlation key with attachment, labels and priority; a second push sends nothing; a new version updates and comments once', async () => {
    const sink = linearSink();
    const first = await push(sink, bundleOf(v1));
    expect(first.results.map((r) => r.state)).toEqual(['delivered', 'delivered']);
    expect(fake.issues.size).toBe(2);
    const issue1 = fake.issues.get(linearIssueId(sink.id, sink.teamId, v1[0].correlation_key))!;
    expect(issue1.title).toBe('[Impactful] Chemical spill near plant 1 <closed> & evacuated');
    expect(issue1.priority).toBe(1);
    expect(issue1.labelIds).toEqual(['5b4e9a1c-0d1f-4b8e-9a51-3c3b8f0a1d22']);
    expect(issue1.description).toContain('`PLANT-01`');
    expect(issue1.description).toContain('`LANE-1`');
    expect(issue1.description).toContain('`SHP-1001`');
    expect(issue1.description).toContain('Managed by Hardstop: edits to title, description and priority are overwritten on the next update.');
    expect(fake.attachments).toHaveLength(2);
    expect(fake.attachments[0].metadata).toMatchObject({correlation_key: v1[0].correlation_key, alert_id: v1[0].alert_id, version: 1, evidence_hash: v1[0].evidence.hash});
    expect(fake.comments.size).toBe(0);
    expect(fake.requests.every((r) => r.authorization === LINEAR_API_KEY)).toBe(true);

    const before = fake.requests.length;
    expect((await push(sink, bundleOf(v1))).results).toEqual([]);
    expect(fake.requests.length).toBe(before);

    const third = await push(sink, bundleOf([v1[0], v2of2, v1[2]], 'cd'.repeat(32)));
    expect(third.results.map((r) => [r.alertId, r.state, r.reason])).toEqual([[v2of2.alert_id, 'delivered', 'alert_updated']]);
    const issue2 = fake.issues.get(linearIssueId(sink.id, sink.teamId, v2of2.correlation_key))!;
    expect(fake.issues.size).toBe(2);
    expect(issue2.updates).toBe(1);
    const comments = fake.commentsOf(issue2.id);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('impact score 7 → 9');
    expect(comments[0].body).toContain('new facilities PLANT-07');
    expect(fake.attachments).toHaveLength(2);
    expect(fake.attachments.find((a) => a.issueId === issue2.id)!.metadata.version).toBe(2);
    expect(parseFooter(issue2.description).openedBy).not.toBeNull();
  });

  it('a lost ledger creates no second issue and no second comment', async () => {
    const sink = linearSink();
    await push(sink, bundleOf(v1));
    await push(sink, bundleOf([v1[0], v2of2]));
    expect(fake.comments.size).toBe(1);
    ledger.close();
    ledger = DeliveryLedger.open(join(tempDir(), 'state', 'deliveries.db'));
    const again = await push(sink, bundleOf([v1[0], v2of2]));
    expect(again.results.map((r) => r.state)).toEqual(['delivered', 'delivered']);
    expect(fake.issues.size).toBe(2);
    expect(fake.comments.size).toBe(1);
    expect(fake.attachments).toHaveLength(2);
    expect(fake.requests.filter((r) => r.field === 'issueCreate')).toHaveLength(2);
  });

  it('a create whose answer was lost is found again by its id: one issue, no comment', async () => {
    const sink = linearSink();
    fake.enqueue('issueCreate', {applyThenReset: true});
    const r = await push(sink, bundleOf([v1[0]]));
    expect(r.results.map((x) => x.state)).toEqual(['delivered']);
    expect(fake.issues.size).toBe(1);
    expect(fake.comments.size).toBe(0);
    expect(fake.attachments).toHaveLength(1);
  });

  it('a comment whose answer was lost is not written twice', async () => {
    const sink = linearSink();
    await push(sink, bundleOf([v1[1]]));
    fake.enqueue('commentCreate', {applyThenReset: true});
    const r = await push(sink, bundleOf([v2of2]));
    expect(r.results.map((x) => x.state)).toEqual(['delivered']);
    expect(fake.comments.size).toBe(1);
  });

  it('a request that hangs past the timeout is retried after looking', async () => {
    const sink = linearSink();
    fake.enqueue('issueCreate', {hang: true});
    const r = await push(sink, bundleOf([v1[0]]));
    expect(r.results.map((x) => x.state)).toEqual(['delivered']);
    expect(fake.issues.size).toBe(1);
  });

  it('RATELIMITED (HTTP 400) with a reset 5 s ahead waits at least 5 s of virtual time, then succeeds', async () => {
    const sink = linearSink();
    fake.enqueue('issue', {rateLimited: {resetInMs: 5000}});
    const r = await push(sink, bundleOf([v1[0]]));
    expect(r.results.map((x) => x.state)).toEqual(['delivered']);
    expect(r.waitedMs).toBeGreaterThanOrEqual(4900);
    expect(fake.issues.size).toBe(1);
  });

  it.each([
    ['invalid input', 'INPUT_ERROR', 'Argument Validation Error: labelIds must be valid labels', 'InvalidInputLinearError'],
    ['authentication error', 'AUTHENTICATION_ERROR', 'Authentication required, not authenticated', 'AuthenticationLinearError'],
    ['forbidden', 'FORBIDDEN', 'You do not have access to this team', 'ForbiddenLinearError'],
  ])('%s is terminal and shown with its message', async (type, code, message, name) => {
    const sink = linearSink();
    fake.enqueue('issueCreate', {error: {type, code, message}});
    fake.enqueue('issue', {error: {type: 'invalid input', code: 'INPUT_ERROR', message: 'Entity not found: Issue'}});
    const r = await push(sink, bundleOf([v1[0]]));
    expect(r.results.map((x) => x.state)).toEqual(['failed']);
    const row = ledger.all().find((x) => x.kind === 'alert')!;
    expect(row.last_error_code).toBe(name);
    expect(row.last_error_message).toContain(message);
    expect(fake.requests.filter((x) => x.field === 'issueCreate')).toHaveLength(1);
  });

  it('a wrong API key is terminal (AuthenticationLinearError) and the key appears nowhere', async () => {
    const sink = linearSink();
    const wrong = 'lin_api_wrongkey_0000000000000000000000';
    const r = await push(sink, bundleOf([v1[0]]), {HARDSTOP_LINEAR_API_KEY: wrong});
    expect(r.results.map((x) => x.state)).toEqual(['failed']);
    expect(ledger.all()[0].last_error_code).toBe('AuthenticationLinearError');
    ledger.close();
    const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
    for (const f of files(dir)) expect(readFileSync(f).includes(wrong), f).toBe(false);
    expect(JSON.stringify(r).includes(wrong)).toBe(false);
    ledger = DeliveryLedger.open(join(dir, 'state', 'deliveries.db'));
  });

  it('sinks test checks the team without writing anything', async () => {
    const sink = linearSink();
    const n = createNotifier(sink, {HARDSTOP_LINEAR_API_KEY: LINEAR_API_KEY});
    if (!n.ok) throw new Error(n.diagnostic.message);
    expect((await n.notifier.test('2025-12-29T17:00:00Z')).kind).toBe('delivered');
    expect(fake.requests.map((r) => r.field)).toEqual(['team']);
    const missing = createNotifier(sink, {});
    expect(missing.ok).toBe(false);
  });
});
