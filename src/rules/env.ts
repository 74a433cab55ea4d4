import type {RuleContext} from './schema.js';

/** Records the value of every evaluated node (explain mode). */
export interface Tracer {
  rec(id: number, value: unknown): void;
  /** Called before each rule is evaluated, so values can be attributed to rules. */
  rule?(section: string, id: string): void;
}

/** Which field a string test matched, and where (suppression verdicts). First match wins. */
export interface Witness {
  field: string | null;
  span: [number, number] | null;
}

/**
 * Evaluation state: the context, the variable slots of quantifiers, the field each slot came
 * from, the tracer (null unless explaining), the witness (null unless suppressing) and the
 * values of the macros already evaluated against this context (by macro slot).
 */
export interface Env {
  ctx: RuleContext;
  v: unknown[];
  o: (string | null)[];
  t: Tracer | null;
  w: Witness | null;
  m: unknown[];
}

/** A compiled expression: a plain closure over the evaluation state. */
export type Fn = (env: Env) => unknown;
