import {isMap, isScalar, type Node} from 'yaml';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {parseDuration} from '../kernel/time.js';
import type {Expr} from './ast.js';
import {Checker, type ExprSite, type ListDef, type MacroDef} from './checker.js';
import {compileCompatSuppressEntry, suppressRuleLabel} from './compat.js';
import {Compiler} from './compiler.js';
import {CLASSIFY_KEYS, CORRELATE_KEYS, QUALITY_KEYS, SCORE_KEYS, SUPPRESS_KEYS, TYPE_KEYS} from './file-keys.js';
import {KEYWORDS} from './lexer.js';
import type {
  ClassifyRule, CompiledExpr, CorrelateRule, QualityRule, RuleMeta, RuleTestCase, ScoreRule, SuppressRule, Template, TypeRule,
} from './model.js';
import {parseExpression} from './parse.js';
import {ROOTS, type RuleKind} from './schema.js';
import {ANY, BOOL, listOf, NUMBER, STRING, type Type, typeName} from './types.js';
import {bool, entries, exprSite, FileDiags, keyed, num, scalarValue, seqItems, str, subSite} from './yaml-walk.js';

export interface Pending {
  site: ExprSite;
  ast: Expr;
  kind: RuleKind;
  expected?: Type;
  what: string;
  out: CompiledExpr;
  checkConst: boolean;
}

/**
 * Collects rules from YAML files, checks every expression and compiles the pack. Also used
 * after loading to compile per-source suppression rules against the same lists and macros.
 */
export class PackBuilder {
  readonly diagnostics: Diagnostic[] = [];
  readonly lists = new Map<string, ListDef>();
  readonly macros = new Map<string, MacroDef>();
  readonly checker: Checker;
  readonly compiler: Compiler;
  readonly ids = new Map<string, RuleMeta>();
  private pending: Pending[] = [];

  types: TypeRule[] = [];
  suppress: SuppressRule[] = [];
  score: ScoreRule[] = [];
  classify: ClassifyRule[] = [];
  quality: QualityRule[] = [];
  correlate: CorrelateRule[] = [];
  tests: {fd: FileDiags; node: Node}[] = [];
  testCases: RuleTestCase[] = [];
  bounds: {min: number | null; max: number | null; file: string; line: number} | null = null;

  constructor() {
    this.checker = new Checker(this.lists, this.macros);
    this.compiler = new Compiler(this.checker);
  }

  /** Registers an id; duplicates across all files and sections are errors. */
  claimId(fd: FileDiags, node: Node | null | undefined, id: string, what: string): RuleMeta {
    const p = fd.pos(node);
    const meta: RuleMeta = {id, file: fd.src.file, line: p.line, col: p.col};
    const prev = this.ids.get(id);
    if (prev) {
      fd.error(node, 'RULE_DUPLICATE_ID', `duplicate ${what} id ${id}`, `first declared at ${prev.file}:${prev.line}:${prev.col}; ids are unique across all rule files`);
    } else this.ids.set(id, meta);
    return meta;
  }

  /** Parses an expression scalar and queues it for checking; null after a reported problem. */
  expr(fd: FileDiags, node: Node | null | undefined, field: string, kind: RuleKind, expected?: Type, checkConst = false): CompiledExpr | null {
    const site = exprSite(fd, node, field);
    if (!site) return null;
    return this.exprAt(site, field, kind, expected, checkConst);
  }

  exprAt(site: ExprSite, field: string, kind: RuleKind, expected?: Type, checkConst = false): CompiledExpr | null {
    const parsed = parseExpression(site.text);
    if (!parsed.ok) {
      for (const p of parsed.problems) {
        this.checker.diag(site, {start: p.offset, end: p.offset + p.length}, 'RULE_PARSE', 'error', p.message, p.hint);
      }
      return null;
    }
    return this.queue(site, parsed.ast, field, kind, expected, checkConst);
  }

  queue(site: ExprSite, ast: Expr, field: string, kind: RuleKind, expected?: Type, checkConst = false): CompiledExpr {
    const out: CompiledExpr = {field, site, ast, fn: () => null};
    this.pending.push({site, ast, kind, expected, what: field, out, checkConst});
    return out;
  }

