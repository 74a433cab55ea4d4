import {canonicalJson} from '../kernel/canonical-json.js';
import type {Clock} from '../kernel/clock.js';
import {retryDelayMs, runWithRetry} from '../kernel/retry.js';
import type {DeliveryLedger, DeliveryState, NewDelivery, RemoteHandle} from '../store/ledger/delivery-ledger.js';
import {classificationLabel, type BundleAlert, type BundleView} from './bundle-alert.js';
import type {DeliveryItem, DigestContent, Notifier, RemoteError, SendOutcome} from './notifier.js';
import type {PlanEntry, SinkPlan} from './plan.js';
import {deliveryKey} from './route.js';
import type {Waiter} from './waiter.js';

/** How far back an empty ledger searches the remote side for deliveries it lost (sinks.md §4). */
export const RECOVERY_WINDOW_S = 24 * 3600;

/** Alerts per digest message: a part of this size always fits one Slack message (slack/blocks.ts). */
export const DIGEST_PART_SIZE = 25;

/** One attempt as the RunRecord shows it (sinks.md §9). */
export interface AttemptRecord {
  attempt: number;
  status: 'delivered' | 'retryable' | 'terminal';
  error: string | null;
  /** The wait after this attempt, and why (the error name, or `retry_after`). */
  waited_ms: number | null;
  why: string | null;
}

export interface DeliveryResult {
  kind: DeliveryItem['kind'];
  alertId: string;
  version: number;
  deliveryKey: string;
  routeId: string | null;
  reason: DeliveryItem['reason'];
  state: DeliveryState;
  attempts: AttemptRecord[];
  /** The full retry schedule of this delivery key, when it was retried. */
  plannedScheduleMs: number[] | null;
  error: RemoteError | null;
  handle: RemoteHandle | null;
  fallback: string | null;
  resent: boolean;
}

export interface InDoubtResult {
  alertId: string;
  version: number;
  deliveryKey: string;
  /** found (delivered), absent (sent again), resend, skip (delivered_unconfirmed), kept pending, or error. */
  resolution: 'found' | 'absent' | 'resend' | 'skip' | 'pending' | 'error';
}

export interface SinkPushResult {
  sinkId: string;
  results: DeliveryResult[];
  /** Deliveries an empty ledger learnt from the remote side instead of sending them again. */
  recovered: number;
  inDoubt: InDoubtResult[];
  /** A remote error that stopped the sink before it sent anything (in-doubt lookup failed). */
  stoppedBy: RemoteError | null;
  deadlineReached: boolean;
}

export interface PushDeps {
  ledger: DeliveryLedger;
  notifier: Notifier;
  waiter: Waiter;
  clock: Clock;
  /** Called after each delivery settles (progress lines). */
  onDelivery?: (r: DeliveryResult, done: number, total: number) => void;
}

/** What later versions compare against ("what changed"); stored in the ledger, never a secret. */
export function alertFacts(a: BundleAlert): string {
  return canonicalJson({classification: a.classification, impact_score: a.impact_score, facilities: a.facilities, update_count: a.update_count, summary: a.summary});
}

const sends = (e: PlanEntry) => e.action === 'create' || e.action === 'update' || e.action === 'resolve in-doubt';

/**
 * The digest parts of a push: the alert versions it delivers. The digest goes out before any
 * alert message, so a push rerun after a crash during the digest rebuilds the same parts.
 */
export function digestParts(plan: SinkPlan, bundle: BundleView): DigestContent[] {
  const routed = plan.entries.filter(sends).map((e) => e.alert);
  if (routed.length === 0) return [];
  const byClassification: Record<string, number> = {};
  for (const a of routed) byClassification[String(a.classification)] = (byClassification[String(a.classification)] ?? 0) + 1;
  const updated = routed.filter((a) => a.action === 'UPDATED').length;
  const lines = routed.map((a) => ({alert_id: a.alert_id, version: a.version, classification: a.classification, label: a.classification_label || classificationLabel(a.classification), summary: a.summary, action: a.action === 'UPDATED' ? ('update' as const) : ('create' as const)}));
  const parts = Math.ceil(lines.length / DIGEST_PART_SIZE);
  return Array.from({length: parts}, (_, i) => ({
    bundleManifestHash: bundle.manifestHash,
    generatedAt: bundle.generatedAt,
    part: i + 1,
    parts,
    counts: {byClassification, created: routed.length - updated, updated, total: routed.length},
    blockedSources: bundle.blockedSources,
    alerts: lines.slice(i * DIGEST_PART_SIZE, (i + 1) * DIGEST_PART_SIZE),
  }));
}

