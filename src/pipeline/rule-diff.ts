import {type EpochMicros, formatInstant} from '../kernel/time.js';
import type {IncidentRow} from '../store/decisions-repo.js';
import {resolveIncident} from './correlate.js';
import {type RuleTrace, showTraceValue, type TraceNode} from '../rules/explain.js';
import type {ItemDecision} from './decide.js';
import {instantOf} from '../kernel/time.js';

/** What a rule change can change about one item (the `--fail-on` vocabulary). */
export type ChangeKind = 'suppress' | 'class' | 'score' | 'correlation' | 'link' | 'type';
export const CHANGE_KINDS: readonly ChangeKind[] = ['suppress', 'class', 'score', 'correlation', 'link', 'type'];

/** The facts of one decision that `rules diff` compares. */
export interface DecisionFacts {
  /** The event type the pack's `types:` table gave, and the row that gave it. */
  event_type: string;
  type_rule_id: string | null;
  suppressed: boolean;
  /** Every suppress rule that matched (the primary first). */
  suppress_rule_ids: string[];
  /** Final class after the quality cap and the floor; null when suppressed. */
  classification: number | null;
  classify_rule_id: string | null;
  quality_rule_id: string | null;
  score: number | null;
  contributions: {rule_id: string; add: number}[];
  correlation_key: string | null;
  correlation_rule_id: string | null;
  window_micros: number | null;
  facilities: string[];
}

export function decisionFacts(d: ItemDecision): DecisionFacts {
  const suppressIds = d.verdict?.matches.map((m) => m.rule_id) ?? [];
  if (d.kind === 'suppressed') {
    return {
      event_type: d.event.type,
      type_rule_id: d.type.rule_id,
      suppressed: true, suppress_rule_ids: suppressIds, classification: null, classify_rule_id: null, quality_rule_id: null, score: null,
      contributions: [], correlation_key: null, correlation_rule_id: null, window_micros: null, facilities: d.link.facilities,
    };
  }
  return {
    event_type: d.event.type,
    type_rule_id: d.type.rule_id,
    suppressed: false,
    suppress_rule_ids: suppressIds,
    classification: d.quality.classification,
    classify_rule_id: d.classify.rule_id || null,
    quality_rule_id: d.quality.cap.code,
    score: d.score.score,
    contributions: d.score.contributions.map((c) => ({rule_id: c.rule_id, add: c.add})),
    correlation_key: d.correlation.key,
    correlation_rule_id: d.correlation.rule_id,
    window_micros: d.correlation.window_micros,
    facilities: d.link.facilities,
  };
}

/** `--max-score-delta`: a share of the stored score (`5%`) or a number of points (`2`). */
export type ScoreThreshold = {unit: 'percent'; value: number} | {unit: 'points'; value: number};

export interface DiffPolicy {
  failOn: ReadonlySet<ChangeKind>;
  maxScoreDelta: ScoreThreshold;
}

export interface ItemChange {
  kind: ChangeKind;
  from: unknown;
  to: unknown;
  /** The rules behind the change, on either side. */
  rule_ids: string[];
  /** Score changes: points and the share of the recorded score (null when it was 0). */
  delta?: {points: number; ratio: number | null};
  /** Whether this change counts against `--fail-on` and its threshold. */
  fails: boolean;
}

const uniq = (xs: readonly (string | null)[]): string[] => [...new Set(xs.filter((x): x is string => x !== null && x !== ''))];

function scoreFails(points: number, ratio: number | null, t: ScoreThreshold): boolean {
  if (points === 0) return false;
  if (t.unit === 'points') return Math.abs(points) > t.value;
  return ratio === null || Math.abs(ratio) * 100 > t.value + 1e-9;
}

/** The changes from the recorded rules' decision to the candidate's, in CHANGE_KINDS order. */
export function compareFacts(base: DecisionFacts, cand: DecisionFacts, policy: DiffPolicy): ItemChange[] {
  const out: ItemChange[] = [];
  const push = (c: Omit<ItemChange, 'fails'>, beyond = true) => out.push({...c, fails: policy.failOn.has(c.kind) && beyond});
  if (base.suppressed !== cand.suppressed) {
    push({kind: 'suppress', from: base.suppressed ? 'suppressed' : 'alert', to: cand.suppressed ? 'suppressed' : 'alert', rule_ids: uniq([...base.suppress_rule_ids, ...cand.suppress_rule_ids])});
  }
  if (!base.suppressed && !cand.suppressed) {
    if (base.classification !== cand.classification) {
      push({kind: 'class', from: base.classification, to: cand.classification, rule_ids: uniq([base.classify_rule_id, cand.classify_rule_id, base.quality_rule_id === cand.quality_rule_id ? null : base.quality_rule_id, base.quality_rule_id === cand.quality_rule_id ? null : cand.quality_rule_id].filter((x) => x !== 'CAP_NONE'))});
    }
    if (base.score !== cand.score) {
      const points = (cand.score ?? 0) - (base.score ?? 0);
      const ratio = base.score ? points / Math.abs(base.score) : null;
      const key = (c: {rule_id: string; add: number}) => `${c.rule_id}=${c.add}`;
      const b = new Set(base.contributions.map(key));
      const c = new Set(cand.contributions.map(key));
      const moved = [...base.contributions.filter((x) => !c.has(key(x))), ...cand.contributions.filter((x) => !b.has(key(x)))].map((x) => x.rule_id);
      push({kind: 'score', from: base.score, to: cand.score, rule_ids: uniq(moved), delta: {points, ratio}}, scoreFails(points, ratio, policy.maxScoreDelta));
    }
    if (base.correlation_key !== cand.correlation_key) {
      push({kind: 'correlation', from: base.correlation_key, to: cand.correlation_key, rule_ids: uniq([base.correlation_rule_id, cand.correlation_rule_id])});
    }
  }
  if (base.facilities.join('\n') !== cand.facilities.join('\n')) {
    push({kind: 'link', from: base.facilities, to: cand.facilities, rule_ids: []});
  }
  if (base.event_type !== cand.event_type) push({kind: 'type', from: base.event_type, to: cand.event_type, rule_ids: uniq([base.type_rule_id, cand.type_rule_id])});
  return out;
}

