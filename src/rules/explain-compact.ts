import {type ExplainResult, type FinalClass, finalClass, formatExplain, formatExplainResult, type RuleTrace, showTraceValue, type TraceNode} from './explain.js';

/**
 * The default view of `rules explain`: the path that decided. A full trace repeats every rule
 * of the pack, the not-evaluated rows after the deciding one, every macro's expansion at every
 * use and the item's raw text and payload at every read; this view keeps the rules that
 * decided (their conditions, additions and keys), traces each macro once, collapses what did not decide into counts and holds each
 * long value once, in a table the trees refer to (`--verbose` gives the full trace).
 */

/** A value whose one-line form is longer than this is held once in the values table. */
const LONG_VALUE_CHARS = 80;
/** How much of a long value the text shows where it is first read. */
const SHOWN_CHARS = 120;
/** How much of a sub-expression's source the text shows (its position names it whole). */
const EXPR_CHARS = 100;

/** A long value in the values table. */
export interface ValueRef {
  $ref: string;
}

export interface CompactTraceNode {
  /** The source on one line, shortened to 100 characters (the position names it whole). */
  expr: string;
  line: number;
  col: number;
  evaluations: number;
  /** The value of the last evaluation (`evaluations` says how many there were; --verbose keeps the first 20). */
  value?: unknown;
  macro?: string;
  /** The macro's expansion is traced at its first use above, not again here. */
  macro_traced_above?: boolean;
  children: CompactTraceNode[];
}

export interface CompactRuleTrace {
  section: RuleTrace['section'];
  rule_id: string;
  file: string;
  line: number;
  col: number;
  outcome: unknown;
  expressions: {field: string; tree: CompactTraceNode}[];
}

export interface CompactExplanation extends Omit<ExplainResult, 'rules'> {
  detail: 'compact';
  /** The rules that decided: the type row, matching suppress rules, contributing score rules, the class row, the cap row, the correlate rule. */
  rules: CompactRuleTrace[];
  /** Rules evaluated without effect, by section. */
  without_effect: Partial<Record<RuleTrace['section'], string[]>>;
  /** Rules never evaluated (an earlier row decided their section, or the item was suppressed). */
  not_evaluated_rules: number;
  /** Sub-expressions of the deciding rules that never ran (short-circuit), left out of the trees. */
  not_evaluated_expressions: number;
  /** Long values by id; a tree holds `{"$ref": id}` in their place. */
  values: Record<string, unknown>;
}

/** Whether a rule's outcome changed the decision (a suppress rule's outcome is `{matched}`). */
function decided(r: RuleTrace): boolean {
  if (!r.evaluated || r.outcome === null || r.outcome === undefined) return false;
  const o = r.outcome as {matched?: unknown};
  return typeof o !== 'object' || o.matched === undefined || o.matched === true;
}

function isValueRef(v: unknown): v is ValueRef {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as ValueRef).$ref === 'string';
}

/** A sub-expression's source on one line, shortened: a multi-line `if … else if` chain would repeat its tail at every level. */
function exprLine(expr: string): string {
  const line = expr.replace(/\s+/g, ' ');
  return line.length > EXPR_CHARS ? `${line.slice(0, EXPR_CHARS - 1)}…` : line;
}

class Compactor {
  readonly values: Record<string, unknown> = {};
  notEvaluated = 0;
  private readonly ids = new Map<string, string>();
  private readonly macros = new Set<string>();

  private value(v: unknown): unknown {
    if (v === undefined || showTraceValue(v).length <= LONG_VALUE_CHARS) return v;
    const key = JSON.stringify(v);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = `v${this.ids.size + 1}`;
      this.ids.set(key, id);
      this.values[id] = v;
    }
    return {$ref: id};
  }

  node(n: TraceNode): CompactTraceNode {
    const out: CompactTraceNode = {expr: exprLine(n.expr), line: n.line, col: n.col, evaluations: n.evaluations, children: []};
    if (n.value !== undefined) out.value = this.value(n.value);
    if (n.macro) {
      out.macro = n.macro;
      // Files may each define a macro of one name: its definition's text and place tell them apart.
      const def = n.children[0];
      const key = `${n.macro}|${def?.line}:${def?.col}|${def?.expr}`;
      if (this.macros.has(key)) {
        out.macro_traced_above = true;
        return out;
      }
      this.macros.add(key);
    }
    for (const c of n.children) {
      if (c.evaluations === 0) this.notEvaluated += 1;
      // A context root (`event → "(event)"`) under each field read says nothing the parent does not.
      else if (!(c.children.length === 0 && c.value === `(${c.expr})`)) out.children.push(this.node(c));
    }
    return out;
  }
}

