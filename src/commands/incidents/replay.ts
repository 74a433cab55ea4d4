import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../../app/context.js';
import {compileSourceRules, loadDecisionInputs} from '../../app/decision-inputs.js';
import {loadRulesDir, parseRulesFlag, StoredRulePacks} from '../../app/rule-packs.js';
import {runtimeSnapshot} from '../../config/runtime.js';
import {artifactHash} from '../../kernel/canonical-json.js';
import type {Diagnostic} from '../../kernel/diagnostic.js';
import {HardstopError} from '../../kernel/errors.js';
import {requireAlert, requireRunGroup} from '../../store/known-ids-repo.js';
import {ExitCode} from '../../kernel/exit-status.js';
import {valueRef} from '../../kernel/run-record.js';
import {NetworkIndex} from '../../network/network-index.js';
import {materializeEvidenceFiles} from '../../pipeline/evidence-files.js';
import {ReplayRepo, replayIncident, RunGroupProvenance, type VersionReplay} from '../../pipeline/replay.js';
import {currentNetworkHash} from '../../store/network-repo.js';
import {type CommandArgs, type CommandFlags, HardstopCommand, type CommandOutcome} from '../base-command.js';

export const REPLAY_OPERATOR = 'hardstop.incidents.replay@1.0.0';

function short(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text === undefined ? 'undefined' : text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export default class IncidentsReplay extends HardstopCommand<typeof IncidentsReplay> {
  static override summary = 'Recompute stored decisions from their inputs and compare: links, verdict, score, class, correlation, evidence.';
  static override description =
    'Each version is recomputed with the rule files of the run that decided it (stored as a snapshot); --rules current or --rules DIR replays under others. Strict (default): any missing or changed input (raw item, network, rule pack, config) or any recomputed difference exits 2. Best-effort: changed inputs are replaced by the current ones and reported; differences exit 1. Replay never counts its own RunRecords as provenance.';
  static override examples = ['<%= config.bin %> incidents replay ALERT-20251229-f35988e5460ec386', '<%= config.bin %> incidents replay --run 7c1c62bf-…', '<%= config.bin %> incidents replay --best-effort --json', '<%= config.bin %> incidents replay --rules current'];
  static override args = {
    alert_id: Args.string({description: 'the incident (alert) id; omit to replay every incident (or those of --run)'}),
  };
  static override flags = {
    run: Flags.string({description: 'replay every incident touched by this run group'}),
    rules: Flags.string({description: 'recompute with `current` rule files or a folder of rule files (default: the rules each version was decided with, from its run\'s snapshot)'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof IncidentsReplay>, args: CommandArgs<typeof IncidentsReplay>): Promise<CommandOutcome> {
    const strict = ctx.mode === 'strict';
    const store = ctx.openStoreForWrite();
    const inputs = loadDecisionInputs(ctx, store);
    const choice = parseRulesFlag(flags.rules);
    let dirPack = null;
    if (choice.kind === 'dir') {
      const loaded = loadRulesDir(ctx, choice.dir);
      if (!loaded.pack) throw new HardstopError('RULES_INVALID', `the rule files in ${flags.rules} do not compile`, {diagnostics: loaded.diagnostics});
      dirPack = {pack: loaded.pack, sourceRules: compileSourceRules(loaded.pack, inputs.sourcesConfig.sources).rules};
    }
    const repo = new ReplayRepo(store);
    const run = flags.run === undefined ? null : requireRunGroup(store, flags.run);
    const alertIds = args.alert_id ? [requireAlert(store, args.alert_id, '<alert_id>')] : repo.alertIdsOfRun(run);
    const current = {
      config: ctx.config,
      configHash: ctx.configHash,
      runtimeSnapshotHash: artifactHash(runtimeSnapshot(ctx.config)),
      rules: new StoredRulePacks(store, inputs.sourcesConfig.sources, choice, {pack: inputs.pack, sourceRules: inputs.sourceRules}, dirPack),
      sources: inputs.sourcesConfig.sources,
      index: NetworkIndex.build(inputs.network),
      networkHash: currentNetworkHash(store),
      outputDir: ctx.home.outputDir,
    };
    const group = ctx.runGroup('incidents-replay', {alert_id: args.alert_id ?? null, run, rules: flags.rules ?? null});
    // Evidence files are written on demand: replay writes the missing ones of the incidents it
    // checks, and reports (never replaces) a present file that differs from the store.
    const written = materializeEvidenceFiles(store, ctx.home.outputDir, {alertIds, overwrite: false}).created;
    const results = await group.run(REPLAY_OPERATOR, (trace) => {
      const all: VersionReplay[] = [];
      // One provenance check per run group, shared by every incident replayed.
      const provenance = new RunGroupProvenance(store, repo);
      for (const id of alertIds) all.push(...replayIncident(store, id, current, strict, provenance));
      for (const r of all) trace.input({id: `alert-version:${r.alert_id}@${r.version}`, kind: 'AlertVersion', hash: r.stored.alert_hash});
      trace.output(valueRef(`replay-report:${group.id}`, 'ReplayReport', all.map((r) => ({alert_id: r.alert_id, version: r.version, recomputed: r.recomputed, differences: r.differences.length}))));
      return all;
    });
    const diagnostics: Diagnostic[] = [];
    const lines: string[] = [];
    let differing = 0;
    for (const r of results) {
      const mark = r.differences.length ? 'DIFF' : r.diagnostics.some((d) => d.severity === 'error') ? 'FAIL' : r.diagnostics.some((d) => d.severity === 'warning') ? 'WARN' : 'ok  ';
      if (r.differences.length) differing++;
      lines.push(`${mark} ${r.alert_id} v${r.version} ${r.correlation_action.padEnd(7)} event ${r.event_id}  evidence ${r.stored.evidence_hash.slice(0, 12)}${r.recomputed && r.recomputed.evidence_hash !== r.stored.evidence_hash ? ` → ${r.recomputed.evidence_hash.slice(0, 12)}` : ''}`);
      for (const d of r.differences) lines.push(`       ${d.field}: ${short(d.stored)} → ${short(d.recomputed)}`);
      for (const d of r.diagnostics) diagnostics.push({...d, message: `${r.alert_id} v${r.version}: ${d.message}`});
    }
    // The same input problem shows on every version it touches: report each once.
    const seen = new Set<string>();
    const unique = diagnostics.filter((d) => {
      const k = `${d.code}|${d.message.replace(/^\S+ v\d+: /, '')}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const failed = unique.some((d) => d.severity === 'error') || (strict && differing > 0);
    const exitCode = failed ? ExitCode.BROKEN : differing > 0 || unique.some((d) => d.severity === 'warning') ? ExitCode.WARNING : ExitCode.HEALTHY;
    if (strict && differing > 0) {
      unique.push({code: 'REPLAY_MISMATCH', severity: 'error', message: `${differing} version(s) recomputed differently from what was stored`, hint: 'the differences are listed above as field: stored → recomputed'});
    }
    lines.push('', `Replayed ${results.length} version(s) of ${alertIds.length} incident(s): ${results.length - differing} identical, ${differing} different`);
    if (written.length) lines.push(`Wrote ${written.length} missing evidence file(s) under output/incidents/`);
    return {
      exitCode,
      text: lines.join('\n'),
      diagnostics: unique,
      json: {incidents: alertIds.length, versions: results, evidence_files_written: written.map((f) => ctx.home.rel(f))},
    };
  }
}
