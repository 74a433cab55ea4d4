import {artifactHash, sha256Hex} from '../../kernel/canonical-json.js';
import type {Diagnostic} from '../../kernel/diagnostic.js';
import {ExitCode, worst} from '../../kernel/exit-status.js';
import {UsageError} from '../../kernel/errors.js';
import {valueRef, type ArtifactRef} from '../../kernel/run-record.js';
import {parseSinceWindow} from '../../kernel/time.js';
import type {BundleView} from '../../sinks/bundle-alert.js';
import {openBundle} from '../../sinks/bundle-input.js';
import type {SinkConfig} from '../../sinks/config/model.js';
import {redactUrl} from '../../sinks/endpoint.js';
import {createNotifier, type NotifierOptions} from '../../sinks/notifiers.js';
import {planSink, type SinkPlan} from '../../sinks/plan.js';
import {pendingDeliveries, pushSink, type DeliveryResult, type SinkPushResult} from '../../sinks/push.js';
import {realWaiter, type Waiter} from '../../sinks/waiter.js';
import {DeliveryLedger, type DeliveryRow} from '../../store/ledger/delivery-ledger.js';
import type {AppContext} from '../context.js';
import {DEFAULT_LEDGER, loadHomeSinks, missingSecretWarnings, selectSinks} from './home-sinks.js';

export const SINKS_PUSH_OPERATOR = 'hardstop.sinks.push@1.0.0';
export const SINKS_TEST_OPERATOR = 'hardstop.sinks.test@1.0.0';

export interface SinkOpOptions {
  sink?: string;
  /** `--ledger FILE` (relative to the working directory), else `<home>/state/deliveries.db`. */
  ledger?: string;
  firstPushWindow?: string;
}

/** Test and bench seams: the transport and the waiter. */
export interface SinkRuntime {
  notifier?: NotifierOptions;
  waiter?: () => Waiter;
}

export function ledgerPath(ctx: AppContext, flag: string | undefined): string {
  return flag ? ctx.flagPath(flag) : ctx.home.resolve(DEFAULT_LEDGER);
}

function windowMicros(text: string | undefined): number {
  const w = parseSinceWindow(text ?? '24h');
  if (!w) throw new UsageError('USAGE_BAD_WINDOW', `--first-push-window: "${text}" is not a window like 24h or 7d`, {hint: 'use <n>h or <n>d'});
  return w.micros;
}

/** Loads the sink files; configuration errors stop every sink command (exit 2). */
function configuredSinks(ctx: AppContext, opts: SinkOpOptions): {sinks: SinkConfig[]; diagnostics: Diagnostic[]; ok: boolean} {
  const loaded = loadHomeSinks(ctx);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return {sinks: [], diagnostics: loaded.diagnostics, ok: false};
  return {sinks: selectSinks(loaded.sinks, opts.sink), diagnostics: loaded.diagnostics, ok: true};
}

// ---- check ------------------------------------------------------------------------------

