import {Args} from '@oclif/core';
import type {AppContext} from '../../app/context.js';
import {ExitCode} from '../../kernel/exit-status.js';
import {alertDetailText, getAlertDetail} from '../../reports/alerts.js';
import {openStoreReadOnlyChecked} from '../../app/report-store.js';
import {type CommandArgs, type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class AlertsShow extends HardstopCommand<typeof AlertsShow> {
  static override summary = 'Show one alert: the stored current document, evidence verification, provenance and every version.';
  static override description =
    'Each version lists its correlation action (CREATED/UPDATED), classification, impact score, decision time, event and incident-evidence hash (verified against its payload). Unknown id: exit 2. Read-only; writes no RunRecord.';
  static override examples = ['<%= config.bin %> alerts show ALERT-20251229-d31a370b', '<%= config.bin %> alerts show ALERT-20251229-d31a370b --json'];
  static override args = {
    id: Args.string({description: 'alert id (see `hardstop alerts list`)', required: true}),
  };

  protected async execute(ctx: AppContext, _flags: CommandFlags<typeof AlertsShow>, args: CommandArgs<typeof AlertsShow>): Promise<CommandOutcome> {
    const store = openStoreReadOnlyChecked(ctx);
    const detail = getAlertDetail(store, args.id);
    const unverified = !detail.evidence.verified || detail.versions.some((v) => !v.evidence_verified);
    return {
      exitCode: unverified ? ExitCode.WARNING : ExitCode.HEALTHY,
      text: alertDetailText(detail),
      diagnostics: unverified
        ? [
            {
              code: 'INCIDENT_ARTIFACT_MISMATCH',
              severity: 'warning',
              message: `stored incident evidence of ${detail.alert_id} does not match its hash`,
              hint: `run \`hardstop incidents replay ${detail.alert_id} --strict\` to investigate`,
            },
          ]
        : [],
      json: {...detail},
    };
  }
}
