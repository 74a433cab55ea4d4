import {requireSource} from '../store/known-ids-repo.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {UsageError} from '../kernel/errors.js';
import type {RunRecord} from '../kernel/run-record.js';
import {formatInstant, parseSinceFlag} from '../kernel/time.js';
import {NetworkIndex} from '../network/network-index.js';
import {decidePrepared, type ItemDecision, prepareItem} from '../pipeline/decide.js';
import type {StoredEvent} from '../pipeline/event.js';
import {INGEST_EXTERNAL_OPERATOR, processingOrder} from '../pipeline/ingest-external.js';
import {decisionSource, type ResolvedRules} from '../pipeline/replay.js';
import {
  CHANGE_KINDS, type ChangedItem, type ChangeKind, compareFacts, type CorrelatedItem, decisionFacts, type DiffPolicy, groupIntoIncidents,
  incidentChanges, type RulesDiffReport, type RuleTraceDiff, type RuleTracePair, type ScoreThreshold, summarize, traceDiff,
} from '../pipeline/rule-diff.js';
import {instantOf} from '../pipeline/rule-context.js';
import {explain} from '../rules/explain.js';
import {type DecidedItemRow, decidedItemsSince, recordsOfOperator} from '../store/rule-diff-repo.js';
import type {AppContext} from './context.js';
import {compileSourceRules, loadDecisionInputs, loadHomeRulePack} from './decision-inputs.js';
import {loadRulesDir, parseRulesFlag, StoredRulePacks} from './rule-packs.js';

export interface RulesDiffOptions {
  /** `current` (default) or a folder of candidate rule files, relative to the working directory. */
  rules?: string;
  since?: string;
  source?: string;
  maxScoreDelta?: string;
  failOn?: string;
}

export const DEFAULT_FAIL_ON: readonly ChangeKind[] = ['suppress', 'class', 'score'];

/** `--fail-on suppress,class,…`: a usage error names any unknown kind. */
export function parseFailOn(text: string | undefined): Set<ChangeKind> {
  if (text === undefined) return new Set(DEFAULT_FAIL_ON);
  const kinds = text.split(',').map((k) => k.trim()).filter((k) => k !== '');
  const bad = kinds.filter((k) => !(CHANGE_KINDS as readonly string[]).includes(k));
  if (bad.length) throw new UsageError('USAGE_BAD_FAIL_ON', `--fail-on: unknown change kind ${bad.join(', ')}`, {hint: `use a comma-separated list of ${CHANGE_KINDS.join(', ')}`});
  return new Set(kinds as ChangeKind[]);
}

/** `--max-score-delta 5%` (share of the recorded score) or `2` (points). */
export function parseScoreDelta(text: string | undefined): ScoreThreshold {
  const t = (text ?? '5%').trim();
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(t);
  if (!m) throw new UsageError('USAGE_BAD_SCORE_DELTA', `--max-score-delta: "${t}" is not a percentage or a number of points`, {hint: 'e.g. --max-score-delta 5% or --max-score-delta 2'});
  return m[2] ? {unit: 'percent', value: Number(m[1])} : {unit: 'points', value: Number(m[1])};
}

export type RulesDiffResult =
  | {ok: true; report: RulesDiffReport; exitCode: 0 | 1; diagnostics: Diagnostic[]}
  | {ok: false; diagnostics: Diagnostic[]; sources: Map<string, string>};

function packOfRun(records: Map<string, string>, cache: Map<string, string | null>, runGroupId: string): string | null {
  if (!cache.has(runGroupId)) {
    const json = records.get(runGroupId);
    cache.set(runGroupId, json ? ((JSON.parse(json) as RunRecord).input_refs.find((r) => r.kind === 'RulePack')?.hash ?? null) : null);
  }
  return cache.get(runGroupId)!;
}

/** Items in the order ingest decided them: by run (decision time), then processing order. */
function decisionOrder(items: DecidedItemRow[]): DecidedItemRow[] {
  const byTime = new Map<string, DecidedItemRow[]>();
  for (const it of items) {
    const list = byTime.get(it.decided_at);
    if (list) list.push(it);
    else byTime.set(it.decided_at, [it]);
  }
  return [...byTime.keys()].sort((a, b) => (instantOf(a) ?? 0) - (instantOf(b) ?? 0)).flatMap((k) => processingOrder(byTime.get(k)!));
}