export function digestAlertId(manifestHash: string): string {
  return `DIGEST-${manifestHash.slice(0, 16)}`;
}

interface Pending {
  item: DeliveryItem;
  row: NewDelivery;
  routeId: string | null;
}

function alertPending(plan: SinkPlan, entry: PlanEntry, bundle: BundleView, ledger: DeliveryLedger): Pending {
  const a = entry.alert;
  const previous = ledger.previousDelivered(plan.sink.id, a.alert_id, a.version) ?? null;
  const correlationRow = a.correlation_key ? (ledger.latestForCorrelation(plan.sink.id, a.correlation_key) ?? null) : null;
  const reason = entry.reason ?? (previous ? 'alert_updated' : 'first_notification');
  return {
    routeId: entry.routeId,
    item: {sink: plan.sink, kind: 'alert', deliveryKey: entry.deliveryKey, reason, alert: a, digest: null, previous, correlationRow, resend: false, bundleManifestHash: bundle.manifestHash},
    row: {
      sink_id: plan.sink.id, alert_id: a.alert_id, version: a.version, version_hash: a.version_hash, delivery_key: entry.deliveryKey, kind: 'alert',
      route_id: entry.routeId, correlation_key: a.correlation_key, reason, facts_json: alertFacts(a), bundle_manifest_hash: bundle.manifestHash,
    },
  };
}

function digestPending(plan: SinkPlan, d: DigestContent, bundle: BundleView): Pending {
  const alertId = digestAlertId(bundle.manifestHash);
  const key = deliveryKey(plan.sink.id, alertId, d.part, bundle.manifestHash);
  return {
    routeId: null,
    item: {sink: plan.sink, kind: 'digest', deliveryKey: key, reason: 'first_notification', alert: null, digest: d, previous: null, correlationRow: null, resend: false, bundleManifestHash: bundle.manifestHash},
    row: {
      sink_id: plan.sink.id, alert_id: alertId, version: d.part, version_hash: bundle.manifestHash, delivery_key: key, kind: 'digest', route_id: null,
      correlation_key: null, reason: 'first_notification', facts_json: canonicalJson({alerts: d.alerts.length}), bundle_manifest_hash: bundle.manifestHash,
    },
  };
}

/** The deliveries this push makes: undelivered digest parts first, then the alert versions in bundle order. */
export function pendingDeliveries(plan: SinkPlan, bundle: BundleView, ledger: DeliveryLedger, wantsDigest: boolean): Pending[] {
  const alerts = plan.entries.filter(sends).map((e) => alertPending(plan, e, bundle, ledger));
  const digests: Pending[] = [];
  if (wantsDigest) {
    for (const d of digestParts(plan, bundle)) {
      const p = digestPending(plan, d, bundle);
      const row = ledger.byKey(p.item.deliveryKey);
      if (row?.state === 'delivered' || row?.state === 'delivered_unconfirmed') continue;
      if (alerts.length > 0 || row) digests.push(p);
    }
  }
  return [...digests, ...alerts];
}

function result(p: Pending, state: DeliveryState, extra: Partial<DeliveryResult> = {}): DeliveryResult {
  return {
    kind: p.item.kind, alertId: p.row.alert_id, version: p.row.version, deliveryKey: p.item.deliveryKey, routeId: p.routeId, reason: p.item.reason, state,
    attempts: [], plannedScheduleMs: null, error: null, handle: null, fallback: null, resent: p.item.resend, ...extra,
  };
}

/**
 * Settles the rows a dead push left in `sending` before anything else is sent (sinks.md §4).
 * Returns false when a lookup failed: the sink then sends nothing in this push.
 */
