import {artifactHash} from '../kernel/canonical-json.js';
import type {EnvOverride} from './runtime.js';

/** Version of the snapshot layout; bump when members change meaning. */
export const SNAPSHOT_SCHEMA_VERSION = 1;

export interface ConfigSnapshot {
  schema_version: number;
  runtime: Record<string, unknown>;
  sources: unknown;
  rules: unknown;
  compat: Record<string, string>;
  /** Sink files (paths and hashes); absent when the home has none. */
  sinks?: {files: {path: string; sha256: string}[]};
  inputs: {network_snapshot_hash: string | null; reference_tables: Record<string, string>};
  overrides: {name: string; value: unknown}[];
  flags: Record<string, unknown>;
}

export function buildSnapshot(parts: Omit<ConfigSnapshot, 'schema_version' | 'overrides' | 'sinks'> & {overrides: EnvOverride[]; sinks?: ConfigSnapshot['sinks'] | null}): {
  snapshot: ConfigSnapshot;
  hash: string;
} {
  const snapshot: ConfigSnapshot = {
    schema_version: SNAPSHOT_SCHEMA_VERSION,
    runtime: parts.runtime,
    sources: parts.sources,
    rules: parts.rules,
    compat: parts.compat,
    ...(parts.sinks ? {sinks: parts.sinks} : {}),
    inputs: parts.inputs,
    overrides: parts.overrides.map((o) => ({name: o.name, value: o.value})),
    flags: parts.flags,
  };
  return {snapshot, hash: artifactHash(snapshot)};
}
