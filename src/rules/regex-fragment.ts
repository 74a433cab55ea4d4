/**
 * Parser of the fragment of RE2 syntax that has an exact JavaScript translation
 * (src/rules/regex-native.ts). It is only ever run on patterns re2js has already accepted, so it
 * never reports syntax errors: anything outside the fragment, or anything it is unsure of,
 * yields null and the rule runs on re2js. The AST carries RE2's meaning with the flags applied
 * (case folding, `.` with or without newline), not JavaScript's.
 */

/** A set of code points: sorted, disjoint, non-adjacent inclusive ranges [lo, hi, lo, hi, …]. */
export type CharSet = readonly number[];

export type RxNode =
  | {k: 'chars'; set: CharSet}
  | {k: 'assert'; a: 'bol' | 'eol' | 'wordb' | 'nwordb'}
  | {k: 'empty'}
  | {k: 'group'; capture: boolean; body: RxNode}
  | {k: 'cat'; items: RxNode[]}
  | {k: 'alt'; branches: RxNode[]}
  | {k: 'repeat'; body: RxNode; min: number; max: number; lazy: boolean};

export interface RxFlags {
  i: boolean;
  s: boolean;
  m: boolean;
}

export const MAX_CODE_POINT = 0x10ffff;
const KELVIN = 0x212a;
const LONG_S = 0x17f;

