import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {openStoreForReport} from '../../app/report-store.js';
import type {Diagnostic} from '../../kernel/diagnostic.js';
import {ExitCode} from '../../kernel/exit-status.js';
import {batchRef} from '../../kernel/run-record.js';
import {parseSinceFlag} from '../../kernel/time.js';
import {materializeEvidenceFiles} from '../../pipeline/evidence-files.js';
import {requireAlert} from '../../store/known-ids-repo.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export const EVIDENCE_MATERIALIZE_OPERATOR = 'hardstop.evidence.materialize@1.0.0';

export default class EvidenceMaterialize extends HardstopCommand<typeof EvidenceMaterialize> {
  static override summary = 'Write incident evidence files under output/incidents/ from the stored payloads.';
  static override description =
    'The store holds every incident evidence payload; the files under output/incidents/ are derived copies, written on demand (here, by `alerts show --evidence` and by `incidents replay`), not by every run. Each file gets the payload of the latest alert version that names it. A present file that differs is reported (exit 1) and left as it is unless --force. Writes one RunRecord listing the files written.';
  static override examples = ['<%= config.bin %> evidence materialize', '<%= config.bin %> evidence materialize --since 7d', '<%= config.bin %> evidence materialize --alert ALERT-20251229-d31a370b --json', '<%= config.bin %> evidence materialize --force'];
  static override flags = {
    since: Flags.string({description: 'only evidence decided within this window ending at the run clock (<n>h or <n>d); default: all'}),
    alert: Flags.string({description: 'only the evidence of this alert id'}),
    force: Flags.boolean({description: 'rewrite present files that differ from the stored payload'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof EvidenceMaterialize>): Promise<CommandOutcome> {
    const since = parseSinceFlag(flags.since);
    const store = openStoreForReport(ctx);
    const alertIds = flags.alert === undefined ? undefined : [requireAlert(store, flags.alert, '--alert')];
    const group = ctx.runGroup('evidence-materialize', {since: since?.text ?? null, alert: alertIds?.[0] ?? null, force: flags.force});
    const r = await group.run(EVIDENCE_MATERIALIZE_OPERATOR, (trace) => {
      const result = materializeEvidenceFiles(store, ctx.home.outputDir, {
        alertIds,
        sinceMicros: since ? ctx.clock.now() - since.micros : undefined,
        overwrite: flags.force,
      });
      const written = [...result.writtenHashes].map(([f, hash]) => ({id: ctx.home.rel(f), hash})).sort((a, b) => (a.id < b.id ? -1 : 1));
      trace.output(batchRef('IncidentEvidenceFile', group.id, written, 'incident-evidence-files/v1'));
      return result;
    });
    const rel = (f: string) => ctx.home.rel(f);
    const diagnostics: Diagnostic[] = r.differing.map((f) => ({
      code: 'INCIDENT_ARTIFACT_MISMATCH',
      severity: 'warning',
      message: `${rel(f)} differs from the stored evidence payload; left as it is`,
      hint: 'the store is the source of truth: pass --force to rewrite it, or find out who edited it',
    }));
    const lines = [
      `Evidence files: ${r.created.length} written, ${r.rewritten.length} rewritten, ${r.unchanged.length} already current, ${r.differing.length} differing`,
      ...r.created.map((f) => `  written    ${rel(f)}`),
      ...r.rewritten.map((f) => `  rewritten  ${rel(f)}`),
      ...r.differing.map((f) => `  differs    ${rel(f)}`),
    ];
    return {
      exitCode: diagnostics.length ? ExitCode.WARNING : ExitCode.HEALTHY,
      text: lines.join('\n'),
      diagnostics,
      json: {written: r.created.map(rel), rewritten: r.rewritten.map(rel), differing: r.differing.map(rel), unchanged: r.unchanged.length},
    };
  }
}
