import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {rulesFmt} from '../../rules/cli/fmt.js';
import {type CommandArgs, type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class RulesFmt extends HardstopCommand<typeof RulesFmt> {
  static override summary = 'Format rule files canonically (comments kept); --check only reports.';
  static override examples = ['<%= config.bin %> rules fmt', '<%= config.bin %> rules fmt --check'];
  static override strict = false;
  static override args = {files: Args.string({description: 'rule files or directories'})};
  static override flags = {check: Flags.boolean({description: 'do not write; exit 1 if a file would change'})};
  protected override requiresConfig = false;

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof RulesFmt>, _args: CommandArgs<typeof RulesFmt>, argv: string[]): Promise<CommandOutcome> {
    return rulesFmt({files: argv, home: ctx.home.root, check: flags.check});
  }
}
