import {isMap, isScalar, type Node} from 'yaml';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {YamlSource} from '../kernel/yaml-source.js';
import type {Expr, Span} from './ast.js';
import type {ExprSite, ListDef} from './checker.js';
import type {CompiledExpr, RuleMeta, SuppressRule} from './model.js';
import type {RuleKind} from './schema.js';
import {BOOL, type Type} from './types.js';
import {didYouMean} from '../kernel/text.js';
import {bool, entries, exprSite, FileDiags, keyed, scalarValue, seqItems, str} from './yaml-walk.js';
import {scalarLocator} from './scalar-positions.js';

/**
 * What the compatibility readers need from the pack being built. The PackBuilder provides it;
 * naming only these members keeps this module below the builder (which calls back into it).
 */
export interface CompatTarget {
  readonly diagnostics: Diagnostic[];
  readonly lists: Map<string, ListDef>;
  claimId(fd: FileDiags, node: Node | null | undefined, id: string, what: string): RuleMeta;
  queue(site: ExprSite, ast: Expr, field: string, kind: RuleKind, expected?: Type): CompiledExpr;
}

const KINDS = ['keyword', 'regex', 'exact'];

/** How diagnostics name a suppress rule: per-source rules (scope `source:<id>`) name their source. */
export function suppressRuleLabel(scope: string, noun: string): string {
  return scope.startsWith('source:') ? `${noun} of source "${scope.slice('source:'.length)}"` : noun;
}
/** Reference field names → context paths (domain.md §10.3; `event_type` is the reference type). */
const FIELDS: Record<string, string[]> = {
  title: ['event', 'title'],
  summary: ['event', 'summary'],
  raw_text: ['event', 'raw_text'],
  url: ['event', 'url'],
  event_type: ['event', 'type_ref'],
  source_id: ['source', 'id'],
  tier: ['source', 'tier'],
};
const ANY_FIELDS = ['title', 'summary', 'raw_text', 'url'];
const COMPAT_KEYS = ['id', 'kind', 'field', 'pattern', 'case_sensitive', 'enabled', 'note', 'reason_code'];

function path(parts: string[], span: Span): Expr {
  let e: Expr = {k: 'ident', name: parts[0], span};
  for (const p of parts.slice(1)) e = {k: 'member', obj: e, name: p, nameSpan: span, span};
  return e;
}

/**
 * Compiles a reference-style rule `{id, kind, field, pattern, case_sensitive, …}` into the
 * equivalent expression (pipeline.md §4.5): keyword → contains/icontains, exact → == (on
 * lower-cased text unless case-sensitive), regex → matches (RE2, `i` unless case-sensitive),
 * field any → a quantifier over title, summary, raw_text and url. Positions point at the
 * pattern (or the offending key) in the YAML file.
 */
export function compileCompatSuppressEntry(b: CompatTarget, fd: FileDiags, item: Node, scope: string): SuppressRule | null {
  const what = suppressRuleLabel(scope, 'a suppression rule');
  const m = keyed(fd, entries(fd, item, what) ?? [], COMPAT_KEYS, what);
  for (const k of ['id', 'kind', 'field', 'pattern']) {
    if (!m.has(k)) fd.error(item, 'RULE_SCHEMA', `a suppression rule needs ${k}:`);
  }
  const id = m.has('id') ? str(fd, m.get('id')!.value, 'id', {required: true}) : null;
  const meta = id ? b.claimId(fd, m.get('id')!.value, id, 'suppress rule') : null;
  const kindNode = m.get('kind')?.value;
  const kind = scalarValue(kindNode);
  let ok = meta !== null && m.has('kind') && m.has('field') && m.has('pattern');
  if (m.has('kind') && (typeof kind !== 'string' || !KINDS.includes(kind))) {
    const s = typeof kind === 'string' ? didYouMean(kind, KINDS) : undefined;
    fd.error(kindNode, 'RULE_UNKNOWN_KIND', `unknown kind ${JSON.stringify(kind)}`, s ? `did you mean ${s}?` : `kinds: ${KINDS.join(', ')}`);
    ok = false;
  }
  const fieldNode = m.get('field')?.value;
  const field = scalarValue(fieldNode);
  const fieldNames = [...Object.keys(FIELDS), 'any'];
  if (m.has('field') && (typeof field !== 'string' || !fieldNames.includes(field))) {
    const s = typeof field === 'string' ? didYouMean(field, fieldNames) : undefined;
    fd.error(fieldNode, 'RULE_UNKNOWN_FIELD', `unknown field ${JSON.stringify(field)}`, s ? `did you mean ${s}?` : `fields: ${fieldNames.join(', ')}`);
    ok = false;
  }
  const patNode = m.get('pattern')?.value;
  const pattern = scalarValue(patNode);
  if (m.has('pattern') && (typeof pattern !== 'string' || pattern === '')) {
    fd.error(patNode, 'RULE_EMPTY_PATTERN', typeof pattern === 'string' ? 'empty pattern' : 'pattern must be a string', 'an empty pattern would match every item; write the text to look for');
    ok = false;
  }
  const cs = bool(fd, m.get('case_sensitive')?.value, 'case_sensitive', false);
  if (!ok || !meta || typeof pattern !== 'string') return null;
  const site: ExprSite = exprSite(fd, patNode, 'pattern') ?? {file: fd.src.file, text: pattern, locate: scalarLocator(patNode, fd.src.text, fd.src.lineCounter)};
  const span = {start: 0, end: pattern.length};
  const test = (subject: Expr): Expr => {
    if (kind === 'regex') {
      return {k: 'binary', op: 'matches', left: subject, right: {k: 'regex', source: pattern, flags: cs ? '' : 'i', span}, opSpan: span, span};
    }
    if (kind === 'keyword') {
      return {k: 'binary', op: cs ? 'contains' : 'icontains', left: subject, right: {k: 'lit', value: pattern, span}, opSpan: span, span};
    }
    const left: Expr = cs ? subject : {k: 'call', name: 'lower', nameSpan: span, args: [subject], bind: null, span};
    return {k: 'binary', op: '==', left, right: {k: 'lit', value: cs ? pattern : pattern.toLowerCase(), span}, opSpan: span, span};
  };
  let ast: Expr;
  if (field === 'any') {
    const list: Expr = {k: 'list', items: ANY_FIELDS.map((f) => path(FIELDS[f], span)), span};
    ast = {k: 'quant', q: 'any', bind: {name: 'f', nameSpan: span, list, body: test({k: 'ident', name: 'f', span})}, span};
  } else ast = test(path(FIELDS[field as string], span));
  const when = b.queue(site, ast, 'when', 'suppress', BOOL);
  return {
    ...meta,
    reason_code: str(fd, m.get('reason_code')?.value, 'reason_code') ?? meta.id,
    note: str(fd, m.get('note')?.value, 'note'),
    enabled: bool(fd, m.get('enabled')?.value, 'enabled', true),
    pass: 'pre_link',
    scope,
    sources: null,
    when,
  };
}

