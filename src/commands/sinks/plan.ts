import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {sinksPlan} from '../../app/sinks/sinks-ops.js';
import {planText} from '../../app/sinks/sinks-text.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class SinksPlan extends HardstopCommand<typeof SinksPlan> {
  static override summary = 'Verify an export bundle and show, per sink, what a push would do with every alert version. Sends nothing.';
  static override description = 'Actions: create, update, skip: delivered, skip: no route, skip: before first push window, resolve in-doubt. Exit 2 for a bundle that fails `export verify` or invalid sink files.';
  static override examples = ['<%= config.bin %> sinks plan --bundle out/bundle', '<%= config.bin %> sinks plan --bundle out/bundle --sink ops-slack --json'];
  static override flags = {
    bundle: Flags.string({description: 'the export bundle folder (hardstop export bundle --out DIR)', required: true}),
    sink: Flags.string({description: 'only this sink'}),
    ledger: Flags.string({description: 'the delivery ledger (default: <home>/state/deliveries.db)'}),
    'first-push-window': Flags.string({description: 'webhook sinks on an empty ledger post only alert versions decided within this window', default: '24h'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof SinksPlan>): Promise<CommandOutcome> {
    const r = sinksPlan(ctx, flags.bundle, {sink: flags.sink, ledger: flags.ledger, firstPushWindow: flags['first-push-window']});
    return {exitCode: r.exitCode, text: planText(r), diagnostics: r.diagnostics, json: {bundle: r.bundle, sinks: r.sinks}};
  }
}
