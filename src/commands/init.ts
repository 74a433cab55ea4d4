import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../app/context.js';
import {initHome} from '../app/init-home.js';
import {ExitCode} from '../kernel/exit-status.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from './base-command.js';

export default class Init extends HardstopCommand<typeof Init> {
  static override summary = 'Create a working Hardstop home: hardstop.config.yaml, config/sources.yaml, rules/, an example network.';
  static override description = 'Never overwrites an existing file unless --force.';
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init --home /srv/hardstop', '<%= config.bin %> init --force'];
  static override flags = {
    force: Flags.boolean({description: 'overwrite existing files'}),
  };
  protected override requiresConfig = false;

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof Init>): Promise<CommandOutcome> {
    const r = initHome(ctx.home.root, {force: flags.force});
    const text = [
      `Initialized Hardstop home at ${ctx.home.root}`,
      ...r.written.map((f) => `  ${r.overwritten.includes(f) ? 'overwrote' : 'wrote'} ${f}`),
      '',
      'Next steps:',
      '  1. put your network in network/facilities.csv, lanes.csv, shipments.csv (the files there are an example)',
      '  2. hardstop ingest          # load the network',
      '  3. hardstop doctor          # check everything',
    ].join('\n');
    return {exitCode: ExitCode.HEALTHY, text, json: {home: ctx.home.root, written: r.written, overwritten: r.overwritten}};
  }
}
