import {createHash} from 'node:crypto';
import type {Env, Fn} from './env.js';
import type {RuleRegex} from './regex.js';
import {ANY, DURATION, elemOf, fits, listOf, NUMBER, ORDERED, STRING, type Type, typeName, unify} from './types.js';
import {compareValues, valueEquals, valueToText} from './values.js';

/** What the checker knows about one call: argument types and, for `f(x in list: body)`, the item and body types. */
export interface CallTyping {
  args: Type[];
  hasBind: boolean;
  bindElem: Type | null;
  body: Type | null;
  /** Reports a RULE_TYPE_MISMATCH at the call, with the signature as hint. */
  fail: (msg: string) => null;
}

/** What a call `f(a, b, …)` compiles from: its compiled arguments and the regex literals the checker compiled. */
export interface CallCode {
  args: Fn[];
  regexAt(index: number): RuleRegex | null;
}

/** Walks `x in list: body`: calls `visit` with each item and the body's value for it; returning false stops. */
export type EachItem = (env: Env, visit: (item: unknown, value: unknown) => boolean | void) => void;

/**
 * A built-in function of the rule language, declared once: the checker types calls with
 * `check`, the compiler builds them with `call` (positional form) or `each` (the
 * `f(x in list: body)` form), and docs/RULES.md lists `sig` and `doc`.
 */
export interface BuiltinFunction {
  name: string;
  sig: string;
  doc: string;
  check: (c: CallTyping) => Type | null;
  call?: (c: CallCode) => Fn;
  each?: (each: EachItem) => Fn;
  /**
   * The result is the argument's text, re-cased or trimmed: a suppression witness found in it
   * still names the argument's field.
   */
  keepsField?: true;
}

function unary(arg: 'string' | 'number', ret: Type): BuiltinFunction['check'] {
  return (c) => {
    if (c.hasBind) return c.fail('this function takes no "x in list:" form');
    if (c.args.length !== 1) return c.fail(`expects 1 argument, got ${c.args.length}`);
    if (!fits(c.args[0], arg)) return c.fail(`expects a ${arg}, got ${typeName(c.args[0])}`);
    return ret;
  };
}

/** Aggregate over `LIST` or over `x in LIST: body`; max and min also take `(a, b, …)`. */
function aggregate(name: string, elemOk: (t: Type) => boolean, result: (elem: Type) => Type, bodyIsCondition = false): BuiltinFunction['check'] {
  return (c) => {
    let elem: Type | null;
    if (c.hasBind) {
      if (c.args.length !== 0) return c.fail(`${name}(x in list: …) takes no further arguments`);
      elem = bodyIsCondition ? c.bindElem : c.body;
      if (bodyIsCondition && c.body && !fits(c.body, 'bool')) return c.fail(`the condition after ":" must be a bool, got ${typeName(c.body)}`);
    } else {
      if ((name === 'max' || name === 'min') && c.args.length >= 2) {
        let t: Type | null = c.args[0];
        for (const a of c.args.slice(1)) t = t && unify(t, a);
        if (!t || !fits(t, ...ORDERED)) return c.fail(`arguments must share one ordered type (number, string, instant, duration)`);
        return t;
      }
      if (c.args.length !== 1) return c.fail(`expects a list, or "x in list: …"`);
      elem = elemOf(c.args[0]);
      if (!elem) return c.fail(`expects a list, got ${typeName(c.args[0])}`);
    }
    if (elem && !elemOk(elem)) return c.fail(`cannot ${name} values of type ${typeName(elem)}`);
    return result(elem ?? ANY);
  };
}

function isStr(v: unknown): v is string {
  return typeof v === 'string';
}

/** A one-argument function of text; null for anything else. */
function onText(f: (s: string) => unknown): BuiltinFunction['call'] {
  return ({args: [a]}) => (env) => {
    const s = a(env);
    return isStr(s) ? f(s) : null;
  };
}

/** A one-argument function of a number; null for anything else. */
function onNumber(f: (n: number) => unknown): BuiltinFunction['call'] {
  return ({args: [a]}) => (env) => {
    const n = a(env);
    return typeof n === 'number' ? f(n) : null;
  };
}

