import {describe, expect, it} from 'vitest';
import {canonicalJson} from '../../src/kernel/canonical-json.js';
import {buildRulePack, emptyContext, type RuleContext} from '../../src/rules/index.js';

/** Compiles `expr` as a post-link suppress condition and evaluates it on a context. */
function evalBool(expr: string, ctx: RuleContext = emptyContext()): boolean {
  const text = `version: 1\nsuppress:\n  - id: r\n    pass: post_link\n    when: '${expr.replace(/'/g, "''")}'\n`;
  const r = buildRulePack([{file: 'e.yaml', text}]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  expect(errors, expr).toEqual([]);
  return r.pack!.suppress(ctx, {pass: 'all'}).suppressed;
}

function ctxWith(patch: (c: RuleContext) => void): RuleContext {
  const c = emptyContext();
  patch(c);
  return c;
}

describe('null semantics: missing data never throws', () => {
  const empty = emptyContext();
  it.each([
    ['event.title == null', true],
    ['event.title != "x"', true],
    ['event.title == "x"', false],
    ['event.title contains "x"', false],
    ['event.title icontains "x"', false],
    ['event.title startswith "x"', false],
    ['event.title matches /x/', false],
    ['source.trust_tier > 1', false],
    ['source.trust_tier <= 1', false],
    ['not (source.trust_tier > 1)', true],
    ['source.trust_tier + 1 == null', true],
    ['(source.trust_tier ?? 2) == 2', true],
    ['len(event.title) == 0', true],
    ['lower(event.title) == null', true],
    ['event.nws.status == null', true],
    ['any f in facilities: f.criticality > 1', false],
    ['all f in facilities: f.criticality > 1', true],
    ['count(facilities) == 0 and sum(s in shipments: s.qty) == 0', true],
    ['max(f in facilities: f.criticality) == null', true],
    ['first(facilities) == null', true],
    ['event.title in ["a"]', false],
    ['now + 1h == null', true],
    ['1 / 0 == null', true],
  ])('%s → %s', (expr, want) => {
    expect(evalBool(expr, empty)).toBe(want);
  });
});

describe('operators and functions', () => {
  const ctx = ctxWith((c) => {
    c.now = 1_705_320_000_000_000; // 2024-01-15T12:00:00Z
    c.event.title = 'Winter Storm Warning';
    c.event.raw_text = 'Winter Storm Warning This is a test alert';
    c.source.trust_tier = 3;
    c.facilities = [
      {id: 'b', name: null, type: null, city: null, state: null, criticality: 8},
      {id: 'A', name: null, type: null, city: null, state: null, criticality: 3},
    ];
    c.shipments = [{id: 'S1', lane_id: null, status: null, priority: 1, eta: c.now + 48 * 3_600_000_000, qty: 2}];
  });
  it.each([
    ['event.title icontains "storm"', true],
    ['event.title contains "storm"', false],
    ['event.title matches /winter\\s+storm/i', true],
    ['upper(event.title) == "WINTER STORM WARNING"', true],
    ['not event.title startswith "Storm" and event.title endswith "Warning"', true],
    ['source.trust_tier == 3 or false', true],
    ['1 + 2 * 3 == 7 and (1 + 2) * 3 == 9 and 7 - 2 - 1 == 4 and 8 / 2 / 2 == 2', true],
    ['-source.trust_tier == -3', true],
    ['min(map(f in facilities: f.id)) == "A"', true],
    ['max(f in facilities: f.criticality) == 8 and count(f in facilities: f.criticality >= 7) == 1', true],
    ['first(f in facilities: f.criticality < 5).id == "A"', true],
    ['any s in shipments: s.eta <= now + 48h and s.eta >= now - 7d', true],
    ['any s in shipments: s.eta < now + 48h', false],
    ['join(sorted(map(f in facilities: f.id)), "+") == "A+b"', true],
    ['tokens("a-b c1") == ["a", "b", "c1"]', true],
    ['substr(sha256(""), 0, 12) == "e3b0c44298fc"', true],
    ['extract("/O.NEW.KHNX.FG.Y.0002.250101T0000Z-/", /\\.([A-Z]{4}\\.[A-Z]{2}\\.[A-Z]\\.[0-9]{4})\\./) == "KHNX.FG.Y.0002"', true],
    ['clamp(12, 0, 10) == 10 and abs(-2) == 2 and trunc(2.7) == 2', true],
    ['signed(2) == "+2" and signed(-1) == "-1" and str(3) == "3"', true],
    ['(if source.trust_tier == 3 then "g" else "x") == "g"', true],
    ['"x" not in ["a", "b"] and "a" in ["a"]', true],
    ['hours(48) == 48h and days(7) == 7d and minutes(30) == 30m', true],
    ['split("a;b", ";") == ["a", "b"] and unique([1, 1, 2]) == [1, 2]', true],
  ])('%s → %s', (expr, want) => {
    expect(evalBool(expr, ctx)).toBe(want);
  });

  it('string min/max use code-point order (astral characters after BMP ones)', () => {
    expect(evalBool('max(["\uFFFD", "\u{1F600}"]) == "\u{1F600}"', ctx)).toBe(true);
  });
});

describe('RE2: no catastrophic backtracking', () => {
  it('(a+)+b against 100,000 characters completes at once', () => {
    const ctx = ctxWith((c) => {
      c.event.title = 'a'.repeat(100_000);
    });
    // A backtracking engine would not finish within the test timeout.
    expect(evalBool('event.title matches /(a+)+b/', ctx)).toBe(false);
    expect(evalBool('event.title matches /(a+)+$/', ctx)).toBe(true);
  });
});

describe('extract keeps no stale value between evaluations', () => {
  it('one compiled call site, texts alternating and repeating', () => {
    const text = 'version: 1\nsuppress:\n  - id: r\n    pass: post_link\n    when: extract(event.title ?? "", /^(\\w+)/) == "storm"\n';
    const pack = buildRulePack([{file: 'e.yaml', text}]).pack!;
    const verdict = (title: string | null) => pack.suppress(ctxWith((c) => (c.event.title = title)), {pass: 'all'}).suppressed;
    expect(['storm warning', 'fire', 'storm', 'storm', null, ' storm', 'storm'].map(verdict)).toEqual([true, false, true, true, false, false, true]);
  });
});

describe('suppression verdicts record the field and span', () => {
  it('any over title/summary/raw_text/url reports the field that matched', () => {
    const r = buildRulePack([{file: 's.yaml', text: 'version: 1\nsuppress:\n  - id: t\n    reason_code: TEST\n    note: n\n    when: >-\n      any f in [event.title, event.summary, event.raw_text, event.url]: f icontains "test alert"\n'}]);
    const v = r.pack!.suppress(ctxWith((c) => {
      c.event.title = 'Winter Storm Warning';
      c.event.raw_text = 'Winter Storm Warning This is a Test Alert';
    }));
    expect(v).toEqual({
      suppressed: true,
      primary: {rule_id: 't', reason_code: 'TEST', note: 'n', scope: 'global'},
      matches: [{rule_id: 't', reason_code: 'TEST', note: 'n', scope: 'global', field: 'raw_text', span: [31, 41]}],
    });
    // Built in canonical key order: the stored matches' canonical JSON needs no sorted copy.
    expect(JSON.stringify([v.primary, v.matches])).toBe(canonicalJson([v.primary, v.matches]));
  });
});
