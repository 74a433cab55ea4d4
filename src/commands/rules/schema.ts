import type {AppContext} from '../../app/context.js';
import {rulesSchema} from '../../rules/cli/schema.js';
import {HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class RulesSchema extends HardstopCommand<typeof RulesSchema> {
  static override summary = 'Print the JSON Schema of rule files (also committed as rules/rules.schema.json).';
  static override examples = ['<%= config.bin %> rules schema > rules/rules.schema.json'];
  protected override requiresConfig = false;

  /** The schema is the whole output (no status line), so it can be redirected into a file. */
  override async run(): Promise<void> {
    await this.parse(RulesSchema);
    process.stdout.write(rulesSchema().text);
    process.exitCode = 0;
  }

  protected async execute(_ctx: AppContext): Promise<CommandOutcome> {
    const o = rulesSchema();
    return {exitCode: 0, text: o.text, json: o.json};
  }
}