/** Normalizes a list of ranges (any order, overlapping) into a CharSet. */
export function charSet(ranges: number[]): CharSet {
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i], ranges[i + 1]]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1] + 1) out[n - 1] = Math.max(out[n - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

export function negate(set: CharSet): CharSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    if (set[i] > next) out.push(next, set[i] - 1);
    next = set[i + 1] + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return out;
}

/**
 * RE2's case folding of a set of ASCII code points: each letter joins its fold orbit. RE2's
 * orbits of ASCII letters are the upper/lower pair, plus U+212A KELVIN SIGN with k/K and U+017F
 * LATIN SMALL LETTER LONG S with s/S (Unicode CaseFolding.txt).
 */
function foldAscii(set: CharSet): CharSet {
  const out = [...set];
  const has = (c: number): boolean => {
    for (let i = 0; i < set.length; i += 2) if (set[i] <= c && c <= set[i + 1]) return true;
    return false;
  };
  for (let i = 0; i < set.length; i += 2) {
    for (const [base, other] of [[0x41, 0x61], [0x61, 0x41]]) {
      const lo = Math.max(set[i], base);
      const hi = Math.min(set[i + 1], base + 25);
      if (lo <= hi) out.push(lo - base + other, hi - base + other);
    }
  }
  if (has(0x4b) || has(0x6b)) out.push(KELVIN, KELVIN);
  if (has(0x53) || has(0x73)) out.push(LONG_S, LONG_S);
  return charSet(out);
}

const DIGIT: CharSet = [0x30, 0x39];
const SPACE: CharSet = charSet([0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20]);
const WORD: CharSet = charSet([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
const PERL_CLASSES: Record<string, CharSet> = {d: DIGIT, s: SPACE, w: WORD};
const COUNTED = /\{(\d+)(,(\d*))?\}/y;
const SIMPLE_ESCAPES: Record<string, number> = {a: 7, f: 12, n: 10, r: 13, t: 9, v: 11};

/** Thrown inside the parser when the pattern leaves the fragment. */
class OutsideFragment extends Error {}

/** Parses `source` (already accepted by re2js) into the fragment's AST, or null if outside it. */
export function parseFragment(source: string, flags: RxFlags): {root: RxNode; groups: number} | null {
  const p = new FragmentParser(source, flags);
  try {
    const root = p.alternation();
    if (p.pos < source.length) return null;
    return {root, groups: p.groups};
  } catch (e) {
    if (e instanceof OutsideFragment) return null;
    throw e;
  }
}

class FragmentParser {
  pos = 0;
  groups = 0;

  constructor(
    private readonly src: string,
    private readonly flags: RxFlags,
  ) {}

  alternation(): RxNode {
    const branches = [this.concat()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      branches.push(this.concat());
    }
    return branches.length === 1 ? branches[0] : {k: 'alt', branches};
  }

  private concat(): RxNode {
    const items: RxNode[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      items.push(this.quantified(this.atom()));
    }
    return items.length === 0 ? {k: 'empty'} : items.length === 1 ? items[0] : {k: 'cat', items};
  }

  private quantified(body: RxNode): RxNode {
    const q = this.quantifier();
    if (q === null) return body;
    const lazy = this.src[this.pos] === '?';
    if (lazy) this.pos++;
    // RE2 refuses stacked repetition (`a**`); re2js has accepted the pattern, so this is unexpected.
    if (this.quantifierAhead()) throw new OutsideFragment();
    return {k: 'repeat', body, min: q[0], max: q[1], lazy};
  }

  private quantifierAhead(): boolean {
    const c = this.src[this.pos];
    return c === '*' || c === '+' || c === '?' || (c === '{' && this.counted(this.pos) !== null);
  }

  private quantifier(): [number, number] | null {
    const c = this.src[this.pos];
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      return c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    }
    if (c !== '{') return null;
    const r = this.counted(this.pos);
    if (r === null) return null;
    this.pos = r.end;
    return [r.min, r.max];
  }

  /**
   * `{n}`, `{n,}` or `{n,m}` at `at`, as RE2 reads it; anything else (`{,3}`, `{x}`) makes `{` a
   * literal in RE2. Leading zeros are left to re2js (outside the fragment).
   */
  private counted(at: number): {min: number; max: number; end: number} | null {
    COUNTED.lastIndex = at;
    const m = COUNTED.exec(this.src);
    if (!m) return null;
    if (/^0\d/.test(m[1]) || (m[3] !== undefined && /^0\d/.test(m[3]))) throw new OutsideFragment();
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    return {min, max, end: at + m[0].length};
  }

  private atom(): RxNode {
    const c = this.src[this.pos];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        this.pos++;
        return {k: 'chars', set: this.flags.s ? [0, MAX_CODE_POINT] : negate([0x0a, 0x0a])};
      case '^':
        this.pos++;
        return {k: 'assert', a: 'bol'};
      case '$':
        this.pos++;
        return {k: 'assert', a: 'eol'};
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new OutsideFragment();
      case '{':
        if (this.counted(this.pos) !== null) throw new OutsideFragment();
        this.pos++;
        return this.literal(0x7b);
      default:
        return this.literal(this.codePoint());
    }
  }

  private group(): RxNode {
    this.pos++;
    let capture = true;
    if (this.src[this.pos] === '?') {
      if (this.src[this.pos + 1] !== ':') throw new OutsideFragment();
      this.pos += 2;
      capture = false;
    } else this.groups++;
    const body = this.alternation();
    if (this.src[this.pos] !== ')') throw new OutsideFragment();
    this.pos++;
    return {k: 'group', capture, body};
  }

  private escape(): RxNode {
    const c = this.src[this.pos + 1];
    if (c === 'b' || c === 'B') {
      this.pos += 2;
      return {k: 'assert', a: c === 'b' ? 'wordb' : 'nwordb'};
    }
    const perl = this.perlClass();
    if (perl !== null) return {k: 'chars', set: perl};
    return this.literal(this.escapedChar());
  }

  /** `\d \s \w \D \S \W` at pos, folded and negated as RE2 does (negation after folding). */
  private perlClass(): CharSet | null {
    if (this.src[this.pos] !== '\\') return null;
    const c = this.src[this.pos + 1];
    const base = PERL_CLASSES[c?.toLowerCase() ?? ''];
    if (base === undefined) return null;
    this.pos += 2;
    const folded = this.flags.i ? foldAscii(base) : base;
    return c === c.toUpperCase() ? negate(folded) : folded;
  }

  /** One escaped code point: `\` + ASCII punctuation, or `\a \f \n \r \t \v`. */
  private escapedChar(): number {
    const c = this.src[this.pos + 1];
    if (c === undefined) throw new OutsideFragment();
    const code = c.charCodeAt(0);
    if (code < 0x80 && !/[0-9A-Za-z]/.test(c)) {
      this.pos += 2;
      return code;
    }
    const simple = SIMPLE_ESCAPES[c];
    if (simple === undefined) throw new OutsideFragment();
    this.pos += 2;
    return simple;
  }

  private codePoint(): number {
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  /** A code point of the pattern; under `i` only ASCII ones, whose RE2 fold orbits are known here. */
  private checkedCodePoint(cp: number): number {
    if (this.flags.i && cp >= 0x80) throw new OutsideFragment();
    return cp;
  }

  private literal(cp: number): RxNode {
    const c = this.checkedCodePoint(cp);
    return {k: 'chars', set: this.flags.i ? foldAscii([c, c]) : [c, c]};
  }

  /** `[...]`: `]` first is literal, `-` is a range only between two single characters (Perl mode). */
  private charClass(): RxNode {
    this.pos++;
    const negated = this.src[this.pos] === '^';
    if (negated) this.pos++;
    const ranges: number[] = [];
    let first = true;
    while (this.src[this.pos] !== ']' || first) {
      first = false;
      if (this.pos >= this.src.length || this.src[this.pos] === '[') throw new OutsideFragment();
      const perl = this.perlClass();
      if (perl !== null) {
        ranges.push(...perl);
        continue;
      }
      const lo = this.classChar();
      let hi = lo;
      if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && this.pos + 1 < this.src.length) {
        this.pos++;
        hi = this.classChar();
        if (hi < lo) throw new OutsideFragment();
      }
      const range = [lo, hi];
      ranges.push(...(this.flags.i ? foldAscii(range) : range));
    }
    this.pos++;
    const set = charSet(ranges);
    return {k: 'chars', set: negated ? negate(set) : set};
  }

  private classChar(): number {
    if (this.src[this.pos] === '\\') return this.checkedCodePoint(this.escapedChar());
    return this.checkedCodePoint(this.codePoint());
  }
}
