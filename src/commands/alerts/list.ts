import {Flags} from '@oclif/core';
import type {AppContext} from '../../app/context.js';
import {ExitCode} from '../../kernel/exit-status.js';
import {alertListTable, DEFAULT_ALERTS_LIMIT, listAlerts, listedDocuments} from '../../reports/alerts.js';
import {openStoreReadOnlyChecked} from '../../app/report-store.js';
import {parseSinceFlag} from '../../kernel/time.js';
import {requireSource} from '../../store/known-ids-repo.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class AlertsList extends HardstopCommand<typeof AlertsList> {
  static override summary = 'List stored alerts in canonical order (classification, impact, updates, last seen, id).';
  static override description =
    'Filters apply before --limit. --since keeps alerts first or last seen within the window ending at the run clock (no --since: all time). Read-only; writes no RunRecord. --json prints the stored alert documents of the current versions.';
  static override examples = [
    '<%= config.bin %> alerts list',
    '<%= config.bin %> alerts list --since 24h --classification 2',
    '<%= config.bin %> alerts list --source nws_active_us --limit 10 --json',
  ];
  static override flags = {
    since: Flags.string({description: 'only alerts first or last seen within this window (<n>h or <n>d)'}),
    classification: Flags.integer({description: 'only this classification (0, 1 or 2)', min: 0, max: 2}),
    source: Flags.string({description: 'only alerts whose latest change came from this source id'}),
    limit: Flags.integer({description: 'at most this many alerts', default: DEFAULT_ALERTS_LIMIT, min: 1}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof AlertsList>): Promise<CommandOutcome> {
    const since = parseSinceFlag(flags.since);
    const store = openStoreReadOnlyChecked(ctx);
    if (flags.source !== undefined) {
      const configured = ctx.sourcesConfig.ok ? ctx.sourcesConfig.sources.map((s) => s.id) : [];
      requireSource(configured, flags.source as string, '--source', store);
    }
    const list = listAlerts(store, {
      now: ctx.clock.now(),
      sinceMicros: since?.micros ?? null,
      classification: flags.classification ?? null,
      sourceId: flags.source ?? null,
      limit: flags.limit,
    });
    return {
      exitCode: ExitCode.HEALTHY,
      text: alertListTable(list),
      json: {
        filters: {since: since?.text ?? null, classification: flags.classification ?? null, source: flags.source ?? null, limit: list.limit},
        total: list.total,
        count: list.items.length,
        alerts: flags.json ? listedDocuments(store, list) : list.items,
      },
    };
  }
}
