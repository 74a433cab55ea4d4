import {existsSync} from 'node:fs';
import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {exportOutcome} from '../../app/export-command.js';
import {reportSources} from '../../app/report-inputs.js';
import {openStoreIfPresent} from '../../app/report-store.js';
import {parseSinceWindow} from '../../kernel/time.js';
import {UsageError} from '../../kernel/errors.js';
import {sourcesExport} from '../../reports/exports/content.js';
import {runExportOperator} from '../../reports/exports/operator.js';
import {parseLookback} from '../../sources/health.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class ExportSources extends HardstopCommand<typeof ExportSources> {
  static override summary = 'Export the health of every configured source in the export envelope, with a sidecar manifest.';
  static override description =
    'One row per configured source in file order (the `sources health --json` row shape of the reference API). A home without config/sources.yaml exports an empty list. Writes one RunRecord (hardstop.export@2.0.0).';
  static override examples = ['<%= config.bin %> export sources --out exports/sources.json', '<%= config.bin %> export sources --lookback 7d --stale 72h'];
  static override flags = {
    format: Flags.option({description: 'output format', options: ['json'] as const, default: 'json'})(),
    out: Flags.string({description: 'write the export here (relative to the working directory) and its manifest next to it'}),
    lookback: Flags.string({description: 'health window: a number of runs (10) or a time window (7d)', default: '10'}),
    stale: Flags.string({description: 'stale threshold (<n>h or <n>d)', default: '48h'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof ExportSources>): Promise<CommandOutcome> {
    const lookback = parseLookback(flags.lookback);
    const stale = parseSinceWindow(flags.stale);
    if (!stale) throw new UsageError('USAGE_BAD_STALE', `--stale: "${flags.stale}" is not a window like 48h or 3d`, {hint: '--stale takes a whole number followed by h or d'});
    const store = openStoreIfPresent(ctx);
    // No sources file: nothing configured, an empty export (§4.4); an invalid one stops with its positions.
    const sources = existsSync(ctx.home.sourcesFile) ? reportSources(ctx) : [];
    const filters = {lookback: flags.lookback, stale: flags.stale, format: flags.format};
    const group = ctx.runGroup('export-sources', filters);
    const exportedAt = ctx.clock.nowText();
    const r = await runExportOperator(group, {
      type: 'sources',
      filters,
      outPath: flags.out ? ctx.flagPath(flags.out) : null,
      display: (p) => ctx.home.rel(p),
      exportedAt,
      configSnapshot: ctx.snapshot.snapshot,
      build: () => sourcesExport(store, sources, {now: ctx.clock.now(), lookback, staleHours: stale.hours}, exportedAt),
    });
    return exportOutcome(r, flags.out ?? null, 'source(s)');
  }
}
