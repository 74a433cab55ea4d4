import {Flags} from '@oclif/core';
import type {AppContext} from '../app/context.js';
import {prepareDecisions} from '../app/decision-inputs.js';
import {progressReporter} from '../app/progress.js';
import {evaluateRunStatus} from '../app/run-status.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {HardstopError} from '../kernel/errors.js';
import {valueRef} from '../kernel/run-record.js';
import {runIngestOperator} from '../pipeline/ingest-operator.js';
import type {IngestSummary} from '../pipeline/ingest-external.js';
import {progressPrinter} from '../sources/cli-format.js';
import {fetchSources, parseSinceFlag, type FetchSummary} from '../sources/fetch-operator.js';
import {computeSourceHealth} from '../sources/health.js';
import {sourceRunDigest, sourceRunsOfGroup} from '../store/source-runs-repo.js';
import {runBriefOperator} from '../reports/brief.js';
import {HardstopCommand, type CommandOutcome} from './base-command.js';

export const RUN_OPERATOR = 'hardstop.run@1.0.0';

export default class Run extends HardstopCommand {
  static override summary = 'The main job: fetch every enabled source, decide every new item, publish the brief, and report the run status.';
  static override description =
    'Exit codes (docs/OPERATIONS.md): 0 healthy; 1 warnings — a source that failed to fetch, is stale or on WATCH while its failure budget lasts, or a feed/item/config warning; 2 broken — invalid config, every source failed, a crashed step, an exhausted failure budget, or (strict mode) an item that could not be decided.';
  static override examples = ['<%= config.bin %> run', '<%= config.bin %> run --since 24h --json', '<%= config.bin %> run --best-effort'];
  static override flags = {
    since: Flags.string({description: 'fetch window on published time (<n>h or <n>d)', default: '24h'}),
    'max-items': Flags.integer({description: 'at most this many items per source', min: 1}),
    'no-network': Flags.boolean({description: 'refuse every non-file:// URL'}),
    'no-suppress': Flags.boolean({description: 'evaluate no suppression rules (recorded in the config fingerprint)'}),
  };

