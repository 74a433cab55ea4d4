import type {Expr} from './ast.js';
import type {ExprSite} from './checker.js';
import type {Fn} from './env.js';
import type {RuleContext} from './schema.js';

/** Where a rule is declared. */
export interface RuleMeta {
  id: string;
  file: string;
  line: number;
  col: number;
}

/** One expression of a rule: its source, AST and closure (explain walks the AST). */
export interface CompiledExpr {
  field: string;
  site: ExprSite;
  ast: Expr;
  fn: Fn;
}

/** A text with `${expr}` placeholders (rationales, breakdown lines, cap reasons). */
export interface Template {
  text: string;
  parts: (string | CompiledExpr)[];
}

/** A row of the `types:` table: the first row whose `when` holds (or that has none) types the event. */
export interface TypeRule extends RuleMeta {
  when: CompiledExpr | null;
  type: string;
}

export interface SuppressRule extends RuleMeta {
  reason_code: string;
  note: string | null;
  enabled: boolean;
  pass: 'pre_link' | 'post_link';
  /** `global` or `source:<id>`. */
  scope: string;
  /** Global rules only: restrict to these source ids. */
  sources: string[] | null;
  when: CompiledExpr;
}

export interface ScoreRule extends RuleMeta {
  enabled: boolean;
  when: CompiledExpr | null;
  add: CompiledExpr;
  cap: number | null;
  rationale: Template;
  line_template: Template | null;
  phase: 'base' | 'modifier';
  flag: string | null;
  data: [string, CompiledExpr][];
}

export interface ClassifyRule extends RuleMeta {
  when: CompiledExpr | null;
  classification: number;
}

export interface QualityRule extends RuleMeta {
  when: CompiledExpr | null;
  cap: number;
  reason: Template | null;
}

export interface CorrelateRule extends RuleMeta {
  when: CompiledExpr | null;
  key: CompiledExpr[];
  /** Keys of open incidents this item joins, when one is open in the window (a list of text). */
  follow: CompiledExpr | null;
  window_micros: number;
  max_candidates: number;
}

export interface TestExpectation {
  key: string;
  value: unknown;
  line: number;
  col: number;
}

export interface RuleTestCase {
  name: string;
  file: string;
  line: number;
  col: number;
  ctx: RuleContext;
  source_rules: SuppressRule[];
  expect: TestExpectation[];
}

export interface SuppressionMatch {
  rule_id: string;
  reason_code: string;
  note: string | null;
  scope: string;
  field?: string;
  span?: [number, number];
}

export interface SuppressionVerdict {
  suppressed: boolean;
  primary: {rule_id: string; reason_code: string; note: string | null; scope: string} | null;
  matches: SuppressionMatch[];
}

export interface ScoreContribution {
  rule_id: string;
  file: string;
  line: number;
  add: number;
  rationale: string;
  /** The breakdown line shown to people, e.g. `+2: Facility criticality_score >= 7 (PLANT-01=8)`. */
  text: string;
  phase: 'base' | 'modifier';
  flag?: string;
  data?: Record<string, unknown>;
}

export interface ScoreResult {
  /** Final score after the pack's bounds. */
  score: number;
  /** Sum of base-phase contributions (before trust and bias modifiers). */
  base: number;
  /** Sum of all contributions before the bounds. */
  raw: number;
  contributions: ScoreContribution[];
  flags: string[];
  capped: {from: number; to: number; text: string} | null;
  /** Breakdown lines in order, including the capped line. */
  breakdown: string[];
}

export interface ClassifyResult {
  classification: number;
  rule_id: string;
  file: string;
  line: number;
  when: string | null;
}

export interface QualityResult {
  cap: number;
  rule_id: string | null;
  reason: string | null;
  file?: string;
  line?: number;
}

/** The event type the `types:` table gave, and the row that gave it (null: no row matched). */
export interface TypeResult {
  type: string;
  rule_id: string | null;
  file?: string;
  line?: number;
}

export interface CorrelationResult {
  rule_id: string;
  key: string;
  parts: (string | null)[];
  /** Keys of open incidents to join before opening one with `key`, in order (duplicates and `key` removed). */
  follow: string[];
  window_micros: number;
  max_candidates: number;
}
