import {createHash} from 'node:crypto';
import {artifactHash, sha256Hex} from './canonical-json.js';
import type {DiagnosticCode} from './diagnostic-codes.js';
import type {Mode} from './exit-status.js';

/** A reference to an artifact an operator read or wrote. */
export interface ArtifactRef {
  id: string;
  hash: string;
  kind: string;
  schema?: string;
  bytes?: number;
}

export interface RecordDiagnostic {
  code: DiagnosticCode;
  message: string;
  details?: Record<string, unknown>;
}

export interface RunCost {
  duration_ms?: number;
  cpu_ms?: number;
  memory_bytes?: number;
  bytes_in?: number;
  bytes_out?: number;
}

export interface BestEffortInfo {
  seed?: number;
  notes?: string;
  inputs_version?: string;
}

/** The provenance unit (docs/specs/run-record.schema.json). */
export interface RunRecord {
  run_id: string;
  operator_id: string;
  mode: Mode;
  started_at: string;
  ended_at: string;
  config_hash: string;
  input_refs: ArtifactRef[];
  output_refs: ArtifactRef[];
  warnings: RecordDiagnostic[];
  errors: RecordDiagnostic[];
  cost: RunCost;
  best_effort?: BestEffortInfo;
  run_group_id: string;
  seq: number;
  hardstop_version: string;
  prev_record_hash?: string;
}

/** Ref to a text blob (hash of its UTF-8 bytes). */
export function textRef(id: string, kind: string, text: string, schema?: string): ArtifactRef {
  const ref: ArtifactRef = {id, kind, hash: sha256Hex(text), bytes: Buffer.byteLength(text, 'utf8')};
  if (schema) ref.schema = schema;
  return ref;
}

/** Ref to a JSON value (hash of its canonical JSON). */
export function valueRef(id: string, kind: string, value: unknown, schema?: string): ArtifactRef {
  const ref: ArtifactRef = {id, kind, hash: artifactHash(value)};
  if (schema) ref.schema = schema;
  return ref;
}

/**
 * A batch ref for per-item artifacts: hash of the canonical array of `{id, hash}` sorted by
 * id. Per-item refs live in the database; the file names only the batch.
 */
export function batchRef(kind: string, runGroupId: string, items: readonly {id: string; hash: string}[], schema?: string): ArtifactRef {
  const ref: ArtifactRef = {id: `${kind}-batch:${runGroupId}`, kind, hash: batchHash(items)};
  if (schema) ref.schema = schema;
  return ref;
}

/** The reference form of the batch hash: one canonical array, hashed at once. */
export function referenceBatchHash(items: readonly {id: string; hash: string}[]): string {
  const sorted = [...items].map(({id, hash}) => ({id, hash})).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return artifactHash(sorted);
}

/**
 * The same bytes as referenceBatchHash, streamed: the sorted `{"hash":…,"id":…}` members go
 * into SHA-256 in chunks, so no single huge canonical string is built (100k refs took ~1.8 s).
 * Members whose id or hash is not a string take the reference path (canonical JSON drops or
 * rejects such values).
 */
export function batchHash(items: readonly {id: string; hash: string}[]): string {
  for (const it of items) if (typeof it.id !== 'string' || typeof it.hash !== 'string') return referenceBatchHash(items);
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const h = createHash('sha256');
  let buf = '[';
  for (let i = 0; i < sorted.length; i++) {
    const it = sorted[i];
    buf += `${i === 0 ? '' : ','}{"hash":${JSON.stringify(it.hash)},"id":${JSON.stringify(it.id)}}`;
    if (buf.length > 65536) {
      h.update(buf, 'utf8');
      buf = '';
    }
  }
  h.update(`${buf}]`, 'utf8');
  return h.digest('hex');
}

export function runGroupRef(runGroupId: string): ArtifactRef {
  return {id: `run-group:${runGroupId}`, kind: 'RunGroup', hash: sha256Hex(runGroupId)};
}

/** The hash that chains records of a group: canonical JSON of the whole record. */
export function recordHash(record: RunRecord): string {
  return artifactHash(record);
}

/** File name inside run_records/<run_group_id>/. */
export function recordFileName(record: RunRecord): string {
  const name = record.operator_id.split('@')[0];
  return `${String(record.seq).padStart(3, '0')}-${name}.json`;
}
