import {blockingWorkerSide} from '../kernel/blocking-worker.js';
import {parseYamlText} from '../kernel/yaml-source.js';
import {rebuildFromSnapshot} from '../rules/snapshot.js';
import {type DecidedItem, decideForWriter} from './decided-item.js';
import type {DecisionEnv} from './decide.js';
import {type DecideAnswer, type DecideRequest, type DecideWorkerData, revivedSources} from './decide-worker-protocol.js';
import {contextTablesOf} from './rule-context.js';
import {compileSourceRules} from './source-rules.js';

/*
 * The decide worker (worker_threads): decides chunks of pending raw items for the writer
 * (ingest-external.ts) while it writes the previous chunk. It rebuilds the writer's decision
 * environment from the same inputs and refuses to decide if the pack or the per-source rules
 * come out different. Correlation and every write stay with the writer.
 */

const side = blockingWorkerSide<DecideWorkerData, DecideRequest, DecideAnswer>();

function decider(data: DecideWorkerData): (items: DecideRequest['items']) => DecidedItem[] {
  const rebuilt = rebuildFromSnapshot(data.rules);
  if (!rebuilt.pack) throw new Error(`the rule files do not rebuild the pack: ${rebuilt.diagnostics.map((d) => d.message).join('; ')}`);
  const pack = rebuilt.pack;
  if (pack.hash !== data.expect.packHash) throw new Error(`the rule files rebuild pack ${pack.hash.slice(0, 12)}, not the writer's ${data.expect.packHash.slice(0, 12)}`);
  const sources = revivedSources(data.sources, parseYamlText);
  const sourceRules = compileSourceRules(pack, sources).rules;
  const ids = (id: string) => (sourceRules.get(id) ?? []).map((r) => r.id).join(',');
  for (const [id, expected] of data.expect.sourceRuleIds) {
    if (ids(id) !== expected.join(',')) throw new Error(`source "${id}": the suppress rules compile to [${ids(id)}], not the writer's [${expected.join(',')}]`);
  }
  const env: DecisionEnv = {tables: contextTablesOf(data.network, data.config, data.now), pack, sourceRules, noSuppress: data.noSuppress};
  const byId = new Map(sources.map((s) => [s.id, s]));
  return (items) => items.map((item) => decideForWriter(item, byId.get(item.source_id)!, env, data.stamp));
}

let decide: ((items: DecideRequest['items']) => DecidedItem[]) | null = null;
try {
  const t0 = performance.now();
  decide = decider(side.data);
  side.answer({kind: 'ready', setupMs: performance.now() - t0});
} catch (err) {
  side.answer({kind: 'failed', message: (err as Error).message});
}

side.onRequest((request) => {
  if (!decide) return;
  try {
    const t0 = performance.now();
    const decided = decide(request.items);
    side.answer({kind: 'decided', chunk: request.chunk, decided, busyMs: performance.now() - t0});
  } catch (err) {
    side.answer({kind: 'failed', message: (err as Error).message});
  }
});
