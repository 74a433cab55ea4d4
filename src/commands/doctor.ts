import type {AppContext} from '../app/context.js';
import {checksExitCode, runChecks} from '../app/checks.js';
import {DOCTOR_EXTRA_CHECKS} from '../app/layer-checks.js';
import {runbookRef} from '../app/runbook.js';
import {HardstopCommand, type CommandOutcome} from './base-command.js';

const MARK = {ok: 'ok  ', warn: 'WARN', fail: 'FAIL', info: 'info', skip: 'SKIP'} as const;

export default class Doctor extends HardstopCommand<typeof Doctor> {
  static override summary = 'Check the home: Node, configuration, database, network, sources and rules. Read-only.';
  static override description = 'Exits 0 when healthy, 1 with warnings only, 2 when anything is broken. Never changes the database.';
  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json'];
  protected override requiresConfig = false;

  protected async execute(ctx: AppContext): Promise<CommandOutcome> {
    const results = runChecks(ctx, DOCTOR_EXTRA_CHECKS);
    const width = Math.max(...results.map((r) => r.title.length));
    const text = [
      `Hardstop doctor — ${ctx.home.root}`,
      ...results.map((r) => {
        const needsLook = r.status === 'fail' || r.status === 'warn';
        return `  [${MARK[r.status]}] ${r.title.padEnd(width)}  ${r.message}${r.hint ? `\n         hint: ${r.hint}` : ''}${needsLook ? `\n         runbook: ${runbookRef(r.id)}` : ''}`;
      }),
    ].join('\n');
    return {
      exitCode: checksExitCode(results),
      text,
      diagnostics: results.flatMap((r) => r.diagnostics),
      json: {checks: results.map(({diagnostics: _d, ...rest}) => (rest.status === 'fail' || rest.status === 'warn' ? {...rest, runbook: runbookRef(rest.id)} : rest))},
    };
  }
}
