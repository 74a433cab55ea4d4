/**
 * `hardstop export bundle` (outputs.md §8.3): every file of the bundle built in memory from one
 * brief v2 read, written into a temporary sibling folder and renamed into place when complete.
 * Evidence comes from the stored payloads of the alert versions (the database is their source
 * of truth), so a bundle is complete whatever output/incidents/ holds.
 */
import {existsSync, readdirSync, statSync} from 'node:fs';
import {writeFolderAtomic} from '../../kernel/atomic-file.js';
import {artifactHash, canonicalJson, prettyCanonicalJson, sha256Hex} from '../../kernel/canonical-json.js';
import type {Diagnostic} from '../../kernel/diagnostic.js';
import {HardstopError, UsageError} from '../../kernel/errors.js';
import type {RunGroup} from '../../kernel/run-group.js';
import type {Store} from '../../store/db.js';
import {alertEvidenceObject, rootEventIds, versionDocument} from '../brief-v2/alert-entry.js';
import {type BriefV2Options, type BriefV2Read, buildBriefV2, readRefs} from '../brief-v2/build.js';
import {publicationDiagnostics} from '../brief-v2/operator.js';
import {BRIEF_FILES, renderBriefV2} from '../brief-v2/render.js';
import {csvText} from '../csv.js';
import {
  ALERTS_CSV,
  ALERTS_CSV_COLUMNS,
  ALERTS_FILE,
  BUNDLE_OPERATOR,
  BUNDLE_VERSION,
  type BundleManifest,
  byPath,
  CONFIG_FILE,
  INCIDENTS_CSV,
  INCIDENTS_CSV_COLUMNS,
  MANIFEST_FILE,
  manifestHash,
  RUN_RECORDS_FILE,
  withVersionHash,
} from './layout.js';

/** Every bundle file except the manifest: path → bytes (UTF-8 text). */
export type BundleFiles = Map<string, string>;

/** The files of a bundle from one read, plus the evidence hashes they carry. */
export function bundleFiles(read: BriefV2Read, config: unknown): {files: BundleFiles; artifactHashes: string[]} {
  const files: BundleFiles = new Map();
  files.set(BRIEF_FILES.json, renderBriefV2(read.model, 'json'));
  files.set(BRIEF_FILES.md, renderBriefV2(read.model, 'md'));
  files.set(BRIEF_FILES.html, renderBriefV2(read.model, 'html'));

  const alerts = read.windowAlerts.map((r) => withVersionHash(r.entry));
  files.set(ALERTS_FILE, prettyCanonicalJson(alerts));
  files.set(
    ALERTS_CSV,
    csvText(
      ALERTS_CSV_COLUMNS,
      alerts.map((a) => [
        a.alert_id,
        a.correlation_key,
        a.classification,
        a.impact_score,
        a.trust_tier,
        a.facilities.join(';'),
        a.lanes.join(';'),
        a.shipments.join(';'),
        a.suppression !== null,
        a.evidence.hash,
      ]),
    ),
  );
  files.set(
    INCIDENTS_CSV,
    csvText(
      INCIDENTS_CSV_COLUMNS,
      read.windowAlerts.map((r) => [
        r.entry.alert_id,
        r.entry.correlation_key,
        r.entry.alert_id,
        rootEventIds(versionDocument(r.version)).join(';'),
        r.entry.first_seen_utc,
        r.entry.last_seen_utc,
        r.entry.update_count,
        r.entry.evidence.hash,
      ]),
    ),
  );

  const hashes = new Set<string>();
  for (const r of read.windowAlerts) {
    // Byte for byte as stored, named by the stored hash: `export verify` re-hashes it.
    files.set(`evidence/incident-evidence.${r.version.evidence_hash}.json`, r.version.evidence_json);
    hashes.add(r.version.evidence_hash);
    const alertEvidence = canonicalJson(alertEvidenceObject(versionDocument(r.version)));
    const h = sha256Hex(alertEvidence);
    files.set(`evidence/alert-evidence.${h}.json`, alertEvidence);
    hashes.add(h);
  }
  files.set(RUN_RECORDS_FILE, prettyCanonicalJson(read.runRecords.map((r) => JSON.parse(r.record_json) as unknown)));
  files.set(CONFIG_FILE, prettyCanonicalJson(config));
  return {files, artifactHashes: [...hashes].sort(byPath)};
}

