import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {showRunRules} from '../../app/rules-show.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class RulesShow extends HardstopCommand<typeof RulesShow> {
  static override summary = 'Print the rule files a run decided with, exactly as they were then.';
  static override description = 'Every deciding run stores the text of each rule file it compiled; its RunRecord names them by SHA-256.';
  static override examples = ['<%= config.bin %> rules show --run 7c1c62bf-2f3a-8d4e-9a1b-0c2d3e4f5a6b', '<%= config.bin %> rules show --run 7c1c62bf-… --json'];
  static override flags = {
    run: Flags.string({description: 'run group id (or run id) of a deciding run', required: true}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof RulesShow>): Promise<CommandOutcome> {
    return showRunRules(ctx, flags.run);
  }
}
