import {RE2JS} from 're2js';

/** Result of compiling a regex literal: the linear-time matcher or a reason it was refused. */
export type RegexCompile = {ok: true; re: RE2JS} | {ok: false; message: string; hint: string};

const FLAG_BITS: Record<string, number> = {i: RE2JS.CASE_INSENSITIVE, s: RE2JS.DOTALL, m: RE2JS.MULTILINE};

/**
 * Compiles with RE2 semantics (re2js): matching time is linear in the input, so no pattern can
 * backtrack catastrophically. Backreferences and look-around are refused here, at check time.
 */
export function compileRegex(source: string, flags: string): RegexCompile {
  let bits = 0;
  for (const f of flags) {
    const b = FLAG_BITS[f];
    if (b === undefined) return {ok: false, message: `unknown regex flag "${f}"`, hint: 'flags: i (ignore case), s (dot matches newline), m (multi-line ^ $)'};
    bits |= b;
  }
  try {
    return {ok: true, re: RE2JS.compile(source, bits)};
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
}

/** First match span [start, end) in UTF-16 units, or null. */
export function regexFind(re: RE2JS, text: string): [number, number] | null {
  const m = re.matcher(text);
  if (!m.find()) return null;
  return [m.start(), m.end()];
}
