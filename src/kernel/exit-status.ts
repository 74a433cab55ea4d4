import type {Diagnostic} from './diagnostic.js';

/** Exit codes a CI job can trust. */
export const ExitCode = {HEALTHY: 0, WARNING: 1, BROKEN: 2} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type StatusName = 'HEALTHY' | 'WARNING' | 'BROKEN';

export function statusName(code: ExitCode): StatusName {
  return code === 0 ? 'HEALTHY' : code === 1 ? 'WARNING' : 'BROKEN';
}

export type Mode = 'strict' | 'best-effort';

/**
 * Exit code from diagnostics. Warnings marked `details.blocking === true` are promoted to
 * BROKEN in strict mode; `info` never counts.
 */
export function exitCodeFor(diags: readonly Diagnostic[], mode: Mode): ExitCode {
  if (diags.some((d) => d.severity === 'error')) return ExitCode.BROKEN;
  const warnings = diags.filter((d) => d.severity === 'warning');
  if (warnings.length === 0) return ExitCode.HEALTHY;
  if (mode === 'strict' && warnings.some((d) => d.details?.blocking === true)) return ExitCode.BROKEN;
  return ExitCode.WARNING;
}

export function worst(...codes: ExitCode[]): ExitCode {
  return codes.reduce<ExitCode>((a, b) => (b > a ? b : a), ExitCode.HEALTHY);
}
