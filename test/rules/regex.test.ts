import {readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {compileRegex, type RuleRegex} from '../../src/rules/regex.js';
import {MAX_STEPS_PER_START} from '../../src/rules/regex-native.js';
import {ROOT} from '../helpers/cli.js';

function compiled(source: string, flags = '', engine: 'auto' | 're2' = 'auto'): RuleRegex {
  const r = compileRegex(source, flags, engine);
  if (!r.ok) throw new Error(`${source}: ${r.message}`);
  return r.re;
}

interface Outcome {
  test: boolean;
  find: [number, number] | null;
  groups: (string | null)[];
}

const outcome = (re: RuleRegex, text: string): Outcome => ({
  test: re.test(text),
  find: re.find(text),
  groups: Array.from({length: re.groupCount + 1}, (_, i) => re.group(text, i)),
});

/** The regex runs natively and gives exactly what re2js gives on each text. */
function expectSameAsRe2(source: string, flags: string, texts: string[]): RuleRegex {
  const auto = compiled(source, flags);
  const re2 = compiled(source, flags, 're2');
  expect(re2.engine).toBe('re2');
  expect(auto.groupCount).toBe(re2.groupCount);
  for (const t of texts) expect(outcome(auto, t), `/${source}/${flags} on ${JSON.stringify(t)}`).toEqual(outcome(re2, t));
  return auto;
}

describe('rule regexes: the native translation agrees with RE2', () => {
  // Each row is a place where JavaScript's defaults differ from RE2; `expected` pins RE2's answer.
  const EDGE: [string, string, string, [number, number] | null][] = [
    ['a\\sb', '', 'a\u00a0b', null], // RE2 \s is ASCII: no NBSP
    ['a\\sb', '', 'a\u000bb', null], // … and no vertical tab
    ['a\\sb', '', 'a\u000cb', [0, 3]],
    ['a\\Sb', '', 'a\u00a0b', [0, 3]],
    ['a.b', '', 'a\rb', [0, 3]], // RE2 . excludes \n only
    ['a.b', '', 'a\u2028b', [0, 3]],
    ['a.b', '', 'a\u2029b', [0, 3]],
    ['a.b', '', 'a\nb', null],
    ['a.b', 's', 'a\nb', [0, 3]],
    ['a$', '', 'a\n', null], // without m, $ is the end of the text only
    ['^b', 'm', 'a\rb', null], // with m, ^ and $ are at \n only
    ['^b', 'm', 'a\u2028b', null],
    ['^b', 'm', 'a\nb', [2, 3]],
    ['a$', 'm', 'a\r\n', null],
    ['a$', 'm', 'a\nb', [0, 1]],
    ['^', 'm', 'a\n', [0, 0]],
    ['x^', 'm', 'x\n', null],
    ['k', 'i', '\u212a', [0, 1]], // RE2 folds k with KELVIN SIGN and s with LONG S
    ['K', 'i', 'x\u212a', [1, 2]],
    ['s', 'i', '\u017f', [0, 1]],
    ['[^k]', 'i', '\u212a', null],
    ['[^k]', 'i', 'K', null],
    ['[a-z]{1,9}', 'i', 'A\u212a\u017fZ', [0, 4]],
    ['\\w', 'i', '\u212a', [0, 1]],
    ['\\W', 'i', '\u212a', null],
    ['\\W', '', '\u212a', [0, 1]],
    ['[^\\W]', 'i', '\u017f', [0, 1]],
    ['[\\W]', 'i', '\u017f', null],
    ['\\bk', 'i', '\u212a', null], // \b is ASCII even under i
    ['\\bk', 'i', '\u00e9k', [1, 2]],
    ['\\B', '', '\u00e9', [0, 0]],
    ['x\\b', '', 'x\u00e9', [0, 1]],
    ['^.{2}$', '', '\u{1F600}\u{1F600}', [0, 4]], // code points, not UTF-16 units
    ['.', '', '\u{1F600}', [0, 2]],
    ['[\u{1F600}-\u{1F602}]{1,3}', '', 'a\u{1F601}\u{1F602}', [1, 5]],
    ['[^a]', '', '\u{1F600}', [0, 2]],
    ['[^a]', '', '\ud800', [0, 1]], // a lone surrogate is one code point in both
    ['.', '', 'x\udc00', [0, 1]],
    ['a{,2}', '', 'a{,2}', [0, 5]], // `{` that is no repetition is a literal in RE2
    ['a{2', '', 'aa{2', [1, 4]],
    ['}', '', 'a}', [1, 2]],
    ['[]a]{1,5}', '', 'x]a]', [1, 4]], // `]` first in a class is a literal
    ['[a-]{1,5}', '', '-a-', [0, 3]],
    ['[a\\-z]{1,5}', '', 'b-z', [1, 3]],
    ['\\_\\ \\#', '', '_ #', [0, 3]],
    ['\\t\\f\\v\\a', '', '\t\f\v\u0007', [0, 4]],
    ['(a|ab)(c|bcd)(d?)', '', 'abcd', [0, 4]], // leftmost-first, not leftmost-longest
    ['^a*?b', '', 'aab', [0, 3]],
    ['x(a{2,3}?)', '', 'xaaa', [0, 3]],
    ['(?:a|(b))?c', '', 'bc', [0, 2]],
    ['()', '', 'x', [0, 0]],
    ['a|', '', 'b', [0, 0]],
    ['(?:a){0}b', '', 'ab', [1, 2]],
    ['[^\\d\\D]', '', 'abc', null],
    ['$', 'm', '\u{1F600}', [2, 2]], // V8 would also try inside the surrogate pair
    ['\\B', '', 'a\u{1F600}', [3, 3]],
    ['^\\s*(.{1,300}?[.!?;])(\\s|$)', 's', '  First one. Second.', [0, 13]],
  ];
  it.each(EDGE)('/%s/%s on %j', (source, flags, text, expected) => {
    const re = expectSameAsRe2(source, flags, [text]);
    expect(re.engine).toBe('native');
    expect(re.find(text)).toEqual(expected);
  });

  it('reports capture groups like re2js, null for a group that did not take part', () => {
    const re = expectSameAsRe2('(a)|(b)', '', ['b', 'a', 'c']);
    expect([0, 1, 2].map((g) => re.group('b', g))).toEqual(['b', null, 'b']);
    expect(re.group('c', 0)).toBeNull();
    expect(expectSameAsRe2('^\\/?[A-Z]\\.([A-Z]{3})\\.', '', ['/O.NEW.KHNX', 'O.CON.X']).group('/O.NEW.KHNX', 1)).toBe('NEW');
  });

  it('runs every regex of the shipped pack natively and equally', () => {
    const texts = [
      'Strike at DC-02 enters day two', 'Total recall of frozen peas', 'Update: highway reopens after wildfire', '  Developing story: port congestion at the port of LA. More soon',
      'Ransomware hit; systems were knocked offline. Systems restored by noon', 'Fire crews fire up pumps', 'The Truck then slammed into a barrier', '/O.CON.KHNX.FG.Y.0002.250101T0000Z',
      'STRI\u212aE at plant \u2014 WO\u212aERS walk out', 'Flood\u00a0warning', '',
    ];
    const dir = join(ROOT, 'rules', 'supply-chain');
    let n = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
      const yaml = readFileSync(join(dir, f), 'utf8');
      for (const m of yaml.matchAll(/(?:matches |extract\([^,]*, )\/((?:\\.|\[(?:\\.|[^\]\\])*\]|[^/\\[\n])+)\/([ism]*)/g)) {
        expect(expectSameAsRe2(m[1], m[2], texts).engine, m[1]).toBe('native');
        n++;
      }
    }
    expect(n).toBeGreaterThan(25);
  });
});

describe('rule regexes: what stays on re2js', () => {
  const FALLBACK: [string, string, string][] = [
    ['(|a)*', '', 'JavaScript and RE2 treat an empty iteration differently'],
    ['(a?)?', '', 'empty iteration'],
    ['(?:a|\\b)+', '', 'empty iteration'],
    ['(?:(a)|b){2}', '', 'JavaScript resets captures on each iteration'],
    ['(a)+', '', 'captures in a repetition'],
    ['(a){0}', '', 're2js reports a text for a capture repeated zero times'],
    ['\u00e9', 'i', 'non-ASCII under i: fold orbits are RE2\'s'],
    ['[a-\u00e9]', 'i', 'non-ASCII under i'],
    ['(?i)a', '', 'inline flags'],
    ['\\pL', '', 'Unicode classes'],
    ['\\p{Greek}', '', 'Unicode classes'],
    ['[[:alpha:]]', '', 'POSIX classes'],
    ['\\Qa.b\\E', '', 'quoting'],
    ['\\Aa\\z', '', 'text anchors'],
    ['\\x{41}', '', 'hex escapes'],
    ['(?P<n>a)', '', 'named groups'],
    ['a{01}', '', 'leading zeros'],
    ['(a|a)*b', '', 'unbounded repetition'],
    ['(a+)+b', '', 'unbounded repetition'],
    ['(x*)*y', '', 'unbounded repetition'],
    ['a.*b.*c', '', 'unbounded repetition, unanchored'],
    ['\\s*x', '', 'unbounded repetition, unanchored'],
    ['^\\s*.*x', '', 'two unbounded repetitions'],
    ['^(?:ab)*x', '', 'unbounded repetition of more than one character'],
    ['^\\s*x', 'm', 'with m, ^ holds at every line'],
    ['^(?:\\s*x){2}', '', 'unbounded repetition inside a repetition'],
    ['(?:a|b){0,20}', '', `more than ${MAX_STEPS_PER_START} steps per start position`],
    ['.{0,1000}.{0,1000}', '', 'over the bound'],
  ];
  it.each(FALLBACK)('/%s/%s (%s)', (source, flags) => {
    expect(compiled(source, flags).engine).toBe('re2');
  });

  it('runs anchored single-character repetitions natively, and alternatives anchored separately', () => {
    for (const [source, flags] of [['^\\s*x', ''], ['^a*?b', ''], ['^(a|\\s*)x|\\bfoo', ''], ['^[a-z]+$', 'i'], ['[ab]{0,20}', '']]) {
      expect(expectSameAsRe2(source, flags, ['  x', 'aab', 'a foo', 'Abc', 'abab', '']).engine, source).toBe('native');
    }
  });

  it('evaluates catastrophic patterns on a 100 KB adversarial text (re2js, linear time)', () => {
    const cases: [string, string][] = [
      ['(a|a)*b', 'a'.repeat(100_000)],
      ['(a+)+b', 'a'.repeat(100_000)],
      ['(x*)*y', 'x'.repeat(100_000)],
      ['a.*b.*c', 'ab'.repeat(50_000)],
    ];
    for (const [source, text] of cases) {
      const re = compiled(source);
      expect(re.engine).toBe('re2');
      expect(re.test(text)).toBe(false);
      expect(re.find(text)).toBeNull();
    }
  });

  it('is the only module that imports re2js', () => {
    const src = join(ROOT, 'src');
    const importers: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, {withFileTypes: true})) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts') && /from 're2js'/.test(readFileSync(p, 'utf8'))) importers.push(relative(src, p));
      }
    };
    walk(src);
    expect(importers).toEqual(['rules/regex.ts']);
  });
});