/** What each rule did to a decision, by `section:rule id`: only rules that did something. */
function ruleEffects(d: ItemDecision): Map<string, string> {
  const m = new Map<string, string>();
  if (d.type.rule_id) m.set(`types:${d.type.rule_id}`, d.type.type);
  for (const x of d.verdict?.matches ?? []) m.set(`suppress:${x.rule_id}`, 'matched');
  if (d.kind !== 'alert') return m;
  for (const c of d.score.contributions) m.set(`score:${c.rule_id}`, `${c.add}|${c.text}`);
  if (d.classify.rule_id) m.set(`classify:${d.classify.rule_id}`, String(d.classify.classification));
  if (d.quality.cap.code !== 'CAP_NONE') m.set(`quality:${d.quality.cap.code}`, String(d.quality.cap.cap));
  m.set(`correlate:${d.correlation.rule_id}`, d.correlation.key);
  return m;
}

/**
 * Traces of the rules that decided differently on the two sides (or that the changes name),
 * explain-style, reduced to the sub-expressions whose values differ.
 */
function tracePairs(rec: ResolvedRules, cand: ResolvedRules, bd: ItemDecision, cd: ItemDecision, sourceId: string, named: Set<string>): RuleTraceDiff[] {
  const a = ruleEffects(bd);
  const b = ruleEffects(cd);
  // A suppressed side decided nothing after suppression: only the suppress rules differ then.
  const suppressedSide = bd.kind === 'suppressed' || cd.kind === 'suppressed';
  const differing = new Set([...a.keys(), ...b.keys()].filter((k) => a.get(k) !== b.get(k) && (!suppressedSide || k.startsWith('suppress:'))));
  const only = (section: string, id: string) => named.has(id) || differing.has(`${section}:${id}`);
  const rx = explain(rec.pack, bd.ctx, {sourceRules: rec.sourceRules.get(sourceId) ?? [], only});
  const cx = explain(cand.pack, cd.ctx, {sourceRules: cand.sourceRules.get(sourceId) ?? [], only});
  const pairs = new Map<string, RuleTracePair>();
  for (const [side, list] of [['recorded', rx.rules], ['candidate', cx.rules]] as const) {
    for (const r of list) {
      const k = `${r.section}:${r.rule_id}`;
      const p = pairs.get(k) ?? {section: r.section, rule_id: r.rule_id, recorded: null, candidate: null};
      p[side] = r;
      pairs.set(k, p);
    }
  }
  return [...pairs.values()].map(traceDiff);
}

/**
 * `rules diff`: recomputes every item decided in the window under the candidate rules and
 * under the rules that decided it (its run's snapshot; the current files when none was
 * stored), both through decideItem's own stages (one preparation, two rule passes), and reports
 * every changed decision.
 * Reads only: it never writes decisions, records or files.
 */
