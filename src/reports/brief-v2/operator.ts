/**
 * The `hardstop.brief@2.0.0` operator (§8.5): builds the brief v2 model once, renders the asked
 * formats, writes the files atomically, and records one RunRecord whose inputs are the alert
 * versions and evidence it read and whose outputs are the model hash and every rendering.
 * Publication is gated (operations.md §7.6): a DRAFT_ONLY brief fails in strict mode (exit 2,
 * nothing written, the record kept) and is a warning in best-effort mode.
 */
import {join} from 'node:path';
import {writeFileAtomic} from '../../kernel/atomic-file.js';
import {artifactHash} from '../../kernel/canonical-json.js';
import type {Diagnostic} from '../../kernel/diagnostic.js';
import {HardstopError} from '../../kernel/errors.js';
import type {OperatorTrace, RunGroup} from '../../kernel/run-group.js';
import {textRef} from '../../kernel/run-record.js';
import type {Store} from '../../store/db.js';
import {type BriefV2Options, buildBriefV2, readRefs} from './build.js';
import {BRIEF_V2_OPERATOR, type BriefModelV2, distinctAlerts} from './model.js';
import {BRIEF_FILES, type BriefFormat, renderBriefV2} from './render.js';

/** One rendering to produce: to a file (absolute path, shown as `display`) or printed. */
export interface BriefOutput {
  format: BriefFormat;
  path: string | null;
  display?: string;
}

export interface BriefRunOptions extends Omit<BriefV2Options, 'runGroupId' | 'mode' | 'configHash'> {
  outputs: BriefOutput[];
  /** Terminal colour for the text format. */
  color?: boolean;
}

export interface BriefRunResult {
  model: BriefModelV2;
  /** Rendered text per output, same order as `outputs`. */
  texts: string[];
  diagnostics: Diagnostic[];
}

/** The three files `run --brief-out DIR` writes. */
export function briefFileOutputs(dir: string, display: (p: string) => string): BriefOutput[] {
  return (['json', 'md', 'html'] as const).map((format) => {
    const path = join(dir, BRIEF_FILES[format]);
    return {format, path, display: display(path)};
  });
}

/** What a DRAFT_ONLY publication means for this mode: an error in strict, a warning otherwise. */
export function publicationDiagnostics(model: BriefModelV2, strict: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bad = distinctAlerts(model).filter((e) => !e.evidence.verified);
  if (bad.length) {
    out.push({
      code: 'INCIDENT_ARTIFACT_MISMATCH',
      severity: strict ? 'error' : 'warning',
      message: `incident evidence failed verification for ${bad.length} alert(s): ${bad.map((e) => e.alert_id).join(', ')}`,
      hint: 'the stored evidence no longer matches its hash; run `hardstop incidents replay <id> --strict` to investigate',
      details: {alert_ids: bad.map((e) => e.alert_id)},
    });
  }
  if (model.publication.readiness_state === 'BROKEN') {
    out.push({
      code: strict ? 'BRIEF_NOT_PUBLISHED' : 'BRIEF_DRAFT_ONLY',
      severity: strict ? 'error' : 'warning',
      message: strict
        ? `brief not published: readiness is BROKEN (${model.publication.reasons.join('; ')})`
        : `brief published as DRAFT_ONLY: ${model.publication.reasons.join('; ') || 'readiness check failed'}`,
      hint: strict ? 'fix the blockers (`hardstop sources health`), or pass --best-effort to publish a DRAFT_ONLY brief' : undefined,
    });
  }
  return out;
}

export function runBriefV2Operator(store: Store | undefined, group: RunGroup, opts: BriefRunOptions): Promise<BriefRunResult> {
  return group.run(BRIEF_V2_OPERATOR, (trace: OperatorTrace) => {
    const {model, shown} = buildBriefV2(store, {...opts, runGroupId: group.id, mode: group.mode, configHash: group.configHash});
    for (const r of readRefs(shown)) trace.input(r);
    const diagnostics = publicationDiagnostics(model, group.mode === 'strict');
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new HardstopError(errors[0].code, errors[0].message, {hint: errors[0].hint, diagnostics});
    trace.output({id: `brief-model:${model.header.brief_id}`, kind: 'BriefModel', hash: artifactHash(model), schema: 'brief.v2'});
    const texts = opts.outputs.map((o) => renderBriefV2(model, o.format, {color: opts.color}));
    opts.outputs.forEach((o, i) => {
      if (o.path) writeFileAtomic(o.path, texts[i]);
      const ref = textRef(o.path ? `brief:${o.display ?? o.path}` : `brief:stdout:${o.format}`, 'Brief', texts[i], `brief.v2::${o.format}`);
      trace.output(ref);
      trace.bytesOut += ref.bytes ?? 0;
    });
    trace.report(...diagnostics);
    return {model, texts, diagnostics};
  });
}
