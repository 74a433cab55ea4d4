import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../app/context.js';
import {ExitCode} from '../kernel/exit-status.js';
import {formatBytes} from '../present/table.js';
import {fetchResultsTable, progressPrinter} from '../sources/cli-format.js';
import {fetchSources} from '../sources/fetch-operator.js';
import {parseSinceFlag} from '../kernel/time.js';
import {TIERS} from '../sources/sources-schema.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from './base-command.js';

export default class Fetch extends HardstopCommand<typeof Fetch> {
  static override summary = 'Fetch the enabled sources and store new raw items (append-only, deduplicated per source).';
  static override description =
    'Writes one FETCH SourceRun per enabled source (failures, refusals and skips included) and one RunRecord. Exit 0 when every source succeeded, 1 when some failed or reported warnings, 2 when the configuration is invalid, every source failed, or the store cannot be written.';
  static override examples = [
    '<%= config.bin %> fetch',
    '<%= config.bin %> fetch --since 7d --max-items 20',
    '<%= config.bin %> fetch --source nws_active_us --json',
    '<%= config.bin %> fetch --dry-run',
    '<%= config.bin %> fetch --no-network',
  ];
  static override flags = {
    since: Flags.string({description: 'keep only items published within this window (<n>h or <n>d); items without a date are kept', default: '24h'}),
    'max-items': Flags.integer({description: 'at most this many items per source (default: each source\'s max_items)', min: 1, aliases: ['max-items-per-source']}),
    tier: Flags.option({description: 'fetch only sources of this tier (other enabled sources get a SKIPPED SourceRun)', options: TIERS})(),
    'include-disabled': Flags.boolean({description: 'fetch disabled sources too'}),
    'fail-fast': Flags.boolean({description: 'stop at the first failed source (the rest get SKIPPED SourceRuns; exit 2)'}),
    source: Flags.string({description: 'fetch only this source (repeatable); other enabled sources get a SKIPPED SourceRun', multiple: true}),
    'dry-run': Flags.boolean({description: 'list what would be fetched; fetch and store nothing (only the RunRecord file is written)'}),
    'no-network': Flags.boolean({description: 'refuse every non-file:// URL (those sources fail with NETWORK_DISABLED)'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof Fetch>): Promise<CommandOutcome> {
    const since = parseSinceFlag(flags.since);
    const maxItems = flags['max-items'];
    const sourceIds = flags.source ?? [];
    const dryRun = flags['dry-run'];
    const noNetwork = flags['no-network'];
    const tier = flags.tier;
    const includeDisabled = flags['include-disabled'];
    const failFast = flags['fail-fast'];
    const loaded = ctx.sourcesConfig;
    if (!loaded.ok) return {exitCode: ExitCode.BROKEN, diagnostics: loaded.diagnostics};
    if (!dryRun) ctx.openStoreForWrite();
    const group = ctx.runGroup('fetch', {
      since: since?.text ?? null,
      max_items: maxItems ?? null,
      sources: [...sourceIds].sort(),
      dry_run: dryRun,
      no_network: noNetwork,
      tier: tier ?? null,
      include_disabled: includeDisabled,
      fail_fast: failFast,
    });
    const showProgress = Boolean(process.stderr.isTTY) && !flags.json && !dryRun;
    const summary = await fetchSources(ctx.fetchDeps(), group, {
      since: since?.text ?? null,
      maxItems,
      sourceIds,
      dryRun,
      noNetwork,
      tier,
      includeDisabled,
      failFast,
      onProgress: showProgress ? progressPrinter((s) => process.stderr.write(s)) : undefined,
    });
    const t = summary.totals;
    const text = summary.dry_run
      ? [
          `Dry run: would fetch ${summary.planned.length} source(s)${summary.planned.length ? `: ${summary.planned.join(', ')}` : ''}${since ? ` (window ${since.text})` : ''}.`,
          'Nothing was fetched or stored; only this command\'s RunRecord was written.',
        ].join('\n')
      : [
          `Fetched ${t.sources} source(s): ${t.succeeded} succeeded, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''} — ${t.items} item(s), ${t.new} new, ${formatBytes(t.bytes)}${since ? ` (window ${since.text})` : ''}`,
          summary.results.length ? fetchResultsTable(summary.results) : '',
        ]
          .filter(Boolean)
          .join('\n');
    return {
      exitCode: summary.exitCode,
      text,
      diagnostics: summary.diagnostics,
      json: {
        dry_run: summary.dry_run,
        since: summary.since,
        planned: summary.planned,
        totals: summary.totals,
        results: summary.results,
        seed: summary.seed,
        raw_items_digest: summary.raw_items_digest,
        source_runs_digest: summary.source_runs_digest,
        ...(summary.dry_run ? {note: 'dry run: nothing fetched or stored; only the RunRecord file was written'} : {}),
      },
    };
  }
}
