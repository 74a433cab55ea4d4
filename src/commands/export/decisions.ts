import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {ExitCode} from '../../kernel/exit-status.js';
import {runExportDecisionsOperator} from '../../reports/decisions.js';
import {openStoreForReport} from '../../app/report-store.js';
import {requireRunGroup} from '../../store/known-ids-repo.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class ExportDecisions extends HardstopCommand<typeof ExportDecisions> {
  static override summary = 'Export one JSON line per processed raw item: suppression, linked facilities and paths, incident.';
  static override description =
    'Lines are sorted by item id (the feed\'s guid / NWS id, else the raw id) and carry item_id, raw_id, source_id, event_id, suppressed, suppression_rule_ids, facility_ids, link_paths and incident_id: the predictions format the benchmark scorer reads. Without --out the JSONL goes to stdout (the status line to stderr); --out writes the file atomically. Writes one RunRecord whose output ref is the hash of the bytes written.';
  static override examples = [
    '<%= config.bin %> export decisions --out predictions.jsonl',
    '<%= config.bin %> export decisions > predictions.jsonl',
    '<%= config.bin %> export decisions --run 0f5d2c1e-…',
  ];
  static override flags = {
    out: Flags.string({description: 'write the JSONL to this file (relative to the working directory; atomically; folders are created) instead of stdout'}),
    run: Flags.string({description: 'only items decided in this run group (run_group_id)'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof ExportDecisions>): Promise<CommandOutcome> {
    const store = openStoreForReport(ctx);
    const outPath = flags.out ? ctx.flagPath(flags.out) : null;
    const runGroupId = flags.run === undefined ? null : requireRunGroup(store, flags.run);
    const group = ctx.runGroup('export-decisions', {out: outPath ? ctx.home.rel(outPath) : null, run: runGroupId});
    const result = await runExportDecisionsOperator(store, group, {runGroupId, outPath});
    const summary = `Exported ${result.lines} decision(s): ${result.suppressed} suppressed, ${result.linked} linked to facilities (${result.bytes} bytes, sha256 ${result.hash.slice(0, 12)})`;
    const json = {
      out: outPath ? ctx.home.rel(outPath) : null,
      run_group_filter: runGroupId,
      lines: result.lines,
      suppressed: result.suppressed,
      linked: result.linked,
      bytes: result.bytes,
      sha256: result.hash,
    };
    if (outPath) return {exitCode: ExitCode.HEALTHY, text: `${summary}\nWrote ${ctx.home.rel(outPath)}`, json};
    process.stderr.write(`${summary}\n`);
    return {exitCode: ExitCode.HEALTHY, streamedToStdout: true, json};
  }
}