/** A function of a list argument; `otherwise` when the argument is not a list. */
function onList(f: (l: unknown[]) => unknown, otherwise: unknown): BuiltinFunction['call'] {
  return ({args: [a]}) => (env) => {
    const v = a(env);
    return Array.isArray(v) ? f(v) : otherwise;
  };
}

/** The largest (sign 1) or smallest (sign -1) non-null value, or null. */
function extreme(values: readonly unknown[], sign: 1 | -1): unknown {
  let best: unknown = null;
  for (const x of values) {
    if (x === null || x === undefined) continue;
    if (best === null || compareValues(x, best) * sign > 0) best = x;
  }
  return best;
}

function extremeOf(sign: 1 | -1): Pick<BuiltinFunction, 'call' | 'each'> {
  return {
    call: ({args}) => {
      if (args.length >= 2) return (env) => extreme(args.map((f) => f(env)), sign);
      const [a] = args;
      return (env) => {
        const v = a(env);
        return Array.isArray(v) ? extreme(v, sign) : null;
      };
    },
    each: (each) => (env) => {
      let best: unknown = null;
      each(env, (_, v) => {
        if (v !== null && (best === null || compareValues(v, best) * sign > 0)) best = v;
      });
      return best;
    },
  };
}

const TOKEN_RE = /[\p{L}\p{N}]+/gu;

