import type {Diagnostic, Severity} from '../kernel/diagnostic.js';
import {defaultHint, type DiagnosticCode} from '../kernel/diagnostic-codes.js';
import type {Expr, Span} from './ast.js';
import {compileRegex, type RuleRegex} from './regex.js';
import {ROOTS, ROOTS_BY_KIND, rootUnavailableHint, type RuleKind} from './schema.js';
import {FUNCTIONS} from './functions.js';
import {ANY, BOOL, compatible, DURATION, elemOf, fits, listOf, NULL, NUMBER, ORDERED, REGEX, STRING, type Type, typeName, unify} from './types.js';
import {didYouMean} from '../kernel/text.js';

/** Where an expression's text lives, so offsets inside it map to file:line:col. */
export interface ExprSite {
  file: string;
  text: string;
  locate(offset: number): {line: number; col: number};
}

export interface ListDef {
  name: string;
  type: Type;
  values: unknown[];
  file: string;
  line: number;
  col: number;
  used: boolean;
}

export interface MacroDef {
  name: string;
  site: ExprSite;
  ast: Expr | null;
  type: Type;
  roots: Set<string>;
  isConst: boolean;
  state: 'new' | 'checking' | 'done';
  used: boolean;
  line: number;
  col: number;
}

/** What the checker learned about a node; the compiler reads it. */
export type Ref =
  | {k: 'var'; slot: number}
  | {k: 'root'; name: string}
  | {k: 'list'; def: ListDef}
  | {k: 'macro'; def: MacroDef};

export interface NodeInfo {
  type: Type;
  isConst: boolean;
  ref?: Ref;
  slot?: number;
  regex?: RuleRegex;
}

export interface CheckResult {
  type: Type;
  isConst: boolean;
  roots: Set<string>;
  ok: boolean;
}

interface VarBinding {
  type: Type;
  slot: number;
  isConst: boolean;
}

interface Frame {
  site: ExprSite;
  kind: RuleKind;
  allowed: Set<string>;
  vars: Map<string, VarBinding>;
  roots: Set<string>;
  errors: number;
}

const ARITH_VERB: Record<string, string> = {'+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide'};

/** Result kinds of arithmetic; `*` in a key stands for an unknown (any/null) operand. */
const ARITH: Record<string, Record<string, string>> = {
  '+': {'number,number': 'number', 'string,string': 'string', 'instant,duration': 'instant', 'duration,instant': 'instant', 'duration,duration': 'duration'},
  '-': {'number,number': 'number', 'instant,duration': 'instant', 'instant,instant': 'duration', 'duration,duration': 'duration'},
  '*': {'number,number': 'number', 'duration,number': 'duration', 'number,duration': 'duration'},
  '/': {'number,number': 'number', 'duration,number': 'duration', 'duration,duration': 'number'},
};

function arith(op: string, lt: Type, rt: Type): Type | null {
  const k = (t: Type): string => (t.t === 'any' || t.t === 'null' ? '*' : t.t);
  const a = k(lt);
  const b = k(rt);
  const table = ARITH[op];
  const results = new Set<string>();
  for (const key of Object.keys(table)) {
    const [x, y] = key.split(',');
    if ((a === '*' || a === x) && (b === '*' || b === y)) results.add(table[key]);
  }
  if (results.size === 0) return null;
  if (results.size > 1) return ANY;
  const only = [...results][0];
  return {t: only} as Type;
}

/**
 * Type-checks expressions against the context schema and the declared lists and macros,
 * annotating each node for the compiler. All problems become diagnostics; nothing throws.
 */
export class Checker {
  readonly diagnostics: Diagnostic[] = [];
  readonly info = new Map<Expr, NodeInfo>();
  private slots = 0;

  constructor(
    readonly lists: Map<string, ListDef>,
    readonly macros: Map<string, MacroDef>,
  ) {}

  get slotCount(): number {
    return this.slots;
  }