export function bundleManifest(
  read: BriefV2Read,
  files: BundleFiles,
  artifactHashes: string[],
  ids: {bundleRunId: string; hardstopVersion: string},
): BundleManifest {
  const checksums: Record<string, string> = {};
  for (const path of [...files.keys()].sort(byPath)) checksums[path] = sha256Hex(files.get(path)!);
  const h = read.model.header;
  const body = {
    artifact_hashes: artifactHashes,
    bundle_run_id: ids.bundleRunId,
    bundle_version: BUNDLE_VERSION,
    checksums,
    config_hash: h.config_hash,
    generated_at: h.generated_at,
    hardstop_version: ids.hardstopVersion,
    operator_version: BUNDLE_OPERATOR,
    run_group_id: h.run_group_id,
    run_ids: read.runRecords.map((r) => r.run_id).sort(byPath),
  };
  return {...body, manifest_hash: manifestHash(body)};
}

/** manifest.json: 2-space indent, keys in JCS order, final newline. */
export function manifestText(m: BundleManifest): string {
  return prettyCanonicalJson(m);
}

/** `DIR` may be used when it does not exist, is an empty folder, or `force` is given. */
function checkTarget(dir: string, display: string, force: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) {
    throw new UsageError('BUNDLE_OUT_NOT_A_FOLDER', `--out ${display} exists and is not a folder`, {hint: 'pass a folder path for the bundle'});
  }
  if (readdirSync(dir).length > 0 && !force) {
    throw new UsageError('BUNDLE_OUT_NOT_EMPTY', `--out ${display} is not empty`, {hint: 'pass an empty or new folder, or --force to replace it'});
  }
}

/** Writes the files and the manifest into a temporary sibling folder, then renames it to `dir`. */
export function writeBundleFolder(dir: string, files: BundleFiles, manifest: BundleManifest): void {
  writeFolderAtomic(dir, [...files, [MANIFEST_FILE, manifestText(manifest)]]);
}

export interface BundleRunOptions extends Omit<BriefV2Options, 'runGroupId' | 'mode' | 'configHash' | 'readWindow'> {
  dir: string;
  display: string;
  force: boolean;
  /** The secret-free config snapshot whose JCS hash is the group's config hash. */
  config: unknown;
}

export interface BundleRunResult {
  manifest: BundleManifest;
  files: number;
  alerts: number;
  diagnostics: Diagnostic[];
}

/** The `hardstop.export.bundle@1.0.0` operator: one RunRecord listing every file written. */
export function runBundleOperator(store: Store | undefined, group: RunGroup, opts: BundleRunOptions): Promise<BundleRunResult> {
  checkTarget(opts.dir, opts.display, opts.force);
  if (artifactHash(opts.config) !== group.configHash) throw new Error('export bundle: the config snapshot does not match the run group config hash');
  const bundleRunId = group.nextRunId(BUNDLE_OPERATOR);
  return group.run(BUNDLE_OPERATOR, (trace) => {
    const read = buildBriefV2(store, {...opts, runGroupId: group.id, mode: group.mode, configHash: group.configHash, readWindow: true});
    for (const r of readRefs(read.windowAlerts)) trace.input(r);
    const diagnostics = publicationDiagnostics(read.model, group.mode === 'strict');
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new HardstopError(errors[0].code, errors[0].message, {hint: errors[0].hint, diagnostics});
    const {files, artifactHashes} = bundleFiles(read, opts.config);
    const manifest = bundleManifest(read, files, artifactHashes, {bundleRunId, hardstopVersion: read.model.header.hardstop_version});
    writeBundleFolder(opts.dir, files, manifest);
    const all = new Map(files).set(MANIFEST_FILE, manifestText(manifest));
    for (const path of [...all.keys()].sort(byPath)) {
      const text = all.get(path)!;
      const bytes = Buffer.byteLength(text, 'utf8');
      trace.output({id: `bundle:${path}`, kind: 'BundleFile', hash: sha256Hex(text), bytes});
      trace.bytesOut += bytes;
    }
    trace.report(...diagnostics);
    return {manifest, files: all.size, alerts: read.windowAlerts.length, diagnostics};
  });
}