  protected async execute(ctx: AppContext, flags: Record<string, unknown>): Promise<CommandOutcome> {
    const since = parseSinceFlag(flags.since as string | undefined);
    // Validate sources, rules and network before any work (B1: exit 2 with positions).
    const {store, inputs, deps} = prepareDecisions(ctx, {noSuppress: Boolean(flags['no-suppress'])});
    const group = ctx.runGroup('run', {since: since?.text ?? null, max_items: flags['max-items'] ?? null, no_network: Boolean(flags['no-network'])});
    const showProgress = Boolean(process.stderr.isTTY) && !flags.json;
    const crashed: string[] = [];
    const diagnostics: Diagnostic[] = [...inputs.diagnostics];
    let fetch: FetchSummary | undefined;
    let ingest: IngestSummary | undefined;
    try {
      fetch = await fetchSources(ctx, group, {
        since: since?.text ?? null,
        maxItems: flags['max-items'] as number | undefined,
        noNetwork: Boolean(flags['no-network']),
        loaded: inputs.sourcesConfig,
        onProgress: showProgress ? progressPrinter((s) => process.stderr.write(s)) : undefined,
      });
      diagnostics.push(...fetch.diagnostics);
    } catch (err) {
      crashed.push('fetch');
      if (err instanceof HardstopError) diagnostics.push(...err.diagnostics);
      else diagnostics.push({code: 'FETCH_CRASHED', severity: 'error', message: (err as Error).message});
    }
    try {
      ingest = await runIngestOperator(
        deps,
        group,
        {noSuppress: Boolean(flags['no-suppress']), onProgress: showProgress ? progressReporter('decide') : undefined},
      );
      diagnostics.push(...ingest.diagnostics);
    } catch (err) {
      crashed.push('ingest');
      if (err instanceof HardstopError) diagnostics.push(...err.diagnostics);
      else diagnostics.push({code: 'INGEST_CRASHED', severity: 'error', message: (err as Error).message});
    }
    const enabled = inputs.sourcesConfig.sources.filter((s) => s.enabled);
    const health = computeSourceHealth(store, inputs.sourcesConfig.sources, {now: ctx.clock.now()});
    const statusNow = () =>
      evaluateRunStatus({
        mode: ctx.mode,
        enabledSources: enabled.length,
        fetchRows: crashed.includes('fetch') ? null : sourceRunsOfGroup(store, group.id, 'FETCH'),
        ingestRows: crashed.includes('ingest') ? null : sourceRunsOfGroup(store, group.id, 'INGEST'),
        health,
        crashedSteps: crashed,
        // Fetch failures are judged by the failure budget (W1/B4), not counted again here.
        otherWarnings: diagnostics.filter((d) => d.severity === 'warning' && d.details?.fetch_failed !== true).length,
      });
    const before = statusNow();
    let brief: string | undefined;
    // Readiness gates publication (operations.md §7.2/§7.6): BROKEN + strict publishes nothing,
    // BROKEN + best-effort publishes a DRAFT_ONLY brief.
    const broken = before.exitCode === 2 && before.diagnostics.some((d) => d.severity === 'error');
    if (broken && ctx.mode === 'strict') {
      diagnostics.push({code: 'BRIEF_SKIPPED', severity: 'info', message: `brief not published: the run is BROKEN (${before.messages.join('; ')})`});
    } else {
      try {
        const ingestRows = sourceRunsOfGroup(store, group.id, 'INGEST');
        const r = await runBriefOperator(store, group, {
          now: ctx.clock.now(),
          sinceMicros: since?.micros ?? 24 * 3_600_000_000,
          includeClass0: false,
          limit: 20,
          format: 'md',
          extraInputs: [{id: `source-runs:ingest:${group.id}`, kind: 'SourceRun', hash: sourceRunDigest(ingestRows)}],
          publication: broken ? {state: 'DRAFT_ONLY', readiness_state: 'BROKEN', reasons: before.messages} : null,
        });
        brief = r.text;
        diagnostics.push(...r.diagnostics);
      } catch (err) {
        crashed.push('brief');
        if (err instanceof HardstopError) diagnostics.push(...err.diagnostics);
        else diagnostics.push({code: 'BRIEF_CRASHED', severity: 'error', message: (err as Error).message});
      }
    }
    const status = statusNow();
    await group.run(RUN_OPERATOR, (trace) => {
      trace.output(valueRef(`run-status:${group.id}`, 'RunStatus', {exit_code: status.exitCode, messages: status.messages}));
      trace.report(...status.diagnostics);
    });
    const c = ingest?.counts;
    const lines = [
      ...(brief ? [brief.trimEnd(), '', '---', ''] : []),
      fetch
        ? `Fetch: ${fetch.totals.sources} source(s), ${fetch.totals.succeeded} succeeded, ${fetch.totals.failed} failed — ${fetch.totals.items} item(s), ${fetch.totals.new} new`
        : 'Fetch: crashed',
      c
        ? `Decide: ${c.processed} item(s), ${c.suppressed} suppressed, ${c.alerts_created} alert(s) created, ${c.alerts_updated} updated, ${c.failed} failed`
        : 'Decide: crashed',
      '',
      `Run status: ${['HEALTHY', 'WARNING', 'BROKEN'][status.exitCode]}`,
      ...status.messages.map((m) => `  - ${m}`),
    ];
    return {
      exitCode: status.exitCode,
      text: lines.join('\n'),
      diagnostics: [...diagnostics, ...status.diagnostics.filter((d) => d.severity === 'error')],
      json: {
        fetch: fetch ? {totals: fetch.totals, results: fetch.results} : null,
        ingest: c ?? null,
        brief: brief ?? null,
        run_status: {exit_code: status.exitCode, messages: status.messages},
      },
    };
  }
}
