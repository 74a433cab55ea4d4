import type {Diagnostic} from '../kernel/diagnostic.js';
import type {AppContext} from './context.js';
import {readHomeRuleTexts} from './home-rules.js';

/**
 * `sources list`: the problems of each source's `suppress:` block, as a run meets them. The
 * compiler is loaded only when some source has such a block.
 */
export async function sourceSuppressDiagnostics(ctx: AppContext): Promise<Diagnostic[]> {
  const sources = ctx.sourcesConfig.sources;
  if (!sources.some((s) => s.suppress)) return [];
  const {checkDecisionRules} = await import('./decision-inputs.js');
  const checked = checkDecisionRules(readHomeRuleTexts(ctx), sources);
  if (checked.pack) return checked.sourceDiagnostics;
  return [
    {
      code: 'RULES_INVALID',
      severity: 'error',
      message: "the rule pack does not compile, so the sources' suppress: rules cannot be checked (a run stops too)",
      hint: 'run `hardstop rules check` for its errors',
    },
  ];
}
