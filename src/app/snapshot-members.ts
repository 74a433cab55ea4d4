import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {sha256Hex} from '../kernel/canonical-json.js';
import type {Mode} from '../kernel/exit-status.js';
import type {Home} from '../config/home.js';
import type {RuntimeConfig} from '../config/runtime.js';

/** Snapshot member for config/sources.yaml: the file's hash until sources resolve. */
export function sourcesMember(home: Home, _mode: Mode): unknown {
  if (!existsSync(home.sourcesFile)) return null;
  return {file_sha256: sha256Hex(readFileSync(home.sourcesFile))};
}

function listYaml(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listYaml(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

/** Snapshot member for the rule pack: every rule file, home-relative, with its hash. */
export function rulesMember(home: Home, cfg: RuntimeConfig): unknown {
  const files = listYaml(join(home.rulesDir, cfg.domain.active_pack)).map((p) => ({path: home.rel(p), sha256: sha256Hex(readFileSync(p))}));
  return {pack: cfg.domain.active_pack, files};
}

/** Reference tables used by linking (filled once the tables ship). */
export function referenceMembers(): Record<string, string> {
  return {};
}
