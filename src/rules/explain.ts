import type {Expr} from './ast.js';
import type {ExprSite} from './checker.js';
import type {Tracer} from './env.js';
import type {CompiledExpr, RuleMeta, SuppressRule, Template} from './model.js';
import type {CompiledRulePack} from './pack.js';
import type {RuleContext} from './schema.js';
import {typedContext} from './testing.js';
import {valueToText} from './values.js';

/** Values kept per node; quantifier bodies can run many times. */
const MAX_VALUES = 20;

/** One sub-expression of a rule with the value(s) it had. */
export interface TraceNode {
  expr: string;
  line: number;
  col: number;
  /** Number of times it was evaluated (0: skipped by short-circuit or an earlier rule). */
  evaluations: number;
  /** The value of the last evaluation (absent when never evaluated). */
  value?: unknown;
  /** All values when evaluated more than once (first 20). */
  values?: unknown[];
  macro?: string;
  children: TraceNode[];
}

export interface RuleTrace {
  section: 'types' | 'suppress' | 'score' | 'classify' | 'quality' | 'correlate';
  rule_id: string;
  file: string;
  line: number;
  col: number;
  /** What the rule decided (matched, contribution, chosen row, key), or null when it did not apply. */
  outcome: unknown;
  evaluated: boolean;
  expressions: {field: string; tree: TraceNode}[];
}

export interface ExplainResult {
  type: ReturnType<CompiledRulePack['eventType']>;
  suppression: ReturnType<CompiledRulePack['suppress']>;
  score: ReturnType<CompiledRulePack['score']>;
  classification: ReturnType<CompiledRulePack['classify']>;
  quality: ReturnType<CompiledRulePack['quality']>;
  correlation: ReturnType<CompiledRulePack['correlate']>;
  rules: RuleTrace[];
}

/** Attributes every recorded value to the rule being evaluated at the time. */
class RecordingTracer implements Tracer {
  readonly byRule = new Map<string, Map<number, unknown[]>>();
  private cur: Map<number, unknown[]> = new Map();
  rule(section: string, id: string): void {
    const key = `${section}:${id}`;
    let m = this.byRule.get(key);
    if (!m) {
      m = new Map();
      this.byRule.set(key, m);
    }
    this.cur = m;
  }
  rec(id: number, value: unknown): void {
    let a = this.cur.get(id);
    if (!a) {
      a = [];
      this.cur.set(id, a);
    }
    a.push(value);
  }
}

function children(e: Expr): Expr[] {
  switch (e.k) {
    case 'list':
      return e.items;
    case 'member':
      return [e.obj];
    case 'unary':
      return [e.arg];
    case 'binary':
      return [e.left, e.right];
    case 'call':
      return e.bind ? [e.bind.list, e.bind.body, ...e.args] : e.args;
    case 'quant':
      return [e.bind.list, e.bind.body];
    case 'if':
      return [e.cond, e.then, e.else];
    default:
      return [];
  }
}

/**
 * Explains one context: runs suppression (both passes, with the given source rules), scoring,
 * classification, quality caps and correlation through the same compiled closures with a
 * recording tracer, then rebuilds each rule's expression trees (of the rules `only` selects)
 * with the recorded values.
 */
