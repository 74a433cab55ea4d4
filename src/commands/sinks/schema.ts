import type {AppContext} from '../../app/context.js';
import {sinksJsonSchema} from '../../sinks/config/json-schema.js';
import {HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class SinksSchema extends HardstopCommand<typeof SinksSchema> {
  static override summary = 'Print the JSON Schema of sink files (also committed as sinks/sinks.schema.json).';
  static override examples = ['<%= config.bin %> sinks schema > sinks/sinks.schema.json'];
  protected override requiresConfig = false;

  protected async execute(_ctx: AppContext): Promise<CommandOutcome> {
    const schema = sinksJsonSchema();
    return {exitCode: 0, payload: `${JSON.stringify(schema, null, 2)}\n`, json: schema};
  }
}