  diag(site: ExprSite, span: Span, code: DiagnosticCode, severity: Severity, message: string, hint?: string): Diagnostic {
    const s = site.locate(span.start);
    const e = site.locate(Math.max(span.start + 1, span.end));
    const d: Diagnostic = {code, severity, message, file: site.file, line: s.line, col: s.col, endLine: e.line, endCol: e.col};
    const h = hint ?? defaultHint(code);
    if (h) d.hint = h;
    this.diagnostics.push(d);
    return d;
  }

  /** Checks one expression; `expected` is the type the rule field needs (bool for `when`). */
  check(site: ExprSite, ast: Expr, kind: RuleKind, expected?: Type, what = 'expression'): CheckResult {
    const frame: Frame = {site, kind, allowed: new Set(ROOTS_BY_KIND[kind]), vars: new Map(), roots: new Set(), errors: 0};
    const type = this.expr(frame, ast);
    if (expected && frame.errors === 0 && !compatible(expected, type)) {
      this.error(frame, ast.span, 'RULE_TYPE_MISMATCH', `${what} must be a ${typeName(expected)}, but this is a ${typeName(type)}`);
    }
    return {type, isConst: this.info.get(ast)?.isConst ?? false, roots: frame.roots, ok: frame.errors === 0};
  }

  /** Checks a macro body on first use (or at the end, for unused ones); detects cycles. */
  checkMacro(def: MacroDef, from?: {frame: Frame; span: Span}): void {
    if (def.state === 'done') return;
    if (def.state === 'checking') {
      if (from) this.error(from.frame, from.span, 'RULE_MACRO_CYCLE', `macro ${def.name} refers to itself (directly or through other macros)`);
      def.type = ANY;
      return;
    }
    def.state = 'checking';
    if (def.ast) {
      const r = this.check(def.site, def.ast, 'macro');
      def.type = r.type;
      def.roots = r.roots;
      def.isConst = r.isConst;
    }
    def.state = 'done';
  }

  private error(f: Frame, span: Span, code: DiagnosticCode, message: string, hint?: string): Type {
    f.errors++;
    this.diag(f.site, span, code, 'error', message, hint);
    return ANY;
  }

  private set(e: Expr, info: NodeInfo): Type {
    this.info.set(e, info);
    return info.type;
  }

  private constOf(...es: Expr[]): boolean {
    return es.every((x) => this.info.get(x)?.isConst ?? false);
  }

