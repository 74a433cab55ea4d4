import {readFileSync} from 'node:fs';
import {Ajv} from 'ajv';
import {parse as parseYaml} from 'yaml';
import {describe, expect, it} from 'vitest';
import {parseYamlText} from '../../src/kernel/yaml-source.js';
import {
  benchRuleEvaluations, buildRulePack, emptyContext, explain, formatExplain, loadRulePack, rulesJsonSchema, runRuleTests,
} from '../../src/rules/index.js';

const PACK = 'rules/supply-chain';

describe('shipped pack rules/supply-chain', () => {
  const r = loadRulePack(PACK);

  it('checks with no errors and no warnings', () => {
    expect(r.diagnostics).toEqual([]);
    expect(r.pack).not.toBeNull();
  });

  it('every tests: case is green', () => {
    const report = runRuleTests(r.pack!);
    expect(report.results.filter((x) => !x.passed)).toEqual([]);
    expect(report.passed).toBeGreaterThanOrEqual(50);
  });

  it('has a test case for every rule', () => {
    const names = r.pack!.tests.map((t) => JSON.stringify(t.expect) + t.name).join('\n');
    const report = runRuleTests(r.pack!);
    expect(report.failed).toBe(0);
    for (const s of r.pack!.suppressRules) expect(names, s.id).toContain(s.id.startsWith('global_') || s.id.startsWith('nws_') ? s.id : '');
    for (const q of r.pack!.qualityRules) expect(names, q.id).toContain(q.id);
    for (const t of r.pack!.typeRules) expect(names, t.id).toContain(`"type_rule","value":"${t.id}"`);
  });

  it('every rule file validates against rules/rules.schema.json', () => {
    const ajv = new Ajv({strict: false});
    const validate = ajv.compile(rulesJsonSchema());
    for (const f of r.pack!.files) {
      const ok = validate(parseYaml(readFileSync(f.path, 'utf8')));
      expect(validate.errors ?? [], f.path).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('has a stable hash over files and compiled form', () => {
    const again = loadRulePack(PACK);
    expect(again.pack!.hash).toBe(r.pack!.hash);
    expect(r.pack!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.pack!.files.map((f) => f.path)).toEqual([
      'rules/supply-chain/classification.yaml', 'rules/supply-chain/correlation.yaml', 'rules/supply-chain/quality.yaml',
      'rules/supply-chain/scoring.yaml', 'rules/supply-chain/suppression.yaml', 'rules/supply-chain/types.yaml',
    ]);
  });

  it('score contributions carry rule id, file and line; data for the rationale payload', () => {
    const ctx = emptyContext();
    ctx.now = 1_735_387_200_000_000; // 2024-12-28T12:00:00Z
    ctx.event.type_ref = 'CLOSURE';
    ctx.source.trust_tier = 3;
    ctx.facilities = [{id: 'PLANT-03', name: null, type: null, city: null, state: null, criticality: 9}];
    ctx.shipments = [{id: 'SHP-1009', lane_id: null, status: null, priority: 1, eta: ctx.now + 3_600_000_000, qty: null}];
    const s = r.pack!.score(ctx);
    expect(s.contributions[0]).toMatchObject({rule_id: 'facility_criticality', file: 'rules/supply-chain/scoring.yaml', add: 2, flag: 'criticality', data: {facility_id: 'PLANT-03', criticality_score: 9}});
    expect(s.contributions.find((c) => c.rule_id === 'near_term_priority_eta')?.data).toEqual({ids_within_48h: ['SHP-1009']});
    expect(s.flags).toEqual(['criticality', 'priority_shipments']);
    expect(r.pack!.classify(s.score, ctx)).toMatchObject({classification: 2, rule_id: 'impactful'});
  });

  it('explain traces every rule and sub-condition', () => {
    const ctx = emptyContext();
    ctx.event.title = 'This is a test alert';
    const x = explain(r.pack!, ctx);
    const rule = x.rules.find((t) => t.rule_id === 'global_test_alerts')!;
    expect(rule.outcome).toMatchObject({matched: true, field: 'title'});
    expect(rule.expressions[0].tree.value).toBe(true);
    expect(rule.expressions[0].tree.children[1].evaluations).toBe(1);
    expect(x.rules.filter((t) => t.section === 'score').length).toBe(r.pack!.scoreRules.length);
    const text = formatExplain(x);
    expect(text).toContain('global_test_alerts (rules/supply-chain/suppression.yaml:');
    expect(text).toContain('correlation key: OTHER|NONE|NONE|t:');
  });

  it('benchmark helper reports evaluations per second', () => {
    let t = 0;
    const b = benchRuleEvaluations(r.pack!, 100, () => (t += 10));
    expect(b.evaluations).toBe(100 * (r.pack!.suppressRules.length + r.pack!.scoreRules.length));
    expect(b.perSecond).toBeGreaterThan(0);
  });
});

describe('compatibility inputs', () => {
  const base = {file: 'p.yaml', text: 'version: 1\nlists:\n  risk_keywords: [{term: X, weight: 1}]\nscore:\n  - id: kw\n    when: any k in risk_keywords: upper(event.title ?? "") contains k.term\n    add: sum(k in risk_keywords: if upper(event.title ?? "") contains k.term then k.weight else 0)\n    rationale: kw\n'.replace(/when: (any.*)/, "when: '$1'").replace(/add: (sum.*)/, "add: '$1'")};

  it('config/suppression.yaml compiles to rules with the same ids, order and reason codes', () => {
    const supp = {file: 'config/suppression.yaml', text: 'version: 1\nrules:\n  - id: g1\n    kind: keyword\n    field: any\n    pattern: test alert\n    reason_code: TEST_ALERT\n  - id: g2\n    kind: regex\n    field: title\n    pattern: "winter\\\\s+storm"\n'};
    const r = buildRulePack([base], {suppressionCompat: supp});
    expect(r.diagnostics).toEqual([]);
    const ctx = emptyContext();
    ctx.event.title = 'Winter Storm Warning';
    ctx.event.raw_text = 'Winter Storm Warning This is a test alert';
    const v = r.pack!.suppress(ctx);
    expect(v.matches.map((m) => [m.rule_id, m.reason_code, m.field])).toEqual([['g1', 'TEST_ALERT', 'raw_text'], ['g2', 'g2', 'title']]);
  });

  it.each([
    ['unknown kind with did-you-mean (S-10)', 'kind: keywrod\n    field: title\n    pattern: x', 'RULE_UNKNOWN_KIND', 4, 11, /keyword/],
    ['invalid regex (S-7)', 'kind: regex\n    field: title\n    pattern: "("', 'RULE_BAD_REGEX', 6, 15, undefined],
    ['empty pattern (S-8)', 'kind: keyword\n    field: title\n    pattern: ""', 'RULE_EMPTY_PATTERN', 6, 14, undefined],
    ['unknown field (S-9)', 'kind: keyword\n    field: trust_tier\n    pattern: "3"', 'RULE_UNKNOWN_FIELD', 5, 12, undefined],
  ])('%s', (_n, body, code, line, col, hint) => {
    const supp = {file: 'config/suppression.yaml', text: `version: 1\nrules:\n  - id: r\n    ${body}\n`};
    const r = buildRulePack([base], {suppressionCompat: supp});
    const d = r.diagnostics.find((x) => x.code === code);
    expect(d, JSON.stringify(r.diagnostics)).toMatchObject({file: 'config/suppression.yaml', line, col, severity: 'error'});
    if (hint) expect(d!.hint).toMatch(hint);
    expect(r.pack).toBeNull();
  });

  it('config/keywords.yaml replaces risk_keywords with normalized terms; duplicates are errors', () => {
    const kw = {file: 'config/keywords.yaml', text: 'version: 1\nrisk_keywords:\n  - term: " strike "\n    weight: 2.9\n  - spill\n  - {term: x, weight: -3}\n'};
    const r = buildRulePack([base], {keywordsCompat: kw});
    expect(r.diagnostics).toEqual([]);
    expect(r.pack!.list('risk_keywords')).toEqual([{term: 'STRIKE', weight: 2}, {term: 'SPILL', weight: 1}, {term: 'X', weight: 0}]);
    const dup = buildRulePack([base], {keywordsCompat: {file: 'k.yaml', text: 'version: 1\nrisk_keywords: [STRIKE, strike]\n'}});
    expect(dup.diagnostics.find((d) => d.code === 'RULE_DUPLICATE_ID')).toMatchObject({file: 'k.yaml', line: 2, col: 25});
  });

  it('per-source suppress blocks compile against the pack, ids unique across sources', () => {
    const r = loadRulePack(PACK);
    const src = parseYamlText('version: 1\ntiers:\n  global:\n    - id: uscg\n      suppress:\n        - {id: uscg_weekly, kind: keyword, field: title, pattern: weekly summary}\n        - id: uscg_drill\n          when: event.title icontains "drill"\n', 'config/sources.yaml');
    const seen = new Set<string>();
    const a = r.pack!.compileSourceSuppressRules(src, ['tiers', 'global', 0, 'suppress'], 'uscg', seen);
    expect(a.diagnostics).toEqual([]);
    const ctx = emptyContext();
    ctx.event.title = 'Weekly Summary of notices';
    ctx.source.id = 'uscg';
    const v = r.pack!.suppress(ctx, {sourceRules: a.rules});
    expect(v.primary).toEqual({rule_id: 'uscg_weekly', reason_code: 'uscg_weekly', note: null, scope: 'source:uscg'});
    const b = r.pack!.compileSourceSuppressRules(src, ['tiers', 'global', 0, 'suppress'], 'uscg', seen);
    expect(b.diagnostics.filter((d) => d.code === 'RULE_DUPLICATE_ID').length).toBe(2);
    const clash = parseYamlText('s:\n  - {id: global_test_alerts, kind: keyword, field: title, pattern: x}\n', 'config/sources.yaml');
    expect(r.pack!.compileSourceSuppressRules(clash, ['s'], 'x').diagnostics[0]).toMatchObject({code: 'RULE_DUPLICATE_ID', line: 2, col: 10});
  });
});

type BuiltPack = NonNullable<ReturnType<typeof buildRulePack>['pack']>;

describe('macros are evaluated once per context, except where a reference must see fresh state', () => {
  it.each([
    [
      'a score macro reading `score` sees the running score at every rule',
      'macros:\n  running: score\nscore:\n  - {id: a, when: "true", add: 1, rationale: a}\n  - {id: b, when: "running >= 1", add: 10, rationale: b}\n  - {id: c, when: "running >= 11", add: 100, rationale: c}\n',
      (pack: BuiltPack) => pack.score(emptyContext()).score,
      111,
    ],
    [
      'a macro of the event alone gives every rule the same value',
      'macros:\n  loud: upper(event.title ?? "")\nscore:\n  - {id: a, when: loud contains "STORM", add: 1, rationale: a}\n  - {id: b, when: len(loud) == 11, add: 10, rationale: b}\n',
      (pack: BuiltPack) => {
        const ctx = emptyContext();
        ctx.event.title = 'Storm surge';
        return pack.score(ctx).score;
      },
      11,
    ],
    [
      'two suppress rules through one macro each carry the field the macro matched',
      'macros:\n  drill: event.raw_text icontains "drill"\nsuppress:\n  - {id: s1, reason_code: DRILL, when: drill}\n  - {id: s2, reason_code: DRILL2, when: drill}\n',
      (pack: BuiltPack) => {
        const ctx = emptyContext();
        ctx.event.raw_text = 'Port drill today';
        return pack.suppress(ctx).matches.map((m) => [m.rule_id, m.field, m.span]);
      },
      [['s1', 'raw_text', [5, 10]], ['s2', 'raw_text', [5, 10]]],
    ],
  ])('%s', (_name, text, evaluate, expected) => {
    const r = buildRulePack([{file: 'm.yaml', text: `version: 1\n${text}`}]);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(evaluate(r.pack!)).toEqual(expected);
  });
});
