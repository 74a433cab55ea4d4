import {Flags} from '@oclif/core';
import type {AppContext} from '../app/context.js';
import {ExitCode} from '../kernel/exit-status.js';
import {runBriefOperator} from '../reports/brief.js';
import {openStoreForReport} from '../app/report-store.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from './base-command.js';
import {BRIEF_FORMATS} from '../reports/render-brief.js';
import {parseSinceFlag} from '../kernel/time.js';

export default class Brief extends HardstopCommand<typeof Brief> {
  static override summary = 'Render the daily brief: alerts Hardstop created or updated in the window, grouped by tier, plus suppression counts.';
  static override description =
    'Reads stored alerts, alert versions, evidence and suppression verdicts; decides nothing. The window ends at the run clock (--now, else the time of the call). Markdown by default; --format json prints the read model, --format text plain text. Without --out the brief goes to stdout (the status line to stderr). Writes one RunRecord (hardstop.brief@1.0.0) with the hash of the rendered text. Exit 2 when stored evidence fails verification in strict mode.';
  static override examples = [
    '<%= config.bin %> brief',
    '<%= config.bin %> brief --since 7d --format json --out output/briefs/today.json',
    '<%= config.bin %> brief --now 2025-12-29T17:00:00Z --include-class0 --limit 50',
  ];
  static override flags = {
    since: Flags.string({description: 'window ending at the run clock: <n>h or <n>d', default: '24h'}),
    format: Flags.option({description: 'output format', options: BRIEF_FORMATS, default: 'md'})(),
    limit: Flags.integer({description: 'at most this many alerts per section (new, updated)', default: 20, min: 0}),
    'include-class0': Flags.boolean({description: 'list classification-0 alerts too (they are always counted)'}),
    out: Flags.string({description: 'write the brief to this file (atomically; folders are created) instead of stdout'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof Brief>): Promise<CommandOutcome> {
    const since = parseSinceFlag(flags.since)!;
    const {format, limit} = flags;
    const includeClass0 = flags['include-class0'];
    const outPath = flags.out ? ctx.home.resolve(flags.out) : null;
    const store = openStoreForReport(ctx);
    const group = ctx.runGroup('brief', {since: since.text, format, limit, include_class0: includeClass0, out: outPath ? ctx.home.rel(outPath) : null});
    const r = await runBriefOperator(store, group, {
      now: ctx.clock.now(),
      sinceMicros: since.micros,
      includeClass0,
      limit,
      format,
      outPath,
    });
    const exitCode = r.diagnostics.some((d) => d.severity === 'warning') ? ExitCode.WARNING : ExitCode.HEALTHY;
    const c = r.model.counts;
    const json = {
      brief: r.model,
      format,
      out: outPath ? ctx.home.rel(outPath) : null,
    };
    if (outPath) {
      return {
        exitCode,
        diagnostics: r.diagnostics,
        json,
        text: `Wrote ${ctx.home.rel(outPath)} (${format}): ${c.new} new, ${c.updated} updated, ${r.model.suppressed.count} suppressed in the last ${r.model.window.since}`,
      };
    }
    if (flags.json) return {exitCode, diagnostics: r.diagnostics, json};
    return {exitCode, diagnostics: r.diagnostics, json, payload: r.text};
  }
}
