import type {Node} from 'yaml';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {hasErrors, sortDiagnostics} from '../kernel/diagnostic.js';
import type {YamlSource} from '../kernel/yaml-source.js';
import type {Env} from './env.js';
import {PackBuilder} from './pack-builder.js';
import type {CompiledExpr} from './model.js';
import type {CompiledRulePack} from './pack.js';
import type {RuleContext} from './schema.js';
import {BOOL} from './types.js';
import {FileDiags} from './yaml-walk.js';

/** A compiled condition over one context root, e.g. a sink route's `when:` over `alert`. */
export interface CompiledCondition {
  readonly text: string;
  /** True when the condition holds; null and missing fields never throw (docs/RULES.md). */
  test(root: Record<string, unknown>): boolean;
}

/**
 * Compiles `when:` conditions written outside rule files (sink routes) with the rule language:
 * the same checker (unknown fields are errors at their exact position, with did-you-mean), and
 * the lists and macros of the active rule pack when one is given.
 */
export function compileRouteConditions(
  src: YamlSource,
  nodes: readonly {node: Node | null; what: string}[],
  pack: CompiledRulePack | null,
): {conditions: (CompiledCondition | null)[]; diagnostics: Diagnostic[]} {
  const b = pack ? pack.internals : new PackBuilder();
  const diagnostics: Diagnostic[] = [];
  const fd = new FileDiags(src, diagnostics);
  const exprs = nodes.map((n) => b.expr(fd, n.node, n.what, 'route', BOOL, true));
  const batch = b.checkPending();
  diagnostics.push(...b.checker.diagnostics.splice(0));
  if (hasErrors(diagnostics)) return {conditions: nodes.map(() => null), diagnostics: sortDiagnostics(diagnostics)};
  b.compileBatch(batch);
  return {conditions: exprs.map((e) => (e ? toCondition(e) : null)), diagnostics: sortDiagnostics(diagnostics)};
}

function toCondition(e: CompiledExpr): CompiledCondition {
  return {
    text: e.site.text,
    test(root) {
      const env: Env = {ctx: {alert: root} as unknown as RuleContext, v: [], o: [], t: null, w: null, m: []};
      return e.fn(env) === true;
    },
  };
}
