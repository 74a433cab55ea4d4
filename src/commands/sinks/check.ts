import type {AppContext} from '../../app/context.js';
import {sinksCheck} from '../../app/sinks/sinks-ops.js';
import {checkText} from '../../app/sinks/sinks-text.js';
import {HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class SinksCheck extends HardstopCommand<typeof SinksCheck> {
  static override summary = 'Validate every sink file and route condition (file:line:col); warn about unset secret variables.';
  static override description = 'Reads sinks/*.yaml of the home. Exit 0 when valid, 1 with warnings (a secret variable not set, a sink without routes), 2 with errors. Never touches the network.';
  static override examples = ['<%= config.bin %> sinks check', '<%= config.bin %> sinks check --json'];

  protected async execute(ctx: AppContext): Promise<CommandOutcome> {
    const r = sinksCheck(ctx);
    return {exitCode: r.exitCode, text: checkText(r), diagnostics: r.diagnostics, sources: r.sources, json: {files: r.files, sinks: r.sinks}};
  }
}
