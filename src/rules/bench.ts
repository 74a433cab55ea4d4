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

/** Headlines and body leads like those of real feeds: some name a type, some name none (every row runs). */
const TYPE_BENCH_TEXTS: [string, string][] = [
  ['Strike at DC-02 enters day two', 'Pickets at the gate since Monday; the union says talks with management have stalled over wages and overtime rules. Trucks are turned away at the north entrance.'],
  ['Council approves budget for new library branch', 'The city council voted 7-2 on Tuesday to fund the branch, which will open in 2027 on the site of the former bus depot, officials said. Construction bids open next month.'],
  ['Winter storm warning issued for the northern plains', 'Heavy snow and strong winds are expected through Thursday evening, with travel becoming very difficult to impossible on Interstate 94.'],
  ['Company recalls frozen dumplings over undeclared shrimp', 'The recall covers 12-ounce packages sold nationwide between March and May; consumers with a shellfish allergy should not eat the product.'],
  ['Quarterly results beat expectations as demand for chips rises', 'Revenue grew 14% from a year earlier, driven by data-centre orders, while the company kept its full-year outlook unchanged amid currency headwinds.'],
  ['Highway 12 reopens after overnight closure', 'Crews cleared the debris left by a rockslide and lanes are open in both directions, the transport department said early on Saturday morning.'],
  ['Ransomware attack disrupts order processing at logistics firm', 'Systems were knocked offline on Sunday; the firm said deliveries continue on paper while investigators work to restore its network.'],
  ['Local team wins championship in overtime thriller', 'Fans filled the streets downtown after the final whistle — the first title for the club in thirty-one years, and a night the players will not forget!'],
];

/**
 * Event-type evaluations per second (the `types:` rows, which test the pack's large regex
 * alternations on each item's headline and body lead), over TYPE_BENCH_TEXTS in turn.
 */
export function benchTypeEvaluations(pack: CompiledRulePack, n: number, clock: () => number): BenchResult {
  const base = benchContext();
  const contexts = TYPE_BENCH_TEXTS.map(([title, summary]): RuleContext => ({...base, event: {...base.event, title, summary, raw_text: `${title} ${summary}`, type: null, type_ref: null}}));
  let sink = 0;
  const t0 = clock();
  for (let i = 0; i < n; i++) sink += pack.eventType(contexts[i % contexts.length]).type.length;
  const seconds = Math.max(1e-9, (clock() - t0) / 1000);
  const evaluations = n + (sink < 0 ? 1 : 0);
  return {evaluations, seconds, perSecond: evaluations / seconds};
}
