import {HardstopError} from '../kernel/errors.js';
import {NetworkIndex} from '../network/network-index.js';
import {decideItem} from '../pipeline/decide.js';
import type {QualityResult} from '../pipeline/quality.js';
import type {StoredEvent} from '../pipeline/event.js';
import {instantOf} from '../kernel/time.js';
import {explain, type FinalClass} from '../rules/explain.js';
import {explainView} from '../rules/explain-compact.js';
import type {CommandOutcome} from '../present/command-outcome.js';
import {ReplayRepo} from '../store/replay-repo.js';
import type {AppContext} from './context.js';
import {loadDecisionInputs} from './decision-inputs.js';
import {requireAlert} from '../store/known-ids-repo.js';

/**
 * `rules explain --alert ID`: rebuilds the rule context of the event behind one alert version
 * (its stored raw item, the run clock of the decision, today's network and rules) and traces
 * every rule over it; prints the rules that decided, or with `verbose` every rule.
 */
export function explainAlert(ctx: AppContext, alertId: string, version: number | undefined, verbose: boolean): CommandOutcome {
  const store = ctx.openStoreForWrite();
  const repo = new ReplayRepo(store);
  const versions = repo.versions(requireAlert(store, alertId, '--alert'));
  const v = version === undefined ? versions[versions.length - 1] : versions.find((x) => x.version === version);
  if (!v) throw new HardstopError('ALERT_VERSION_NOT_FOUND', `${alertId} has no version ${version} (it has 1..${versions.length})`);
  const eventRow = repo.event(v.event_id);
  const raw = eventRow ? repo.rawItem(eventRow.raw_id) : undefined;
  if (!eventRow || !raw) throw new HardstopError('REPLAY_INPUT_MISSING', `the event ${v.event_id} or its raw item is missing from the store`);
  const inputs = loadDecisionInputs(ctx, store);
  const stored = JSON.parse(eventRow.event_json) as StoredEvent;
  const configured = inputs.sourcesConfig.sources.find((s) => s.id === stored.source_id);
  if (!configured) throw new HardstopError('SOURCE_UNKNOWN', `source ${stored.source_id} of this alert is no longer in config/sources.yaml`);
  const source = {...configured, tier: stored.tier, trust_tier: stored.trust_tier, classification_floor: stored.classification_floor, weighting_bias: stored.weighting_bias};
  const decision = decideItem(raw, source, {
    tables: {
      index: NetworkIndex.build(inputs.network),
      config: ctx.config,
      now: instantOf(v.decided_at)!,
    },
    pack: inputs.pack,
    sourceRules: inputs.sourceRules,
    noSuppress: false,
  });
  const trace = explain(inputs.pack, decision.ctx, {sourceRules: inputs.sourceRules.get(source.id) ?? []});
  const view = explainView(trace, {verbose, final: decision.kind === 'alert' ? pipelineFinalClass(decision.classify.classification, decision.quality) : undefined});
  const header = [
    `Alert ${alertId} version ${v.version} (${v.correlation_action}) — event ${v.event_id}: ${stored.title}`,
    `Decided at ${v.decided_at}; traced with today's network and rule pack ${inputs.pack.hash.slice(0, 12)} (\`hardstop incidents replay\` says whether they changed).`,
    '',
    '',
  ].join('\n');
  return {
    exitCode: 0,
    text: header + view.text,
    json: {alert_id: alertId, version: v.version, event_id: v.event_id, decided_at: v.decided_at, pack_hash: inputs.pack.hash, ...view.json},
    diagnostics: inputs.diagnostics.filter((d) => d.severity !== 'info'),
  };
}

/** The final class as the pipeline decided it: the class under the cap, then the source's floor. */
function pipelineFinalClass(base: number, q: QualityResult): FinalClass {
  const why = [...q.cap_reasons.map((r) => `capped at ${q.cap.cap} by ${q.cap.code}`), ...(q.floor_reason ? [q.floor_reason.text] : [])];
  return {classification: q.classification, text: `final class: ${q.classification}${why.length > 0 ? ` (class ${base}; ${why.join('; ')})` : ''}`};
}
