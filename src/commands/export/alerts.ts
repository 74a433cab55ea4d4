import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {exportOutcome} from '../../app/export-command.js';
import {reportSources} from '../../app/report-inputs.js';
import {openStoreIfPresent} from '../../app/report-store.js';
import {parseSinceFlag} from '../../kernel/time.js';
import {DEFAULT_ALERTS_LIMIT} from '../../reports/alerts.js';
import {alertsExport} from '../../reports/exports/content.js';
import {sourceGating} from '../../reports/brief-v2/build.js';
import {runExportOperator} from '../../reports/exports/operator.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class ExportAlerts extends HardstopCommand<typeof ExportAlerts> {
  static override summary = 'Export alerts (the stored document of each current version) as JSON or CSV, with a sidecar manifest.';
  static override description =
    'Filters apply before --limit, in canonical order; without --since every alert counts. JSON: an envelope {data, export_schema_version, exported_at_utc}; CSV: the 11 reference columns, LF line ends. With --out the file and `<file>.manifest.json` are written atomically (folders created), data first; without it the export is printed. Writes one RunRecord (hardstop.export@2.0.0).';
  static override examples = ['<%= config.bin %> export alerts --out exports/alerts.json', '<%= config.bin %> export alerts --format csv --classification 2 --since 7d --out exports/alerts.csv'];
  static override flags = {
    format: Flags.option({description: 'output format', options: ['json', 'csv'] as const, default: 'json'})(),
    out: Flags.string({description: 'write the export here (relative to the working directory) and its manifest next to it'}),
    since: Flags.string({description: 'only alerts created or changed in this window (<n>h or <n>d); default: all time'}),
    classification: Flags.integer({description: 'only this classification (0, 1 or 2)', min: 0, max: 2}),
    tier: Flags.string({description: 'only alerts of this source tier (global, regional, local)'}),
    'source-id': Flags.string({description: 'only alerts of this source'}),
    limit: Flags.integer({description: 'at most this many alerts', default: DEFAULT_ALERTS_LIMIT, min: 0}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof ExportAlerts>): Promise<CommandOutcome> {
    const since = parseSinceFlag(flags.since);
    const store = openStoreIfPresent(ctx);
    const filters = {since: since?.text ?? null, classification: flags.classification ?? null, tier: flags.tier ?? null, source_id: flags['source-id'] ?? null, limit: flags.limit, format: flags.format};
    const group = ctx.runGroup('export-alerts', filters);
    const outPath = flags.out ? ctx.flagPath(flags.out) : null;
    const exportedAt = ctx.clock.nowText();
    const r = await runExportOperator(group, {
      type: 'alerts',
      filters,
      outPath,
      display: (p) => ctx.home.rel(p),
      exportedAt,
      configSnapshot: ctx.snapshot.snapshot,
      readiness: sourceGating(store, reportSources(ctx), ctx.clock.now()).readiness,
      build: () =>
        alertsExport(
          store,
          {now: ctx.clock.now(), sinceMicros: since?.micros ?? null, classification: flags.classification ?? null, tier: flags.tier ?? null, sourceId: flags['source-id'] ?? null, limit: flags.limit},
          flags.format,
          exportedAt,
        ),
    });
    return exportOutcome(r, flags.out ?? null, 'alert(s)');
  }
}
