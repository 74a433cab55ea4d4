import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import type {Diagnostic} from '../../kernel/diagnostic.js';
import {StoreError, UsageError} from '../../kernel/errors.js';
import {ExitCode} from '../../kernel/exit-status.js';
import {parseSinceWindow} from '../../kernel/time.js';
import type {Store} from '../../store/db.js';
import {requireSource} from '../../store/known-ids-repo.js';
import {healthTable, suppressionText} from '../../sources/cli-format.js';
import {computeSourceHealth, DEFAULT_STALE_HOURS, explainSuppression, gatePhrases, healthGate, parseLookback, sortForDisplay} from '../../sources/health.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

function windowFlag(text: string, flag: string): {hours: number; micros: number} {
  const w = parseSinceWindow(text);
  if (!w || w.hours <= 0) throw new UsageError('USAGE_BAD_WINDOW', `${flag}: "${text}" is not a window like 48h or 3d`, {hint: `${flag} takes a whole number followed by h or d`});
  return w;
}

export default class SourcesHealth extends HardstopCommand<typeof SourcesHealth> {
  static override summary = 'Show source health: score, staleness, success rate, failure-budget state, suppression ratio.';
  static override description =
    'Every configured source is listed; one never fetched shows as PENDING (score 30 kept for compatibility, never gating). Gating (run, doctor) uses only enabled sources and caps a source with fewer than 3 fetches in the window at WATCH. Exit 0 when every gating source is HEALTHY, 1 when one is on WATCH or BLOCKED, 2 when the configuration is invalid.';
  static override examples = [
    '<%= config.bin %> sources health',
    '<%= config.bin %> sources health --lookback 7d --stale 72h --json',
    '<%= config.bin %> sources health --explain-suppress port_notices --window 72h',
  ];
  static override flags = {
    stale: Flags.string({description: 'stale threshold (<n>h or <n>d)', default: `${DEFAULT_STALE_HOURS}h`}),
    lookback: Flags.string({description: 'window: a number of runs (10) or a time span (7d)', default: '10'}),
    'explain-suppress': Flags.string({description: 'summarise the suppressed items of this source'}),
    window: Flags.string({description: 'window of --explain-suppress (<n>h or <n>d)', default: '72h'}),
    all: Flags.boolean({description: 'also show history of sources no longer configured (never gating)'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof SourcesHealth>): Promise<CommandOutcome> {
    const stale = windowFlag(flags.stale, '--stale');
    const lookback = parseLookback(flags.lookback);
    const explainId = flags['explain-suppress'];
    const win = windowFlag(flags.window, '--window');
    const loaded = ctx.sourcesConfig;
    if (!loaded.ok) return {exitCode: ExitCode.BROKEN, diagnostics: loaded.diagnostics};
    if (explainId !== undefined) requireSource(loaded.sources.map((s) => s.id), explainId, '--explain-suppress');
    let store: Store | undefined;
    try {
      store = ctx.openStoreReadOnly();
    } catch (err) {
      if (!(err instanceof StoreError && err.code === 'DB_MISSING')) throw err;
      store = undefined;
    }
    const now = ctx.clock.now();
    const rows = sortForDisplay(computeSourceHealth(store, loaded.sources, {now, lookback, staleHours: stale.hours, includeUnconfigured: flags.all}));
    const gate = healthGate(rows);
    const diagnostics: Diagnostic[] = [];
    if (gate.pending.length) {
      diagnostics.push({code: 'SOURCES_PENDING', severity: 'info', message: `${gate.pending.length} source(s) pending first fetch: ${gate.pending.join(', ')}`, hint: 'run `hardstop fetch`'});
    }
    if (gate.blocked.length) {
      diagnostics.push({code: 'SOURCES_BLOCKED', severity: 'warning', message: `${gate.blocked.length} source(s) exhausted failure budget: ${gate.blocked.join(', ')}`, hint: 'check the last errors with `hardstop sources test <id>`'});
    }
    const phrases = gatePhrases(rows, stale.hours);
    if (phrases.stale) diagnostics.push({code: 'SOURCES_STALE', severity: 'warning', message: phrases.stale, hint: 'is the cron job running `hardstop run`? `hardstop sources test <id>` checks the feed'});
    if (phrases.watch) diagnostics.push({code: 'SOURCES_WATCH', severity: 'warning', message: phrases.watch});
    const window = 'count' in lookback ? `last ${lookback.count} runs` : `last ${lookback.text}`;
    const lines: string[] = [];
    if (rows.length === 0) {
      lines.push("No source health data available. Run 'hardstop fetch' first.");
    } else {
      lines.push(`Source Health (${window}, stale threshold: ${stale.hours}h)`, '-'.repeat(60), healthTable(rows));
    }
    let explanation = null;
    if (explainId !== undefined) {
      explanation = explainSuppression(store, explainId, {now, windowMicros: win.micros});
      lines.push('', suppressionText(explanation));
    }
    const exitCode = diagnostics.some((d) => d.severity === 'warning') ? ExitCode.WARNING : ExitCode.HEALTHY;
    return {
      exitCode,
      text: lines.join('\n'),
      diagnostics,
      json: {
        lookback: 'count' in lookback ? {runs: lookback.count} : {window: lookback.text},
        stale_hours: stale.hours,
        sources: rows,
        gate,
        ...(explanation ? {suppression: explanation} : {}),
      },
    };
  }
}