async function resolveInDoubt(plan: SinkPlan, queue: Pending[], deps: PushDeps, out: SinkPushResult): Promise<boolean> {
  const {ledger, notifier} = deps;
  for (const row of plan.inDoubt) {
    const idx = queue.findIndex((p) => p.item.deliveryKey === row.delivery_key);
    const note = (resolution: InDoubtResult['resolution']) => out.inDoubt.push({alertId: row.alert_id, version: row.version, deliveryKey: row.delivery_key, resolution});
    const r = await notifier.resolveInDoubt(row, ledger.previousDelivered(row.sink_id, row.alert_id, row.version) ?? null);
    if (r.kind === 'error') {
      out.stoppedBy = r.error;
      note('error');
      return false;
    }
    if (r.kind === 'found') {
      ledger.markDelivered(row.delivery_key, r.handle);
      if (idx >= 0) queue.splice(idx, 1);
      note('found');
      continue;
    }
    const skip = r.kind === 'unknowable' && plan.sink.type === 'slack' && plan.sink.inDoubt === 'skip';
    if (skip) {
      ledger.markDelivered(row.delivery_key, {}, 'delivered_unconfirmed');
      if (idx >= 0) queue.splice(idx, 1);
      note('skip');
      continue;
    }
    if (idx < 0) {
      ledger.markPending(row.delivery_key, 'IN_DOUBT_NOT_IN_BUNDLE', 'an earlier push died during this request; push a bundle holding this alert version to resend it');
      note('pending');
      continue;
    }
    if (r.kind === 'unknowable') {
      queue[idx].item.resend = true;
      queue[idx].item.reason = 'resend_in_doubt';
      note('resend');
    } else note('absent');
  }
  return true;
}

/**
 * Before re-sending after an ambiguous failure, ask the remote side (the same lookup as for
 * in-doubt rows): found → delivered without a second message; unknowable (webhook) → the
 * sink's in_doubt policy, a resend being marked as such.
 */
async function settleAmbiguous(p: Pending, deps: PushDeps): Promise<SendOutcome | 'send' | 'resend'> {
  const {ledger, notifier} = deps;
  const row = ledger.byKey(p.item.deliveryKey);
  if (!row) return 'send';
  const r = await notifier.resolveInDoubt(row, p.item.previous);
  if (r.kind === 'found') return {kind: 'delivered', handle: r.handle};
  if (r.kind === 'absent') return 'send';
  if (r.kind === 'error') return r.retryable ? {kind: 'retryable', error: r.error} : {kind: 'terminal', error: r.error};
  return p.item.sink.type === 'slack' && p.item.sink.inDoubt === 'skip' ? {kind: 'delivered', handle: {}, fallback: 'in_doubt: skip'} : 'resend';
}

