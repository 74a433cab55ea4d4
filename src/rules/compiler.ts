import type {Binding, Expr} from './ast.js';
import type {Checker, MacroDef} from './checker.js';
import type {Env, Fn} from './env.js';
import {FUNCTIONS, type EachItem} from './functions.js';
import {type RuleContext, SCORE_STATE_ROOTS} from './schema.js';
import {compareValues, valueEquals} from './values.js';

/** An environment for folding constant sub-expressions at compile time. */
function constEnv(): Env {
  return {ctx: {} as RuleContext, v: [], o: [], t: null, w: null, m: []};
}

/**
 * A macro's value, evaluated once per environment: a pack's macros are referenced many times
 * per item (the shipped correlation key reads `corr_text`, a lower-cased title and body, up to
 * ten times). Not while explaining or collecting a suppression witness: those record what each
 * reference evaluates, so every reference evaluates.
 */
function memoized(env: Env, slot: number, inner: Fn): unknown {
  if (env.t !== null || env.w !== null) return inner(env);
  // A hole means "not evaluated yet" (null is a value and is kept); a macro whose value is
  // undefined is simply evaluated again.
  const known = env.m[slot];
  return known !== undefined ? known : (env.m[slot] = inner(env));
}

type Origin = ((env: Env) => string | null) | null;

function isStr(v: unknown): v is string {
  return typeof v === 'string';
}

function ordered(a: unknown, b: unknown): number | null {
  if (a === null || b === null || a === undefined || b === undefined) return null;
  if (typeof a !== typeof b) return null;
  if (typeof a !== 'number' && typeof a !== 'string') return null;
  return compareValues(a, b);
}

/**
 * Compiles checked ASTs into plain closures (no eval, no Function constructor). Each node
 * gets a pack-wide id; explain mode passes a Tracer that receives (id, value) pairs, and the
 * explain view rebuilds the tree from the AST. Literals are not traced (their value is their
 * text).
 */
export class Compiler {
  readonly nodes: Expr[] = [];
  private readonly macroFns = new Map<MacroDef, Fn>();

  constructor(private readonly checker: Checker) {}

  idOf(e: Expr): number | undefined {
    return this.ids.get(e);
  }
  private readonly ids = new Map<Expr, number>();

  compile(e: Expr): Fn {
    const raw = this.raw(e);
    if (e.k === 'lit' || e.k === 'dur' || e.k === 'regex') return raw;
    const id = this.nodes.length;
    this.nodes.push(e);
    this.ids.set(e, id);
    return (env) => {
      const v = raw(env);
      if (env.t !== null) env.t.rec(id, v);
      return v;
    };
  }

  macro(def: MacroDef): Fn {
    let fn = this.macroFns.get(def);
    if (!fn) {
      // Placeholder first: cycles are rejected by the checker, but compile order must not loop.
      let inner: Fn = () => null;
      const slot = this.macroFns.size;
      const constant = !SCORE_STATE_ROOTS.some((r) => def.roots.has(r));
      this.macroFns.set(def, constant ? (env) => memoized(env, slot, inner) : (env) => inner(env));
      inner = def.ast ? this.compile(def.ast) : () => null;
      fn = this.macroFns.get(def)!;
    }
    return fn;
  }

  private static staticPath(e: Expr): string | null {
    if (e.k === 'ident') return e.name;
    if (e.k === 'member') {
      const p = Compiler.staticPath(e.obj);
      return p === null ? null : `${p}.${e.name}`;
    }
    return null;
  }

  /** The context field a string value came from, for suppression verdicts. */
  private origin(e: Expr): Origin {
    const info = this.checker.info.get(e);
    if (e.k === 'call' && FUNCTIONS.get(e.name)?.keepsField && e.args.length === 1) return this.origin(e.args[0]);
    if (e.k === 'ident' && info?.ref?.k === 'var') {
      const slot = info.ref.slot;
      return (env) => env.o[slot] ?? null;
    }
    const p = Compiler.staticPath(e);
    if (p === null) return null;
    const root = p.split('.')[0];
    const ref = this.checker.info.get(this.rootOf(e))?.ref;
    if (ref?.k !== 'root' || root !== ref.name) return null;
    const field = p.startsWith('event.') ? p.slice(6) : p;
    return () => field;
  }

  private rootOf(e: Expr): Expr {
    return e.k === 'member' ? this.rootOf(e.obj) : e;
  }

