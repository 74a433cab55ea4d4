import {ConfigError} from '../kernel/errors.js';
import type {ResolvedSource} from '../sources/config.js';
import type {AppContext} from './context.js';

/** Configured sources for a report (source health, gating); an invalid sources file stops it. */
export function reportSources(ctx: AppContext): ResolvedSource[] {
  const loaded = ctx.sourcesConfig;
  if (!loaded.ok) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    throw new ConfigError(first?.code ?? 'SOURCES_INVALID', first?.message ?? 'config/sources.yaml is invalid', {hint: first?.hint, diagnostics: loaded.diagnostics});
  }
  return loaded.sources;
}
