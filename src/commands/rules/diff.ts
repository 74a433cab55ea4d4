import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {buildRulesDiff} from '../../app/rules-diff.js';
import {ExitCode} from '../../kernel/exit-status.js';
import {renderRulesDiffMarkdown, renderRulesDiffText} from '../../reports/rules-diff.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class RulesDiff extends HardstopCommand<typeof RulesDiff> {
  static override summary = 'Recompute stored decisions under candidate rules and report every decision that would change. Writes nothing.';
  static override description =
    'Each item decided in the window is recomputed with the rules that decided it (its run\'s snapshot; the current files for runs stored before snapshots, and the report says so) and with the candidate rules, by the same decision function as ingest. Reports suppression flips (rule ids on both sides), class changes, impact-score deltas, correlation-key changes (incidents that would merge or split), facility and event-type changes, with rule traces for the changed items. Exit 0 when nothing in --fail-on changed beyond the thresholds, 1 when something did, 2 when the candidate rules do not check.';
  static override examples = [
    '<%= config.bin %> rules diff',
    '<%= config.bin %> rules diff --rules ../pr/rules/supply-chain --since 30d --format md',
    '<%= config.bin %> rules diff --source nws_alerts --fail-on suppress,class,score,correlation --max-score-delta 10%',
  ];
  static override flags = {
    rules: Flags.string({description: 'candidate: `current` (the home\'s rule files, default) or a folder of rule files'}),
    since: Flags.string({description: 'items decided within this window before now (e.g. 24h, 30d)', default: '30d'}),
    source: Flags.string({description: 'only items of this source id'}),
    format: Flags.string({description: 'output format', options: ['text', 'md', 'json'], default: 'text'}),
    'max-score-delta': Flags.string({description: 'an impact-score change above this fails `score`: a share of the recorded score (5%) or points (2)', default: '5%'}),
    'fail-on': Flags.string({description: 'comma-separated change kinds that fail: suppress, class, score, correlation, link, type', default: 'suppress,class,score'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof RulesDiff>): Promise<CommandOutcome> {
    const r = await buildRulesDiff(ctx, {rules: flags.rules, since: flags.since, source: flags.source, maxScoreDelta: flags['max-score-delta'], failOn: flags['fail-on']});
    if (!r.ok) return {exitCode: ExitCode.BROKEN, diagnostics: r.diagnostics, sources: r.sources, json: {ok: false}};
    const outcome: CommandOutcome = {exitCode: r.exitCode, diagnostics: r.diagnostics, json: {...r.report}};
    if (flags.format === 'json') outcome.payload = `${JSON.stringify(r.report, null, 2)}\n`;
    else if (flags.format === 'md') outcome.payload = renderRulesDiffMarkdown(r.report);
    else outcome.text = renderRulesDiffText(r.report);
    return outcome;
  }
}
