/**
 * The `hardstop.export@2.0.0` operator (§4.6, §8.5): one RunRecord per export whose inputs are
 * the filters and the stored artifacts read, and whose outputs are the bytes written (data file
 * and manifest) or printed.
 */
import type {Diagnostic} from '../../kernel/diagnostic.js';
import type {RunGroup} from '../../kernel/run-group.js';
import {textRef, valueRef} from '../../kernel/run-record.js';
import type {Readiness} from '../brief-v2/build.js';
import {ReportError} from '../errors.js';
import type {ExportResult} from './content.js';
import {EXPORT_OPERATOR, exportManifest, manifestPathOf, writeExportFiles} from './envelope.js';

export type ExportType = 'alerts' | 'brief' | 'sources';

export interface ExportRunOptions {
  type: ExportType;
  /** The filter values, recorded as the `export-filter:<type>` input. */
  filters: Record<string, unknown>;
  /** Absolute path of the data file; null prints it. */
  outPath: string | null;
  /** How paths appear in refs and messages (home-relative or as given). */
  display: (path: string) => string;
  exportedAt: string;
  configSnapshot: unknown;
  /** Readiness of the sources (operations.md §7.6): BROKEN refuses in strict mode, warns otherwise. */
  readiness?: Readiness;
  build: () => ExportResult;
}

export interface ExportRunResult extends ExportResult {
  /** Manifest path (display form) when a file was written. */
  manifest: string | null;
  diagnostics: Diagnostic[];
}

/** What a BROKEN readiness means for an export in this mode. */
function gateDiagnostics(readiness: Readiness | undefined, strict: boolean): Diagnostic[] {
  if (!readiness || readiness.state !== 'BROKEN') return [];
  const reasons = readiness.reasons.join('; ');
  return [
    strict
      ? {code: 'EXPORT_NOT_PUBLISHED', severity: 'error', message: `export refused: readiness is BROKEN (${reasons})`, hint: 'fix the blockers (`hardstop sources health`), or pass --best-effort'}
      : {code: 'EXPORT_DRAFT_ONLY', severity: 'warning', message: `exported while readiness is BROKEN (${reasons}): not authoritative`},
  ];
}

export function runExportOperator(group: RunGroup, opts: ExportRunOptions): Promise<ExportRunResult> {
  return group.run(EXPORT_OPERATOR, (trace) => {
    trace.input(valueRef(`export-filter:${opts.type}`, 'ExportFilter', opts.filters));
    const diagnostics = gateDiagnostics(opts.readiness, group.mode === 'strict');
    const refused = diagnostics.find((d) => d.severity === 'error');
    if (refused) throw new ReportError(refused.code, refused.message, {hint: refused.hint, diagnostics});
    trace.report(...diagnostics);
    const result = opts.build();
    for (const r of result.reads) trace.input(r);
    const schema = `export::${result.content.format}`;
    if (!opts.outPath) {
      const ref = textRef(`export:${opts.type}:stdout`, 'Export', result.content.text, schema);
      trace.output(ref);
      trace.bytesOut = ref.bytes ?? 0;
      return {...result, manifest: null, diagnostics};
    }
    const manifest = exportManifest(result.content, {exportedAt: opts.exportedAt, configHash: group.configHash, configSnapshot: opts.configSnapshot});
    const manifestText = writeExportFiles(opts.outPath, result.content, manifest);
    const data = textRef(`export:${opts.type}:${opts.display(opts.outPath)}`, 'Export', result.content.text, schema);
    const side = textRef(`export-manifest:${opts.type}:${opts.display(manifestPathOf(opts.outPath))}`, 'ExportManifest', manifestText, 'export-manifest::json');
    trace.output(data, side);
    trace.bytesOut = (data.bytes ?? 0) + (side.bytes ?? 0);
    return {...result, manifest: opts.display(manifestPathOf(opts.outPath)), diagnostics};
  });
}
