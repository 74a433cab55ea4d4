import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {buildRulePack, emptyContext, formatRuleFile, parseExpression, type RuleContext} from '../../src/rules/index.js';

const TOKENS = [
  'event.title', 'event.url', 'source.trust_tier', 'facilities', 'f', 'f.criticality', 'any', 'all', 'in', ':', 'and', 'or', 'not',
  '==', '!=', '<', '>=', 'contains', 'icontains', 'matches', '/a+b/i', '/', '(', ')', '[', ']', ',', '"x"', "'y'", '"unterminated',
  '12', '3.5', '48h', 'null', 'true', '??', '+', '-', '*', 'count(', 'lower(', 'if', 'then', 'else', '.', '\\', '&&', '${',
];

describe('parser robustness', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 80}), (s) => {
        const r = parseExpression(s);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) for (const p of r.problems) expect(p.offset).toBeGreaterThanOrEqual(0);
      }),
      {numRuns: 2000},
    );
  });

  it('never throws on token soup, and the checker never throws either', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), {maxLength: 14}), (toks) => {
        const expr = toks.join(' ');
        parseExpression(expr);
        const r = buildRulePack([{file: 'p.yaml', text: `version: 1\nsuppress:\n  - id: a\n    when: '${expr.replace(/'/g, "''")}'\n`}]);
        for (const d of r.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.code).toMatch(/^(RULE_|YAML_)/);
        }
      }),
      {numRuns: 1000},
    );
  });
});

/** Random but valid suppression rule files in varied YAML styles, with comments. */
const condition = fc.oneof(
  fc.constantFrom('event.title icontains "storm"', 'event.url contains "test"', '(source.trust_tier ?? 2) >= 2', 'event.title matches /^w\\w+/i'),
  fc.constantFrom('any f in [event.title, event.raw_text]: f icontains "alert"', 'event.raw_text endswith "system"', 'source.id in ["nws", "uscg"]'),
);
const style = fc.constantFrom('plain', 'single', 'double', 'literal', 'folded');
function render(expr: string, st: string, indent: string): string {
  switch (st) {
    case 'single':
      return `'${expr.replace(/'/g, "''")}'`;
    case 'double':
      return JSON.stringify(expr);
    case 'literal':
      return `|\n${indent}  ${expr}`;
    case 'folded':
      return `>-\n${indent}  ${expr}`;
    default:
      return /: |^[[{'"]/.test(expr) ? JSON.stringify(expr) : expr;
  }
}
const ruleFile = fc.array(fc.record({cond: condition, st: style, note: fc.boolean(), comment: fc.boolean(), spaces: fc.integer({min: 1, max: 3})}), {minLength: 1, maxLength: 5}).map((rules) => {
  let t = '# generated\nversion:   1\nsuppress:\n';
  rules.forEach((r, i) => {
    if (r.comment) t += `  # rule ${i}\n`;
    t += `  - when:${' '.repeat(r.spaces)}${render(r.cond, r.st, '    ')}\n    id: r${i}\n`;
    if (r.note) t += `    note:   "note ${i}"   # trailing\n`;
  });
  return t;
});
const event = fc.record({
  title: fc.option(fc.constantFrom('Winter Storm', 'weekly alert', 'x', ''), {nil: null}),
  raw_text: fc.option(fc.constantFrom('a test system', 'Alert now', ''), {nil: null}),
  url: fc.option(fc.constantFrom('https://test', 'h'), {nil: null}),
  id: fc.option(fc.constantFrom('nws', 'uscg', 'rss'), {nil: null}),
  trust: fc.option(fc.integer({min: 1, max: 3}), {nil: null}),
});
function ctxOf(e: {title: string | null; raw_text: string | null; url: string | null; id: string | null; trust: number | null}): RuleContext {
  const c = emptyContext();
  c.event.title = e.title;
  c.event.raw_text = e.raw_text;
  c.event.url = e.url;
  c.source.id = e.id;
  c.source.trust_tier = e.trust;
  return c;
}

describe('fmt', () => {
  it('is idempotent and preserves meaning (same verdicts on random events)', () => {
    fc.assert(
      fc.property(ruleFile, fc.array(event, {minLength: 1, maxLength: 5}), (text, events) => {
        const once = formatRuleFile(text);
        expect(formatRuleFile(once)).toBe(once);
        const a = buildRulePack([{file: 'a.yaml', text}]);
        const b = buildRulePack([{file: 'a.yaml', text: once}]);
        expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(b.diagnostics.map((d) => d.code)).toEqual(a.diagnostics.map((d) => d.code));
        for (const e of events) expect(b.pack!.suppress(ctxOf(e))).toEqual(a.pack!.suppress(ctxOf(e)));
      }),
      {numRuns: 200},
    );
  });

  it('keeps comments and puts keys in canonical order', () => {
    const out = formatRuleFile('# head\nsuppress:\n  - when: event.title == "x"  # why\n    id: a\nversion: 1\n');
    expect(out).toBe('# head\n\nversion: 1\nsuppress:\n  - id: a\n    when: event.title == "x" # why\n');
  });
});