/** Every built-in function, in the order `rules check` lists them. */
const BUILTINS: BuiltinFunction[] = [
  {name: 'lower', sig: 'lower(string) -> string', doc: 'Unicode default lower-casing (not locale-dependent).', check: unary('string', STRING), call: onText((s) => s.toLowerCase()), keepsField: true},
  {name: 'upper', sig: 'upper(string) -> string', doc: 'Unicode default upper-casing.', check: unary('string', STRING), call: onText((s) => s.toUpperCase()), keepsField: true},
  {name: 'trim', sig: 'trim(string) -> string', doc: 'Removes leading and trailing white space.', check: unary('string', STRING), call: onText((s) => s.trim()), keepsField: true},
  {
    name: 'sha256', sig: 'sha256(string) -> string', doc: 'Lower-case hex SHA-256 of the UTF-8 bytes.', check: unary('string', STRING),
    call: onText((s) => createHash('sha256').update(s, 'utf8').digest('hex')),
  },
  {
    name: 'tokens', sig: 'tokens(string) -> list<string>', doc: 'Maximal runs of Unicode letters or digits, in order.', check: unary('string', listOf(STRING)),
    call: onText((s) => s.match(TOKEN_RE) ?? []),
  },
  {name: 'abs', sig: 'abs(number) -> number', doc: 'Absolute value.', check: unary('number', NUMBER), call: onNumber(Math.abs)},
  {name: 'trunc', sig: 'trunc(number) -> number', doc: 'Truncates toward zero.', check: unary('number', NUMBER), call: onNumber(Math.trunc)},
  {
    name: 'signed', sig: 'signed(number) -> string', doc: 'The number with an explicit sign: +2, -1, +0.', check: unary('number', STRING),
    call: onNumber((n) => (n >= 0 ? `+${n}` : String(n))),
  },
  {name: 'minutes', sig: 'minutes(number) -> duration', doc: 'A duration of n minutes.', check: unary('number', DURATION), call: onNumber((n) => n * 60_000_000)},
  {name: 'hours', sig: 'hours(number) -> duration', doc: 'A duration of n hours.', check: unary('number', DURATION), call: onNumber((n) => n * 3_600_000_000)},
  {name: 'days', sig: 'days(number) -> duration', doc: 'A duration of n days.', check: unary('number', DURATION), call: onNumber((n) => n * 86_400_000_000)},
  {
    name: 'str', sig: 'str(any) -> string', doc: 'Text form: integers without decimals, lists joined with ", ", null as "".',
    check: (c) => (c.hasBind || c.args.length !== 1 ? c.fail('expects 1 argument') : STRING),
    call: ({args: [a]}) => (env) => valueToText(a(env)),
  },
  {
    name: 'len', sig: 'len(string | list) -> number', doc: 'Characters of a string or items of a list; null counts as 0.',
    check: (c) => (c.hasBind || c.args.length !== 1 ? c.fail('expects 1 argument') : fits(c.args[0], 'string', 'list') ? NUMBER : c.fail(`expects a string or list, got ${typeName(c.args[0])}`)),
    call: ({args: [a]}) => (env) => {
      const v = a(env);
      return isStr(v) || Array.isArray(v) ? v.length : 0;
    },
  },
  {
    name: 'count', sig: 'count(list) | count(x in list: condition) -> number', doc: 'Number of items (satisfying the condition).',
    check: aggregate('count', () => true, () => NUMBER, true),
    call: onList((l) => l.length, 0),
    each: (each) => (env) => {
      let n = 0;
      each(env, (_, v) => {
        if (v === true) n++;
      });
      return n;
    },
  },
  {
    name: 'sum', sig: 'sum(list<number>) | sum(x in list: number) -> number', doc: 'Sum ignoring nulls; 0 for an empty list.',
    check: aggregate('sum', (t) => fits(t, 'number'), () => NUMBER),
    call: onList((l) => l.reduce<number>((s, x) => (typeof x === 'number' ? s + x : s), 0), 0),
    each: (each) => (env) => {
      let s = 0;
      each(env, (_, v) => {
        if (typeof v === 'number') s += v;
      });
      return s;
    },
  },
  {
    name: 'max', sig: 'max(list) | max(x in list: value) | max(a, b, …)', doc: 'Largest non-null value (strings by code point); null when there is none.',
    check: aggregate('max', (t) => fits(t, ...ORDERED), (e) => e),
    ...extremeOf(1),
  },
  {
    name: 'min', sig: 'min(list) | min(x in list: value) | min(a, b, …)', doc: 'Smallest non-null value (strings by code point); null when there is none.',
    check: aggregate('min', (t) => fits(t, ...ORDERED), (e) => e),
    ...extremeOf(-1),
  },
  {
    name: 'first', sig: 'first(list) | first(x in list: condition) -> item', doc: 'The first item (satisfying the condition), or null.',
    check: aggregate('first', () => true, (e) => e, true),
    call: onList((l) => (l.length > 0 ? (l[0] ?? null) : null), null),
    each: (each) => (env) => {
      let found: unknown = null;
      each(env, (item, v) => {
        if (v === true) {
          found = item;
          return false;
        }
      });
      return found;
    },
  },
  {
    name: 'last', sig: 'last(list) | last(x in list: condition) -> item', doc: 'The last item (satisfying the condition), or null.',
    check: aggregate('last', () => true, (e) => e, true),
    call: onList((l) => (l.length > 0 ? (l[l.length - 1] ?? null) : null), null),
    each: (each) => (env) => {
      let found: unknown = null;
      each(env, (item, v) => {
        if (v === true) found = item;
      });
      return found;
    },
  },
  {
    name: 'filter', sig: 'filter(x in list: condition) -> list', doc: 'The items satisfying the condition, in order.',
    check: (c) => (c.hasBind ? (c.body && !fits(c.body, 'bool') ? c.fail('the condition must be a bool') : listOf(c.bindElem ?? ANY)) : c.fail('write filter(x in list: condition)')),
    each: (each) => (env) => {
      const out: unknown[] = [];
      each(env, (item, v) => {
        if (v === true) out.push(item);
      });
      return out;
    },
  },
  {
    name: 'map', sig: 'map(x in list: value) -> list', doc: 'The value computed for each item, in order.',
    check: (c) => (c.hasBind ? listOf(c.body ?? ANY) : c.fail('write map(x in list: value)')),
    each: (each) => (env) => {
      const out: unknown[] = [];
      each(env, (_, v) => {
        out.push(v);
      });
      return out;
    },
  },
  {
    name: 'sorted', sig: 'sorted(list) -> list', doc: 'Ascending; strings by code point; nulls last.',
    check: (c) => {
      if (c.hasBind || c.args.length !== 1) return c.fail('expects one list');
      const e = elemOf(c.args[0]);
      return e && fits(e, ...ORDERED) ? listOf(e) : c.fail(`expects a list of numbers, strings, instants or durations, got ${typeName(c.args[0])}`);
    },
    call: onList((l) => [...l.filter((x) => x !== null).sort(compareValues), ...l.filter((x) => x === null)], []),
  },
  {
    name: 'unique', sig: 'unique(list) -> list', doc: 'Removes duplicates, keeping the first occurrence.',
    check: (c) => (c.hasBind || c.args.length !== 1 || !elemOf(c.args[0]) ? c.fail('expects one list') : c.args[0]),
    call: onList((l) => {
      const out: unknown[] = [];
      for (const x of l) if (!out.some((y) => valueEquals(x, y))) out.push(x);
      return out;
    }, []),
  },
  {
    name: 'join', sig: 'join(list, separator) -> string', doc: 'Joins the text forms of the items (nulls skipped).',
    check: (c) => (c.hasBind || c.args.length !== 2 || !elemOf(c.args[0]) || !fits(c.args[1], 'string') ? c.fail('write join(list, ", ")') : STRING),
    call: ({args: [list, separator]}) => (env) => {
      const v = list(env);
      const sep = separator(env);
      if (!Array.isArray(v) || !isStr(sep)) return null;
      return v.filter((x) => x !== null).map(valueToText).join(sep);
    },
  },
  {
    name: 'split', sig: 'split(string, separator) -> list<string>', doc: 'Splits on every occurrence of the separator.',
    check: (c) => (c.hasBind || c.args.length !== 2 || !fits(c.args[0], 'string') || !fits(c.args[1], 'string') ? c.fail('write split(text, ";")') : listOf(STRING)),
    call: ({args: [text, separator]}) => (env) => {
      const s = text(env);
      const sep = separator(env);
      return isStr(s) && isStr(sep) && sep !== '' ? s.split(sep) : isStr(s) ? [s] : [];
    },
  },
  {
    name: 'substr', sig: 'substr(string, start, length?) -> string', doc: 'Substring by UTF-16 index; out-of-range parts are empty.',
    check: (c) =>
      c.hasBind || c.args.length < 2 || c.args.length > 3 || !fits(c.args[0], 'string') || !c.args.slice(1).every((a) => fits(a, 'number'))
        ? c.fail('write substr(text, start) or substr(text, start, length)')
        : STRING,
    call: ({args: [text, from, length]}) => (env) => {
      const s = text(env);
      const start = from(env);
      const n = length ? length(env) : undefined;
      if (!isStr(s) || typeof start !== 'number') return null;
      const st = Math.max(0, Math.trunc(start));
      return typeof n === 'number' ? s.slice(st, st + Math.max(0, Math.trunc(n))) : s.slice(st);
    },
  },
  {
    name: 'extract', sig: 'extract(string, /regex/) -> string', doc: 'The first capture group of the first match (the whole match without groups), or null.',
    check: (c) => (c.hasBind || c.args.length !== 2 || !fits(c.args[0], 'string') || c.args[1].t !== 'regex' ? c.fail('write extract(text, /pattern/)') : STRING),
    call: ({args: [text], regexAt}) => {
      const re = regexAt(1);
      if (re === null) return () => null;
      const group = re.groupCount > 0 ? 1 : 0;
      // A macro such as a body lead is re-evaluated by every rule that reads it, on the same text.
      let lastText: string | null = null;
      let lastValue: string | null = null;
      return (env) => {
        const s = text(env);
        if (!isStr(s)) return null;
        if (s !== lastText) {
          lastValue = re.group(s, group);
          lastText = s;
        }
        return lastValue;
      };
    },
  },
  {
    name: 'clamp', sig: 'clamp(number, low, high) -> number', doc: 'The number limited to [low, high].',
    check: (c) => (c.hasBind || c.args.length !== 3 || !c.args.every((a) => fits(a, 'number')) ? c.fail('write clamp(x, 0, 10)') : NUMBER),
    call: ({args: [value, low, high]}) => (env) => {
      const x = value(env);
      const lo = low(env);
      const hi = high(env);
      if (typeof x !== 'number' || typeof lo !== 'number' || typeof hi !== 'number') return null;
      return Math.min(hi, Math.max(lo, x));
    },
  },
];

/** The built-in functions by name, in the order of BUILTINS. */
export const FUNCTIONS: ReadonlyMap<string, BuiltinFunction> = new Map(BUILTINS.map((f) => [f.name, f]));