// Random patterns of the fragment over a small alphabet holding every character where RE2 and
// JavaScript could disagree (fold orbits, line terminators, NBSP, an astral character).
const CHARS = ['a', 'b', 'k', 'K', '\u212a', 's', 'S', '\u017f', '1', '_', ' ', '-', '.', '\u00a0', '\u2028', '\u{1F600}', 'é'];
const TEXT_CHARS = [...CHARS, '\n', '\r', 'c', '!'];
const escapeChar = (c: string): string => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : /^[\x20-\x7e]$/.test(c) && !/[0-9A-Za-z]/.test(c) ? `\\${c}` : c);

const classItem = fc.oneof(
  fc.constantFrom(...CHARS, '\n', '\r').map(escapeChar),
  fc.constantFrom('a-k', 'A-Z', 'k-s', '0-9', ' -/', '\\d', '\\w', '\\s', '\\D', '\\W', '\\S'),
);
const charClass = fc.tuple(fc.boolean(), fc.array(classItem, {minLength: 1, maxLength: 4})).map(([neg, items]) => `[${neg ? '^' : ''}${items.join('')}]`);
const quantifier = fc.oneof(
  {weight: 4, arbitrary: fc.constant('')},
  {weight: 1, arbitrary: fc.tuple(fc.constantFrom('?', '*', '+', '{2}', '{1,}', '{0,3}', '{1,2}'), fc.constantFrom('', '?')).map(([q, lazy]) => q + lazy)},
);
const {pattern} = fc.letrec<{pattern: string; branch: string; atom: string}>((tie) => ({
  pattern: fc.array(tie('branch'), {minLength: 1, maxLength: 3}).map((bs) => bs.join('|')),
  branch: fc.array(fc.tuple(tie('atom'), quantifier).map(([a, q]) => a + q), {minLength: 0, maxLength: 4}).map((xs) => xs.join('')),
  atom: fc.oneof(
    {weight: 6, arbitrary: fc.constantFrom(...CHARS, '\n', '\r').map(escapeChar)},
    {weight: 2, arbitrary: fc.constantFrom('.', '\\d', '\\w', '\\s', '\\D', '\\W', '\\S')},
    {weight: 2, arbitrary: charClass},
    {weight: 2, arbitrary: fc.constantFrom('\\b', '\\B', '^', '$')},
    {weight: 2, arbitrary: fc.tuple(fc.constantFrom('(', '(?:'), tie('pattern')).map(([open, body]) => `${open}${body})`)},
  ),
}));
const flagSet = fc.subarray(['i', 's', 'm']).map((f) => f.join(''));
const text = fc.array(fc.constantFrom(...TEXT_CHARS), {maxLength: 16}).map((cs) => cs.join(''));

describe('rule regexes: property', () => {
  it('native and re2js agree on test, match span and capture groups for random fragment patterns', () => {
    let native = 0;
    let total = 0;
    fc.assert(
      fc.property(pattern, flagSet, fc.array(text, {minLength: 1, maxLength: 6}), (source, flags, texts) => {
        const r = compileRegex(source, flags);
        // The generator makes RE2-invalid patterns too (a quantified `^`, `**`): re2js refuses those.
        fc.pre(r.ok);
        total++;
        if (r.ok && r.re.engine === 'native') native++;
        expectSameAsRe2(source, flags, [...texts, texts.join('')]);
      }),
      {numRuns: 3000},
    );
    // The comparison is only meaningful when the native engine runs often.
    expect(native / total).toBeGreaterThan(0.3);
  });
});
