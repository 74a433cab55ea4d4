import {resolve} from 'node:path';
import {writeFileAtomic} from '../../kernel/atomic-file.js';
import {formatRuleFile} from '../fmt.js';
import {loadRulePack} from '../loader.js';
import {resolveRuleFiles, type RulesOutcome, type RulesCommandOptions} from './common.js';

/**
 * `hardstop rules fmt [--check]`: rewrites rule files in canonical form; with --check only
 * lists the files that would change (exit 1). Files that are not valid YAML are left alone.
 */
export function rulesFmt(opts: RulesCommandOptions & {check?: boolean} = {}): RulesOutcome {
  const {cwd, files: given} = resolveRuleFiles(opts);
  const files = loadRulePack(given, {cwd}).sources;
  const changed: string[] = [];
  const failed: {file: string; message: string}[] = [];
  for (const [file, text] of files) {
    try {
      const out = formatRuleFile(text, file);
      if (out === text) continue;
      changed.push(file);
      if (!opts.check) writeFileAtomic(resolve(cwd, file), out);
    } catch (e) {
      failed.push({file, message: (e as Error).message});
    }
  }
  const lines = failed.map((f) => `error: ${f.message}`);
  if (opts.check) lines.push(...changed.map((f) => `would reformat ${f}`), changed.length ? `${changed.length} file(s) need formatting` : 'all rule files are formatted');
  else lines.push(...changed.map((f) => `formatted ${f}`), `${changed.length} file(s) changed`);
  const exitCode = failed.length > 0 ? 2 : opts.check && changed.length > 0 ? 1 : 0;
  return {exitCode, text: lines.join('\n'), json: {ok: exitCode === 0, changed, failed, check: opts.check === true}, diagnostics: [], sources: new Map()};
}
