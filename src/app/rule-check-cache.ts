import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Home} from '../config/home.js';
import {writeFileAtomic} from '../kernel/atomic-file.js';
import {canonicalJson, sha256Hex} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {RulePackIdentity} from '../rules/pack.js';
import type {RuleTexts} from '../rules/rule-texts.js';

/**
 * The outcome of a rule check that passed: the pack's identity and the warnings it gave. A run
 * whose rule files, compatibility inputs, config/sources.yaml (its `suppress:` blocks compile
 * against the pack) and Hardstop build are those of the last passing check reuses it instead
 * of parsing and compiling the pack again; it compiles only when an item is to be decided.
 */
export interface RuleCheck {
  identity: RulePackIdentity;
  /** Warnings and infos of the pack and of the per-source rules (a check with errors is never kept). */
  diagnostics: Diagnostic[];
}

const FILE = 'rule-check.json';

/** What the check reads, by content, and the build that checks: null when no build id is known. */
export function ruleCheckKey(build: string | null, read: RuleTexts, sourcesText: string | null): string | null {
  if (build === null) return null;
  const digest = (t: {file: string; text: string} | undefined) => (t ? {file: t.file, sha256: sha256Hex(t.text)} : null);
  return sha256Hex(
    canonicalJson({
      build,
      rules: read.texts.map(digest),
      suppression_compat: digest(read.build.suppressionCompat),
      keywords_compat: digest(read.build.keywordsCompat),
      sources_sha256: sourcesText === null ? null : sha256Hex(sourcesText),
    }),
  );
}

function isFileRef(x: unknown): x is {path: string; sha256: string} {
  const f = x as {path?: unknown; sha256?: unknown} | null;
  return typeof f?.path === 'string' && typeof f.sha256 === 'string';
}

/** The check kept for exactly this key; anything else in the file (another key, damage) is a miss. */
export function readRuleCheck(home: Home, key: string): RuleCheck | null {
  let parsed: {key?: unknown; pack_hash?: unknown; files?: unknown; diagnostics?: unknown};
  try {
    parsed = JSON.parse(readFileSync(join(home.cacheDir, FILE), 'utf8'));
  } catch {
    return null;
  }
  if (parsed?.key !== key || typeof parsed.pack_hash !== 'string' || !/^[0-9a-f]{64}$/.test(parsed.pack_hash)) return null;
  if (!Array.isArray(parsed.files) || !parsed.files.every(isFileRef) || !Array.isArray(parsed.diagnostics)) return null;
  const files = parsed.files.map((f) => ({path: f.path, sha256: f.sha256}));
  return {identity: {hash: parsed.pack_hash, files}, diagnostics: parsed.diagnostics as Diagnostic[]};
}

/** Keeps a passing check. A cache that cannot be written only makes the next run slower. */
export function writeRuleCheck(home: Home, key: string, check: RuleCheck): void {
  const doc = {key, pack_hash: check.identity.hash, files: check.identity.files, diagnostics: check.diagnostics};
  try {
    writeFileAtomic(join(home.cacheDir, FILE), `${JSON.stringify(doc, null, 2)}\n`);
  } catch {
    // Nothing depends on the cache: the next run checks the rules again.
  }
}
