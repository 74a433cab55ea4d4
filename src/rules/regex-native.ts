import {type CharSet, parseFragment, type RxFlags, type RxNode} from './regex-fragment.js';

/**
 * Translation of a rule regex into an equivalent JavaScript RegExp (V8 irregexp, compiled to
 * machine code), used only when two things are certain from the pattern alone:
 *
 * - Same results as RE2: the pattern is in the fragment of regex-fragment.ts, and no repetition
 *   has a body that can match the empty text (RE2 and JavaScript treat empty iterations
 *   differently) or, when it may repeat more than once, a capture group (JavaScript resets
 *   captures at each iteration, RE2 keeps the last value).
 * - Linear time: a backtracking engine's work per start position is bounded by `stepBound`
 *   (see there), at most MAX_STEPS_PER_START, so a whole search is linear in the text.
 *
 * The emitted RegExp uses only the `u` flag (code points, like RE2); RE2's meaning of `i`, `s`,
 * `m`, `.`, `\s`, `\w`, `^` and `$` is spelled out in explicit classes and assertions, because
 * JavaScript's differ (`\s` includes NBSP, `.` excludes \r and U+2028, `i` folds more letters).
 */
export const MAX_STEPS_PER_START = 100_000;

/** `nullable`: the pattern can match the empty text (see NativeRegex in regex.ts for why it matters). */
export type NativeTranslation = {ok: true; pattern: string; groups: number; nullable: boolean} | {ok: false; reason: string};

export function translateToNative(source: string, flags: RxFlags): NativeTranslation {
  const parsed = parseFragment(source, flags);
  if (parsed === null) return {ok: false, reason: 'outside the translatable fragment'};
  const inexact = inexactRepeat(parsed.root);
  if (inexact !== null) return {ok: false, reason: inexact};
  const steps = stepBound(parsed.root, flags);
  if (steps > MAX_STEPS_PER_START) return {ok: false, reason: `backtracking bound ${Number.isFinite(steps) ? steps : 'unbounded'} exceeds ${MAX_STEPS_PER_START}`};
  return {ok: true, pattern: emit(parsed.root, flags), groups: parsed.groups, nullable: nullable(parsed.root)};
}

function nullable(n: RxNode): boolean {
  switch (n.k) {
    case 'chars':
      return false;
    case 'assert':
    case 'empty':
      return true;
    case 'group':
      return nullable(n.body);
    case 'cat':
      return n.items.every(nullable);
    case 'alt':
      return n.branches.some(nullable);
    case 'repeat':
      return n.min === 0 || nullable(n.body);
  }
}

function hasCapture(n: RxNode): boolean {
  switch (n.k) {
    case 'group':
      return n.capture || hasCapture(n.body);
    case 'cat':
      return n.items.some(hasCapture);
    case 'alt':
      return n.branches.some(hasCapture);
    case 'repeat':
      return hasCapture(n.body);
    default:
      return false;
  }
}

/** Why a repetition in `n` could behave differently in JavaScript, or null. */
function inexactRepeat(n: RxNode): string | null {
  switch (n.k) {
    case 'group':
      return inexactRepeat(n.body);
    case 'cat':
    case 'alt':
      for (const c of n.k === 'cat' ? n.items : n.branches) {
        const r = inexactRepeat(c);
        if (r !== null) return r;
      }
      return null;
    case 'repeat':
      if (nullable(n.body)) return 'repetition of a pattern that can match empty text';
      if (n.max > 1 && hasCapture(n.body)) return 'capture group inside a repetition';
      // re2js reports a text for a capture group repeated zero times (RE2 has none); keep its answer.
      if (n.max === 0 && hasCapture(n.body)) return 'capture group repeated zero times';
      return inexactRepeat(n.body);
    default:
      return null;
  }
}

/** Paths through a node (p) and backtracking steps to explore them all from one position (w). */
interface Cost {
  p: number;
  w: number;
}

const UNBOUNDED: Cost = {p: Infinity, w: Infinity};
const ONE: Cost = {p: 1, w: 1};