  private expr(f: Frame, e: Expr): Type {
    switch (e.k) {
      case 'lit': {
        const v = e.value;
        const type = v === null ? NULL : typeof v === 'string' ? STRING : typeof v === 'number' ? NUMBER : BOOL;
        return this.set(e, {type, isConst: true});
      }
      case 'dur':
        return this.set(e, {type: DURATION, isConst: true});
      case 'regex': {
        const r = compileRegex(e.source, e.flags);
        if (!r.ok) {
          this.error(f, e.span, 'RULE_BAD_REGEX', r.message, r.hint);
          return this.set(e, {type: REGEX, isConst: true});
        }
        return this.set(e, {type: REGEX, isConst: true, regex: r.re});
      }
      case 'list': {
        let t: Type = NULL;
        for (const it of e.items) {
          const it2 = this.expr(f, it);
          const u = unify(t, it2);
          if (!u) {
            this.error(f, it.span, 'RULE_TYPE_MISMATCH', `list items must share one type: ${typeName(t)} and ${typeName(it2)}`);
          } else t = u;
        }
        return this.set(e, {type: listOf(t.t === 'null' ? ANY : t), isConst: this.constOf(...e.items)});
      }
      case 'ident':
        return this.ident(f, e);
      case 'member': {
        const ot = this.expr(f, e.obj);
        const isConst = this.constOf(e.obj);
        if (ot.t === 'any' || ot.t === 'null') return this.set(e, {type: ANY, isConst});
        if (ot.t === 'object') {
          const ft = ot.fields[e.name];
          if (f.kind === 'types' && ot.name === 'event' && e.name === 'type') {
            return this.set(e, {type: this.error(f, e.nameSpan, 'RULE_UNKNOWN_FIELD', 'event.type is what the types section decides: a type rule cannot read it', 'test the text, the NWS event code or event.type_ref instead'), isConst});
          }
          if (!ft) {
            const s = didYouMean(e.name, Object.keys(ot.fields));
            const path = this.pathText(e.obj);
            return this.set(e, {
              type: this.error(f, e.nameSpan, 'RULE_UNKNOWN_FIELD', `unknown field ${path ? `${path}.` : ''}${e.name}`,
                s ? `did you mean ${path ? `${path}.` : ''}${s}?` : `fields of ${ot.name}: ${Object.keys(ot.fields).join(', ')}`),
              isConst,
            });
          }
          return this.set(e, {type: ft, isConst});
        }
        if (ot.t === 'list') {
          return this.set(e, {
            type: this.error(f, e.nameSpan, 'RULE_TYPE_MISMATCH', `cannot read .${e.name} of a ${typeName(ot)}`,
              `use a quantifier or aggregate, e.g. any x in ${this.pathText(e.obj) ?? 'list'}: x.${e.name} …`),
            isConst,
          });
        }
        return this.set(e, {type: this.error(f, e.nameSpan, 'RULE_TYPE_MISMATCH', `cannot read .${e.name} of a ${typeName(ot)}`), isConst});
      }
      case 'unary': {
        const t = this.expr(f, e.arg);
        const isConst = this.constOf(e.arg);
        if (e.op === 'not') {
          if (!fits(t, 'bool')) this.error(f, e.arg.span, 'RULE_TYPE_MISMATCH', `not needs a bool, got ${typeName(t)}`);
          return this.set(e, {type: BOOL, isConst});
        }
        if (!fits(t, 'number', 'duration')) this.error(f, e.arg.span, 'RULE_TYPE_MISMATCH', `unary - needs a number or duration, got ${typeName(t)}`);
        return this.set(e, {type: t.t === 'duration' ? DURATION : NUMBER, isConst});
      }
      case 'binary':
        return this.binary(f, e);
      case 'if': {
        const c = this.expr(f, e.cond);
        if (!fits(c, 'bool')) this.error(f, e.cond.span, 'RULE_TYPE_MISMATCH', `the if condition must be a bool, got ${typeName(c)}`);
        const a = this.expr(f, e.then);
        const b = this.expr(f, e.else);
        let u = unify(a, b);
        if (!u) {
          this.error(f, e.else.span, 'RULE_TYPE_MISMATCH', `both branches must have one type: ${typeName(a)} and ${typeName(b)}`);
          u = ANY;
        }
        return this.set(e, {type: u, isConst: this.constOf(e.cond, e.then, e.else)});
      }
      case 'quant': {
        const {elem, slot, isConstList} = this.bindList(f, e.bind.list, e.bind.name, e.bind.nameSpan);
        const bt = this.withVar(f, e.bind.name, {type: elem, slot, isConst: isConstList}, () => this.expr(f, e.bind.body));
        if (!fits(bt, 'bool')) this.error(f, e.bind.body.span, 'RULE_TYPE_MISMATCH', `the condition after ":" must be a bool, got ${typeName(bt)}`);
        return this.set(e, {type: BOOL, isConst: isConstList && this.constOf(e.bind.body), slot});
      }
      case 'call':
        return this.call(f, e);
    }
  }

  private pathText(e: Expr): string | null {
    if (e.k === 'ident') return e.name;
    if (e.k === 'member') {
      const p = this.pathText(e.obj);
      return p ? `${p}.${e.name}` : null;
    }
    return null;
  }

  private bindList(f: Frame, list: Expr, name: string, nameSpan: Span): {elem: Type; slot: number; isConstList: boolean} {
    const lt = this.expr(f, list);
    let elem = elemOf(lt);
    if (!elem) {
      this.error(f, list.span, 'RULE_TYPE_MISMATCH', `"${name} in …" needs a list, got ${typeName(lt)}`);
      elem = ANY;
    }
    if (ROOTS[name] || this.lists.has(name) || this.macros.has(name) || f.vars.has(name)) {
      this.diag(f.site, nameSpan, 'RULE_SHADOWED_NAME', 'warning', `variable ${name} hides a field, list, macro or outer variable of the same name`);
    }
    return {elem, slot: this.slots++, isConstList: this.constOf(list)};
  }

