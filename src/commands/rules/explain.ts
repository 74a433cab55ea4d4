import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {UsageError} from '../../kernel/errors.js';
import {rulesExplain} from '../../rules/cli/explain.js';
import {explainAlert} from '../../app/explain-alert.js';
import {type CommandArgs, type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class RulesExplain extends HardstopCommand<typeof RulesExplain> {
  static override summary = 'Explain how the rules decide one event: the rules that decided, their sub-conditions and contributions, the final class.';
  static override description =
    'The event file (JSON or YAML) holds {now, event, source, facilities, lanes, shipments, link, config, quality} as in a rule test case. By default the output is the path that decided: the result of each section (type, suppression, score with each contribution, class, quality cap, final class, correlation), then the trace of each rule that decided, each macro expanded once; rules without effect are listed by id and rules never evaluated counted; a long value (raw text, an NWS payload) is shown once, shortened, as $v1 and referred to by name after (--json holds it whole, once, under `values`, and trees hold {"$ref": "v1"}). --verbose traces every rule and every sub-expression with every value in full.';
  static override examples = ['<%= config.bin %> rules explain --event examples/strike.json', '<%= config.bin %> rules explain --alert ALERT-20251229-f35988e5460ec386'];
  static override strict = false;
  static override args = {files: Args.string({description: 'rule files or directories'})};
  static override flags = {
    event: Flags.string({description: 'event context file (JSON or YAML)', exclusive: ['alert']}),
    alert: Flags.string({description: 'explain the decision behind a stored alert (its latest version unless --version)'}),
    version: Flags.integer({description: 'with --alert: which alert version', min: 1, dependsOn: ['alert']}),
    verbose: Flags.boolean({description: 'trace every rule and sub-expression, every value in full (text and --json)'}),
  };
  protected override requiresConfig = false;

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof RulesExplain>, _args: CommandArgs<typeof RulesExplain>, argv: string[]): Promise<CommandOutcome> {
    if (flags.alert !== undefined) return explainAlert(ctx, flags.alert, flags.version, flags.verbose);
    if (flags.event === undefined) throw new UsageError('USAGE_MISSING_FLAG', 'rules explain needs --event FILE or --alert ID', {hint: 'write the context as JSON: {"event": {"title": "…"}, "source": {"trust_tier": 3}}'});
    return rulesExplain({files: argv, home: ctx.home.root, event: flags.event, verbose: flags.verbose});
  }
}
