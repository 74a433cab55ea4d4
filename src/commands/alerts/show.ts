import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import type {Diagnostic} from '../../kernel/diagnostic.js';
import {ExitCode} from '../../kernel/exit-status.js';
import {materializeEvidenceFiles} from '../../pipeline/evidence-files.js';
import {alertDetailText, getAlertDetail} from '../../reports/alerts.js';
import {openStoreReadOnlyChecked} from '../../app/report-store.js';
import {type CommandArgs, type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class AlertsShow extends HardstopCommand<typeof AlertsShow> {
  static override summary = 'Show one alert: the stored current document, evidence verification, provenance and every version.';
  static override description =
    'Each version lists its correlation action (CREATED/UPDATED), classification, impact score, decision time, event and incident-evidence hash (verified against its payload). Unknown id: exit 2. Reads the store only and writes no RunRecord; --evidence writes the alert\'s missing incident evidence files under output/incidents/ (copies of the stored payloads) and reports any present file that differs.';
  static override examples = ['<%= config.bin %> alerts show ALERT-20251229-d31a370b', '<%= config.bin %> alerts show ALERT-20251229-d31a370b --json', '<%= config.bin %> alerts show ALERT-20251229-d31a370b --evidence'];
  static override flags = {
    evidence: Flags.boolean({description: "write the alert's incident evidence files under output/incidents/ and list them"}),
  };
  static override args = {
    id: Args.string({description: 'alert id (see `hardstop alerts list`)', required: true}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof AlertsShow>, args: CommandArgs<typeof AlertsShow>): Promise<CommandOutcome> {
    const store = openStoreReadOnlyChecked(ctx);
    const detail = getAlertDetail(store, args.id);
    const diagnostics: Diagnostic[] = [];
    if (!detail.evidence.verified || detail.versions.some((v) => !v.evidence_verified)) {
      diagnostics.push({
        code: 'INCIDENT_ARTIFACT_MISMATCH',
        severity: 'warning',
        message: `stored incident evidence of ${detail.alert_id} does not match its hash`,
        hint: `run \`hardstop incidents replay ${detail.alert_id} --strict\` to investigate`,
      });
    }
    let files: {path: string; state: 'written' | 'present' | 'differs'}[] | undefined;
    if (flags.evidence) {
      const r = materializeEvidenceFiles(store, ctx.home.outputDir, {alertIds: [detail.alert_id], overwrite: false});
      const rel = (f: string) => ctx.home.rel(f);
      files = [
        ...r.created.map((f) => ({path: rel(f), state: 'written' as const})),
        ...r.unchanged.map((f) => ({path: rel(f), state: 'present' as const})),
        ...r.differing.map((f) => ({path: rel(f), state: 'differs' as const})),
      ].sort((a, b) => (a.path < b.path ? -1 : 1));
      for (const f of r.differing) {
        diagnostics.push({
          code: 'INCIDENT_ARTIFACT_MISMATCH',
          severity: 'warning',
          message: `${rel(f)} differs from the stored evidence of ${detail.alert_id}`,
          hint: 'the store is the source of truth: `hardstop evidence materialize --force` rewrites it',
        });
      }
    }
    const text = [alertDetailText(detail), ...(files ? ['', 'Evidence files:', ...files.map((f) => `  ${f.path} (${f.state})`)] : [])].join('\n');
    return {
      exitCode: diagnostics.length ? ExitCode.WARNING : ExitCode.HEALTHY,
      text,
      diagnostics,
      json: files ? {...detail, evidence_files: files} : {...detail},
    };
  }
}
