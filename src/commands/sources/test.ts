import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {ExitCode} from '../../kernel/exit-status.js';
import {fetchResultsTable, progressPrinter} from '../../sources/cli-format.js';
import {fetchSources} from '../../sources/fetch-operator.js';
import {parseSinceFlag} from '../../kernel/time.js';
import {type CommandArgs, type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class SourcesTest extends HardstopCommand<typeof SourcesTest> {
  static override summary = 'Fetch one source and show what it yields, without storing any item.';
  static override description =
    'No conditional GET (the source is fetched in full) and no raw items, lineage or validators are stored; the FETCH SourceRun (marked test) and a RunRecord are written on success and on failure. Disabled sources can be tested. Exit 2 when the fetch fails.';
  static override examples = ['<%= config.bin %> sources test nws_active_us', '<%= config.bin %> sources test port_notices --since 72h --max-items 5 --json'];
  static override args = {id: Args.string({description: 'source id', required: true})};
  static override flags = {
    since: Flags.string({description: 'keep only items published within this window (<n>h or <n>d)', default: '24h'}),
    'max-items': Flags.integer({description: 'at most this many items (default: the source\'s max_items)', min: 1}),
    'no-network': Flags.boolean({description: 'refuse a non-file:// URL (NETWORK_DISABLED)'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof SourcesTest>, args: CommandArgs<typeof SourcesTest>): Promise<CommandOutcome> {
    const id = args.id;
    const since = parseSinceFlag(flags.since);
    const maxItems = flags['max-items'];
    const loaded = ctx.sourcesConfig;
    if (!loaded.ok) return {exitCode: ExitCode.BROKEN, diagnostics: loaded.diagnostics};
    ctx.openStoreForWrite();
    const group = ctx.runGroup('sources test', {source: id, since: since?.text ?? null, max_items: maxItems ?? null, no_network: flags['no-network']});
    const summary = await fetchSources(ctx.fetchDeps(), group, {
      purpose: 'test',
      sourceIds: [id],
      sourceIdsGivenAs: '<id>',
      since: since?.text ?? null,
      maxItems,
      noNetwork: flags['no-network'],
      onProgress: process.stderr.isTTY && !flags.json ? progressPrinter((s) => process.stderr.write(s)) : undefined,
    });
    const r = summary.results.find((x) => x.source_id === id);
    const lines = [fetchResultsTable(summary.results)];
    if (r?.status === 'SUCCESS') {
      lines.push(r.not_modified ? 'Not modified (304).' : `${r.items_fetched} item(s) (${r.items_new} not stored yet); nothing was stored.`);
      for (const it of (r.items ?? []).slice(0, 20)) {
        lines.push(`  [${it.action}] ${it.published_at ?? 'undated'}  ${(it.title ?? '(untitled)').slice(0, 80)}`);
      }
      if ((r.items?.length ?? 0) > 20) lines.push(`  … ${(r.items?.length ?? 0) - 20} more`);
    }
    return {
      exitCode: summary.exitCode,
      text: lines.join('\n'),
      diagnostics: summary.diagnostics,
      json: {source_id: id, since: summary.since, result: r ?? null, source_runs_digest: summary.source_runs_digest},
    };
  }
}