async function deliver(p: Pending, deps: PushDeps): Promise<DeliveryResult> {
  const {ledger, notifier, waiter, clock} = deps;
  const {sink} = p.item;
  const key = p.item.deliveryKey;
  let message = notifier.render(p.item);
  const attempts: AttemptRecord[] = [];
  let lastError: RemoteError | null = null;
  let unconfirmed = false;
  const run = await runWithRetry(
    {policy: sink.retry.policy, seed: sink.retry.seed, key, sleeper: waiter.sleep, deadlineMs: sink.retry.deadlineMs, elapsedMs: () => waiter.elapsedMs()},
    async (n) => {
      let out: SendOutcome | 'send' | 'resend' = 'send';
      if (lastError?.ambiguous) out = await settleAmbiguous(p, deps);
      if (out === 'resend' && !p.item.resend) {
        p.item.resend = true;
        p.item.reason = 'resend_in_doubt';
        message = notifier.render(p.item);
      }
      if (out === 'send' || out === 'resend') {
        ledger.markSending(key, clock.nowText(), p.item.resend ? 'resend_in_doubt' : undefined);
        out = await notifier.send(message, p.item, n);
      } else if (out.kind === 'delivered' && out.fallback === 'in_doubt: skip') unconfirmed = true;
      if (out.kind === 'delivered') {
        attempts.push({attempt: n, status: 'delivered', error: null, waited_ms: null, why: null});
        return {kind: 'ok', value: out};
      }
      attempts.push({attempt: n, status: out.kind, error: out.error.name, waited_ms: null, why: null});
      lastError = out.error;
      if (out.kind === 'retryable') {
        // After an ambiguous failure the row stays `sending`: if this process dies now, the next
        // push looks the delivery up instead of sending it blind.
        if (out.error.ambiguous) ledger.noteError(key, out.error.name, out.error.message);
        else ledger.markPending(key, out.error.name, out.error.message);
        return {kind: 'retryable', cause: out.error.name, ...(out.retryAfterMs === undefined ? {} : {retryAfterMs: out.retryAfterMs})};
      }
      ledger.markFailed(key, out.error.name, out.error.message);
      return {kind: 'terminal', cause: out.error.name};
    },
  );
  for (const w of run.waits) {
    const a = attempts.find((x) => x.attempt === w.attempt);
    if (a) Object.assign(a, {waited_ms: w.delayMs, why: w.retryAfterMs !== undefined && w.retryAfterMs >= w.delayMs ? `retry_after ${w.retryAfterMs} ms` : `backoff after ${w.cause}`});
  }
  const schedule = attempts.length > 1 ? Array.from({length: sink.retry.policy.maxAttempts - 1}, (_, i) => retryDelayMs(sink.retry.policy, sink.retry.seed, key, i + 1)) : null;
  const o = run.outcome;
  if (o.kind === 'ok') {
    const state = unconfirmed ? 'delivered_unconfirmed' : 'delivered';
    ledger.markDelivered(key, o.value.handle, state, o.value.fallback ?? null);
    return result(p, state, {attempts, plannedScheduleMs: schedule, handle: o.value.handle, fallback: o.value.fallback ?? null});
  }
  const error = lastError ?? {name: o.cause, message: o.cause, hint: 'push again: pending deliveries resume'};
  return result(p, o.kind === 'terminal' ? 'failed' : 'pending', {attempts, plannedScheduleMs: schedule, error});
}

/**
 * The delivery pipeline for one sink (sinks.md §4–5): plan rows recorded → in-doubt resolved →
 * render → send with retry (each attempt behind a committed `sending` row) → record. Pacing
 * and deadline go through the injected waiter.
 */
export async function pushSink(plan: SinkPlan, bundle: BundleView, deps: PushDeps): Promise<SinkPushResult> {
  const out: SinkPushResult = {sinkId: plan.sink.id, results: [], recovered: 0, inDoubt: [], stoppedBy: null, deadlineReached: false};
  const emptyLedger = deps.ledger.isEmptyFor(plan.sink.id);
  let queue = pendingDeliveries(plan, bundle, deps.ledger, deps.notifier.wantsDigest);
  if (!(await resolveInDoubt(plan, queue, deps, out))) return out;
  deps.ledger.plan(queue.map((p) => p.row));
  if (emptyLedger && deps.notifier.recoverRecent && queue.length > 0) {
    const r = await deps.notifier.recoverRecent(deps.clock.now() / 1e6 - RECOVERY_WINDOW_S);
    if (r.kind === 'error') {
      out.stoppedBy = r.error;
      return out;
    }
    for (const p of queue) {
      const handle = r.found.get(p.item.deliveryKey);
      if (handle) deps.ledger.markDelivered(p.item.deliveryKey, handle);
    }
    out.recovered = queue.filter((p) => r.found.has(p.item.deliveryKey)).length;
    queue = queue.filter((p) => !r.found.has(p.item.deliveryKey));
  }
  let sent = 0;
  for (const p of queue) {
    let r: DeliveryResult;
    if (out.deadlineReached || deps.waiter.elapsedMs() >= plan.sink.retry.deadlineMs) {
      out.deadlineReached = true;
      r = result(p, 'pending', {error: {name: 'deadline', message: `the push deadline (${plan.sink.retry.deadlineMs / 1000} s) was reached`, hint: 'push again: pending deliveries resume'}});
    } else {
      if (sent > 0 && plan.sink.minIntervalMs > 0) await deps.waiter.sleep(plan.sink.minIntervalMs);
      r = await deliver(p, deps);
      sent++;
      // Attempts left but no wait allowed: the deadline stopped this delivery, and the rest wait too.
      if (r.state === 'pending' && r.attempts.length < plan.sink.retry.policy.maxAttempts) out.deadlineReached = true;
    }
    out.results.push(r);
    deps.onDelivery?.(r, out.results.length, queue.length);
  }
  return out;
}
