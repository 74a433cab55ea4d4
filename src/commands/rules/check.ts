import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {homeRulesCheck} from '../../app/home-rules-check.js';
import {rulesCheck} from '../../rules/cli/check.js';
import {type CommandArgs, type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class RulesCheck extends HardstopCommand<typeof RulesCheck> {
  static override summary = 'Check rule files: syntax, names, types, regexes, ids; warnings for unused, constant and shadowed rules.';
  static override description = [
    'Exit 0 when clean, 1 with warnings, 2 with errors.',
    'Without FILES, checks what `hardstop run` compiles, so a passing check means the run will not stop on its rules: the active pack',
    '(rules/<domain.active_pack>/), config/suppression.yaml and config/keywords.yaml when present, and every source\'s `suppress:` block',
    'in config/sources.yaml (with the errors of that file that stop a run). A folder without hardstop.config.yaml is checked as rule files (rules/**/*.yaml).',
    'With FILES, checks those files only (and the compatibility files the flags name).',
  ].join('\n');
  static override examples = ['<%= config.bin %> rules check', '<%= config.bin %> rules check rules/supply-chain/scoring.yaml --json'];
  static override strict = false;
  static override args = {files: Args.string({description: 'rule files or directories'})};
  static override flags = {
    suppression: Flags.string({description: 'check this config/suppression.yaml compatibility file (relative to the working directory; without FILES, instead of the home\'s)'}),
    keywords: Flags.string({description: 'check this config/keywords.yaml compatibility file (relative to the working directory; without FILES, instead of the home\'s)'}),
  };
  protected override requiresConfig = false;

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof RulesCheck>, _args: CommandArgs<typeof RulesCheck>, argv: string[]): Promise<CommandOutcome> {
    if (argv.length === 0) return homeRulesCheck(ctx, {suppression: flags.suppression, keywords: flags.keywords});
    return rulesCheck({files: argv, home: ctx.home.root, suppressionCompat: flags.suppression, keywordsCompat: flags.keywords});
  }
}
