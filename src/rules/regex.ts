import {RE2JS} from 're2js';
import {translateToNative} from './regex-native.js';

/**
 * A regex literal of the rule language, compiled once when the pack compiles. Its meaning is
 * RE2's (leftmost-first matching, code points, RE2's classes and case folding) whichever engine
 * runs it; spans are in UTF-16 units, like every other text position in the rule language.
 */
export interface RuleRegex {
  /** Which engine runs it: `native` (an exact JavaScript translation) or `re2` (re2js). Invisible to rule authors. */
  readonly engine: 'native' | 're2';
  readonly groupCount: number;
  /** The regex matches somewhere in the text. */
  test(text: string): boolean;
  /** The first match's span [start, end), or null. */
  find(text: string): [number, number] | null;
  /** Group `index` of the first match (0 is the whole match); null without a match or when the group did not take part. */
  group(text: string, index: number): string | null;
}

/** Result of compiling a regex literal: the linear-time matcher or a reason it was refused. */
export type RegexCompile = {ok: true; re: RuleRegex} | {ok: false; message: string; hint: string};

const FLAG_BITS: Record<string, number> = {i: RE2JS.CASE_INSENSITIVE, s: RE2JS.DOTALL, m: RE2JS.MULTILINE};

/**
 * Compiles with RE2 semantics: matching time is linear in the input, so no pattern can backtrack
 * catastrophically. re2js parses and validates every literal (backreferences and look-around are
 * refused here, at check time) and runs it, unless regex-native.ts proves a JavaScript RegExp
 * gives the same results within a static backtracking bound; then that RegExp runs instead.
 * `engine: 're2'` forces re2js (the equivalence tests compare the two).
 */
export function compileRegex(source: string, flags: string, engine: 'auto' | 're2' = 'auto'): RegexCompile {
  let bits = 0;
  for (const f of flags) {
    const b = FLAG_BITS[f];
    if (b === undefined) return {ok: false, message: `unknown regex flag "${f}"`, hint: 'flags: i (ignore case), s (dot matches newline), m (multi-line ^ $)'};
    bits |= b;
  }
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(source, bits);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const backref = /\\[1-9]/.test(source);
    const look = /\(\?<?[=!]/.test(source);
    const hint = backref
      ? 'backreferences are not supported: RE2 guarantees linear time; match the repeated text explicitly'
      : look
        ? 'look-around is not supported by RE2; split the condition with `and` / `not`'
        : 'RE2 syntax: https://github.com/google/re2/wiki/Syntax';
    return {ok: false, message: `invalid regex: ${msg.replace(/^error parsing regexp: /, '')}`, hint};
  }
  const native = engine === 'auto' ? nativeRegex(source, flags) : null;
  return {ok: true, re: native ?? new Re2Regex(re2)};
}

function nativeRegex(source: string, flags: string): NativeRegex | null {
  const t = translateToNative(source, {i: flags.includes('i'), s: flags.includes('s'), m: flags.includes('m')});
  if (!t.ok) return null;
  try {
    return new NativeRegex(new RegExp(t.pattern, t.nullable ? 'gu' : 'u'), t.groups);
  } catch {
    // V8 refuses some very large translations ("regular expression too large"); re2js runs those.
    return null;
  }
}

/**
 * V8 also tries the start positions inside a surrogate pair, where only an empty match can
 * succeed (it never splits a pair while matching); RE2 tries code-point boundaries only. A
 * pattern that can match the empty text is therefore compiled with the g flag, and a match V8
 * reports inside a pair is passed over: the search resumes after the pair.
 */
class NativeRegex implements RuleRegex {
  readonly engine = 'native';

  constructor(
    private readonly re: RegExp,
    readonly groupCount: number,
  ) {}

  private exec(text: string): RegExpExecArray | null {
    const re = this.re;
    if (!re.global) return re.exec(text);
    re.lastIndex = 0;
    for (;;) {
      const m = re.exec(text);
      if (m === null || !insideSurrogatePair(text, m.index)) return m;
      re.lastIndex = m.index + 1;
    }
  }

  test(text: string): boolean {
    return this.re.global ? this.exec(text) !== null : this.re.test(text);
  }

  find(text: string): [number, number] | null {
    const m = this.exec(text);
    return m === null ? null : [m.index, m.index + m[0].length];
  }

  group(text: string, index: number): string | null {
    return this.exec(text)?.[index] ?? null;
  }
}

function insideSurrogatePair(text: string, i: number): boolean {
  if (i === 0 || i >= text.length) return false;
  const lead = text.charCodeAt(i - 1);
  const trail = text.charCodeAt(i);
  return lead >= 0xd800 && lead <= 0xdbff && trail >= 0xdc00 && trail <= 0xdfff;
}

class Re2Regex implements RuleRegex {
  readonly engine = 're2';
  readonly groupCount: number;

  constructor(private readonly re: RE2JS) {
    this.groupCount = re.groupCount();
  }

  test(text: string): boolean {
    return this.re.test(text);
  }

  find(text: string): [number, number] | null {
    const m = this.re.matcher(text);
    return m.find() ? [m.start(), m.end()] : null;
  }

  group(text: string, index: number): string | null {
    const m = this.re.matcher(text);
    return m.find() ? (m.group(index) ?? null) : null;
  }
}