  /** Static field names of a list literal's items (for quantifiers over [event.title, …]). */
  private itemOrigins(list: Expr): (string | null)[] | null {
    if (list.k !== 'list') return null;
    const out = list.items.map((it) => {
      const o = this.origin(it);
      return o ? o(constEnv()) : null;
    });
    return out.some((x) => x !== null) ? out : null;
  }

  private raw(e: Expr): Fn {
    const info = this.checker.info.get(e);
    switch (e.k) {
      case 'lit': {
        const v = e.value;
        return () => v;
      }
      case 'dur': {
        const v = e.micros;
        return () => v;
      }
      case 'regex': {
        const re = info?.regex ?? null;
        return () => re;
      }
      case 'list': {
        if (info?.isConst) {
          const fns = e.items.map((x) => this.compile(x));
          const dummy = constEnv();
          const arr = fns.map((f) => f(dummy));
          return () => arr;
        }
        const fns = e.items.map((x) => this.compile(x));
        return (env) => fns.map((f) => f(env));
      }
      case 'ident': {
        const ref = info?.ref;
        if (!ref) return () => null;
        if (ref.k === 'var') {
          const slot = ref.slot;
          return (env) => env.v[slot] ?? null;
        }
        if (ref.k === 'list') {
          const values = ref.def.values;
          return () => values;
        }
        if (ref.k === 'macro') return this.macro(ref.def);
        const name = ref.name as keyof RuleContext;
        return (env) => env.ctx[name] ?? null;
      }
      case 'member': {
        const obj = this.compile(e.obj);
        const name = e.name;
        return (env) => {
          const o = obj(env) as Record<string, unknown> | null;
          if (o === null || typeof o !== 'object') return null;
          const v = o[name];
          return v === undefined ? null : v;
        };
      }
      case 'unary': {
        const a = this.compile(e.arg);
        if (e.op === 'not') return (env) => a(env) !== true;
        return (env) => {
          const v = a(env);
          return typeof v === 'number' ? -v : null;
        };
      }
      case 'if': {
        const c = this.compile(e.cond);
        const t = this.compile(e.then);
        const f = this.compile(e.else);
        return (env) => (c(env) === true ? t(env) : f(env));
      }
      case 'quant': {
        const each = this.eachItem(e.bind, info!.slot!);
        if (e.q === 'any') {
          return (env) => {
            let hit = false;
            each(env, (_, v) => {
              if (v === true) hit = true;
              return !hit;
            });
            return hit;
          };
        }
        return (env) => {
          let all = true;
          each(env, (_, v) => {
            if (v !== true) all = false;
            return all;
          });
          return all;
        };
      }
      case 'binary':
        return this.binary(e);
      case 'call':
        return this.call(e);
    }
  }

