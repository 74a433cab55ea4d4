import * as Args from '@oclif/core/args';
import type {AppContext} from '../../app/context.js';
import {ExitCode} from '../../kernel/exit-status.js';
import {verifyBundle} from '../../reports/bundle/verify.js';
import {type CommandArgs, type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class ExportVerify extends HardstopCommand<typeof ExportVerify> {
  static override summary = 'Verify an export bundle: manifest, checksums, paths, config hash, RunRecords and evidence hashes.';
  static override description =
    'Every check runs and every problem is reported (sorted by path, then code) as `FAIL <path>: <CODE> <message>`, or `OK <n> files verified`. Exit 0 when the bundle is intact, 2 otherwise (never 1). Needs no home or database: a bundle copied to another machine verifies there.';
  static override examples = ['<%= config.bin %> export verify bundles/today', '<%= config.bin %> export verify bundles/today --json'];
  static override args = {dir: Args.string({description: 'bundle folder (relative to the working directory)', required: true})};

  protected override requiresConfig = false;

  protected async execute(ctx: AppContext, _flags: CommandFlags<typeof ExportVerify>, args: CommandArgs<typeof ExportVerify>): Promise<CommandOutcome> {
    const r = verifyBundle(ctx.flagPath(args.dir));
    const lines = r.ok
      ? [`OK ${r.files_checked} files verified (bundle ${(r.manifest_hash ?? '').slice(0, 12)})`]
      : r.problems.map((p) => `FAIL ${p.path}: ${p.code} ${p.message}`);
    return {
      exitCode: r.ok ? ExitCode.HEALTHY : ExitCode.BROKEN,
      text: lines.join('\n'),
      json: {ok: r.ok, manifest_hash: r.manifest_hash, files_checked: r.files_checked, problems: r.problems},
    };
  }
}
