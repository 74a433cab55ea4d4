import {Args, Flags} from '@oclif/core';
import type {AppContext} from '../../app/context.js';
import {UsageError} from '../../kernel/errors.js';
import {rulesExplain} from '../../rules/cli/explain.js';
import {HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class RulesExplain extends HardstopCommand {
  static override summary = 'Explain how the rules decide one event: every rule, every sub-condition, every contribution.';
  static override description =
    'The event file (JSON or YAML) holds {now, event, source, facilities, lanes, shipments, link, config, quality} as in a rule test case.';
  static override examples = ['<%= config.bin %> rules explain --event examples/strike.json'];
  static override strict = false;
  static override args = {files: Args.string({description: 'rule files or directories'})};
  static override flags = {event: Flags.string({description: 'event context file (JSON or YAML)'})};
  protected override requiresConfig = false;

  protected async execute(ctx: AppContext, flags: Record<string, unknown>): Promise<CommandOutcome> {
    const {argv} = await this.parse(RulesExplain);
    if (typeof flags.event !== 'string') throw new UsageError('USAGE_MISSING_FLAG', 'rules explain needs --event FILE', {hint: 'write the context as JSON: {"event": {"title": "…"}, "source": {"trust_tier": 3}}'});
    return rulesExplain({files: argv as string[], home: ctx.home.root, event: flags.event});
  }
}