/** config/suppression.yaml (domain.md §10.3) → global suppress rules, in file order. */
export function readSuppressionCompat(b: CompatTarget, src: YamlSource): SuppressRule[] {
  b.diagnostics.push(...src.diagnostics);
  if (src.diagnostics.some((d) => d.severity === 'error')) return [];
  const fd = new FileDiags(src, b.diagnostics);
  const top = keyed(fd, entries(fd, src.doc.contents as Node, 'config/suppression.yaml') ?? [], ['version', 'enabled', 'rules'], 'config/suppression.yaml');
  if (!top.has('version')) fd.error(src.doc.contents as Node, 'RULE_SCHEMA', 'missing version', 'add version: 1');
  const enabled = bool(fd, top.get('enabled')?.value, 'enabled', true);
  const out: SuppressRule[] = [];
  for (const item of seqItems(fd, top.get('rules')?.value ?? null, 'rules') ?? []) {
    const r = compileCompatSuppressEntry(b, fd, item, 'global');
    // `enabled: false` at the top disables the global list only (source rules still run).
    if (r) out.push(enabled ? r : {...r, enabled: false});
  }
  return out;
}

/**
 * config/keywords.yaml (domain.md §10.4) → the `risk_keywords` list of `{term, weight}`:
 * terms trimmed and upper-cased, weights truncated toward zero, negatives 0, booleans 1/0.
 * Every problem is an error with position; duplicates are errors; no silent fallback.
 */
export function readKeywordsCompat(b: CompatTarget, src: YamlSource): void {
  b.diagnostics.push(...src.diagnostics);
  if (src.diagnostics.some((d) => d.severity === 'error')) return;
  const fd = new FileDiags(src, b.diagnostics);
  const top = keyed(fd, entries(fd, src.doc.contents as Node, 'config/keywords.yaml') ?? [], ['version', 'risk_keywords'], 'config/keywords.yaml');
  const listEntry = top.get('risk_keywords');
  if (!listEntry) {
    fd.error(src.doc.contents as Node, 'RULE_SCHEMA', 'missing risk_keywords');
    return;
  }
  const items = seqItems(fd, listEntry.value, 'risk_keywords') ?? [];
  if (items.length === 0) fd.error(listEntry.value ?? listEntry.keyNode, 'RULE_SCHEMA', 'risk_keywords is empty', 'list at least one keyword');
  const values: {term: string; weight: number}[] = [];
  const seen = new Map<string, Node>();
  for (const it of items) {
    let term: unknown;
    let weight: unknown = 1;
    let termNode: Node = it;
    if (isScalar(it)) term = it.value;
    else if (isMap(it)) {
      const m = keyed(fd, entries(fd, it, 'a keyword') ?? [], ['term', 'weight'], 'a keyword');
      termNode = m.get('term')?.value ?? it;
      term = scalarValue(m.get('term')?.value);
      if (m.has('weight')) {
        weight = scalarValue(m.get('weight')!.value);
        if (typeof weight === 'boolean') weight = weight ? 1 : 0;
        if (typeof weight !== 'number' || !Number.isFinite(weight)) {
          fd.error(m.get('weight')!.value, 'RULE_SCHEMA', 'weight must be a number');
          continue;
        }
      }
    }
    if (typeof term !== 'string' || term.trim() === '') {
      fd.error(termNode, 'RULE_SCHEMA', 'a keyword needs a non-empty term', 'write - "STRIKE" or - {term: STRIKE, weight: 1}');
      continue;
    }
    const t = term.trim().toUpperCase();
    if (seen.has(t)) {
      fd.error(termNode, 'RULE_DUPLICATE_ID', `duplicate keyword ${t}`, `first listed at line ${fd.pos(seen.get(t)).line}`);
      continue;
    }
    seen.set(t, termNode);
    values.push({term: t, weight: Math.max(0, Math.trunc(weight as number))});
  }
  const prev = b.lists.get('risk_keywords');
  const p = fd.pos(listEntry.keyNode);
  b.lists.set('risk_keywords', {
    name: 'risk_keywords',
    type: {t: 'list', of: {t: 'object', name: '{term: string, weight: number}', fields: {term: {t: 'string'}, weight: {t: 'number'}}}},
    values, file: src.file, line: p.line, col: p.col, used: prev?.used ?? false,
  });
}