/**
 * Upper bound on the steps a backtracking search spends at one start position, excluding the
 * text length: one per character, class or assertion tried, multiplied along concatenation by
 * the number of ways the earlier part can match (p: 1 per atom, product over concatenation,
 * sum over alternation, Σ p^k over the counts k of a repetition). A pattern with `*`, `+` or
 * `{n,}` is unbounded, except in an alternative anchored at the start of the text (leading `^`
 * without the m flag): it is tried at one position only, so one unbounded repetition of a
 * single character there multiplies the work by at most the text length, once.
 */
export function stepBound(root: RxNode, flags: RxFlags): number {
  let total = 0;
  for (const branch of root.k === 'alt' ? root.branches : [root]) {
    const first = branch.k === 'cat' ? branch.items[0] : branch;
    const anchored = !flags.m && first.k === 'assert' && first.a === 'bol';
    total += cost(branch, {unboundedLeft: anchored ? 1 : 0}, false).w;
  }
  return total;
}

function cost(n: RxNode, budget: {unboundedLeft: number}, inRepeat: boolean): Cost {
  switch (n.k) {
    case 'chars':
    case 'assert':
    case 'empty':
      return ONE;
    case 'group':
      return cost(n.body, budget, inRepeat);
    case 'cat': {
      let p = 1;
      let w = 0;
      for (const item of n.items) {
        const c = cost(item, budget, inRepeat);
        w += p * c.w;
        p *= c.p;
      }
      return {p, w};
    }
    case 'alt': {
      let p = 0;
      let w = 0;
      for (const b of n.branches) {
        const c = cost(b, budget, inRepeat);
        p += c.p;
        w += c.w;
      }
      return {p, w};
    }
    case 'repeat': {
      if (n.max === Infinity) {
        if (inRepeat || n.body.k !== 'chars' || budget.unboundedLeft === 0) return UNBOUNDED;
        budget.unboundedLeft--;
        return ONE;
      }
      const body = cost(n.body, budget, true);
      // Σ_{k=min..max} p^k ways; exploring iteration k+1 from each of the p^k ways costs w.
      let p = 0;
      let w = 1;
      let pk = 1;
      for (let k = 0; k <= n.max && Number.isFinite(pk); k++) {
        if (k >= n.min) p += pk;
        if (k < n.max) w += pk * body.w;
        pk *= body.p;
      }
      return Number.isFinite(pk) ? {p, w} : UNBOUNDED;
    }
  }
}

/** A code point in a pattern: word characters as they are, everything else as `\u{…}`. */
function codePoint(c: number): string {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f ? String.fromCharCode(c) : `\\u{${c.toString(16)}}`;
}

function emitSet(set: CharSet): string {
  if (set.length === 2 && set[0] === set[1]) return codePoint(set[0]);
  let out = '[';
  for (let i = 0; i < set.length; i += 2) {
    const [lo, hi] = [set[i], set[i + 1]];
    out += lo === hi ? codePoint(lo) : lo + 1 === hi ? codePoint(lo) + codePoint(hi) : `${codePoint(lo)}-${codePoint(hi)}`;
  }
  return `${out}]`;
}

function emit(n: RxNode, flags: RxFlags): string {
  switch (n.k) {
    case 'chars':
      return emitSet(n.set);
    case 'assert':
      // RE2's multi-line ^ and $ are at \n only (JavaScript's m flag also honours \r, U+2028, U+2029).
      if (n.a === 'bol') return flags.m ? '(?<![^\\n])' : '^';
      if (n.a === 'eol') return flags.m ? '(?![^\\n])' : '$';
      // Without the i flag, JavaScript's \b and \B use ASCII word characters, like RE2.
      return n.a === 'wordb' ? '\\b' : '\\B';
    case 'empty':
      return '(?:)';
    case 'group':
      return `(${n.capture ? '' : '?:'}${emit(n.body, flags)})`;
    case 'cat':
      return n.items.map((x) => emit(x, flags)).join('');
    case 'alt':
      return n.branches.map((x) => emit(x, flags)).join('|');
    case 'repeat': {
      const body = n.body.k === 'chars' || n.body.k === 'group' ? emit(n.body, flags) : `(?:${emit(n.body, flags)})`;
      const q = n.max === Infinity ? (n.min === 0 ? '*' : n.min === 1 ? '+' : `{${n.min},}`) : n.min === n.max ? `{${n.min}}` : n.min === 0 && n.max === 1 ? '?' : `{${n.min},${n.max}}`;
      return body + q + (n.lazy ? '?' : '');
    }
  }
}