  private withVar<R>(f: Frame, name: string, b: VarBinding, fn: () => R): R {
    const prev = f.vars.get(name);
    f.vars.set(name, b);
    try {
      return fn();
    } finally {
      if (prev) f.vars.set(name, prev);
      else f.vars.delete(name);
    }
  }

  private ident(f: Frame, e: Expr & {k: 'ident'}): Type {
    const v = f.vars.get(e.name);
    if (v) return this.set(e, {type: v.type, isConst: v.isConst, ref: {k: 'var', slot: v.slot}});
    const macro = this.macros.get(e.name);
    if (macro) {
      macro.used = true;
      this.checkMacro(macro, {frame: f, span: e.span});
      for (const r of macro.roots) {
        f.roots.add(r);
        if (!f.allowed.has(r)) {
          this.error(f, e.span, 'RULE_UNKNOWN_FIELD', `macro ${e.name} reads ${r}, which is not available here`, rootUnavailableHint(r, f.kind));
          break;
        }
      }
      return this.set(e, {type: macro.type, isConst: macro.isConst, ref: {k: 'macro', def: macro}});
    }
    const list = this.lists.get(e.name);
    if (list) {
      list.used = true;
      return this.set(e, {type: list.type, isConst: true, ref: {k: 'list', def: list}});
    }
    if (ROOTS[e.name]) {
      if (!f.allowed.has(e.name)) {
        return this.set(e, {type: this.error(f, e.span, 'RULE_UNKNOWN_FIELD', `${e.name} is not available in ${f.kind.replace('_', ' ')} rules`, rootUnavailableHint(e.name, f.kind)), isConst: false});
      }
      f.roots.add(e.name);
      return this.set(e, {type: ROOTS[e.name], isConst: false, ref: {k: 'root', name: e.name}});
    }
    const names = [...f.allowed, ...this.lists.keys(), ...this.macros.keys(), ...f.vars.keys()];
    const s = didYouMean(e.name, names);
    const isFieldLike = s !== undefined && ROOTS[s] !== undefined;
    return this.set(e, {
      type: this.error(
        f, e.span, isFieldLike ? 'RULE_UNKNOWN_FIELD' : 'RULE_UNKNOWN_LIST',
        isFieldLike ? `unknown field ${e.name}` : `unknown list or macro ${e.name}`,
        s ? `did you mean ${s}?` : `declare it under lists: or macros:, or use a field such as event.title`,
      ),
      isConst: false,
    });
  }

