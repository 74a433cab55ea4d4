import {relative, resolve} from 'node:path';
import type {Diagnostic} from '../../kernel/diagnostic.js';
import {loadRulePack} from '../loader.js';
import type {CompiledRulePack} from '../pack.js';
import {countBy, resolveRuleFiles, type RulesOutcome, type RulesCommandOptions} from './common.js';

/** `hardstop rules check` of rule files or folders: exit 0 clean, 1 warnings, 2 errors. */
export function rulesCheck(opts: RulesCommandOptions & {suppressionCompat?: string; keywordsCompat?: string} = {}): RulesOutcome {
  const {cwd, files} = resolveRuleFiles(opts);
  // The compat files are flags: relative to the working directory, shown against the rules' base.
  const flagFile = (p: string | undefined) => (p === undefined ? undefined : relative(cwd, resolve(p)) || p);
  const r = loadRulePack(files, {cwd, suppressionCompat: flagFile(opts.suppressionCompat), keywordsCompat: flagFile(opts.keywordsCompat)});
  return rulesCheckOutcome({files, pack: r.pack, diagnostics: r.diagnostics, sources: r.sources});
}

/** What was checked: the rule files, the pack they compiled to, and every diagnostic met. */
export interface CheckedRules {
  files: string[];
  pack: CompiledRulePack | null;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
  /** Per-source `suppress:` rules of config/sources.yaml compiled with the pack (home checks only). */
  sourceRules?: number;
  /** JSON members a home check adds (its compatibility inputs). */
  extra?: Record<string, unknown>;
}

/** The outcome of a check: one summary line, exit 2 on any error, 1 on any warning. */
export function rulesCheckOutcome(c: CheckedRules): RulesOutcome {
  const {errors, warnings} = countBy(c.diagnostics);
  const exitCode = errors > 0 ? 2 : warnings > 0 ? 1 : 0;
  const p = c.pack;
  const perSource = c.sourceRules === undefined ? '' : `, ${c.sourceRules} per-source suppress`;
  const summary = p
    ? `${c.files.length} file(s), ${p.typeRules.length} type, ${p.suppressRules.length} suppress${perSource}, ${p.scoreRules.length} score, ${p.classifyRules.length} classify, ${p.qualityRules.length} quality, ${p.correlateRules.length} correlate rules, ${p.tests.length} tests; pack ${p.hash.slice(0, 12)}`
    : `${c.files.length} file(s)`;
  return {
    exitCode,
    text: `${summary}: ${errors} error(s), ${warnings} warning(s)`,
    json: {ok: errors === 0, errors, warnings, files: c.files, pack_hash: p?.hash ?? null, ...c.extra},
    diagnostics: c.diagnostics,
    sources: c.sources,
  };
}