  template(fd: FileDiags, node: Node | null | undefined, field: string, kind: RuleKind): Template | null {
    const v = scalarValue(node);
    if (typeof v !== 'string') {
      fd.error(node, 'RULE_SCHEMA', `${field} must be a string`);
      return null;
    }
    const site = exprSite(fd, node, field);
    if (!site) return null;
    const parts: (string | CompiledExpr)[] = [];
    let i = 0;
    let lit = '';
    while (i < v.length) {
      if (v[i] === '$' && v[i + 1] === '{') {
        let j = i + 2;
        let quote: string | null = null;
        while (j < v.length && (quote !== null || v[j] !== '}')) {
          if (quote !== null && v[j] === '\\') j++;
          else if (quote !== null && v[j] === quote) quote = null;
          else if (quote === null && (v[j] === '"' || v[j] === "'")) quote = v[j];
          j++;
        }
        if (j >= v.length) {
          this.checker.diag(site, {start: i, end: i + 2}, 'RULE_PARSE', 'error', 'unterminated ${ placeholder', 'close it with }');
          return null;
        }
        if (lit) parts.push(lit);
        lit = '';
        const sub = subSite(site, i + 2, j);
        const e = this.exprAt(sub, `${field} placeholder`, kind);
        if (!e) return null;
        parts.push(e);
        i = j + 1;
      } else {
        lit += v[i];
        i++;
      }
    }
    if (lit) parts.push(lit);
    return {text: v, parts};
  }

  // ---- sections ----------------------------------------------------------------------

  readDeclarations(fd: FileDiags, top: Map<string, {value: Node | null; keyNode: Node}>): void {
    const lists = top.get('lists');
    if (lists?.value) {
      for (const e of entries(fd, lists.value, 'lists') ?? []) this.declareList(fd, e.key, e.keyNode, e.value);
    }
    const macros = top.get('macros');
    if (macros?.value) {
      for (const e of entries(fd, macros.value, 'macros') ?? []) {
        if (!this.checkName(fd, e.key, e.keyNode, 'macro')) continue;
        const site = exprSite(fd, e.value, `macro ${e.key}`);
        const p = fd.pos(e.keyNode);
        const def: MacroDef = {name: e.key, site: site ?? {file: fd.src.file, text: '', locate: () => p}, ast: null, type: ANY, roots: new Set(), isConst: false, state: 'new', used: false, line: p.line, col: p.col};
        if (site) {
          const parsed = parseExpression(site.text);
          if (parsed.ok) def.ast = parsed.ast;
          else for (const pr of parsed.problems) this.checker.diag(site, {start: pr.offset, end: pr.offset + pr.length}, 'RULE_PARSE', 'error', pr.message, pr.hint);
        }
        this.macros.set(e.key, def);
      }
    }
  }

