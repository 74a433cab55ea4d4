import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../app/context.js';
import {reportSources} from '../app/report-inputs.js';
import {openStoreIfPresent} from '../app/report-store.js';
import {HARDSTOP_VERSION} from '../config/version.js';
import {ExitCode} from '../kernel/exit-status.js';
import {MICROS_PER_DAY} from '../kernel/time.js';
import {BRIEF_DEFAULT_LIMIT} from '../reports/brief-v2/model.js';
import {runBriefV2Operator} from '../reports/brief-v2/operator.js';
import {BRIEF_FORMATS, type BriefFormat} from '../reports/brief-v2/render.js';
import {parseSinceFlag} from '../kernel/time.js';
import {colourEnabled} from '../present/colour.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from './base-command.js';

export default class Brief extends HardstopCommand<typeof Brief> {
  static override summary = 'Render the daily brief (v2): alerts created or updated in the window with the facilities, lanes and shipments they hit, incidents, suppression and source health.';
  static override description =
    'Reads stored alert versions, evidence, suppression verdicts and source runs; decides nothing. The window ends at the run clock (--now, else the time of the call). Formats: md (lossless Markdown), json (the brief.v2 read model), html (one self-contained page with a card per alert and a facility map), text (terminal, at most 100 columns, colour on a TTY unless NO_COLOR is set; FORCE_COLOR=1 forces it, FORCE_COLOR=0 turns it off). Without --format: text on a terminal, Markdown otherwise. Readiness gates publication: BROKEN refuses in strict mode (exit 2) and publishes DRAFT_ONLY in best-effort mode (exit 1). An empty home gets the quiet-day brief. Writes one RunRecord (hardstop.brief@2.0.0).';
  static override examples = [
    '<%= config.bin %> brief',
    '<%= config.bin %> brief --today --format html --out briefs/today.html',
    '<%= config.bin %> brief --since 7d --format json --out briefs/week.json',
    '<%= config.bin %> brief --now 2025-12-29T17:00:00Z --include-class0 --limit 50',
  ];
  static override flags = {
    since: Flags.string({description: 'window ending at the run clock: <n>h or <n>d (default 24h)', exclusive: ['today']}),
    today: Flags.boolean({description: 'window from 00:00 UTC of the run clock\'s day to the run clock'}),
    format: Flags.option({description: 'output format (default: text on a terminal, md otherwise)', options: BRIEF_FORMATS})(),
    limit: Flags.integer({description: 'at most this many alerts per section (new, updated) and suppressed items', default: BRIEF_DEFAULT_LIMIT, min: 0}),
    'include-class0': Flags.boolean({description: 'list classification-0 alerts too (they are always counted)'}),
    out: Flags.string({description: 'write the brief to this file (relative to the working directory; atomically; folders are created) instead of stdout'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof Brief>): Promise<CommandOutcome> {
    const now = ctx.clock.now();
    const since = flags.today ? {text: 'today', micros: now - Math.floor(now / MICROS_PER_DAY) * MICROS_PER_DAY} : parseSinceFlag(flags.since ?? '24h')!;
    const outFlag = flags.out;
    const format: BriefFormat = flags.format ?? (process.stdout.isTTY && !outFlag ? 'text' : 'md');
    const {limit} = flags;
    const includeClass0 = flags['include-class0'];
    const store = openStoreIfPresent(ctx);
    const sources = reportSources(ctx);
    const group = ctx.runGroup('brief', {since: since.text, format, limit, include_class0: includeClass0});
    const r = await runBriefV2Operator(store, group, {
      now,
      sinceMicros: since.micros,
      includeClass0,
      limit,
      hardstopVersion: HARDSTOP_VERSION,
      sources,
      outputs: [{format, path: outFlag ? ctx.flagPath(outFlag) : null, display: outFlag}],
      color: format === 'text' && !outFlag && colourEnabled(process.stdout, ctx.env),
    });
    const exitCode = r.diagnostics.some((d) => d.severity === 'warning') ? ExitCode.WARNING : ExitCode.HEALTHY;
    const c = r.model.summary.counts;
    const json = {brief: r.model, format, out: outFlag ?? null};
    if (outFlag) {
      return {
        exitCode,
        diagnostics: r.diagnostics,
        json,
        text: `Wrote ${outFlag} (${format}): ${c.new} new, ${c.updated} updated, ${r.model.suppressed.count} suppressed in the last ${r.model.window.since}`,
      };
    }
    if (flags.json) return {exitCode, diagnostics: r.diagnostics, json};
    return {exitCode, diagnostics: r.diagnostics, json, payload: r.texts[0]};
  }
}
