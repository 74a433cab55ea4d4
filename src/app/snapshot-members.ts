import {existsSync, readFileSync} from 'node:fs';
import {sha256Hex} from '../kernel/canonical-json.js';
import type {Home} from '../config/home.js';
import type {RuntimeConfig} from '../config/runtime.js';
import {referenceTableHashes} from '../network/geo/reference.js';
import {ruleFilesIn} from '../config/rule-files.js';
import {type LoadedSourcesConfig, sourcesSnapshotMember} from '../sources/config.js';

/**
 * Snapshot member for config/sources.yaml: the normalized source list. An invalid file
 * contributes the hash of its bytes, so the fingerprint still changes with every edit;
 * commands that need sources report the file's errors themselves.
 */
export function sourcesMember(home: Home, loaded: LoadedSourcesConfig): unknown {
  if (!existsSync(home.sourcesFile)) return null;
  return loaded.ok ? sourcesSnapshotMember(loaded) : {invalid_file_sha256: sha256Hex(readFileSync(home.sourcesFile))};
}

/** Snapshot member for the rule pack: every rule file, home-relative, with its hash. */
export function rulesMember(home: Home, cfg: RuntimeConfig): unknown {
  const dir = `${home.rulesDir}/${cfg.domain.active_pack}`;
  const files = existsSync(dir) ? ruleFilesIn(dir).map((p) => ({path: home.rel(p), sha256: sha256Hex(readFileSync(p))})) : [];
  return {pack: cfg.domain.active_pack, files};
}

/** Hashes of the bundled reference tables that linking reads. */
export function referenceMembers(): Record<string, string> {
  return referenceTableHashes();
}
