import {relative, resolve} from 'node:path';
import {loadRulePack} from '../loader.js';
import {countBy, resolveRuleFiles, type RulesOutcome, type RulesCommandOptions} from './common.js';

/** `hardstop rules check`: exit 0 clean, 1 warnings, 2 errors. */
export function rulesCheck(opts: RulesCommandOptions & {suppressionCompat?: string; keywordsCompat?: string} = {}): RulesOutcome {
  const {cwd, files} = resolveRuleFiles(opts);
  // The compat files are flags: relative to the working directory, shown against the rules' base.
  const flagFile = (p: string | undefined) => (p === undefined ? undefined : relative(cwd, resolve(p)) || p);
  const r = loadRulePack(files, {cwd, suppressionCompat: flagFile(opts.suppressionCompat), keywordsCompat: flagFile(opts.keywordsCompat)});
  const {errors, warnings} = countBy(r.diagnostics);
  const exitCode = errors > 0 ? 2 : warnings > 0 ? 1 : 0;
  const summary = r.pack
    ? `${files.length} file(s), ${r.pack.typeRules.length} type, ${r.pack.suppressRules.length} suppress, ${r.pack.scoreRules.length} score, ${r.pack.classifyRules.length} classify, ${r.pack.qualityRules.length} quality, ${r.pack.correlateRules.length} correlate rules, ${r.pack.tests.length} tests; pack ${r.pack.hash.slice(0, 12)}`
    : `${files.length} file(s)`;
  const status = `${errors} error(s), ${warnings} warning(s)`;
  return {
    exitCode,
    text: `${summary}: ${status}`,
    json: {ok: errors === 0, errors, warnings, files, pack_hash: r.pack?.hash ?? null},
    diagnostics: r.diagnostics,
    sources: r.sources,
  };
}
