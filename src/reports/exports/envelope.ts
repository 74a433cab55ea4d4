/**
 * Single-file exports (outputs.md §4 with the TS changes of §8.3): the envelope, the sidecar
 * manifest `<full file name>.manifest.json`, and writing both atomically, data first.
 * `data` never holds a wall-clock value; JSON is JCS-ordered UTF-8 with a final newline.
 */
import {writeFileAtomic} from '../../kernel/atomic-file.js';
import {artifactHash, prettyCanonicalJson, sha256Hex} from '../../kernel/canonical-json.js';

export const EXPORT_SCHEMA_VERSION = '1';
export const EXPORT_MANIFEST_VERSION = '1';
export const EXPORT_OPERATOR = 'hardstop.export@2.0.0';

export type ExportFormat = 'json' | 'csv';

export interface ExportEnvelope<T> {
  data: T;
  export_schema_version: string;
  exported_at_utc: string;
}

/** What an export produced before it is written: its bytes and the hash of its data. */
export interface ExportContent {
  text: string;
  format: ExportFormat;
  /** `export_data_hash`: covers the data, never the export time. */
  dataHash: string;
  /** Incident-evidence hashes the export carries (sorted, distinct). */
  artifactHashes: string[];
}

export function jsonExport<T>(data: T, exportedAt: string, artifactHashes: string[]): ExportContent {
  const envelope: ExportEnvelope<T> = {data, export_schema_version: EXPORT_SCHEMA_VERSION, exported_at_utc: exportedAt};
  return {
    text: prettyCanonicalJson(envelope),
    format: 'json',
    dataHash: artifactHash({data, export_schema_version: EXPORT_SCHEMA_VERSION}),
    artifactHashes,
  };
}

/** CSV exports hash a description of the rows and their bytes (§4.5): the content without a timestamp. */
export function csvExport(text: string, columns: readonly string[], rowCount: number, artifactHashes: string[]): ExportContent {
  return {
    text,
    format: 'csv',
    dataHash: artifactHash({columns, content_sha256: sha256Hex(text), export_schema_version: EXPORT_SCHEMA_VERSION, format: 'csv', row_count: rowCount}),
    artifactHashes,
  };
}

export interface ExportManifest {
  manifest_version: string;
  export_schema_version: string;
  exported_at_utc: string;
  config_hash: string;
  export_data_hash: string;
  export_content_hash: string;
  artifact_hashes: string[];
  config_snapshot: unknown;
}

export function exportManifest(c: ExportContent, meta: {exportedAt: string; configHash: string; configSnapshot: unknown}): ExportManifest {
  return {
    manifest_version: EXPORT_MANIFEST_VERSION,
    export_schema_version: EXPORT_SCHEMA_VERSION,
    exported_at_utc: meta.exportedAt,
    config_hash: meta.configHash,
    export_data_hash: c.dataHash,
    export_content_hash: sha256Hex(c.text),
    artifact_hashes: c.artifactHashes,
    config_snapshot: meta.configSnapshot,
  };
}

/** `exports/alerts.csv` → `exports/alerts.csv.manifest.json`. */
export function manifestPathOf(outPath: string): string {
  return `${outPath}.manifest.json`;
}

/** Writes the export, then its manifest, each atomically (folders are created). Returns the manifest text. */
export function writeExportFiles(outPath: string, c: ExportContent, manifest: ExportManifest): string {
  writeFileAtomic(outPath, c.text);
  const text = prettyCanonicalJson(manifest);
  writeFileAtomic(manifestPathOf(outPath), text);
  return text;
}
