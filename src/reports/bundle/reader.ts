/**
 * The typed reader of a verified export bundle: what the sinks consume (sinks.md §1). It runs
 * `verifyBundle` first and refuses a failing bundle; then it checks the shape of every alert
 * version of `alerts.v2.json` and its `version_hash`, so callers get typed values or an error.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {artifactHash} from '../../kernel/canonical-json.js';
import type {Diagnostic, DiagnosticCode} from '../../kernel/diagnostic.js';
import type {BriefModelV2} from '../brief-v2/model.js';
import {BRIEF_FILES} from '../brief-v2/render.js';
import {ReportError} from '../errors.js';
import {ALERTS_FILE, type BundleAlert, type BundleManifest, MANIFEST_FILE} from './layout.js';
import {verifyBundle} from './verify.js';

export interface VerifiedBundle {
  dir: string;
  manifest: BundleManifest;
  /** Every alert version of the bundle's window, canonical order. */
  alerts: BundleAlert[];
  brief: BriefModelV2;
}

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string';
const int: Check = (v) => Number.isInteger(v);
const bool: Check = (v) => typeof v === 'boolean';
const strs: Check = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const orNull = (c: Check): Check => (v) => v === null || c(v);
const obj = (fields: Record<string, Check>): Check => (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.entries(fields).every(([k, c]) => c((v as Record<string, unknown>)[k]));

const ALERT_FIELDS: Record<keyof BundleAlert, Check> = {
  alert_id: str,
  correlation_key: str,
  action: (v) => v === 'CREATED' || v === 'UPDATED',
  version: int,
  classification: int,
  classification_label: str,
  impact_score: orNull(int),
  rationale: strs,
  summary: str,
  tier: orNull(str),
  trust_tier: orNull(int),
  source_id: orNull(str),
  facilities: strs,
  lanes: strs,
  shipments: strs,
  shipments_total_linked: int,
  shipments_truncated: bool,
  first_seen_utc: str,
  last_seen_utc: str,
  update_count: int,
  suppression: orNull(obj({rule_id: str, reason_code: orNull(str)})),
  evidence: obj({hash: str, path: orNull(str), verified: bool, merge_summary: strs}),
  version_hash: str,
};

function alertProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return ['alerts.v2.json is not a JSON array'];
  const out: string[] = [];
  value.forEach((a, i) => {
    if (typeof a !== 'object' || a === null || Array.isArray(a)) {
      out.push(`alert ${i} is not an object`);
      return;
    }
    const rec = a as Record<string, unknown>;
    const bad = Object.entries(ALERT_FIELDS)
      .filter(([k, c]) => !c(rec[k]))
      .map(([k]) => k);
    if (bad.length) out.push(`alert ${i} (${String(rec.alert_id)}): bad or missing ${bad.join(', ')}`);
    const {version_hash: stated, ...entry} = rec;
    if (!bad.length && artifactHash(entry) !== stated) out.push(`alert ${i} (${String(rec.alert_id)}): version_hash does not match the entry`);
  });
  return out;
}

function refuse(code: DiagnosticCode, message: string, diagnostics: Diagnostic[]): never {
  throw new ReportError(code, message, {hint: 'run `hardstop export verify <dir>` for the full list, then export the bundle again', diagnostics});
}

/** Verifies `dir` and returns its typed content; throws ReportError (exit 2) for any problem. */
export function readVerifiedBundle(dir: string): VerifiedBundle {
  const check = verifyBundle(dir);
  if (!check.ok) {
    const diagnostics: Diagnostic[] = check.problems.map((p) => ({code: p.code, severity: 'error', message: `${p.path}: ${p.message}`}));
    refuse('BUNDLE_INVALID', `bundle ${dir} failed verification (${check.problems.length} problem(s))`, diagnostics);
  }
  const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;
  const alerts = read(ALERTS_FILE);
  const problems = alertProblems(alerts);
  if (problems.length) {
    refuse(
      'BUNDLE_ALERTS_INVALID',
      `bundle ${dir}: ${problems.length} alert entr(ies) are not brief v2 alert versions`,
      problems.map((m) => ({code: 'BUNDLE_ALERTS_INVALID', severity: 'error', message: m})),
    );
  }
  return {dir, manifest: read(MANIFEST_FILE) as BundleManifest, alerts: alerts as BundleAlert[], brief: read(BRIEF_FILES.json) as BriefModelV2};
}
