import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {sinksTest} from '../../app/sinks/sinks-ops.js';
import {testText} from '../../app/sinks/sinks-text.js';
import {type CommandArgs, type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class SinksTest extends HardstopCommand<typeof SinksTest> {
  static override summary = 'Send one clearly marked test message to a sink (no alert, nothing recorded in the ledger).';
  static override examples = ['<%= config.bin %> sinks test ops-slack'];
  static override args = {id: Args.string({description: 'the sink id', required: true})};
  static override flags = {'no-network': Flags.boolean({description: 'send nothing (exit 1)'})};

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof SinksTest>, args: CommandArgs<typeof SinksTest>): Promise<CommandOutcome> {
    const r = await sinksTest(ctx, args.id, {noNetwork: flags['no-network']}, {});
    return {exitCode: r.exitCode, text: testText(r), diagnostics: r.diagnostics, json: {sink: r.sink, sent: r.sent, outcome: r.outcome, error: r.error}};
  }
}
