import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {sinksStatus} from '../../app/sinks/sinks-ops.js';
import {statusText} from '../../app/sinks/sinks-text.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class SinksStatus extends HardstopCommand<typeof SinksStatus> {
  static override summary = 'Show the delivery ledger: counts by state per sink, pending, failed, in-doubt and unconfirmed deliveries.';
  static override description = 'Read-only. Exit 0 when everything is delivered, 1 with pending, in-doubt or unconfirmed deliveries, 2 with failed ones.';
  static override examples = ['<%= config.bin %> sinks status', '<%= config.bin %> sinks status --sink ops-slack --json'];
  static override flags = {
    sink: Flags.string({description: 'only this sink'}),
    ledger: Flags.string({description: 'the delivery ledger (default: <home>/state/deliveries.db)'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof SinksStatus>): Promise<CommandOutcome> {
    const r = sinksStatus(ctx, {sink: flags.sink, ledger: flags.ledger});
    return {exitCode: r.exitCode, text: statusText(r), json: {ledger: r.ledger, counts: r.counts, attention: r.attention}};
  }
}
