import type {Diagnostic} from '../kernel/diagnostic.js';
import type {DiagnosticCode} from '../kernel/diagnostic-codes.js';
import {HardstopError} from '../kernel/errors.js';
import type {LoadedSourcesConfig} from '../sources/config.js';
import type {AppContext} from './context.js';

/** Stops a deciding command before it decides anything (exit 2), with every diagnostic. */
export function failDecisions(code: DiagnosticCode, message: string, diagnostics: Diagnostic[], hint?: string): never {
  throw new HardstopError(code, message, {diagnostics: diagnostics.length ? diagnostics : undefined, hint});
}

/** config/sources.yaml of a deciding command: any error stops it (SOURCES_INVALID). */
export function decisionSources(ctx: AppContext): LoadedSourcesConfig {
  const sourcesConfig = ctx.sourcesConfig;
  if (sourcesConfig.diagnostics.some((d) => d.severity === 'error')) failDecisions('SOURCES_INVALID', 'config/sources.yaml is invalid', sourcesConfig.diagnostics);
  return sourcesConfig;
}

/** The warning of a home whose network has no facility: nothing can be linked. */
export function networkEmptyWarning(): Diagnostic {
  return {code: 'NETWORK_EMPTY', severity: 'warning', message: 'no network is loaded: nothing can be linked', hint: 'run `hardstop ingest` first'};
}