  private binary(f: Frame, e: Expr & {k: 'binary'}): Type {
    const lt = this.expr(f, e.left);
    const rt = this.expr(f, e.right);
    const isConst = this.constOf(e.left, e.right);
    const mismatch = (msg: string, hint?: string): Type => {
      this.error(f, e.opSpan, 'RULE_TYPE_MISMATCH', msg, hint);
      return ANY;
    };
    const both = `${typeName(lt)} ${e.op} ${typeName(rt)}`;
    let type: Type = BOOL;
    switch (e.op) {
      case 'and':
      case 'or':
        if (!fits(lt, 'bool')) this.error(f, e.left.span, 'RULE_TYPE_MISMATCH', `${e.op} needs bool operands, got ${typeName(lt)}`);
        if (!fits(rt, 'bool')) this.error(f, e.right.span, 'RULE_TYPE_MISMATCH', `${e.op} needs bool operands, got ${typeName(rt)}`);
        for (const side of [e.left, e.right]) {
          if (this.constOf(side) && !isConst) {
            this.diag(f.site, side.span, 'RULE_CONSTANT_CONDITION', 'warning', `this operand of ${e.op} is always the same value`, 'remove it or compare it with a field');
          }
        }
        break;
      case '==':
      case '!=':
        if (!compatible(lt, rt)) mismatch(`cannot compare ${both}`, lt.t === 'number' || rt.t === 'number' ? 'convert with str(x) to compare as text' : undefined);
        break;
      case '<':
      case '<=':
      case '>':
      case '>=':
        if (!compatible(lt, rt) || !fits(lt, ...ORDERED) || !fits(rt, ...ORDERED)) mismatch(`cannot order ${both}`, 'both sides must be numbers, strings, instants or durations of the same kind');
        break;
      case 'in':
      case 'not in': {
        const el = elemOf(rt);
        if (!el) mismatch(`${e.op} needs a list on the right, got ${typeName(rt)}`, rt.t === 'string' ? 'for text use `contains`' : undefined);
        else if (!compatible(el, lt)) mismatch(`cannot look for a ${typeName(lt)} in a ${typeName(rt)}`);
        break;
      }
      case 'contains':
        if (rt.t !== 'list' && lt.t === 'list') {
          if (!compatible(lt.of, rt)) mismatch(`cannot look for a ${typeName(rt)} in a ${typeName(lt)}`);
        } else if (!fits(lt, 'string') || !fits(rt, 'string')) mismatch(`contains needs text (or a list on the left), got ${both}`);
        break;
      case 'icontains':
      case 'startswith':
      case 'endswith':
        if (!fits(lt, 'string') || !fits(rt, 'string')) mismatch(`${e.op} needs text on both sides, got ${both}`);
        break;
      case 'matches':
        if (!fits(lt, 'string')) mismatch(`matches needs text on the left, got ${typeName(lt)}`);
        if (e.right.k !== 'regex') {
          this.error(f, e.right.span, 'RULE_TYPE_MISMATCH', 'matches needs a regex literal on the right', 'write x matches /pattern/i');
        }
        break;
      case '??': {
        const u = unify(lt, rt);
        type = u ?? mismatch(`both sides of ?? must have one type: ${both}`);
        break;
      }
      case '+':
      case '-':
      case '*':
      case '/': {
        const r = arith(e.op, lt, rt);
        type = r ?? mismatch(`cannot ${ARITH_VERB[e.op]} ${both}`, (lt.t === 'string') !== (rt.t === 'string') && e.op === '+' ? 'convert numbers with str(x) before joining text' : undefined);
        break;
      }
    }
    return this.set(e, {type, isConst});
  }

  private call(f: Frame, e: Expr & {k: 'call'}): Type {
    const fn = FUNCTIONS.get(e.name);
    if (!fn) {
      e.args.forEach((a) => this.expr(f, a));
      const s = didYouMean(e.name, [...FUNCTIONS.keys()]);
      return this.set(e, {
        type: this.error(f, e.nameSpan, 'RULE_UNKNOWN_FUNCTION', `unknown function ${e.name}`, s ? `did you mean ${s}?` : `functions: ${[...FUNCTIONS.keys()].join(', ')}`),
        isConst: false,
      });
    }
    const args = e.args.map((a) => this.expr(f, a));
    let bindElem: Type | null = null;
    let body: Type | null = null;
    let slot: number | undefined;
    let isConst = this.constOf(...e.args);
    if (e.bind) {
      const b = this.bindList(f, e.bind.list, e.bind.name, e.bind.nameSpan);
      bindElem = b.elem;
      slot = b.slot;
      body = this.withVar(f, e.bind.name, {type: b.elem, slot: b.slot, isConst: b.isConstList}, () => this.expr(f, e.bind!.body));
      isConst = isConst && b.isConstList && this.constOf(e.bind.body);
    }
    const type = fn.check({
      args, bindElem, body, hasBind: e.bind !== null,
      fail: (msg) => {
        this.error(f, e.span, 'RULE_TYPE_MISMATCH', `${e.name}: ${msg}`, fn.sig);
        return null;
      },
    });
    return this.set(e, {type: type ?? ANY, isConst, slot});
  }
}
