import type {Migration} from './types.js';

/**
 * Rule snapshots: the exact text of every rule file a deciding run compiled, stored once per
 * SHA-256, and the manifest of each compiled pack (its files in load order with their roles),
 * stored once per pack hash. A run's RunRecord names the pack hash and every file's hash, so
 * replay and `rules show --run` rebuild the very pack that decided.
 */
export const m004RuleSnapshots: Migration = {
  version: 4,
  name: 'rule-snapshots',
  sql: `
CREATE TABLE rule_file_texts (
  sha256 TEXT PRIMARY KEY,
  text TEXT NOT NULL
);
CREATE TABLE rule_pack_snapshots (
  pack_hash TEXT PRIMARY KEY,
  manifest_json TEXT NOT NULL
);
`,
};