  private checkName(fd: FileDiags, name: string, node: Node, what: string): boolean {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || KEYWORDS.has(name)) {
      fd.error(node, 'RULE_SCHEMA', `${what} name ${name} must be an identifier that is not a keyword`);
      return false;
    }
    if (ROOTS[name]) {
      fd.error(node, 'RULE_SCHEMA', `${what} name ${name} is a context field`, 'pick another name');
      return false;
    }
    const prev = this.lists.get(name) ?? this.macros.get(name);
    if (prev) {
      fd.error(node, 'RULE_DUPLICATE_ID', `duplicate list or macro name ${name}`, `first declared at ${prev instanceof Object && 'file' in prev ? prev.file : (prev as MacroDef).site.file}:${prev.line}:${prev.col}`);
      return false;
    }
    return true;
  }

  declareList(fd: FileDiags, name: string, keyNode: Node, value: Node | null, replace = false): void {
    if (!replace && !this.checkName(fd, name, keyNode, 'list')) return;
    const items = seqItems(fd, value, `list ${name}`);
    if (!items) return;
    const values: unknown[] = [];
    let type: Type | null = null;
    for (const it of items) {
      const [v, t] = this.listItem(fd, it, name);
      if (t === null) continue;
      if (type === null) type = t;
      else if (typeName(type) !== typeName(t)) {
        fd.error(it, 'RULE_TYPE_MISMATCH', `items of list ${name} must share one type: ${typeName(type)} and ${typeName(t)}`);
        continue;
      }
      values.push(v);
    }
    const p = fd.pos(keyNode);
    const prev = this.lists.get(name);
    this.lists.set(name, {name, type: listOf(type ?? ANY), values, file: fd.src.file, line: p.line, col: p.col, used: prev?.used ?? false});
  }

  private listItem(fd: FileDiags, node: Node, list: string): [unknown, Type | null] {
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'string') return [v, STRING];
      if (typeof v === 'number') return [v, NUMBER];
      if (typeof v === 'boolean') return [v, BOOL];
    }
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      const fields: Record<string, Type> = {};
      for (const e of entries(fd, node, `an item of list ${list}`) ?? []) {
        const [v, t] = this.listItem(fd, e.value as Node, list);
        if (t === null || t.t === 'object') {
          fd.error(e.value, 'RULE_SCHEMA', 'list items may be mappings of plain values only');
          continue;
        }
        obj[e.key] = v;
        fields[e.key] = t;
      }
      const name = `{${Object.keys(fields).sort().map((k) => `${k}: ${typeName(fields[k])}`).join(', ')}}`;
      return [obj, {t: 'object', name, fields}];
    }
    fd.error(node, 'RULE_SCHEMA', `items of list ${list} must be strings, numbers, booleans or flat mappings`);
    return [null, null];
  }

  readSuppress(fd: FileDiags, node: Node | null, scope = 'global'): SuppressRule[] {
    const out: SuppressRule[] = [];
    for (const item of seqItems(fd, node, 'suppress') ?? []) {
      const r = this.suppressEntry(fd, item, scope);
      if (r) out.push(r);
    }
    return out;
  }

  suppressEntry(fd: FileDiags, item: Node, scope: string): SuppressRule | null {
    const what = suppressRuleLabel(scope, 'a suppress rule');
    const list = entries(fd, item, what);
    if (!list) return null;
    if (list.some((e) => e.key === 'kind' || e.key === 'pattern' || e.key === 'field')) {
      return compileCompatSuppressEntry(this, fd, item, scope);
    }
    const m = keyed(fd, list, scope === 'global' ? SUPPRESS_KEYS : SUPPRESS_KEYS.filter((k) => k !== 'sources'), what);
    const id = str(fd, m.get('id')?.value, 'id', {required: true});
    if (!m.has('id')) fd.error(item, 'RULE_SCHEMA', 'a suppress rule needs an id');
    if (!id) return null;
    const meta = this.claimId(fd, m.get('id')!.value, id, 'suppress rule');
    const passText = str(fd, m.get('pass')?.value, 'pass') ?? 'pre_link';
    if (passText !== 'pre_link' && passText !== 'post_link') fd.error(m.get('pass')!.value, 'RULE_SCHEMA', 'pass must be pre_link or post_link');
    const pass = passText === 'post_link' ? 'post_link' : 'pre_link';
    if (!m.has('when')) {
      fd.error(item, 'RULE_SCHEMA', `suppress rule ${id} needs a when: condition`);
      return null;
    }
    const when = this.expr(fd, m.get('when')!.value, 'when', pass === 'post_link' ? 'suppress_post_link' : 'suppress', BOOL, true);
    let sources: string[] | null = null;
    if (m.has('sources')) {
      sources = [];
      for (const s of seqItems(fd, m.get('sources')!.value, 'sources') ?? []) {
        const v = str(fd, s, 'a source id', {required: true});
        if (v) sources.push(v);
      }
    }
    if (!when) return null;
    return {
      ...meta,
      reason_code: str(fd, m.get('reason_code')?.value, 'reason_code') ?? id,
      note: str(fd, m.get('note')?.value, 'note'),
      enabled: bool(fd, m.get('enabled')?.value, 'enabled', true),
      pass, scope, sources, when,
    };
  }

  readScore(fd: FileDiags, node: Node | null): void {
    for (const item of seqItems(fd, node, 'score') ?? []) {
      const list = entries(fd, item, 'a score rule');
      if (!list) continue;
      const m = keyed(fd, list, SCORE_KEYS, 'a score rule');
      const id = m.has('id') ? str(fd, m.get('id')!.value, 'id', {required: true}) : null;
      if (!m.has('id')) fd.error(item, 'RULE_SCHEMA', 'a score rule needs an id');
      if (!id) continue;
      const meta = this.claimId(fd, m.get('id')!.value, id, 'score rule');
      const when = m.has('when') ? this.expr(fd, m.get('when')!.value, 'when', 'score', BOOL, true) : null;
      if (!m.has('add')) fd.error(item, 'RULE_SCHEMA', `score rule ${id} needs add:`);
      const add = m.has('add') ? this.expr(fd, m.get('add')!.value, 'add', 'score', NUMBER) : null;
      if (!m.has('rationale')) fd.error(item, 'RULE_SCHEMA', `score rule ${id} needs a rationale`, 'the rationale is shown to people in the breakdown');
      const rationale = m.has('rationale') ? this.template(fd, m.get('rationale')!.value, 'rationale', 'score') : null;
      const lineT = m.has('line') ? this.template(fd, m.get('line')!.value, 'line', 'score') : null;
      const phase = str(fd, m.get('phase')?.value, 'phase') ?? 'base';
      if (phase !== 'base' && phase !== 'modifier') fd.error(m.get('phase')!.value, 'RULE_SCHEMA', 'phase must be base or modifier');
      const data: [string, CompiledExpr][] = [];
      if (m.has('data')) {
        for (const e of entries(fd, m.get('data')!.value, 'data') ?? []) {
          const x = this.expr(fd, e.value, `data.${e.key}`, 'score');
          if (x) data.push([e.key, x]);
        }
      }
      const cap = m.has('cap') ? num(fd, m.get('cap')!.value, 'cap') : null;
      if (!add || !rationale || (m.has('when') && !when)) continue;
      this.score.push({
        ...meta, enabled: bool(fd, m.get('enabled')?.value, 'enabled', true), when, add, cap, rationale, line_template: lineT,
        phase: phase === 'modifier' ? 'modifier' : 'base', flag: str(fd, m.get('flag')?.value, 'flag'), data,
      });
    }
  }

  readClassify(fd: FileDiags, node: Node | null): void {
    for (const item of seqItems(fd, node, 'classify') ?? []) {
      const list = entries(fd, item, 'a classify row');
      if (!list) continue;
      const m = keyed(fd, list, CLASSIFY_KEYS, 'a classify row');
      const id = m.has('id') ? str(fd, m.get('id')!.value, 'id', {required: true}) : null;
      if (!m.has('id')) fd.error(item, 'RULE_SCHEMA', 'a classify row needs an id');
      if (!id) continue;
      const meta = this.claimId(fd, m.get('id')!.value, id, 'classify row');
      const when = m.has('when') ? this.expr(fd, m.get('when')!.value, 'when', 'classify', BOOL, true) : null;
      if (!m.has('class')) fd.error(item, 'RULE_SCHEMA', `classify row ${id} needs class: 0, 1 or 2`);
      const c = m.has('class') ? num(fd, m.get('class')!.value, 'class', {int: true, min: 0, max: 2}) : null;
      if (c === null || (m.has('when') && !when)) continue;
      this.classify.push({...meta, when, classification: c});
    }
  }

  readTypes(fd: FileDiags, node: Node | null): void {
    for (const item of seqItems(fd, node, 'types') ?? []) {
      const list = entries(fd, item, 'a type rule');
      if (!list) continue;
      const m = keyed(fd, list, TYPE_KEYS, 'a type rule');
      const id = m.has('id') ? str(fd, m.get('id')!.value, 'id', {required: true}) : null;
      if (!m.has('id')) fd.error(item, 'RULE_SCHEMA', 'a type rule needs an id');
      if (!id) continue;
      const meta = this.claimId(fd, m.get('id')!.value, id, 'type rule');
      const when = m.has('when') ? this.expr(fd, m.get('when')!.value, 'when', 'types', BOOL, true) : null;
      if (!m.has('type')) fd.error(item, 'RULE_SCHEMA', `type rule ${id} needs type: NAME`, 'an upper-case name such as FIRE or PORT_CONGESTION');
      const type = m.has('type') ? str(fd, m.get('type')!.value, 'type', {required: true}) : null;
      if (type !== null && !/^[A-Z][A-Z0-9_]*$/.test(type)) {
        fd.error(m.get('type')!.value, 'RULE_SCHEMA', `event type ${JSON.stringify(type)} is not an upper-case name`, 'write letters, digits and _, starting with a letter: FIRE, PORT_CONGESTION');
        continue;
      }
      if (type === null || (m.has('when') && !when)) continue;
      this.types.push({...meta, when, type});
    }
  }

  readQuality(fd: FileDiags, node: Node | null): void {
    for (const item of seqItems(fd, node, 'quality') ?? []) {
      const list = entries(fd, item, 'a quality cap');
      if (!list) continue;
      const m = keyed(fd, list, QUALITY_KEYS, 'a quality cap');
      const id = m.has('id') ? str(fd, m.get('id')!.value, 'id', {required: true}) : null;
      if (!m.has('id')) fd.error(item, 'RULE_SCHEMA', 'a quality cap needs an id');
      if (!id) continue;
      const meta = this.claimId(fd, m.get('id')!.value, id, 'quality cap');
      const when = m.has('when') ? this.expr(fd, m.get('when')!.value, 'when', 'quality', BOOL, true) : null;
      if (!m.has('cap')) fd.error(item, 'RULE_SCHEMA', `quality cap ${id} needs cap: 0, 1 or 2`);
      const cap = m.has('cap') ? num(fd, m.get('cap')!.value, 'cap', {int: true, min: 0, max: 2}) : null;
      const reason = m.has('reason') ? this.template(fd, m.get('reason')!.value, 'reason', 'quality') : null;
      if (cap === null || (m.has('when') && !when)) continue;
      this.quality.push({...meta, when, cap, reason});
    }
  }

  readCorrelate(fd: FileDiags, node: Node | null): void {
    for (const item of seqItems(fd, node, 'correlate') ?? []) {
      const list = entries(fd, item, 'a correlate rule');
      if (!list) continue;
      const m = keyed(fd, list, CORRELATE_KEYS, 'a correlate rule');
      const id = m.has('id') ? str(fd, m.get('id')!.value, 'id', {required: true}) : null;
      if (!m.has('id')) fd.error(item, 'RULE_SCHEMA', 'a correlate rule needs an id');
      if (!id) continue;
      const meta = this.claimId(fd, m.get('id')!.value, id, 'correlate rule');
      const when = m.has('when') ? this.expr(fd, m.get('when')!.value, 'when', 'correlate', BOOL, true) : null;
      const key: CompiledExpr[] = [];
      if (!m.has('key')) fd.error(item, 'RULE_SCHEMA', `correlate rule ${id} needs key: [expressions]`);
      const keyItems = m.has('key') ? seqItems(fd, m.get('key')!.value, 'key') : null;
      let keyOk = keyItems !== null && keyItems.length > 0;
      if (keyItems && keyItems.length === 0) fd.error(m.get('key')!.value, 'RULE_SCHEMA', 'key needs at least one expression');
      keyItems?.forEach((k, i) => {
        const x = this.expr(fd, k, `key[${i}]`, 'correlate', STRING);
        if (x) key.push(x);
        else keyOk = false;
      });
      let window: number | null = 168 * 3_600_000_000;
      if (m.has('window')) {
        const wn = m.get('window')!.value;
        const w = scalarValue(wn);
        window = typeof w === 'string' ? parseDuration(w) : null;
        if (window === null) fd.error(wn, 'RULE_BAD_DURATION', `malformed duration ${JSON.stringify(w)}`);
      }
      const maxc = m.has('max_candidates') ? num(fd, m.get('max_candidates')!.value, 'max_candidates', {int: true, min: 1}) : 20;
      const follow = m.has('follow') ? this.expr(fd, m.get('follow')!.value, 'follow', 'correlate', listOf(STRING)) : null;
      if (!keyOk || window === null || maxc === null || (m.has('when') && !when) || (m.has('follow') && !follow)) continue;
      this.correlate.push({...meta, when, key, follow, window_micros: window, max_candidates: maxc});
    }
  }

  readBounds(fd: FileDiags, node: Node | null, keyNode: Node): void {
    const p = fd.pos(keyNode);
    if (this.bounds) {
      fd.error(keyNode, 'RULE_DUPLICATE_ID', 'score_bounds is declared twice', `first declared at ${this.bounds.file}:${this.bounds.line}`);
      return;
    }
    const m = keyed(fd, entries(fd, node, 'score_bounds') ?? [], ['min', 'max'], 'score_bounds');
    const min = m.has('min') ? num(fd, m.get('min')!.value, 'min') : null;
    const max = m.has('max') ? num(fd, m.get('max')!.value, 'max') : null;
    if (min !== null && max !== null && min > max) fd.error(node, 'RULE_SCHEMA', 'score_bounds.min must not exceed max');
    this.bounds = {min, max, file: fd.src.file, line: p.line};
  }

  // ---- the whole pack ----------------------------------------------------------------

  /** Checks every queued expression; later calls check only what was queued since. */
  checkPending(): Pending[] {
    const batch = this.pending;
    this.pending = [];
    for (const p of batch) {
      const r = this.checker.check(p.site, p.ast, p.kind, p.expected, p.what);
      if (p.checkConst && r.ok && r.isConst) {
        this.checker.diag(p.site, p.ast.span, 'RULE_CONSTANT_CONDITION', 'warning', 'this condition does not depend on the event: it is always the same', 'remove the rule, or set enabled: false');
      }
    }
    return batch;
  }

  compileBatch(batch: Pending[]): void {
    for (const p of batch) p.out.fn = this.compiler.compile(p.ast);
  }
}