export function buildRulesDiff(ctx: AppContext, opts: RulesDiffOptions): RulesDiffResult {
  const policy: DiffPolicy = {failOn: parseFailOn(opts.failOn), maxScoreDelta: parseScoreDelta(opts.maxScoreDelta)};
  const since = parseSinceFlag(opts.since ?? '30d')!;
  const choice = parseRulesFlag(opts.rules ?? 'current');
  const loaded = choice.kind === 'dir' ? loadRulesDir(ctx, choice.dir) : loadHomeRulePack(ctx);
  if (!loaded.pack) return {ok: false, diagnostics: loaded.diagnostics, sources: loaded.sources};
  const candidatePack = loaded.pack;

  const store = ctx.openStoreReadOnly();
  const inputs = loadDecisionInputs(ctx, store);
  const sources = inputs.sourcesConfig.sources;
  if (opts.source !== undefined && opts.source !== null) requireSource(sources.map((s) => s.id), opts.source, '--source', store);
  const candidateSource = compileSourceRules(candidatePack, sources);
  if (candidateSource.diagnostics.some((d) => d.severity === 'error')) return {ok: false, diagnostics: candidateSource.diagnostics, sources: new Map()};
  const candidate: ResolvedRules = {pack: candidatePack, sourceRules: candidateSource.rules, origin: choice.kind === 'dir' ? 'dir' : 'current'};
  const recorded = new StoredRulePacks(store, sources, {kind: 'recorded'}, {pack: inputs.pack, sourceRules: inputs.sourceRules});

  const until = ctx.clock.now();
  const from = until - since.micros;
  // The SQL bound is a second early (instant texts with and without fractions do not sort as
  // instants); the exact bound is applied on the parsed instants.
  const rows = decidedItemsSince(store, formatInstant(Math.floor(from / 1_000_000) * 1_000_000 - 1_000_000), opts.source ?? null).filter(
    (r) => (instantOf(r.decided_at) ?? -Infinity) >= from,
  );
  const tables = {index: NetworkIndex.build(inputs.network), shipmentsById: new Map(inputs.network.shipments.map((s) => [s.shipment_id, s])), config: ctx.config};
  const records = recordsOfOperator(store, INGEST_EXTERNAL_OPERATOR);
  const packCache = new Map<string, string | null>();
  const packUse = new Map<string, {items: number; snapshot: boolean}>();
  // The home's warnings, and the candidate folder's when it is not the home's pack.
  const diagnostics: Diagnostic[] = [...inputs.diagnostics, ...(choice.kind === 'dir' ? loaded.diagnostics : [])].filter((d) => d.severity !== 'info');
  const changed: ChangedItem[] = [];
  const recordedGroups: CorrelatedItem[] = [];
  const candidateGroups: CorrelatedItem[] = [];
  let withoutSnapshot = 0;
  let compared = 0;

  for (const row of decisionOrder(rows)) {
    const event = JSON.parse(row.event_json) as StoredEvent;
    const source = decisionSource(event, sources);
    const packHash = packOfRun(records, packCache, row.run_group_id);
    const rec = recorded.forRecorded(packHash);
    const snapshot = rec.origin === 'recorded';
    if (!snapshot) withoutSnapshot++;
    const use = packUse.get(packHash ?? rec.pack.hash) ?? {items: 0, snapshot};
    use.items++;
    packUse.set(packHash ?? rec.pack.hash, use);
    const env = {tables: {...tables, now: instantOf(row.decided_at)!}, noSuppress: false};
    let bd: ItemDecision;
    let cd: ItemDecision;
    try {
      // One preparation (normalize, link, context), decided under both packs by decideItem's own rule stage.
      const prepared = prepareItem(row, source, env.tables);
      bd = decidePrepared(prepared, source, {...env, pack: rec.pack, sourceRules: rec.sourceRules});
      cd = rec.pack.hash === candidate.pack.hash ? bd : decidePrepared(prepared, source, {...env, pack: candidate.pack, sourceRules: candidate.sourceRules});
    } catch (err) {
      diagnostics.push({code: 'RULES_DIFF_ITEM_FAILED', severity: 'warning', message: `${row.source_id} ${row.raw_id}: ${(err as Error).message}`, details: {event_id: row.event_id}});
      continue;
    }
    compared++;
    const eventTime = instantOf(bd.event.event_time) ?? instantOf(row.decided_at)!;
    if (bd.kind === 'alert') recordedGroups.push({id: row.event_id, key: bd.correlation.key, eventTime, windowMicros: bd.correlation.window_micros, follow: bd.correlation.follow});
    if (cd.kind === 'alert') candidateGroups.push({id: row.event_id, key: cd.correlation.key, eventTime, windowMicros: cd.correlation.window_micros, follow: cd.correlation.follow});
    if (bd === cd) continue;
    const changes = compareFacts(decisionFacts(bd), decisionFacts(cd), policy);
    if (changes.length === 0) continue;
    const named = new Set(changes.flatMap((c) => c.rule_ids));
    changed.push({
      event_id: row.event_id,
      raw_id: row.raw_id,
      source_id: row.source_id,
      title: bd.event.title,
      decided_at: row.decided_at,
      run_group_id: row.run_group_id,
      baseline: snapshot ? 'recorded' : 'current',
      changes,
      fails: changes.some((c) => c.fails),
      trace: tracePairs(rec, candidate, bd, cd, source.id, named),
    });
  }
  if (withoutSnapshot > 0) {
    diagnostics.push({
      code: 'RULES_DIFF_NO_SNAPSHOT',
      severity: 'info',
      message: `${withoutSnapshot} item(s) were decided by runs that stored no rule snapshot: they are compared against the current rule files`,
    });
  }
  const report: RulesDiffReport = {
    window: {since: formatInstant(from), until: formatInstant(until), source: opts.source ?? null},
    candidate: {rules: choice.kind === 'dir' ? opts.rules! : 'current', pack_hash: candidatePack.hash},
    policy: {fail_on: CHANGE_KINDS.filter((k) => policy.failOn.has(k)), max_score_delta: policy.maxScoreDelta.unit === 'percent' ? `${policy.maxScoreDelta.value}%` : `${policy.maxScoreDelta.value}`},
    items_compared: compared,
    items_without_snapshot: withoutSnapshot,
    recorded_packs: [...packUse].map(([pack_hash, u]) => ({pack_hash, ...u})).sort((a, b) => (a.pack_hash < b.pack_hash ? -1 : 1)),
    summary: summarize(changed),
    incidents: incidentChanges(groupIntoIncidents(recordedGroups), groupIntoIncidents(candidateGroups)),
    items: changed,
  };
  // A merge or split fails the gate under `correlation` even when no single key is reported.
  const incidentFails = policy.failOn.has('correlation') && report.incidents.length > 0;
  return {ok: true, report, exitCode: report.summary.items_failing > 0 || incidentFails ? 1 : 0, diagnostics};
}
