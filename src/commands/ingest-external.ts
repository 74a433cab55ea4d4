import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../app/context.js';
import {prepareDecisions} from '../app/run-inputs.js';
import {ExitCode} from '../kernel/exit-status.js';
import {runIngestOperator} from '../pipeline/ingest-operator.js';
import {parseSinceFlag} from '../kernel/time.js';
import {requireSource} from '../store/known-ids-repo.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from './base-command.js';
import {progressReporter} from '../app/progress.js';

export default class IngestExternal extends HardstopCommand<typeof IngestExternal> {
  static override summary = 'Decide every pending raw item: normalize, link, suppress, score, classify, correlate into alerts.';
  static override description = 'Processes stored raw items (fetched earlier) in a deterministic order, one transaction per item. Incident evidence is stored with each alert version; the files under output/incidents/ are written on demand (`hardstop evidence materialize`), and a run keeps the present ones current.';
  static override examples = ['<%= config.bin %> ingest-external', '<%= config.bin %> ingest-external --source nws_active_us --since 24h --json'];
  static override flags = {
    source: Flags.string({description: 'only this source id'}),
    since: Flags.string({description: 'only items fetched within this window (e.g. 24h, 7d)'}),
    limit: Flags.integer({description: 'at most this many items', min: 1}),
    'no-suppress': Flags.boolean({description: 'evaluate no suppression rules (recorded in the config fingerprint)'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof IngestExternal>): Promise<CommandOutcome> {
    const since = parseSinceFlag(flags.since);
    const {store, inputs} = await prepareDecisions(ctx, {noSuppress: flags['no-suppress']});
    if (flags.source !== undefined) requireSource(inputs.sourcesConfig.sources.map((s) => s.id), flags.source, '--source', store);
    const group = ctx.runGroup('ingest-external', {source: flags.source ?? null, since: since?.text ?? null, limit: flags.limit ?? null});
    const summary = await runIngestOperator(
      await inputs.ingestDeps(),
      group,
      {
        sourceId: flags.source,
        sinceMicros: since ? ctx.clock.now() - since.micros : undefined,
        limit: flags.limit,
        noSuppress: flags['no-suppress'],
        onProgress: progressReporter('ingest'),
      },
    );
    const c = summary.counts;
    const diagnostics = [...inputs.diagnostics, ...summary.diagnostics];
    const exitCode = c.failed > 0 ? (ctx.mode === 'strict' ? ExitCode.BROKEN : ExitCode.WARNING) : diagnostics.some((d) => d.severity === 'warning') ? ExitCode.WARNING : ExitCode.HEALTHY;
    return {
      exitCode,
      text: `Processed ${c.processed} item(s): ${c.suppressed} suppressed, ${c.alerts_created} alert(s) created, ${c.alerts_updated} updated, ${c.failed} failed`,
      diagnostics,
      json: {counts: c, per_source: Object.fromEntries(summary.perSource), evidence_files: summary.evidenceFiles.map((f) => ctx.home.rel(f))},
    };
  }
}
