import {defaultHint, type DiagnosticCode, type Severity} from './diagnostic-codes.js';

export type {DiagnosticCode, Severity};

/**
 * The one diagnostic shape used by every layer: CSV validation, config validation, rule
 * checking, feed parsing, doctor. Positions are 1-based.
 */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endCol?: number;
  details?: Record<string, unknown>;
}

/** A diagnostic; without a hint of its own it takes the code's hint from the registry. */
export function diag(
  code: DiagnosticCode,
  severity: Severity,
  message: string,
  extra: Omit<Diagnostic, 'code' | 'severity' | 'message'> = {},
): Diagnostic {
  const {hint, ...rest} = extra;
  const fallback = hint === undefined ? defaultHint(code) : undefined;
  if (fallback === undefined) return {code, severity, message, ...extra};
  return {code, severity, message, hint: fallback, ...rest};
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

export function hasWarnings(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'warning');
}

/** Orders diagnostics by file, line, column, then code, for stable output. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      a.code.localeCompare(b.code),
  );
}

function location(d: Diagnostic): string {
  if (!d.file) return '';
  if (d.line === undefined) return `${d.file}: `;
  return `${d.file}:${d.line}:${d.col ?? 1}: `;
}

/**
 * Renders `file:line:col: severity CODE: message`, an optional caret excerpt of the source
 * line, and the hint.
 */
export function formatDiagnostic(d: Diagnostic, sourceText?: string): string {
  const lines = [`${location(d)}${d.severity} ${d.code}: ${d.message}`];
  if (sourceText !== undefined && d.line !== undefined) {
    const srcLine = sourceText.split(/\r?\n/)[d.line - 1];
    if (srcLine !== undefined) {
      const col = Math.max(1, d.col ?? 1);
      const width =
        d.endLine === d.line && d.endCol !== undefined && d.endCol > col ? d.endCol - col : 1;
      const gutter = String(d.line).length;
      lines.push(`${' '.repeat(gutter)} |`);
      lines.push(`${d.line} | ${srcLine}`);
      lines.push(`${' '.repeat(gutter)} | ${' '.repeat(col - 1)}${'^'.repeat(width)}`);
    }
  }
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

/** The RunRecord form of a diagnostic: `{code, message, details?}` only. */
export function toRecordDiagnostic(d: Diagnostic): {code: DiagnosticCode; message: string; details: Record<string, unknown>} {
  const details: Record<string, unknown> = {...(d.details ?? {})};
  if (d.file !== undefined) details.file = d.file;
  if (d.line !== undefined) details.line = d.line;
  if (d.col !== undefined) details.col = d.col;
  if (d.hint !== undefined) details.hint = d.hint;
  return {code: d.code, message: d.message, details};
}
