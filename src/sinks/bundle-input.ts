import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Diagnostic, DiagnosticCode} from '../kernel/diagnostic.js';
import {HardstopError} from '../kernel/errors.js';
import type {BundleAlert, BundleView} from './bundle-alert.js';

/** The outcome of `export verify` (outputs.md §8.4), as the sinks consume it. */
export interface BundleCheck {
  ok: boolean;
  problems: {code: DiagnosticCode; path: string; message: string}[];
}
export type BundleVerifier = (dir: string) => BundleCheck;

/** A refused bundle (tampered, unreadable, or not shaped as outputs.md §8.3 says). */
export class BundleRefusedError extends HardstopError {}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

function entryProblem(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return 'is not an object';
  const a = e as Record<string, unknown>;
  if (!isStr(a.alert_id) || a.alert_id === '') return 'has no alert_id';
  if (!Number.isInteger(a.version) || (a.version as number) < 1) return 'has no integer version ≥ 1';
  if (!isStr(a.version_hash)) return 'has no version_hash';
  if (typeof a.classification !== 'number') return 'has no numeric classification';
  if (!isStr(a.summary)) return 'has no summary';
  for (const k of ['facilities', 'lanes', 'shipments', 'rationale']) if (!isStrList(a[k])) return `has no ${k} list`;
  return null;
}

function readJson(dir: string, file: string): unknown {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
}

/**
 * Verifies a bundle with the full `export verify` and reads what the sinks need. Any problem
 * refuses the whole bundle (exit 2) before a single request is made.
 */
export function openBundle(dir: string, displayDir: string, verify: BundleVerifier): BundleView {
  const check = verify(dir);
  if (!check.ok) {
    const diagnostics: Diagnostic[] = check.problems.map((p) => ({
      code: p.code,
      severity: 'error',
      message: `${displayDir}/${p.path}: ${p.message}`,
      hint: 'the bundle was changed after `hardstop export bundle` wrote it, or is incomplete; nothing was sent — export a fresh bundle',
    }));
    throw new BundleRefusedError('SINK_BUNDLE_REFUSED', `bundle ${displayDir} failed verification (${check.problems.length} problem(s)); nothing was sent`, {diagnostics: [
      {code: 'SINK_BUNDLE_REFUSED', severity: 'error', message: `bundle ${displayDir} failed verification; nothing was sent`, hint: 'run `hardstop export verify` on it for details'},
      ...diagnostics,
    ]});
  }
  const manifest = readJson(dir, 'manifest.json') as {manifest_hash?: unknown; generated_at?: unknown};
  const alerts = readJson(dir, 'alerts.v2.json');
  const brief = readJson(dir, 'brief.v2.json') as {summary?: {sources?: {blocked?: unknown}}};
  if (!Array.isArray(alerts)) throw new BundleRefusedError('SINK_BUNDLE_INVALID', `${displayDir}/alerts.v2.json is not a JSON array`, {hint: 'export the bundle again with this Hardstop version'});
  alerts.forEach((e, i) => {
    const p = entryProblem(e);
    if (p) throw new BundleRefusedError('SINK_BUNDLE_INVALID', `${displayDir}/alerts.v2.json entry ${i} ${p}`, {hint: 'export the bundle again with this Hardstop version'});
  });
  const blocked = brief.summary?.sources?.blocked;
  return {
    dir: displayDir,
    manifestHash: String(manifest.manifest_hash),
    generatedAt: String(manifest.generated_at),
    alerts: alerts as BundleAlert[],
    blockedSources: isStrList(blocked) ? blocked : [],
  };
}