export function explain(
  pack: CompiledRulePack,
  input: RuleContext,
  opts: {sourceRules?: readonly SuppressRule[]; only?: (section: RuleTrace['section'], ruleId: string) => boolean} = {},
): ExplainResult {
  const t = new RecordingTracer();
  const typed = typedContext(pack, input, t);
  const type = typed.type;
  const ctx = typed.ctx;
  const suppression = pack.suppress(ctx, {sourceRules: opts.sourceRules, pass: 'all'}, t);
  const score = pack.score(ctx, t);
  const classification = pack.classify(score.score, ctx, t);
  const quality = pack.quality({...ctx, score: score.score, classification: classification.classification, flags: score.flags, quality: ctx.quality ?? {high_impact_keywords: []}}, t);
  const correlation = pack.correlate(ctx, t);
  const compiler = pack.internals.compiler;
  const checker = pack.internals.checker;

  const tree = (site: ExprSite, e: Expr, rec: Map<number, unknown[]>, depth: number): TraceNode => {
    const pos = site.locate(e.span.start);
    const id = compiler.idOf(e);
    const vals = id === undefined ? null : rec.get(id) ?? [];
    const n: TraceNode = {expr: site.text.slice(e.span.start, e.span.end), line: pos.line, col: pos.col, evaluations: vals === null ? 1 : vals.length, children: []};
    const ref = checker.info.get(e)?.ref;
    if (vals === null) n.value = e.k === 'lit' ? e.value : e.k === 'dur' ? e.micros : `/${e.k === 'regex' ? e.source : ''}/`;
    // A context root (`event`, `facilities`…) is the input itself: repeating it at every use
    // would make the trace of a long item megabytes; its fields are traced where they are read.
    else if (ref?.k === 'root') n.value = `(${e.k === 'ident' ? e.name : 'context'})`;
    else if (vals.length > 0) {
      n.value = vals[vals.length - 1];
      if (vals.length > 1) n.values = vals.slice(0, MAX_VALUES);
    }
    // A node that never ran (short-circuit, or a rule after the deciding one) has no values
    // below it: its line says so, and its subtree and macros are not expanded.
    if (vals !== null && vals.length === 0) return n;
    if (ref?.k === 'macro' && ref.def.ast && depth < 8) {
      n.macro = ref.def.name;
      n.children.push(tree(ref.def.site, ref.def.ast, rec, depth + 1));
    }
    for (const c of children(e)) if (c.k !== 'lit' && c.k !== 'dur' && c.k !== 'regex') n.children.push(tree(site, c, rec, depth));
    return n;
  };
  const rules: RuleTrace[] = [];
  const add = (section: RuleTrace['section'], r: RuleMeta, exprs: (CompiledExpr | null)[], tpls: (Template | null)[], outcome: unknown) => {
    // Building trees is most of explain's cost: callers tracing a few rules name them.
    if (opts.only && !opts.only(section, r.id)) return;
    const rec = t.byRule.get(`${section}:${r.id}`);
    const all = [...exprs, ...tpls.flatMap((x) => (x ? x.parts.filter((p): p is CompiledExpr => typeof p !== 'string') : []))];
    rules.push({
      section, rule_id: r.id, file: r.file, line: r.line, col: r.col, outcome, evaluated: rec !== undefined,
      expressions: all.filter((x): x is CompiledExpr => x !== null).map((x) => ({field: x.field, tree: tree(x.site, x.ast, rec ?? new Map(), 0)})),
    });
  };
  for (const r of pack.typeRules) add('types', r, [r.when], [], type.rule_id === r.id ? {type: r.type} : null);
  for (const r of [...pack.suppressRules, ...(opts.sourceRules ?? [])]) {
    const m = suppression.matches.find((x) => x.rule_id === r.id);
    add('suppress', r, [r.when], [], r.enabled ? (m ? {matched: true, ...m} : {matched: false}) : {matched: false, disabled: true});
  }
  for (const r of pack.scoreRules) {
    const c = score.contributions.find((x) => x.rule_id === r.id) ?? null;
    add('score', r, [r.when, r.add, ...r.data.map(([, e]) => e)], [r.rationale, r.line_template], c);
  }
  for (const r of pack.classifyRules) add('classify', r, [r.when], [], classification.rule_id === r.id ? {classification: r.classification} : null);
  for (const r of pack.qualityRules) add('quality', r, [r.when], [r.reason], quality.rule_id === r.id ? {cap: r.cap, reason: quality.reason} : null);
  for (const r of pack.correlateRules) add('correlate', r, [r.when, ...r.key, r.follow], [], correlation?.rule_id === r.id ? {key: correlation.key, follow: correlation.follow} : null);
  return {type, suppression, score, classification, quality, correlation, rules};
}

