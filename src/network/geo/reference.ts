import {readFileSync} from 'node:fs';
import {sep} from 'node:path';
import {packageFile} from '../../kernel/package-root.js';
import {sha256Hex} from '../../kernel/canonical-json.js';

/**
 * Bundled reference tables (data/reference/, built by scripts/build-reference.js from the
 * public tables listed in data/reference/SOURCES.md). Each table is read lazily, at most once
 * per process, and its SHA-256 (over the file bytes) is recorded for the config fingerprint.
 */
export type ReferenceTableName = 'states' | 'counties' | 'zones' | 'us-cities' | 'us-cities-top1k';

export const REFERENCE_TABLES: readonly ReferenceTableName[] = ['counties', 'states', 'us-cities', 'us-cities-top1k', 'zones'];

interface RawTable {
  columns: string[];
  rows: unknown[][];
}

interface LoadedTable {
  rows: unknown[][];
  sha256: string;
}

/** The directory holding the bundled tables, with a trailing separator. */
export function referenceDataDir(): string {
  return `${packageFile('data', 'reference')}${sep}`;
}

const cache = new Map<ReferenceTableName, LoadedTable>();

/** Reads one bundled table (rows as arrays in the column order the build script documents). */
export function loadReferenceTable(name: ReferenceTableName): LoadedTable {
  const hit = cache.get(name);
  if (hit) return hit;
  const bytes = readFileSync(`${referenceDataDir()}${name}.json`);
  const parsed = JSON.parse(bytes.toString('utf8')) as RawTable;
  if (!parsed || !Array.isArray(parsed.rows)) throw new Error(`reference table ${name}: malformed file`);
  const table = {rows: parsed.rows, sha256: sha256Hex(bytes)};
  cache.set(name, table);
  return table;
}

/** SHA-256 of every bundled reference table, keyed by table name (sorted). For the config fingerprint. */
export function referenceTableHashes(): Record<ReferenceTableName, string> {
  const out = {} as Record<ReferenceTableName, string>;
  // Hash the bytes without parsing: every command fingerprints its config, few need the tables.
  for (const name of REFERENCE_TABLES) out[name] = cache.get(name)?.sha256 ?? sha256Hex(readFileSync(`${referenceDataDir()}${name}.json`));
  return out;
}
