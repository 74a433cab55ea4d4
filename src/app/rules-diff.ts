import {existsSync} from 'node:fs';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {RunRecord} from '../kernel/run-record.js';
import {timePhase, timePhaseAsync} from '../kernel/phase-timings.js';
import {formatInstant, parseSinceFlag} from '../kernel/time.js';
import {INGEST_EXTERNAL_OPERATOR, processingOrder} from '../pipeline/ingest-external.js';
import {CHANGE_KINDS, type ChangedItem, type CorrelatedItem, groupIntoIncidents, incidentChanges, type RulesDiffReport, summarize} from '../pipeline/rule-diff.js';
import {instantOf} from '../kernel/time.js';
import {countDecidedItemsSince, type DecidedItemRow, decidedItemsSince, recordsOfOperator} from '../store/rule-diff-repo.js';
import type {AppContext} from './context.js';
import {type ItemOutcome, ItemDiffer} from './rules-diff-items.js';
import {loadRulesDiffInputs, type RulesDiffInputs, type RulesDiffOptions} from './rules-diff-inputs.js';
import {RulesDiffWorker, rulesDiffThreads} from './rules-diff-threads.js';

export type RulesDiffResult =
  | {ok: true; report: RulesDiffReport; exitCode: 0 | 1; diagnostics: Diagnostic[]}
  | {ok: false; diagnostics: Diagnostic[]; sources: Map<string, string>};

function packOfRun(records: Map<string, string>, cache: Map<string, string | null>, runGroupId: string): string | null {
  if (!cache.has(runGroupId)) {
    const json = records.get(runGroupId);
    cache.set(runGroupId, json ? ((JSON.parse(json) as RunRecord).input_refs.find((r) => r.kind === 'RulePack')?.hash ?? null) : null);
  }
  return cache.get(runGroupId)!;
}

/** Items in the order ingest decided them: by run (decision time), then processing order. */
function decisionOrder(items: DecidedItemRow[]): DecidedItemRow[] {
  const byTime = new Map<string, DecidedItemRow[]>();
  for (const it of items) {
    const list = byTime.get(it.decided_at);
    if (list) list.push(it);
    else byTime.set(it.decided_at, [it]);
  }
  return [...byTime.keys()].sort((a, b) => (instantOf(a) ?? 0) - (instantOf(b) ?? 0)).flatMap((k) => processingOrder(byTime.get(k)!));
}

/**
 * Starts the worker threads before the main thread loads its inputs, so that their loading
 * overlaps: how many follows from the size of the window (a count, before anything is compiled).
 */
function startWorkers(ctx: AppContext, opts: RulesDiffOptions, sinceText: string): RulesDiffWorker[] {
  // Without a valid config or a store the main thread reports the problem in its usual order.
  if (!ctx.loaded.config || !existsSync(ctx.dbPath)) return [];
  const threads = rulesDiffThreads(ctx.env, countDecidedItemsSince(ctx.openStoreReadOnly(), sinceText, opts.source ?? null));
  const data = {home: ctx.home.root, now: formatInstant(ctx.clock.now()), bestEffort: ctx.mode === 'best-effort', env: ctx.env, opts};
  return Array.from({length: threads - 1}, () => new RulesDiffWorker(data));
}

/**
 * Every item's outcome, in decision order. With workers, the items are cut into contiguous
 * slices: the main thread recomputes the first, each worker one of the others; the outcomes
 * are joined in slice order, so the report is the one a single thread produces.
 */
async function diffAll(inputs: RulesDiffInputs, rows: DecidedItemRow[], packHashes: (string | null)[], workers: RulesDiffWorker[]): Promise<ItemOutcome[]> {
  const threads = Math.min(workers.length + 1, rows.length) || 1;
  const size = Math.ceil(rows.length / threads);
  const pending = workers.slice(0, threads - 1).map((w, i) => {
    const [from, to] = [(i + 1) * size, Math.min((i + 2) * size, rows.length)];
    return w.run({rows: rows.slice(from, to), packHashes: packHashes.slice(from, to)}, inputs.fingerprint, `thread${i + 2}`);
  });
  const differ = new ItemDiffer(inputs);
  const own = timePhase('items', () => rows.slice(0, size).map((row, i) => differ.diff(row, packHashes[i])));
  return [...own, ...(await timePhaseAsync('wait_threads', () => Promise.all(pending))).flat()];
}

