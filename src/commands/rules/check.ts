import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {rulesCheck} from '../../rules/cli/check.js';
import {type CommandArgs, type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class RulesCheck extends HardstopCommand<typeof RulesCheck> {
  static override summary = 'Check rule files: syntax, names, types, regexes, ids; warnings for unused, constant and shadowed rules.';
  static override description = 'Exit 0 when clean, 1 with warnings, 2 with errors. Without FILES, checks rules/**/*.yaml under the home.';
  static override examples = ['<%= config.bin %> rules check', '<%= config.bin %> rules check rules/supply-chain/scoring.yaml --json'];
  static override strict = false;
  static override args = {files: Args.string({description: 'rule files or directories'})};
  static override flags = {
    suppression: Flags.string({description: 'also check a config/suppression.yaml compatibility file (relative to the working directory)'}),
    keywords: Flags.string({description: 'also check a config/keywords.yaml compatibility file (relative to the working directory)'}),
  };
  protected override requiresConfig = false;

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof RulesCheck>, _args: CommandArgs<typeof RulesCheck>, argv: string[]): Promise<CommandOutcome> {
    return rulesCheck({files: argv, home: ctx.home.root, suppressionCompat: flags.suppression, keywordsCompat: flags.keywords});
  }
}
