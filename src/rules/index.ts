/**
 * The rule language: public API used by the decision pipeline and the `rules` commands.
 * See docs/RULES.md for the language and grammar/expression.ebnf for the syntax.
 */
export {loadRulePack, buildRulePack, type LoadResult} from './loader.js';
export type {LoadOptions, BuildOptions, RuleSourceText} from './rule-texts.js';
export {CompiledRulePack, type SuppressOptions} from './pack.js';
export type {
  SuppressionVerdict, SuppressionMatch, ScoreResult, ScoreContribution, ClassifyResult, QualityResult, CorrelationResult,
  SuppressRule, ScoreRule, ClassifyRule, QualityRule, CorrelateRule, RuleTestCase,
} from './model.js';
export {runRuleTests, evaluateCase, type RuleTestReport, type RuleTestResult, type RuleTestFailure} from './testing.js';
export {explain, formatExplain, type ExplainResult, type RuleTrace, type TraceNode} from './explain.js';
export {compactExplain, explainView, type CompactExplanation} from './explain-compact.js';
export {formatRuleFile} from './fmt.js';
export {rulesJsonSchema} from './json-schema.js';
export {benchRuleEvaluations, benchTypeEvaluations, benchContext, type BenchResult} from './bench.js';
export {parseExpression, type ParseResult, type SyntaxProblem} from './parse.js';
export {contextFromYaml} from './test-input.js';
export {RuleParseError, RuleCheckError, RuleEvalError} from './errors.js';
export {
  emptyContext, ROOTS, ROOTS_BY_KIND, type RuleContext, type RuleKind, type EventContext, type NwsContext, type SourceContext,
  type FacilityContext, type LaneContext, type ShipmentContext, type LinkContext, type ConfigContext, type QualityContext,
} from './schema.js';
export {FUNCTIONS, type BuiltinFunction} from './functions.js';
export {compileRouteConditions, type CompiledCondition} from './conditions.js';