/**
 * `rules diff`: recomputes every item decided in the window under the candidate rules and
 * under the rules that decided it (its run's snapshot; the current files when none was
 * stored), and reports every changed decision. Large windows are shared with a worker thread.
 * Reads only: it never writes decisions, records or files.
 */
export async function buildRulesDiff(ctx: AppContext, opts: RulesDiffOptions): Promise<RulesDiffResult> {
  const since = parseSinceFlag(opts.since ?? '30d')!;
  const until = ctx.clock.now();
  const from = until - since.micros;
  // The SQL bound is a second early (instant texts with and without fractions do not sort as
  // instants); the exact bound is applied on the parsed instants.
  const sinceText = formatInstant(Math.floor(from / 1_000_000) * 1_000_000 - 1_000_000);
  const workers = startWorkers(ctx, opts, sinceText);
  try {
    const loaded = timePhase('inputs', () => loadRulesDiffInputs(ctx, opts));
    if (!loaded.ok) return loaded;
    const inputs = loaded.inputs;
    const rows = timePhase('query', () => decisionOrder(decidedItemsSince(inputs.store, sinceText, opts.source ?? null).filter((r) => (instantOf(r.decided_at) ?? -Infinity) >= from)));
    const records = recordsOfOperator(inputs.store, INGEST_EXTERNAL_OPERATOR);
    const packCache = new Map<string, string | null>();
    const outcomes = await diffAll(inputs, rows, rows.map((r) => packOfRun(records, packCache, r.run_group_id)), workers);
    return timePhase('report', () => assemble(inputs, opts, {since: formatInstant(from), until: formatInstant(until)}, outcomes));
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** The report of the outcomes, in decision order. */
function assemble(inputs: RulesDiffInputs, opts: RulesDiffOptions, window: {since: string; until: string}, outcomes: ItemOutcome[]): RulesDiffResult {
  const {policy, choice, candidate} = inputs;
  const diagnostics: Diagnostic[] = [...inputs.diagnostics];
  const packUse = new Map<string, {items: number; snapshot: boolean}>();
  const changed: ChangedItem[] = [];
  const recordedGroups: CorrelatedItem[] = [];
  const candidateGroups: CorrelatedItem[] = [];
  let withoutSnapshot = 0;
  let compared = 0;
  for (const o of outcomes) {
    if (!o.snapshot) withoutSnapshot++;
    const use = packUse.get(o.packKey) ?? {items: 0, snapshot: o.snapshot};
    use.items++;
    packUse.set(o.packKey, use);
    if (o.failure) {
      diagnostics.push(o.failure);
      continue;
    }
    compared++;
    if (o.recordedGroup) recordedGroups.push(o.recordedGroup);
    if (o.candidateGroup) candidateGroups.push(o.candidateGroup);
    if (o.changed) changed.push(o.changed);
  }
  if (withoutSnapshot > 0) {
    diagnostics.push({
      code: 'RULES_DIFF_NO_SNAPSHOT',
      severity: 'info',
      message: `${withoutSnapshot} item(s) were decided by runs that stored no rule snapshot: they are compared against the current rule files`,
    });
  }
  const report: RulesDiffReport = {
    window: {...window, source: opts.source ?? null},
    candidate: {rules: choice.kind === 'dir' ? opts.rules! : 'current', pack_hash: candidate.pack.hash},
    policy: {fail_on: CHANGE_KINDS.filter((k) => policy.failOn.has(k)), max_score_delta: policy.maxScoreDelta.unit === 'percent' ? `${policy.maxScoreDelta.value}%` : `${policy.maxScoreDelta.value}`},
    items_compared: compared,
    items_without_snapshot: withoutSnapshot,
    recorded_packs: [...packUse].map(([pack_hash, u]) => ({pack_hash, ...u})).sort((a, b) => (a.pack_hash < b.pack_hash ? -1 : 1)),
    summary: summarize(changed),
    incidents: incidentChanges(groupIntoIncidents(recordedGroups), groupIntoIncidents(candidateGroups)),
    items: changed,
  };
  // A merge or split fails the gate under `correlation` even when no single key is reported.
  const incidentFails = policy.failOn.has('correlation') && report.incidents.length > 0;
  return {ok: true, report, exitCode: report.summary.items_failing > 0 || incidentFails ? 1 : 0, diagnostics};
}
