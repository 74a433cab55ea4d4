import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {exportOutcome} from '../../app/export-command.js';
import {reportSources} from '../../app/report-inputs.js';
import {openStoreIfPresent} from '../../app/report-store.js';
import {parseSinceFlag} from '../../kernel/time.js';
import {BRIEF_DEFAULT_LIMIT} from '../../reports/brief-v2/model.js';
import {briefExport} from '../../reports/exports/content.js';
import {sourceGating} from '../../reports/brief-v2/build.js';
import {runExportOperator} from '../../reports/exports/operator.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class ExportBrief extends HardstopCommand<typeof ExportBrief> {
  static override summary = 'Export the brief v1 read model in the export envelope, with a sidecar manifest.';
  static override description =
    'The data is the reference brief (brief.v1) over the window; its generated_at_utc is the newest time of the alerts it lists (null when none), never the clock, so two exports of the same alerts carry the same export_data_hash. For the v2 brief use `hardstop brief --format json` or `hardstop export bundle`. Writes one RunRecord (hardstop.export@2.0.0).';
  static override examples = ['<%= config.bin %> export brief --out exports/brief.json', '<%= config.bin %> export brief --since 7d --include-class0'];
  static override flags = {
    format: Flags.option({description: 'output format', options: ['json'] as const, default: 'json'})(),
    out: Flags.string({description: 'write the export here (relative to the working directory) and its manifest next to it'}),
    since: Flags.string({description: 'window ending at the run clock: <n>h or <n>d', default: '24h'}),
    limit: Flags.integer({description: 'at most this many alerts per section', default: BRIEF_DEFAULT_LIMIT, min: 0}),
    'include-class0': Flags.boolean({description: 'list classification-0 alerts too'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof ExportBrief>): Promise<CommandOutcome> {
    const since = parseSinceFlag(flags.since)!;
    const store = openStoreIfPresent(ctx);
    const filters = {since: since.text, limit: flags.limit, include_class0: flags['include-class0'], format: flags.format};
    const group = ctx.runGroup('export-brief', filters);
    const exportedAt = ctx.clock.nowText();
    const r = await runExportOperator(group, {
      type: 'brief',
      filters,
      outPath: flags.out ? ctx.flagPath(flags.out) : null,
      display: (p) => ctx.home.rel(p),
      exportedAt,
      configSnapshot: ctx.snapshot.snapshot,
      readiness: sourceGating(store, reportSources(ctx), ctx.clock.now()).readiness,
      build: () => briefExport(store, {now: ctx.clock.now(), sinceMicros: since.micros, includeClass0: flags['include-class0'], limit: flags.limit}, exportedAt),
    });
    return exportOutcome(r, flags.out ?? null, 'listed alert(s)');
  }
}