export interface CheckReport {
  exitCode: ExitCode;
  sinks: {id: string; type: string; mode: string | null; enabled: boolean; routes: string[]; file: string}[];
  files: string[];
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

export function sinksCheck(ctx: AppContext): CheckReport {
  const loaded = loadHomeSinks(ctx);
  const diagnostics = [...loaded.diagnostics, ...(loaded.diagnostics.some((d) => d.severity === 'error') ? [] : missingSecretWarnings(loaded.sinks, ctx.env))];
  const exitCode = diagnostics.some((d) => d.severity === 'error') ? ExitCode.BROKEN : diagnostics.some((d) => d.severity === 'warning') ? ExitCode.WARNING : ExitCode.HEALTHY;
  return {
    exitCode,
    files: loaded.files.map((f) => f.path),
    sinks: loaded.sinks.map((s) => ({id: s.id, type: s.type, mode: s.type === 'slack' ? s.mode : null, enabled: s.enabled, routes: s.routes.map((r) => r.id), file: s.file})),
    diagnostics,
    sources: loaded.sources,
  };
}

// ---- plan -------------------------------------------------------------------------------

export interface PlanReport {
  exitCode: ExitCode;
  bundle: {dir: string; manifest_hash: string; alert_versions: number} | null;
  sinks: {id: string; type: string; entries: {alert_id: string; version: number; route: string | null; action: string; reason: string | null; note: string | null}[]; in_doubt: number}[];
  diagnostics: Diagnostic[];
}

function planReport(plans: SinkPlan[]): PlanReport['sinks'] {
  return plans.map((p) => ({
    id: p.sink.id,
    type: p.sink.type,
    entries: p.entries.map((e) => ({alert_id: e.alert.alert_id, version: e.alert.version, route: e.routeId, action: e.action, reason: e.reason, note: e.note})),
    in_doubt: p.inDoubt.length,
  }));
}

function makePlans(ctx: AppContext, sinks: SinkConfig[], bundle: BundleView, ledger: DeliveryLedger | null, opts: SinkOpOptions): SinkPlan[] {
  const planOpts = {now: ctx.clock.now(), firstPushWindowMicros: windowMicros(opts.firstPushWindow)};
  return sinks.map((s) => planSink(s, bundle, ledger, planOpts));
}

/** `sinks plan`: verify the bundle, then per sink every alert version's route, action and reason. Sends nothing. */
export function sinksPlan(ctx: AppContext, bundleDir: string, opts: SinkOpOptions): PlanReport {
  const cfg = configuredSinks(ctx, opts);
  if (!cfg.ok) return {exitCode: ExitCode.BROKEN, bundle: null, sinks: [], diagnostics: cfg.diagnostics};
  const bundle = openBundle(ctx.flagPath(bundleDir), bundleDir);
  const ledger = DeliveryLedger.openReadOnly(ledgerPath(ctx, opts.ledger));
  try {
    const plans = makePlans(ctx, cfg.sinks, bundle, ledger, opts);
    return {exitCode: ExitCode.HEALTHY, bundle: {dir: bundleDir, manifest_hash: bundle.manifestHash, alert_versions: bundle.alerts.length}, sinks: planReport(plans), diagnostics: cfg.diagnostics};
  } finally {
    ledger?.close();
  }
}

// ---- push -------------------------------------------------------------------------------

export interface PushReport {
  exitCode: ExitCode;
  bundle: {dir: string; manifest_hash: string; alert_versions: number} | null;
  dry_run: boolean;
  network: boolean;
  sinks: {
    id: string;
    counts: Record<string, number>;
    skipped: Record<string, number>;
    deliveries: DeliveryResult[];
    recovered: number;
    in_doubt: SinkPushResult['inDoubt'];
    stopped_by: SinkPushResult['stoppedBy'];
    deadline_reached: boolean;
  }[];
  plan: PlanReport['sinks'];
  diagnostics: Diagnostic[];
}

export interface PushOptions extends SinkOpOptions {
  dryRun: boolean;
  noNetwork: boolean;
  onDelivery?: (sinkId: string, r: DeliveryResult, done: number, total: number) => void;
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

/** Replaces every secret value (and its URL-decoded form) in a JSON-able value. */
function scrub<T>(value: T, secrets: string[]): T {
  if (secrets.length === 0) return value;
  let text = JSON.stringify(value);
  for (const s of secrets) text = text.split(s).join(s.startsWith('http') ? redactUrl(s) : '***');
  return JSON.parse(text) as T;
}

function pushExitCode(sinks: PushReport['sinks']): ExitCode {
  let code: ExitCode = ExitCode.HEALTHY;
  for (const s of sinks) {
    if (s.counts.failed || s.stopped_by) code = worst(code, ExitCode.BROKEN);
    if (s.counts.pending || s.counts.delivered_unconfirmed || s.deadline_reached || s.in_doubt.some((d) => d.resolution === 'skip' || d.resolution === 'pending')) code = worst(code, ExitCode.WARNING);
  }
  return code;
}

/** RunRecord of one sink's push (sinks.md §9): never a secret, per-delivery refs, the retry schedules. */
async function recordSinkPush(ctx: AppContext, bundle: BundleView, plan: SinkPlan, res: SinkPushResult, secrets: string[]): Promise<void> {
  const group = ctx.group!;
  await group.run(SINKS_PUSH_OPERATOR, (trace) => {
    trace.input({id: `bundle:${bundle.manifestHash}`, kind: 'ExportBundle', hash: bundle.manifestHash});
    for (const e of plan.entries) if (e.routeId !== null) trace.input({id: `alert-version:${e.alert.alert_id}:${e.alert.version}`, kind: 'AlertVersion', hash: e.alert.version_hash});
    for (const d of res.results) {
      trace.output(valueRef(`delivery:${res.sinkId}:${d.alertId}:${d.version}`, 'Delivery', {state: d.state, handle: d.handle, delivery_key: d.deliveryKey}));
      if (d.attempts.length > 1 || d.state !== 'delivered') {
        trace.report(
          scrub(
            {
              code: d.state === 'failed' ? 'SINK_DELIVERY_FAILED' : d.state === 'delivered' ? 'SINK_DELIVERY_RETRIED' : 'SINK_DELIVERY_PENDING',
              severity: d.state === 'failed' ? 'error' : 'warning',
              message: `${res.sinkId} ${d.alertId} v${d.version}: ${d.state} after ${d.attempts.length} attempt(s)${d.error ? ` (${d.error.name})` : ''}`,
              details: {delivery_key: d.deliveryKey, planned_schedule_ms: d.plannedScheduleMs, attempts: d.attempts},
            } satisfies Diagnostic,
            secrets,
          ),
        );
      }
    }
    for (const x of res.inDoubt) trace.report({code: 'SINK_IN_DOUBT', severity: 'warning', message: `${res.sinkId} ${x.alertId} v${x.version}: in doubt, ${x.resolution}`, details: {delivery_key: x.deliveryKey}});
    if (res.stoppedBy) trace.report({code: 'SINK_STOPPED', severity: 'error', message: scrub(`${res.sinkId}: ${res.stoppedBy.name}: ${res.stoppedBy.message}`, secrets)});
    if (ctx.mode === 'best-effort') trace.note('wall_clock_waits');
  });
}

/** `sinks push`: verify, plan, then deliver per sink through the ledger. */
export async function sinksPush(ctx: AppContext, bundleDir: string, opts: PushOptions, rt: SinkRuntime): Promise<PushReport> {
  const cfg = configuredSinks(ctx, opts);
  const empty = (exitCode: ExitCode, diagnostics: Diagnostic[], bundle: PushReport['bundle'] = null): PushReport => ({exitCode, bundle, dry_run: opts.dryRun, network: !opts.noNetwork, sinks: [], plan: [], diagnostics});
  if (!cfg.ok) return empty(ExitCode.BROKEN, cfg.diagnostics);
  const bundle = openBundle(ctx.flagPath(bundleDir), bundleDir);
  const bundleInfo = {dir: bundleDir, manifest_hash: bundle.manifestHash, alert_versions: bundle.alerts.length};
  if (opts.dryRun || opts.noNetwork) {
    const ledger = DeliveryLedger.openReadOnly(ledgerPath(ctx, opts.ledger));
    try {
      const plans = makePlans(ctx, cfg.sinks, bundle, ledger, opts);
      const diagnostics = [...cfg.diagnostics];
      if (opts.noNetwork) diagnostics.push({code: 'NETWORK_DISABLED', severity: 'warning', message: 'network disabled: planned, nothing sent', hint: 'drop --no-network to deliver'});
      return {...empty(opts.noNetwork ? ExitCode.WARNING : ExitCode.HEALTHY, diagnostics, bundleInfo), plan: planReport(plans)};
    } finally {
      ledger?.close();
    }
  }
  const ledger = DeliveryLedger.open(ledgerPath(ctx, opts.ledger));
  try {
    ledger.lockForPush();
    const plans = makePlans(ctx, cfg.sinks, bundle, ledger, opts);
    ctx.runGroup('sinks push', {bundle: bundle.manifestHash, sink: opts.sink ?? null, ledger_state: sha256Hex(JSON.stringify(ledger.counts())), ledger_rows: artifactHash(ledger.all().map((r) => [r.delivery_key, r.state, r.attempts]))});
    const diagnostics = [...cfg.diagnostics];
    const sinks: PushReport['sinks'] = [];
    for (const plan of plans) {
      const n = createNotifier(plan.sink, ctx.env, rt.notifier);
      if (!n.ok) {
        diagnostics.push(n.diagnostic);
        sinks.push({id: plan.sink.id, counts: {failed: pendingDeliveries(plan, bundle, ledger, false).length}, skipped: {}, deliveries: [], recovered: 0, in_doubt: [], stopped_by: null, deadline_reached: false});
        continue;
      }
      const res = await pushSink(plan, bundle, {
        ledger, notifier: n.notifier, waiter: (rt.waiter ?? realWaiter)(), clock: ctx.clock,
        onDelivery: opts.onDelivery ? (r, done, total) => opts.onDelivery!(plan.sink.id, r, done, total) : undefined,
      });
      await recordSinkPush(ctx, bundle, plan, res, n.secrets);
      const skipped = countBy(plan.entries.filter((e) => e.action.startsWith('skip')), (e) => e.action.replace('skip: ', ''));
      sinks.push(scrub({id: plan.sink.id, counts: countBy(res.results, (r) => r.state), skipped, deliveries: res.results, recovered: res.recovered, in_doubt: res.inDoubt, stopped_by: res.stoppedBy, deadline_reached: res.deadlineReached}, n.secrets));
      if (res.stoppedBy) diagnostics.push({code: 'SINK_LOOKUP_FAILED', severity: 'error', message: scrub(`sink ${plan.sink.id}: earlier deliveries could not be looked up (${res.stoppedBy.name}: ${res.stoppedBy.message}); nothing was sent to it`, n.secrets), hint: res.stoppedBy.hint});
    }
    const missing = diagnostics.some((d) => d.code === 'SINK_SECRET_MISSING' || d.code === 'SINK_URL_INVALID');
    return {exitCode: worst(pushExitCode(sinks), missing ? ExitCode.BROKEN : ExitCode.HEALTHY), bundle: bundleInfo, dry_run: false, network: true, sinks, plan: planReport(plans), diagnostics};
  } finally {
    ledger.close();
  }
}

// ---- status -----------------------------------------------------------------------------

export interface StatusReport {
  exitCode: ExitCode;
  ledger: string;
  counts: {sink_id: string; state: string; count: number}[];
  attention: Pick<DeliveryRow, 'sink_id' | 'alert_id' | 'version' | 'state' | 'attempts' | 'last_attempt_at' | 'last_error_code' | 'last_error_message' | 'reason' | 'resent'>[];
}

/** `sinks status`: ledger counts per sink and state; pending, failed, in-doubt and unconfirmed rows. */
export function sinksStatus(ctx: AppContext, opts: SinkOpOptions): StatusReport {
  // A --sink that names nothing is exit 2, never an empty (healthy) status.
  if (opts.sink !== undefined) selectSinks(loadHomeSinks(ctx).sinks, opts.sink);
  const path = ledgerPath(ctx, opts.ledger);
  const ledger = DeliveryLedger.openReadOnly(path);
  if (!ledger) return {exitCode: ExitCode.HEALTHY, ledger: ctx.home.rel(path), counts: [], attention: []};
  try {
    const rows = ledger.rowsInStates(['pending', 'sending', 'failed', 'delivered_unconfirmed'], opts.sink);
    const attention = rows.map(({sink_id, alert_id, version, state, attempts, last_attempt_at, last_error_code, last_error_message, reason, resent}) => ({sink_id, alert_id, version, state, attempts, last_attempt_at, last_error_code, last_error_message, reason, resent}));
    const exitCode = rows.some((r) => r.state === 'failed') ? ExitCode.BROKEN : rows.length ? ExitCode.WARNING : ExitCode.HEALTHY;
    return {exitCode, ledger: ctx.home.rel(path), counts: ledger.counts(opts.sink), attention};
  } finally {
    ledger.close();
  }
}

// ---- test -------------------------------------------------------------------------------

export interface TestReport {
  exitCode: ExitCode;
  sink: string;
  sent: boolean;
  outcome: string;
  error: {name: string; message: string; hint: string} | null;
  diagnostics: Diagnostic[];
}

/** `sinks test ID`: one clearly marked test message (no ledger row, no alert). */
export async function sinksTest(ctx: AppContext, id: string, opts: {noNetwork: boolean}, rt: SinkRuntime): Promise<TestReport> {
  const loaded = loadHomeSinks(ctx);
  if (loaded.diagnostics.some((d) => d.severity === 'error')) return {exitCode: ExitCode.BROKEN, sink: id, sent: false, outcome: 'config error', error: null, diagnostics: loaded.diagnostics};
  const [sink] = selectSinks(loaded.sinks, id, '<id>');
  if (opts.noNetwork) {
    return {exitCode: ExitCode.WARNING, sink: id, sent: false, outcome: 'network disabled', error: null, diagnostics: [{code: 'NETWORK_DISABLED', severity: 'warning', message: 'network disabled: no test message sent'}]};
  }
  const n = createNotifier(sink, ctx.env, rt.notifier);
  if (!n.ok) return {exitCode: ExitCode.BROKEN, sink: id, sent: false, outcome: 'not sent', error: null, diagnostics: [n.diagnostic]};
  const group = ctx.runGroup('sinks test', {sink: id});
  const out = await group.run(SINKS_TEST_OPERATOR, async (trace) => {
    const o = await n.notifier.test(ctx.clock.nowText());
    const refs: ArtifactRef[] = [valueRef(`sink-test:${id}`, 'SinkTest', {outcome: o.kind, error: o.kind === 'delivered' ? null : o.error.name})];
    trace.output(...refs);
    return o;
  });
  const error = out.kind === 'delivered' ? null : scrub(out.error, n.secrets);
  return {
    exitCode: out.kind === 'delivered' ? ExitCode.HEALTHY : out.kind === 'retryable' ? ExitCode.WARNING : ExitCode.BROKEN,
    sink: id,
    sent: out.kind === 'delivered',
    outcome: out.kind,
    error: error ? {name: error.name, message: error.message, hint: error.hint} : null,
    diagnostics: error ? [{code: 'SINK_TEST_FAILED', severity: out.kind === 'retryable' ? 'warning' : 'error', message: `${id}: ${error.name}: ${error.message}`, hint: error.hint}] : [],
  };
}