/** A traced value as one short text (long lists and objects abbreviated). */
export function showTraceValue(v: unknown): string {
  if (v === undefined) return '(not evaluated)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length > 6 ? `[${v.slice(0, 6).map(showTraceValue).join(', ')}, … ${v.length} items]` : `[${v.map(showTraceValue).join(', ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return 'id' in o ? `{id: ${valueToText(o.id)}…}` : JSON.stringify(v);
  }
  return String(v);
}

/** Text lines of one rule's trace: its outcome, then one line per sub-expression. */
export function formatRuleTrace(r: RuleTrace, indent = ''): string[] {
  const lines: string[] = [];
  const node = (n: TraceNode, pad: string) => {
    const many = n.evaluations > 1 ? ` (${n.evaluations}×, last)` : '';
    lines.push(`${pad}${n.macro ? `${n.macro} = ` : ''}${n.expr}  →  ${n.evaluations === 0 ? '(not evaluated)' : showTraceValue(n.value)}${many}  [${n.line}:${n.col}]`);
    for (const c of n.children) node(c, `${pad}  `);
  };
  lines.push(`${indent}${r.rule_id} (${r.file}:${r.line}:${r.col}): ${r.evaluated ? showTraceValue(r.outcome) : 'not evaluated'}`);
  for (const e of r.expressions) {
    lines.push(`${indent}  ${e.field}:`);
    node(e.tree, `${indent}    `);
  }
  return lines;
}

/** The class an item ends with (null: suppressed, no alert) and its line in the result. */
export interface FinalClass {
  classification: number | null;
  text: string;
}

/**
 * The class an item ends with: the classify row's class under the quality cap. The pipeline
 * passes its own (it also applies the source's floor); a rules-only explain derives it.
 */
export function finalClass(x: ExplainResult): FinalClass {
  if (x.suppression.suppressed) return {classification: null, text: 'final class: none (suppressed: no alert)'};
  const c = x.classification.classification;
  const final = Math.min(c, x.quality.cap);
  return {classification: final, text: `final class: ${final}${final === c ? '' : ` (class ${c} capped at ${x.quality.cap} by ${x.quality.rule_id})`}`};
}

/** The outcome of every section, one line each: what the rules decided. */
export function formatExplainResult(x: ExplainResult, final = finalClass(x)): string[] {
  const lines: string[] = [];
  lines.push(`event type: ${x.type.type}${x.type.rule_id ? ` (${x.type.rule_id} ${x.type.file}:${x.type.line})` : ' (no type rule matched)'}`);
  const p = x.suppression.primary;
  lines.push(`suppressed: ${x.suppression.suppressed ? `yes, by ${p!.rule_id} (${p!.reason_code})` : 'no'}`);
  lines.push(`score: ${x.score.score} (base ${x.score.base})`);
  for (const c of x.score.contributions) lines.push(`  ${c.text}    [${c.rule_id} ${c.file}:${c.line}]`);
  if (x.score.capped) lines.push(`  ${x.score.capped.text}`);
  lines.push(`classification: ${x.classification.classification} (row ${x.classification.rule_id} ${x.classification.file}:${x.classification.line})`);
  lines.push(`quality cap: ${x.quality.cap}${x.quality.rule_id ? ` (${x.quality.rule_id}: ${x.quality.reason ?? ''})` : ''}`);
  lines.push(final.text);
  lines.push(`correlation key: ${x.correlation ? `${x.correlation.key} (${x.correlation.rule_id})` : 'none'}`);
  if (x.correlation && x.correlation.follow.length > 0) lines.push(`follows an open incident keyed: ${x.correlation.follow.join(', ')}`);
  return lines;
}

/** The full trace (`--verbose`): one block per rule, one line per sub-expression, then the result. */
export function formatExplain(x: ExplainResult, final?: FinalClass): string {
  const lines: string[] = [];
  let section = '';
  for (const r of x.rules) {
    if (r.section !== section) {
      section = r.section;
      lines.push('', `== ${section} ==`);
    }
    lines.push(...formatRuleTrace(r));
  }
  lines.push('', '== result ==', ...formatExplainResult(x, final));
  return lines.join('\n').replace(/^\n/, '');
}
