import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {sinksPush} from '../../app/sinks/sinks-ops.js';
import {progressLine, pushText} from '../../app/sinks/sinks-text.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class SinksPush extends HardstopCommand<typeof SinksPush> {
  static override summary = 'Verify an export bundle and deliver its alert versions to the sinks, exactly once per sink and version.';
  static override description =
    'Every request is preceded by a committed `sending` row in the delivery ledger; a push that died is resolved first on the next one. Exit 0 when every planned delivery is delivered, 1 when some are pending (deadline, rate limits, --no-network) or unconfirmed, 2 for a tampered bundle, a config error, a locked ledger, a missing secret or any failed delivery.';
  static override examples = [
    '<%= config.bin %> sinks push --bundle out/bundle',
    '<%= config.bin %> sinks push --bundle out/bundle --sink ops-slack --dry-run',
    '<%= config.bin %> sinks push --bundle out/bundle --ledger .cache/deliveries.db --json',
  ];
  static override flags = {
    bundle: Flags.string({description: 'the export bundle folder (hardstop export bundle --out DIR)', required: true}),
    sink: Flags.string({description: 'only this sink'}),
    ledger: Flags.string({description: 'the delivery ledger (default: <home>/state/deliveries.db), e.g. on a CI cache'}),
    'dry-run': Flags.boolean({description: 'plan and render every message; send nothing, change nothing'}),
    'no-network': Flags.boolean({description: 'plan and stop (exit 1): nothing is sent'}),
    'first-push-window': Flags.string({description: 'webhook sinks on an empty ledger post only alert versions decided within this window', default: '24h'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof SinksPush>): Promise<CommandOutcome> {
    const tty = Boolean(process.stderr.isTTY) && !flags.json;
    const r = await sinksPush(
      ctx,
      flags.bundle,
      {
        sink: flags.sink, ledger: flags.ledger, firstPushWindow: flags['first-push-window'], dryRun: flags['dry-run'], noNetwork: flags['no-network'],
        onDelivery: tty ? (sink, d, done, total) => process.stderr.write(`${progressLine(sink, d, done, total)}\n`) : undefined,
      },
      {},
    );
    return {exitCode: r.exitCode, text: pushText(r), diagnostics: r.diagnostics, json: {bundle: r.bundle, dry_run: r.dry_run, network: r.network, sinks: r.sinks, plan: r.plan}};
  }
}
