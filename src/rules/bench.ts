import type {CompiledRulePack} from './pack.js';
import {emptyContext, type RuleContext} from './schema.js';

export interface BenchResult {
  evaluations: number;
  seconds: number;
  perSecond: number;
}

/** A representative linked event for benchmarks. */
export function benchContext(): RuleContext {
  const ctx = emptyContext();
  ctx.now = 1_735_041_600_000_000; // 2024-12-24T12:00:00Z
  ctx.event = {...ctx.event, title: 'Strike at DC-02 enters day two', raw_text: 'Strike at DC-02 enters day two Pickets at gate.', summary: 'Pickets at gate.', type: 'STRIKE', type_ref: 'STRIKE', url: 'https://example.com/a'};
  ctx.source = {...ctx.source, id: 'news', tier: 'regional', trust_tier: 3, weighting_bias: 0};
  ctx.facilities = [{id: 'DC-02', name: 'Atlanta Regional Warehouse', type: 'DC', city: 'Atlanta', state: 'GA', criticality: 5}];
  ctx.lanes = [{id: 'LANE-002', origin: 'PLANT-01', dest: 'DC-02', mode: 'TRUCK', volume: 7}];
  ctx.shipments = [{id: 'SHP-1008', lane_id: 'LANE-002', status: 'IN_TRANSIT', priority: 1, eta: ctx.now + 3_600_000_000, qty: 10}];
  return ctx;
}

/**
 * Rule evaluations per second: each suppress rule condition and each score rule is one
 * evaluation. `clock` returns milliseconds (scripts pass performance.now; src stays
 * clock-free so strict mode can forbid wall-clock reads).
 */
export function benchRuleEvaluations(pack: CompiledRulePack, n: number, clock: () => number, ctx: RuleContext = benchContext()): BenchResult {
  const perRound = pack.suppressRules.filter((r) => r.enabled).length + pack.scoreRules.filter((r) => r.enabled).length;
  let sink = 0;
  const t0 = clock();
  for (let i = 0; i < n; i++) {
    const v = pack.suppress(ctx);
    const s = pack.score(ctx);
    sink += (v.suppressed ? 1 : 0) + s.score;
  }
  const seconds = Math.max(1e-9, (clock() - t0) / 1000);
  // `sink` keeps the work observable so nothing is optimized away.
  const evaluations = perRound * n + (sink < 0 ? 1 : 0);
  return {evaluations, seconds, perSecond: evaluations / seconds};
}
