/**
 * The export bundle layout (outputs.md §8.3): file names, the manifest and the alert entry the
 * sinks read. Shared by the writer, `export verify` and the reader.
 */
import {artifactHash} from '../../kernel/canonical-json.js';
import type {BriefAlertV2} from '../brief-v2/model.js';

export const BUNDLE_VERSION = '1';
export const BUNDLE_OPERATOR = 'hardstop.export.bundle@1.0.0';

export const MANIFEST_FILE = 'manifest.json';
export const ALERTS_FILE = 'alerts.v2.json';
export const ALERTS_CSV = 'alerts.csv';
export const INCIDENTS_CSV = 'incidents.csv';
export const RUN_RECORDS_FILE = 'provenance/run-records.json';
export const CONFIG_FILE = 'provenance/config.json';
export const EVIDENCE_DIR = 'evidence';
export const INCIDENT_EVIDENCE_FILE = /^evidence\/incident-evidence\.([0-9a-f]{64})\.json$/;
export const ALERT_EVIDENCE_FILE = /^evidence\/alert-evidence\.([0-9a-f]{64})\.json$/;

export const ALERTS_CSV_COLUMNS = [
  'alert_id',
  'correlation_key',
  'classification',
  'impact_score',
  'trust_tier',
  'facility_ids',
  'lane_ids',
  'shipment_ids',
  'suppressed',
  'evidence_ref',
] as const;

export const INCIDENTS_CSV_COLUMNS = ['incident_id', 'correlation_key', 'alert_ids', 'root_event_ids', 'start_time', 'end_time', 'update_count', 'evidence_ref'] as const;

/** One entry of `alerts.v2.json`: the §8.1 alert entry plus its `version_hash`. */
export interface BundleAlert extends BriefAlertV2 {
  /** JCS hash of the entry without `version_hash`: the sinks' idempotency key with the alert id. */
  version_hash: string;
}

export function withVersionHash(entry: BriefAlertV2): BundleAlert {
  return {...entry, version_hash: artifactHash(entry)};
}

export interface BundleManifest {
  bundle_version: string;
  generated_at: string;
  hardstop_version: string;
  operator_version: string;
  config_hash: string;
  run_group_id: string;
  run_ids: string[];
  bundle_run_id: string;
  artifact_hashes: string[];
  checksums: Record<string, string>;
  manifest_hash: string;
}

export const MANIFEST_KEYS: readonly (keyof BundleManifest)[] = [
  'artifact_hashes',
  'bundle_run_id',
  'bundle_version',
  'checksums',
  'config_hash',
  'generated_at',
  'hardstop_version',
  'manifest_hash',
  'operator_version',
  'run_group_id',
  'run_ids',
];

/** SHA-256 of the JCS form of the manifest without `manifest_hash`. */
export function manifestHash(m: Omit<BundleManifest, 'manifest_hash'> & {manifest_hash?: unknown}): string {
  const rest: Record<string, unknown> = {...m};
  delete rest.manifest_hash;
  return artifactHash(rest);
}

/** Code-point order of bundle paths and hashes. */
export function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
