import {timePhaseAsync} from '../kernel/phase-timings.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {HardstopError} from '../kernel/errors.js';
import {valueRef} from '../kernel/run-record.js';
import type {RunGroup} from '../kernel/run-group.js';
import type {IngestSummary} from '../pipeline/ingest-external.js';
import {runIngestOperator} from '../pipeline/ingest-operator.js';
import {briefFileOutputs, runBriefV2Operator} from '../reports/brief-v2/operator.js';
import {progressPrinter} from '../sources/cli-format.js';
import {fetchSources, type FetchSummary} from '../sources/fetch-operator.js';
import {computeSourceHealth} from '../sources/health.js';
import type {Store} from '../store/db.js';
import {sourceRunsOfGroup} from '../store/source-runs-repo.js';
import type {AppContext} from './context.js';
import {prepareDecisions} from './run-inputs.js';
import {progressReporter} from './progress.js';
import {evaluateRunStatus, type RunStatus} from './run-status.js';
import type {DiagnosticCode} from '../kernel/diagnostic-codes.js';
import {HARDSTOP_VERSION} from '../config/version.js';

export const RUN_OPERATOR = 'hardstop.run@1.0.0';

const DEFAULT_BRIEF_WINDOW_MICROS = 24 * 3_600_000_000;

export interface RunOptions {
  /** The fetch window (and the brief's); null fetches without one. */
  since: {text: string; micros: number} | null;
  maxItems?: number;
  noNetwork: boolean;
  noSuppress: boolean;
  /** Progress lines on stderr (the caller decides: a terminal, not --json). */
  progress: boolean;
  /** Folder that also receives brief.v2.json, brief.v2.md and brief.html (absolute). */
  briefOut?: string | null;
}

/** What one `hardstop run` did: each step's summary (absent when it crashed) and the status. */
export interface RunReport {
  fetch?: FetchSummary;
  ingest?: IngestSummary;
  brief?: string;
  status: RunStatus;
  /** Every step's diagnostics, in step order (the status's own come separately). */
  diagnostics: Diagnostic[];
}

/** Steps that threw, and everything the steps reported, collected as the run goes. */
class StepLog {
  readonly crashed: string[] = [];
  readonly diagnostics: Diagnostic[] = [];

  /** Runs one step; a throw marks the step crashed (BROKEN) instead of ending the run. */
  async guard<T>(step: string, crashCode: DiagnosticCode, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (err) {
      this.crashed.push(step);
      if (err instanceof HardstopError) this.diagnostics.push(...err.diagnostics);
      else this.diagnostics.push({code: crashCode, severity: 'error', message: (err as Error).message});
      return undefined;
    }
  }
}

/**
 * The main job (operations.md §7): validate every input first, then fetch, decide, publish
 * the brief as readiness allows, and record the run status in the run's own RunRecord.
 * A crashed step does not stop the later ones; it makes the run BROKEN.
 */
export async function runHardstop(ctx: AppContext, opts: RunOptions): Promise<RunReport> {
  // Validate sources, rules and network before any work (B1: exit 2 with positions).
  const {store, inputs} = await timePhaseAsync('inputs', () => prepareDecisions(ctx, {noSuppress: opts.noSuppress}));
  const group = ctx.runGroup('run', {since: opts.since?.text ?? null, max_items: opts.maxItems ?? null, no_network: opts.noNetwork});
  const log = new StepLog();
  log.diagnostics.push(...inputs.diagnostics);

  const fetch = await log.guard('fetch', 'FETCH_CRASHED', () =>
    timePhaseAsync('fetch', () =>
      fetchSources(ctx.fetchDeps(), group, {
        since: opts.since?.text ?? null,
        maxItems: opts.maxItems,
        noNetwork: opts.noNetwork,
        onProgress: opts.progress ? progressPrinter((s) => process.stderr.write(s)) : undefined,
      }),
    ),
  );
  if (fetch) log.diagnostics.push(...fetch.diagnostics);

  const ingest = await log.guard('ingest', 'INGEST_CRASHED', async () =>
    runIngestOperator(await inputs.ingestDeps(), group, {noSuppress: opts.noSuppress, onProgress: opts.progress ? progressReporter('decide') : undefined}),
  );
  if (ingest) log.diagnostics.push(...ingest.diagnostics);

  const enabled = inputs.sourcesConfig.sources.filter((s) => s.enabled);
  const health = computeSourceHealth(store, inputs.sourcesConfig.sources, {now: ctx.clock.now()});
  const statusNow = () =>
    evaluateRunStatus({
      mode: ctx.mode,
      enabledSources: enabled.length,
      fetchRows: log.crashed.includes('fetch') ? null : sourceRunsOfGroup(store, group.id, 'FETCH'),
      ingestRows: log.crashed.includes('ingest') ? null : sourceRunsOfGroup(store, group.id, 'INGEST'),
      health,
      crashedSteps: log.crashed,
      // Fetch failures are judged by the failure budget (W1/B4), not counted again here.
      otherWarnings: log.diagnostics.filter((d) => d.severity === 'warning' && d.details?.fetch_failed !== true).length,
    });

  const brief = await timePhaseAsync('brief', () => publishBrief(ctx, store, group, opts, statusNow(), log));
  const status = statusNow();
  await group.run(RUN_OPERATOR, (trace) => {
    trace.output(valueRef(`run-status:${group.id}`, 'RunStatus', {exit_code: status.exitCode, messages: status.messages}));
    trace.report(...status.diagnostics);
  });
  return {fetch, ingest, brief, status, diagnostics: log.diagnostics};
}

/**
 * Readiness gates publication (operations.md §7.2/§7.6): BROKEN + strict publishes nothing,
 * BROKEN + best-effort publishes a DRAFT_ONLY brief. Returns the brief's text when published.
 */
async function publishBrief(ctx: AppContext, store: Store, group: RunGroup, opts: RunOptions, before: RunStatus, log: StepLog): Promise<string | undefined> {
  const broken = before.exitCode === 2 && before.diagnostics.some((d) => d.severity === 'error');
  if (broken && ctx.mode === 'strict') {
    log.diagnostics.push({code: 'BRIEF_SKIPPED', severity: 'info', message: `brief not published: the run is BROKEN (${before.messages.join('; ')})`});
    return undefined;
  }
  const readiness = broken
    ? {state: 'BROKEN' as const, reasons: before.messages}
    : before.exitCode === 0
      ? {state: 'READY' as const, reasons: []}
      : {state: 'DEGRADED' as const, reasons: before.messages};
  const r = await log.guard('brief', 'BRIEF_CRASHED', () =>
    runBriefV2Operator(store, group, {
      now: ctx.clock.now(),
      sinceMicros: opts.since?.micros ?? DEFAULT_BRIEF_WINDOW_MICROS,
      includeClass0: false,
      limit: 20,
      hardstopVersion: HARDSTOP_VERSION,
      sources: ctx.sourcesConfig.sources,
      readiness,
      outputs: [{format: 'md', path: null}, ...(opts.briefOut ? briefFileOutputs(opts.briefOut, (p) => ctx.home.rel(p)) : [])],
    }),
  );
  if (!r) return undefined;
  log.diagnostics.push(...r.diagnostics);
  return r.texts[0];
}
