import type {AppContext} from '../app/context.js';
import {verifyRunRecordChain} from '../app/verify-chain.js';
import {ExitCode} from '../kernel/exit-status.js';
import {HardstopCommand, type CommandOutcome} from './base-command.js';

export default class Verify extends HardstopCommand<typeof Verify> {
  static override summary = 'Verify the RunRecord chain end to end: files against the table, every hash link, and the stored artifacts records name.';
  static override description =
    'Checks each file under run_records/ against its run_records row, each record\'s own hash, every prev_record_hash link and seq, and every artifact a record references whose bytes live in the store or under output/ (rule file texts, config snapshots, alert versions, incident evidence payloads and files). Reports every problem; exit 2 naming the first broken link, 0 when intact. Read-only.';
  static override examples = ['<%= config.bin %> verify', '<%= config.bin %> verify --json'];

  protected async execute(ctx: AppContext): Promise<CommandOutcome> {
    const store = ctx.openStoreReadOnly();
    const v = verifyRunRecordChain(ctx, store);
    const where = (p: {run_group_id: string | null; seq: number | null; file: string | null}) =>
      p.run_group_id ? `run ${p.run_group_id} record ${p.seq}${p.file ? ` (${p.file})` : ''}` : (p.file ?? '');
    const lines = [`Verified ${v.records} RunRecord(s) in ${v.run_groups} run group(s) and ${v.artifacts_checked} stored artifact(s): ${v.ok ? 'intact' : `${v.problems.length} problem(s)`}`];
    if (v.first_broken) lines.push(`First broken link: ${where(v.first_broken)}: ${v.first_broken.code}: ${v.first_broken.message}`);
    for (const p of v.problems) lines.push(`  ${p.code}  ${where(p)}: ${p.message}`);
    return {
      exitCode: v.ok ? ExitCode.HEALTHY : ExitCode.BROKEN,
      text: lines.join('\n'),
      json: {...v},
      diagnostics: v.first_broken
        ? [{code: 'RUNRECORD_CHAIN_BROKEN_AT', severity: 'error', message: `first broken link: ${where(v.first_broken)}: ${v.first_broken.code}`, hint: 'restore the named files or rows from a backup, or find out who changed them'}]
        : [],
    };
  }
}
