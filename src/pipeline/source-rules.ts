import type {Diagnostic} from '../kernel/diagnostic.js';
import type {SuppressRule} from '../rules/model.js';
import type {CompiledRulePack} from '../rules/pack.js';
import type {ResolvedSource} from '../sources/config.js';

/**
 * Compiles every source's `suppress:` block against the pack. Each diagnostic names the
 * source it belongs to, as the other problems of config/sources.yaml do.
 */
export function compileSourceRules(pack: CompiledRulePack, sources: readonly ResolvedSource[]): {rules: Map<string, SuppressRule[]>; diagnostics: Diagnostic[]} {
  const rules = new Map<string, SuppressRule[]>();
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const s of sources) {
    if (!s.suppress) continue;
    const r = pack.compileSourceSuppressRules(s.suppress.src, s.suppress.path, s.id, seen);
    // Problems of an entry's shape already name the source; those of its expressions do not.
    const named = `source "${s.id}"`;
    diagnostics.push(...r.diagnostics.map((d) => (d.message.includes(named) ? d : {...d, message: `${named}: ${d.message}`})));
    rules.set(s.id, r.rules);
  }
  return {rules, diagnostics};
}
