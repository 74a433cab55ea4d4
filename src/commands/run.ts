import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../app/context.js';
import {runHardstop, type RunReport} from '../app/run-operator.js';
import {parseSinceFlag} from '../kernel/time.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from './base-command.js';

export default class Run extends HardstopCommand<typeof Run> {
  static override summary = 'The main job: fetch every enabled source, decide every new item, publish the brief, and report the run status.';
  static override description =
    'Exit codes (docs/OPERATIONS.md): 0 healthy; 1 warnings — a source that failed to fetch, is stale or on WATCH while its failure budget lasts, or a feed/item/config warning; 2 broken — invalid config, every source failed, a crashed step, an exhausted failure budget, or (strict mode) an item that could not be decided.';
  static override examples = ['<%= config.bin %> run', '<%= config.bin %> run --since 24h --json', '<%= config.bin %> run --best-effort'];
  static override flags = {
    since: Flags.string({description: 'fetch window on published time (<n>h or <n>d)', default: '24h'}),
    'max-items': Flags.integer({description: 'at most this many items per source', min: 1}),
    'no-network': Flags.boolean({description: 'refuse every non-file:// URL'}),
    'no-suppress': Flags.boolean({description: 'evaluate no suppression rules (recorded in the config fingerprint)'}),
    'brief-out': Flags.string({description: 'also write brief.v2.json, brief.v2.md and brief.html of this run into this folder (relative to the working directory)'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof Run>): Promise<CommandOutcome> {
    const report = await runHardstop(ctx, {
      since: parseSinceFlag(flags.since),
      maxItems: flags['max-items'],
      noNetwork: flags['no-network'],
      noSuppress: flags['no-suppress'],
      progress: Boolean(process.stderr.isTTY) && !flags.json,
      briefOut: flags['brief-out'] ? ctx.flagPath(flags['brief-out']) : null,
    });
    const {fetch, ingest, brief, status} = report;
    return {
      exitCode: status.exitCode,
      text: runText(report),
      diagnostics: [...report.diagnostics, ...status.diagnostics.filter((d) => d.severity === 'error')],
      json: {
        fetch: fetch ? {totals: fetch.totals, results: fetch.results} : null,
        ingest: ingest?.counts ?? null,
        brief: brief ?? null,
        run_status: {exit_code: status.exitCode, messages: status.messages},
      },
    };
  }
}

/** The brief (when published), one line per step, and the run status with its reasons. */
function runText({fetch, ingest, brief, status}: RunReport): string {
  const c = ingest?.counts;
  return [
    ...(brief ? [brief.trimEnd(), '', '---', ''] : []),
    fetch
      ? `Fetch: ${fetch.totals.sources} source(s), ${fetch.totals.succeeded} succeeded, ${fetch.totals.failed} failed — ${fetch.totals.items} item(s), ${fetch.totals.new} new`
      : 'Fetch: crashed',
    c
      ? `Decide: ${c.processed} item(s), ${c.suppressed} suppressed, ${c.alerts_created} alert(s) created, ${c.alerts_updated} updated, ${c.failed} failed`
      : 'Decide: crashed',
    '',
    `Run status: ${['HEALTHY', 'WARNING', 'BROKEN'][status.exitCode]}`,
    ...status.messages.map((m) => `  - ${m}`),
  ].join('\n');
}