/** One item placed into incidents: its correlation key and window, at its event time. */
export interface CorrelatedItem {
  id: string;
  key: string;
  eventTime: EpochMicros;
  windowMicros: number;
  /** Follow keys of the item's correlation (a follow-up joins an open story through them). */
  follow?: readonly string[];
}

/**
 * Groups items into incidents as ingest would, in the given (processing) order: an item joins
 * the most recent open incident with its key, else the first of its follow keys with one
 * (resolveIncident, the pipeline's own rule), else opens one. Returns item id → incident.
 */
export function groupIntoIncidents(items: readonly CorrelatedItem[]): Map<string, string> {
  const byKey = new Map<string, IncidentRow[]>();
  const out = new Map<string, string>();
  for (const it of items) {
    const match = resolveIncident((k) => byKey.get(k) ?? [], {key: it.key, follow: [...(it.follow ?? [])], window_micros: it.windowMicros}, it.eventTime);
    const hit = match?.incident ?? null;
    const key = hit?.correlation_key ?? it.key;
    const open = byKey.get(key) ?? [];
    byKey.set(key, open);
    const when = formatInstant(it.eventTime);
    // Only the fields the window test reads: the rest of an incident row plays no part here.
    const row = hit ?? ({alert_id: `${key}#${it.id}`, correlation_key: key, last_event_time: when, last_seen: when} as unknown as IncidentRow);
    if (hit && it.eventTime > (instantOf(hit.last_event_time) ?? it.eventTime)) row.last_event_time = when;
    // Candidate order: the latest event time first.
    if (hit) open.splice(open.indexOf(hit), 1);
    open.unshift(row);
    out.set(it.id, row.alert_id);
  }
  return out;
}

/** Incidents that would merge (one candidate incident from several recorded ones) or split. */
export interface IncidentChange {
  kind: 'merge' | 'split';
  /** Recorded incidents (merge: several; split: one), as `key#first item`. */
  from: string[];
  /** Candidate incidents (merge: one; split: several). */
  to: string[];
  items: string[];
}

/** Compares two groupings of the same items (item id → incident id). */
export function incidentChanges(base: ReadonlyMap<string, string>, cand: ReadonlyMap<string, string>): IncidentChange[] {
  const members = (m: ReadonlyMap<string, string>) => {
    const g = new Map<string, string[]>();
    for (const [item, inc] of m) {
      const list = g.get(inc);
      if (list) list.push(item);
      else g.set(inc, [item]);
    }
    return g;
  };
  const out: IncidentChange[] = [];
  const collect = (kind: IncidentChange['kind'], groups: Map<string, string[]>, other: ReadonlyMap<string, string>) => {
    for (const [inc, items] of groups) {
      const across = [...new Set(items.map((i) => other.get(i)).filter((x): x is string => x !== undefined))].sort();
      if (across.length < 2) continue;
      out.push(kind === 'merge' ? {kind, from: across, to: [inc], items: [...items].sort()} : {kind, from: [inc], to: across, items: [...items].sort()});
    }
  };
  collect('merge', members(cand), base);
  collect('split', members(base), cand);
  return out.sort((a, b) => (a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.items[0] < b.items[0] ? -1 : 1));
}

/** One rule's trace on each side, for a changed item (rules explain's form). */
export interface RuleTracePair {
  section: string;
  rule_id: string;
  recorded: RuleTrace | null;
  candidate: RuleTrace | null;
}

/** A sub-expression whose value differs between the two sides. */
export interface TraceDiffLine {
  field: string;
  /** Nesting below the field's whole expression (0). */
  depth: number;
  expr: string;
  recorded: string;
  candidate: string;
  line: number;
  col: number;
}

