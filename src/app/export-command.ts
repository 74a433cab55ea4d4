import {ExitCode} from '../kernel/exit-status.js';
import type {CommandOutcome} from '../present/command-outcome.js';
import type {ExportRunResult} from '../reports/exports/operator.js';

/** What every single-file export command prints: the file it wrote, or the export itself. */
export function exportOutcome(r: ExportRunResult, out: string | null, noun: string): CommandOutcome {
  const json = {out, manifest: r.manifest, count: r.count, export_data_hash: r.content.dataHash, format: r.content.format};
  const exitCode = r.diagnostics.some((d) => d.severity === 'warning') ? ExitCode.WARNING : ExitCode.HEALTHY;
  if (out) return {exitCode, diagnostics: r.diagnostics, text: `Exported to ${out} (${r.count} ${noun}; manifest ${r.manifest})`, json};
  return {exitCode, diagnostics: r.diagnostics, payload: r.content.text, json};
}