  private binary(e: Expr & {k: 'binary'}): Fn {
    const a = this.compile(e.left);
    const b = this.compile(e.right);
    switch (e.op) {
      case 'and':
        return (env) => a(env) === true && b(env) === true;
      case 'or':
        return (env) => a(env) === true || b(env) === true;
      case '==':
        return this.stringTest(e, a, b, (x, y) => (valueEquals(x, y) ? [0, isStr(x) ? x.length : 0] : null), true);
      case '!=':
        return (env) => !valueEquals(a(env), b(env));
      case '<':
        return (env) => {
          const c = ordered(a(env), b(env));
          return c !== null && c < 0;
        };
      case '<=':
        return (env) => {
          const c = ordered(a(env), b(env));
          return c !== null && c <= 0;
        };
      case '>':
        return (env) => {
          const c = ordered(a(env), b(env));
          return c !== null && c > 0;
        };
      case '>=':
        return (env) => {
          const c = ordered(a(env), b(env));
          return c !== null && c >= 0;
        };
      case 'in':
      case 'not in': {
        const neg = e.op === 'not in';
        const rinfo = this.checker.info.get(e.right);
        if (rinfo?.isConst) {
          const values = b(constEnv());
          if (Array.isArray(values) && values.every((v) => typeof v !== 'object' || v === null)) {
            const set = new Set(values);
            return (env) => {
              const x = a(env);
              const hit = x !== null && set.has(x);
              return neg ? !hit : hit;
            };
          }
        }
        return (env) => {
          const l = b(env);
          const x = a(env);
          const hit = x !== null && Array.isArray(l) && l.some((y) => valueEquals(x, y));
          return neg ? !hit : hit;
        };
      }
      case 'contains':
        return this.stringTest(e, a, b, (x, y) => {
          const i = x.indexOf(y);
          return i < 0 ? null : [i, i + y.length];
        });
      case 'icontains': {
        const rinfo = this.checker.info.get(e.right);
        const constLower = rinfo?.isConst ? b(constEnv()) : undefined;
        const lowered = isStr(constLower) ? constLower.toLowerCase() : null;
        const bl: Fn = lowered !== null ? () => lowered : (env) => {
          const y = b(env);
          return isStr(y) ? y.toLowerCase() : null;
        };
        return this.stringTest(e, a, bl, (x, y) => {
          const lx = x.toLowerCase();
          const i = lx.indexOf(y);
          return i < 0 ? null : [i, i + y.length];
        });
      }
      case 'startswith':
        return this.stringTest(e, a, b, (x, y) => (x.startsWith(y) ? [0, y.length] : null));
      case 'endswith':
        return this.stringTest(e, a, b, (x, y) => (x.endsWith(y) ? [x.length - y.length, x.length] : null));
      case 'matches': {
        const re = this.checker.info.get(e.right)?.regex ?? null;
        if (re === null) return () => false;
        const origin = this.origin(e.left);
        return (env) => {
          const x = a(env);
          if (!isStr(x)) return false;
          if (env.w === null || env.w.field !== null || origin === null) return re.test(x);
          const span = re.find(x);
          if (span === null) return false;
          env.w.field = origin(env);
          env.w.span = span;
          return true;
        };
      }
      case '??':
        return (env) => {
          const v = a(env);
          return v === null ? b(env) : v;
        };
      case '+':
        return (env) => {
          const x = a(env);
          const y = b(env);
          if (typeof x === 'number' && typeof y === 'number') return x + y;
          if (isStr(x) && isStr(y)) return x + y;
          return null;
        };
      case '-':
        return (env) => {
          const x = a(env);
          const y = b(env);
          return typeof x === 'number' && typeof y === 'number' ? x - y : null;
        };
      case '*':
        return (env) => {
          const x = a(env);
          const y = b(env);
          return typeof x === 'number' && typeof y === 'number' ? x * y : null;
        };
      case '/':
        return (env) => {
          const x = a(env);
          const y = b(env);
          return typeof x === 'number' && typeof y === 'number' && y !== 0 ? x / y : null;
        };
    }
  }

  /**
   * A string test that also records, in suppression mode, which field matched and where.
   * `generic` lets `==` compare non-strings too.
   */
  private stringTest(
    e: Expr & {k: 'binary'},
    a: Fn,
    b: Fn,
    test: (x: string, y: string) => [number, number] | null,
    generic = false,
  ): Fn {
    const origin = this.origin(e.left);
    const listContains = e.op === 'contains';
    return (env) => {
      const x = a(env);
      const y = b(env);
      if (!isStr(x) || !isStr(y)) {
        if (generic) return valueEquals(x, y);
        if (listContains && Array.isArray(x) && y !== null) return x.some((it) => valueEquals(it, y));
        return false;
      }
      const span = test(x, y);
      if (span === null) return false;
      if (env.w !== null && env.w.field === null && origin !== null) {
        env.w.field = origin(env);
        env.w.span = span;
      }
      return true;
    };
  }

  /** A built-in call: the registry builds it from the compiled arguments or the bound list. */
  private call(e: Expr & {k: 'call'}): Fn {
    const args = e.args.map((x) => this.compile(x));
    const fn = FUNCTIONS.get(e.name);
    if (e.bind) {
      const each = this.eachItem(e.bind, this.checker.info.get(e)!.slot!);
      if (fn?.each) return fn.each(each);
    } else if (fn?.call) {
      return fn.call({args, regexAt: (i) => this.checker.info.get(e.args[i])?.regex ?? null});
    }
    throw new Error(`internal: the checker passed an unusable call of ${e.name}`);
  }

  /** Walks `x in LIST: body`, binding each item (and the field it came from) to the slot. */
  private eachItem(bind: Binding, slot: number): EachItem {
    const list = this.compile(bind.list);
    const body = this.compile(bind.body);
    const origins = this.itemOrigins(bind.list);
    return (env, visit) => {
      const l = list(env);
      if (!Array.isArray(l)) return;
      for (let i = 0; i < l.length; i++) {
        env.v[slot] = l[i];
        if (origins !== null) env.o[slot] = origins[i];
        if (visit(l[i], body(env)) === false) return;
      }
    };
  }
}
