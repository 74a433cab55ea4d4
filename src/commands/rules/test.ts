import * as Args from '@oclif/core/args';
import type {AppContext} from '../../app/context.js';
import {rulesTest} from '../../rules/cli/test.js';
import {type CommandArgs, type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class RulesTest extends HardstopCommand<typeof RulesTest> {
  static override summary = 'Run the tests: cases of the rule files.';
  static override description = 'On failure prints expected vs got and the position of the deciding rule. Exit 0 when all pass, 2 when one fails.';
  static override examples = ['<%= config.bin %> rules test', '<%= config.bin %> rules test rules/supply-chain --json'];
  static override strict = false;
  static override args = {files: Args.string({description: 'rule files or directories'})};
  protected override requiresConfig = false;

  protected async execute(ctx: AppContext, _flags: CommandFlags<typeof RulesTest>, _args: CommandArgs<typeof RulesTest>, argv: string[]): Promise<CommandOutcome> {
    return rulesTest({files: argv, home: ctx.home.root});
  }
}