export function compactExplain(x: ExplainResult): CompactExplanation {
  const {rules, ...results} = x;
  const c = new Compactor();
  const deciding: CompactRuleTrace[] = [];
  const withoutEffect: CompactExplanation['without_effect'] = {};
  let notEvaluatedRules = 0;
  for (const r of rules) {
    if (!r.evaluated) notEvaluatedRules += 1;
    else if (!decided(r)) (withoutEffect[r.section] ??= []).push(r.rule_id);
    else {
      const expressions: CompactRuleTrace['expressions'] = [];
      for (const e of r.expressions) {
        // What a rule records (`data:`) and the placeholders of its text (already rendered in
        // the outcome) do not decide anything: --verbose traces them.
        if (e.field.startsWith('data.') || e.field.endsWith(' placeholder')) continue;
        // A constant (`add: 2`) is in the outcome already.
        if (e.tree.children.length === 0 && e.tree.expr === showTraceValue(e.tree.value)) continue;
        if (e.tree.evaluations === 0) c.notEvaluated += 1;
        else expressions.push({field: e.field, tree: c.node(e.tree)});
      }
      deciding.push({section: r.section, rule_id: r.rule_id, file: r.file, line: r.line, col: r.col, outcome: r.outcome, expressions});
    }
  }
  return {
    detail: 'compact',
    ...results,
    rules: deciding,
    without_effect: withoutEffect,
    not_evaluated_rules: notEvaluatedRules,
    not_evaluated_expressions: c.notEvaluated,
    values: c.values,
  };
}

/** What a deciding rule did, in words where the trace has them (a contribution's line). */
function outcomeText(r: CompactRuleTrace): string {
  const o = r.outcome as {text?: unknown};
  return r.section === 'score' && typeof o.text === 'string' ? o.text : showTraceValue(r.outcome);
}

/** Text of the compact view: the result, the deciding rules' trees, then one count line per kind of rule left out. */
export function formatCompactExplain(c: CompactExplanation, final?: FinalClass): string {
  const printed = new Set<string>();
  const show = (v: unknown): string => {
    if (!isValueRef(v)) return showTraceValue(v);
    const id = v.$ref;
    if (printed.has(id)) return `$${id}`;
    printed.add(id);
    const full = showTraceValue(c.values[id]);
    return `$${id} = ${full.slice(0, SHOWN_CHARS)}… (${full.length} chars)`;
  };
  const lines: string[] = ['== result ==', ...formatExplainResult({...c, rules: []}, final), '', '== rules that decided =='];
  const node = (n: CompactTraceNode, pad: string) => {
    const many = n.evaluations > 1 ? ` (${n.evaluations}×, last)` : '';
    const above = n.macro_traced_above ? ' (expanded above)' : '';
    lines.push(`${pad}${n.macro ? `${n.macro} = ` : ''}${n.expr}  →  ${show(n.value)}${many}${above}  [${n.line}:${n.col}]`);
    for (const ch of n.children) node(ch, `${pad}  `);
  };
  for (const r of c.rules) {
    lines.push(`${r.section}: ${r.rule_id} (${r.file}:${r.line}:${r.col}): ${outcomeText(r)}`);
    for (const e of r.expressions) {
      lines.push(`  ${e.field}:`);
      node(e.tree, '    ');
    }
  }
  lines.push('', '== rules left out ==');
  for (const [section, ids] of Object.entries(c.without_effect)) lines.push(`${section}: ${ids.length} evaluated without effect: ${ids.join(', ')}`);
  lines.push(`${c.not_evaluated_rules} rule(s) not evaluated (an earlier row decided their section, or the item was suppressed)`);
  if (c.not_evaluated_expressions > 0) lines.push(`${c.not_evaluated_expressions} sub-expression(s) of the rules above not evaluated (short-circuit)`);
  lines.push('Long values are shown once ($v1 …) and whole in --json; --verbose traces every rule, sub-expression, data: field and text placeholder.');
  return lines.join('\n');
}

/**
 * What `rules explain` prints: the compact view, or with `verbose` the full trace; text and
 * JSON alike, each with the final class (`final`, when the caller decided it, else derived).
 */
export function explainView(x: ExplainResult, opts: {verbose: boolean; final?: FinalClass}): {text: string; json: Record<string, unknown>} {
  const final = opts.final ?? finalClass(x);
  if (opts.verbose) return {text: formatExplain(x, final), json: {detail: 'full', ...x, final_classification: final.classification}};
  const c = compactExplain(x);
  return {text: formatCompactExplain(c, final), json: {...c, final_classification: final.classification}};
}
