import {basename} from 'node:path';
import {canonicalJson} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {decidePrepared, type ItemDecision, prepareItem, type SharedStages} from '../pipeline/decide.js';
import type {StoredEvent} from '../pipeline/event.js';
import {decisionSource, type ResolvedRules} from '../pipeline/replay.js';
import {type ChangedItem, compareFacts, type CorrelatedItem, decisionFacts, type RuleTraceDiff, type RuleTracePair, traceDiff} from '../pipeline/rule-diff.js';
import {instantOf} from '../kernel/time.js';
import {explain} from '../rules/explain.js';
import type {CompiledRulePack} from '../rules/pack.js';
import type {DecidedItemRow} from '../store/rule-diff-repo.js';
import type {RulesDiffInputs} from './rules-diff-inputs.js';

/**
 * One item recomputed under both sides: plain data, so a worker thread can return it. The
 * report is assembled from these in decision order, whichever thread computed them.
 */
export interface ItemOutcome {
  /** The recorded pack the item was compared against (its run's, or the home's without one). */
  packKey: string;
  snapshot: boolean;
  /** Set when recomputing the item threw: it is reported and left out of the comparison. */
  failure: Diagnostic | null;
  recordedGroup: CorrelatedItem | null;
  candidateGroup: CorrelatedItem | null;
  changed: ChangedItem | null;
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

type StageName = Exclude<keyof SharedStages, 'decision'>;
const STAGES: readonly StageName[] = ['types', 'score', 'classify', 'quality', 'correlate'];

/**
 * Each stage's rules as evaluated, with the lists and macros they read, and where they stand
 * (file name, line, column): a candidate folder is a copy of the pack elsewhere, so the folder
 * is left out. A shared result keeps the recorded rule's path; the diff never reads it.
 */
function stageForms(pack: CompiledRulePack): Record<StageName, string> {
  const form = pack.compiledForm() as Record<string, unknown>;
  const where = (rules: readonly {id: string; file: string; line: number; col: number}[]) => rules.map((r) => [r.id, basename(r.file), r.line, r.col]);
  const rules: Record<StageName, readonly {id: string; file: string; line: number; col: number}[]> = {
    types: pack.typeRules, score: pack.scoreRules, classify: pack.classifyRules, quality: pack.qualityRules, correlate: pack.correlateRules,
  };
  const out = {} as Record<StageName, string>;
  for (const stage of STAGES) out[stage] = canonicalJson({lists: form.lists, macros: form.macros, bounds: stage === 'score' ? form.bounds : null, form: form[stage], where: where(rules[stage])});
  return out;
}

/** Which stages the candidate shares with a recorded pack, by the recorded pack's hash (computed once per pack). */
export class SharedStageTable {
  private readonly candidate: Record<StageName, string>;
  private readonly byPack = new Map<string, Omit<SharedStages, 'decision'>>();

  constructor(candidate: CompiledRulePack) {
    this.candidate = stageForms(candidate);
  }

  with(recorded: CompiledRulePack, decision: ItemDecision): SharedStages {
    let flags = this.byPack.get(recorded.hash);
    if (!flags) {
      const forms = stageForms(recorded);
      flags = Object.fromEntries(STAGES.map((s) => [s, forms[s] === this.candidate[s]])) as Omit<SharedStages, 'decision'>;
      this.byPack.set(recorded.hash, flags);
    }
    return {decision, ...flags};
  }
}

/**
 * Recomputes stored items under the rules that decided them and under the candidate, both
 * through decideItem's own stages (one preparation, two rule passes; the candidate's stages
 * that equal the recorded pack's are taken from its decision), and compares them. Pure in the
 * inputs and the row: any thread holding the same inputs computes the same outcome.
 */
export class ItemDiffer {
  private readonly shared: SharedStageTable;

  constructor(private readonly inputs: RulesDiffInputs) {
    this.shared = new SharedStageTable(inputs.candidate.pack);
  }

  diff(row: DecidedItemRow, packHash: string | null): ItemOutcome {
    const {inputs, shared} = this;
    const {candidate} = inputs;
    const event = JSON.parse(row.event_json) as StoredEvent;
    const source = decisionSource(event, inputs.sources);
    const rec = inputs.recorded.forRecorded(packHash);
    const snapshot = rec.origin === 'recorded';
    const outcome: ItemOutcome = {packKey: packHash ?? rec.pack.hash, snapshot, failure: null, recordedGroup: null, candidateGroup: null, changed: null};
    const tables = {...inputs.tables, now: instantOf(row.decided_at)!};
    let bd: ItemDecision;
    let cd: ItemDecision;
    try {
      const prepared = prepareItem(row, source, tables);
      bd = decidePrepared(prepared, source, {tables, noSuppress: false, pack: rec.pack, sourceRules: rec.sourceRules});
      cd = rec.pack.hash === candidate.pack.hash ? bd : decidePrepared(prepared, source, {tables, noSuppress: false, pack: candidate.pack, sourceRules: candidate.sourceRules}, shared.with(rec.pack, bd));
    } catch (err) {
      outcome.failure = {code: 'RULES_DIFF_ITEM_FAILED', severity: 'warning', message: `${row.source_id} ${row.raw_id}: ${(err as Error).message}`, details: {event_id: row.event_id}};
      return outcome;
    }
    const eventTime = instantOf(bd.event.event_time) ?? instantOf(row.decided_at)!;
    if (bd.kind === 'alert') outcome.recordedGroup = {id: row.event_id, key: bd.correlation.key, eventTime, windowMicros: bd.correlation.window_micros, follow: bd.correlation.follow};
    if (cd.kind === 'alert') outcome.candidateGroup = {id: row.event_id, key: cd.correlation.key, eventTime, windowMicros: cd.correlation.window_micros, follow: cd.correlation.follow};
    if (bd === cd) return outcome;
    const changes = compareFacts(decisionFacts(bd), decisionFacts(cd), inputs.policy);
    if (changes.length === 0) return outcome;
    const named = new Set(changes.flatMap((c) => c.rule_ids));
    outcome.changed = {
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
    };
    return outcome;
  }
}
