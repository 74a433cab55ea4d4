import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {ExitCode} from '../../kernel/exit-status.js';
import {alertListTable, DEFAULT_ALERTS_LIMIT, listAlerts, listedDocuments} from '../../reports/alerts.js';
import {openStoreReadOnlyChecked} from '../../app/report-store.js';
import {parseSinceFlag} from '../../kernel/time.js';
import {requireNetworkId, requireSource} from '../../store/known-ids-repo.js';
import {colourEnabled} from '../../present/colour.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class AlertsList extends HardstopCommand<typeof AlertsList> {
  static override summary = 'List stored alerts in canonical order (classification, impact, updates, last seen, id).';
  static override description =
    'Filters apply before --limit and combine with AND; --facility and --lane keep alerts whose current version linked any of the ids given (repeat the flag or give a comma list), and an id that is neither in the network nor in a stored alert is an error (exit 2) with a did-you-mean. --since keeps alerts first or last seen within the window ending at the run clock (no --since: all time). The FACILITIES column shows up to three linked facility ids. On a terminal CLASS and the status line are coloured (2 red, 1 yellow, 0 dim); NO_COLOR turns colour off, FORCE_COLOR=1 forces it into a pipe, FORCE_COLOR=0 turns it off. Read-only; writes no RunRecord. --json prints the stored alert documents of the current versions (never coloured).';
  static override examples = [
    '<%= config.bin %> alerts list',
    '<%= config.bin %> alerts list --since 24h --class 2',
    '<%= config.bin %> alerts list --facility KC-DC',
    '<%= config.bin %> alerts list --facility PLANT-01,PLANT-02 --lane LANE-001',
    '<%= config.bin %> alerts list --source nws_active_us --limit 10 --json',
  ];
  static override flags = {
    since: Flags.string({description: 'only alerts first or last seen within this window (<n>h or <n>d)'}),
    classification: Flags.integer({description: 'only this classification (0, 1 or 2); also --class', min: 0, max: 2, aliases: ['class']}),
    facility: Flags.string({description: 'only alerts that linked this facility id (repeatable, or a comma list: any of them)', multiple: true, delimiter: ','}),
    lane: Flags.string({description: 'only alerts that linked this lane id (repeatable, or a comma list: any of them)', multiple: true, delimiter: ','}),
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
    const facilityIds = flags.facility?.map((id) => requireNetworkId(store, 'facility', id.trim(), '--facility')) ?? null;
    const laneIds = flags.lane?.map((id) => requireNetworkId(store, 'lane', id.trim(), '--lane')) ?? null;
    const list = listAlerts(store, {
      now: ctx.clock.now(),
      sinceMicros: since?.micros ?? null,
      classification: flags.classification ?? null,
      sourceId: flags.source ?? null,
      facilityIds,
      laneIds,
      limit: flags.limit,
    });
    return {
      exitCode: ExitCode.HEALTHY,
      text: alertListTable(list, {colour: colourEnabled(process.stdout, ctx.env)}),
      json: {
        filters: {since: since?.text ?? null, classification: flags.classification ?? null, source: flags.source ?? null, facilities: facilityIds, lanes: laneIds, limit: list.limit},
        total: list.total,
        count: list.items.length,
        alerts: flags.json ? listedDocuments(store, list) : list.items,
      },
    };
  }
}
