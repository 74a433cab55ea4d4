import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {reportSources} from '../../app/report-inputs.js';
import {openStoreIfPresent} from '../../app/report-store.js';
import {HARDSTOP_VERSION} from '../../config/version.js';
import {ExitCode} from '../../kernel/exit-status.js';
import {BRIEF_DEFAULT_LIMIT} from '../../reports/brief-v2/model.js';
import {runBundleOperator} from '../../reports/bundle/write.js';
import {parseSinceFlag} from '../../kernel/time.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class ExportBundle extends HardstopCommand<typeof ExportBundle> {
  static override summary = 'Write an export bundle: the brief in three formats, every alert version of the window, evidence, provenance and a manifest.';
  static override description =
    'The bundle is what the Slack and Linear sinks read (they never open the database). It is built in a temporary sibling folder and renamed into place when complete; DIR must be new or empty unless --force. The same store, config and --now give byte-identical bundles in any home. Check one with `hardstop export verify DIR`. Writes one RunRecord (hardstop.export.bundle@1.0.0) listing every file.';
  static override examples = ['<%= config.bin %> export bundle --out bundles/today', '<%= config.bin %> export bundle --out bundles/week --since 7d --force'];
  static override flags = {
    out: Flags.string({description: 'bundle folder (relative to the working directory)', required: true}),
    since: Flags.string({description: 'window ending at the run clock: <n>h or <n>d', default: '24h'}),
    limit: Flags.integer({description: "at most this many alerts per brief section (the bundle's alerts.v2.json lists every alert of the window)", default: BRIEF_DEFAULT_LIMIT, min: 0}),
    'include-class0': Flags.boolean({description: 'include classification-0 alerts'}),
    force: Flags.boolean({description: 'replace a non-empty --out folder'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof ExportBundle>): Promise<CommandOutcome> {
    const since = parseSinceFlag(flags.since)!;
    const dir = ctx.flagPath(flags.out);
    const store = openStoreIfPresent(ctx);
    const sources = reportSources(ctx);
    const {limit} = flags;
    const includeClass0 = flags['include-class0'];
    const group = ctx.runGroup('export-bundle', {since: since.text, limit, include_class0: includeClass0});
    const r = await runBundleOperator(store, group, {
      now: ctx.clock.now(),
      sinceMicros: since.micros,
      includeClass0,
      limit,
      hardstopVersion: HARDSTOP_VERSION,
      sources,
      dir,
      display: flags.out,
      force: flags.force,
      config: ctx.snapshot.snapshot,
    });
    const exitCode = r.diagnostics.some((d) => d.severity === 'warning') ? ExitCode.WARNING : ExitCode.HEALTHY;
    return {
      exitCode,
      diagnostics: r.diagnostics,
      text: `Wrote bundle ${flags.out}: ${r.files} file(s), ${r.alerts} alert version(s), manifest ${r.manifest.manifest_hash.slice(0, 12)}`,
      json: {out: flags.out, files: r.files, alerts: r.alerts, manifest: r.manifest},
    };
  }
}
