import type {Tracer} from './env.js';
import type {RuleTestCase, TypeResult} from './model.js';
import type {RuleContext} from './schema.js';
import {valueEquals} from './values.js';
import type {CompiledRulePack} from './pack.js';

export interface RuleTestFailure {
  key: string;
  expected: unknown;
  got: unknown;
  line: number;
  col: number;
  /** Where the rule that decided the value got is declared; absent when no rule decided it. */
  rule?: {id: string; file: string; line: number};
  /** The rule the expectation names, when it is not the rule that decided: where it is and whether it matched at all. */
  expected_rule?: {id: string; file: string; line: number; matched: boolean};
}

export interface RuleTestResult {
  name: string;
  file: string;
  line: number;
  col: number;
  passed: boolean;
  failures: RuleTestFailure[];
}

export interface RuleTestReport {
  passed: number;
  failed: number;
  results: RuleTestResult[];
}

/** Everything a test case can look at, computed once per case. */
export function evaluateCase(pack: CompiledRulePack, tc: RuleTestCase) {
  const typed = typedContext(pack, tc.ctx);
  const ctx = typed.ctx;
  const verdict = pack.suppress(ctx, {sourceRules: tc.source_rules, pass: 'all'});
  const score = pack.score(ctx);
  const cls = pack.classify(score.score, ctx);
  const quality = pack.quality({...ctx, score: score.score, classification: cls.classification, flags: score.flags, quality: ctx.quality ?? {high_impact_keywords: []}});
  const corr = pack.correlate(ctx);
  return {type: typed.type, verdict, score, cls, quality, corr};
}

/**
 * The `types:` table's result, and the context the other sections see: the given
 * `event.type` when the test (or event file) sets one, else the type the table gave — as the
 * pipeline does, which types every event before suppression.
 */
export function typedContext(pack: CompiledRulePack, ctx: RuleContext, tracer: Tracer | null = null): {type: TypeResult; ctx: RuleContext} {
  const type = pack.eventType(ctx, tracer);
  return {type, ctx: ctx.event.type === null ? {...ctx, event: {...ctx.event, type: type.type}} : ctx};
}

/** Runs every `tests:` case of the pack and compares each expectation. */
export function runRuleTests(pack: CompiledRulePack): RuleTestReport {
  const results: RuleTestResult[] = [];
  for (const tc of pack.tests) {
    const {type, verdict, score, cls, quality, corr} = evaluateCase(pack, tc);
    const failures: RuleTestFailure[] = [];
    const ruleAt = (id: string | null | undefined) => {
      if (!id) return undefined;
      const all = [...pack.typeRules, ...pack.suppressRules, ...tc.source_rules, ...pack.scoreRules, ...pack.classifyRules, ...pack.qualityRules, ...pack.correlateRules];
      const r = all.find((x) => x.id === id);
      return r ? {id: r.id, file: r.file, line: r.line} : undefined;
    };
    for (const e of tc.expect) {
      let got: unknown;
      let rule: RuleTestFailure['rule'];
      switch (e.key) {
        case 'type':
          got = type.type;
          rule = ruleAt(type.rule_id);
          break;
        case 'type_rule':
          got = type.rule_id;
          rule = ruleAt(type.rule_id);
          break;
        case 'correlation_follow':
          got = corr?.follow ?? [];
          rule = ruleAt(corr?.rule_id);
          break;
        case 'suppressed_by':
          got = verdict.primary?.rule_id ?? null;
          rule = ruleAt(verdict.primary?.rule_id);
          break;
        case 'not_suppressed':
          got = !verdict.suppressed;
          rule = ruleAt(verdict.primary?.rule_id);
          break;
        case 'matched':
          got = verdict.matches.map((m) => m.rule_id);
          break;
        case 'matched_field':
          got = verdict.matches[0]?.field ?? null;
          break;
        case 'score':
          got = score.score;
          break;
        case 'base':
          got = score.base;
          break;
        case 'breakdown':
          got = score.breakdown;
          break;
        case 'flags':
          got = score.flags;
          break;
        case 'classification':
          got = cls.classification;
          rule = ruleAt(cls.rule_id);
          break;
        case 'correlation_key':
          got = corr?.key ?? null;
          rule = ruleAt(corr?.rule_id);
          break;
        case 'cap':
          got = quality.cap;
          rule = ruleAt(quality.rule_id);
          break;
        case 'cap_rule':
          got = quality.rule_id;
          rule = ruleAt(quality.rule_id);
          break;
      }
      if (!valueEquals(got, e.value)) {
        const f: RuleTestFailure = {key: e.key, expected: e.value, got, line: e.line, col: e.col};
        if (rule) f.rule = rule;
        const named = (e.key === 'suppressed_by' || e.key === 'cap_rule') && typeof e.value === 'string' ? ruleAt(e.value) : undefined;
        if (named && named.id !== rule?.id) f.expected_rule = {...named, matched: verdict.matches.some((m) => m.rule_id === named.id) || quality.rule_id === named.id};
        failures.push(f);
      }
    }
    results.push({name: tc.name, file: tc.file, line: tc.line, col: tc.col, passed: failures.length === 0, failures});
  }
  const passed = results.filter((r) => r.passed).length;
  return {passed, failed: results.length - passed, results};
}