/** A rule's outcome on each side (null: the rule does not exist there) and what changed inside it. */
export interface RuleTraceDiff {
  section: string;
  rule_id: string;
  file: string;
  line: number;
  col: number;
  recorded: string | null;
  candidate: string | null;
  expressions: TraceDiffLine[];
}

function outcomeText(t: RuleTrace): string {
  if (!t.evaluated) return 'not evaluated';
  const o = t.outcome as Record<string, unknown> | null;
  if (o === null || o === undefined) return 'did not apply';
  if (typeof o.text === 'string') return o.text;
  if (typeof o.matched === 'boolean') return o.matched ? 'matched' : o.disabled ? 'disabled' : 'no match';
  if ('classification' in o) return `class ${String(o.classification)}`;
  if ('cap' in o) return `cap ${String(o.cap)}`;
  if ('key' in o) return `key ${String(o.key)}`;
  return showTraceValue(o);
}

const nodeValue = (n: TraceNode | undefined) => (n === undefined ? '(absent)' : n.evaluations === 0 ? '(not evaluated)' : showTraceValue(n.value));

/** Walks both trees together; a node is kept when its text or value differs, then its children. */
function differingNodes(field: string, a: TraceNode | undefined, b: TraceNode | undefined, depth: number, out: TraceDiffLine[]): void {
  const va = nodeValue(a);
  const vb = nodeValue(b);
  if (va === vb && a?.expr === b?.expr) return;
  const n = (b ?? a)!;
  out.push({field, depth, expr: a && b && a.expr !== b.expr ? `${a.expr} ⇒ ${b.expr}` : n.expr, recorded: va, candidate: vb, line: n.line, col: n.col});
  const count = Math.max(a?.children.length ?? 0, b?.children.length ?? 0);
  for (let i = 0; i < count; i++) differingNodes(field, a?.children[i], b?.children[i], depth + 1, out);
}

/** The explain-style trace of one rule reduced to what differs between the two sides. */
export function traceDiff(p: RuleTracePair): RuleTraceDiff {
  const any = (p.candidate ?? p.recorded)!;
  const fields = [...new Set([...(p.recorded?.expressions ?? []), ...(p.candidate?.expressions ?? [])].map((e) => e.field))];
  const expressions: TraceDiffLine[] = [];
  for (const f of fields) {
    differingNodes(f, p.recorded?.expressions.find((e) => e.field === f)?.tree, p.candidate?.expressions.find((e) => e.field === f)?.tree, 0, expressions);
  }
  return {
    section: p.section, rule_id: p.rule_id, file: any.file, line: any.line, col: any.col,
    recorded: p.recorded ? outcomeText(p.recorded) : null,
    candidate: p.candidate ? outcomeText(p.candidate) : null,
    expressions,
  };
}

export interface ChangedItem {
  event_id: string;
  raw_id: string;
  source_id: string;
  title: string;
  decided_at: string;
  run_group_id: string;
  /** `recorded`: compared against the rules that decided it; `current`: no snapshot was stored. */
  baseline: 'recorded' | 'current';
  changes: ItemChange[];
  fails: boolean;
  trace: RuleTraceDiff[];
}

/** What `rules diff` reports: the JSON document, rendered as text or Markdown too. */
export interface RulesDiffReport {
  window: {since: string; until: string; source: string | null};
  candidate: {rules: string; pack_hash: string};
  policy: {fail_on: ChangeKind[]; max_score_delta: string};
  items_compared: number;
  /** Items whose run stored no rule snapshot: compared against the current rule files. */
  items_without_snapshot: number;
  recorded_packs: {pack_hash: string; items: number; snapshot: boolean}[];
  summary: {
    items_changed: number;
    items_failing: number;
    by_kind: Record<ChangeKind, number>;
    by_rule: {rule_id: string; items: number}[];
    by_source: {source_id: string; items: number}[];
  };
  incidents: IncidentChange[];
  items: ChangedItem[];
}

/** Summary counts over the changed items. */
export function summarize(items: readonly ChangedItem[]): RulesDiffReport['summary'] {
  const byKind = Object.fromEntries(CHANGE_KINDS.map((k) => [k, 0])) as Record<ChangeKind, number>;
  const byRule = new Map<string, number>();
  const bySource = new Map<string, number>();
  for (const it of items) {
    for (const k of new Set(it.changes.map((c) => c.kind))) byKind[k]++;
    for (const r of new Set(it.changes.flatMap((c) => c.rule_ids))) byRule.set(r, (byRule.get(r) ?? 0) + 1);
    bySource.set(it.source_id, (bySource.get(it.source_id) ?? 0) + 1);
  }
  const ranked = <K extends string>(m: Map<string, number>, name: K) =>
    [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id, n]) => ({[name]: id, items: n}) as {[P in K]: string} & {items: number});
  return {
    items_changed: items.length,
    items_failing: items.filter((i) => i.fails).length,
    by_kind: byKind,
    by_rule: ranked(byRule, 'rule_id'),
    by_source: ranked(bySource, 'source_id'),
  };
}
