import {existsSync} from 'node:fs';
import {join} from 'node:path';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {readRuleTexts, type RuleTexts} from '../rules/rule-texts.js';
import type {AppContext} from './context.js';

/** Home-relative paths of the compatibility inputs present in config/. */
export interface RuleCompatPaths {
  suppression?: string;
  keywords?: string;
}

/** The texts of the home's active pack and compatibility inputs, read but not parsed. */
export type HomeRuleTexts = {read: RuleTexts; compat: RuleCompatPaths} | {missing: Diagnostic};

/** Reads the active pack's rule files and config/suppression.yaml, config/keywords.yaml when present. */
export function readHomeRuleTexts(ctx: AppContext): HomeRuleTexts {
  const dir = join(ctx.home.rulesDir, ctx.config.domain.active_pack);
  const rel = ctx.home.rel(dir);
  if (!existsSync(dir)) {
    return {
      missing: {
        code: 'RULE_PACK_MISSING',
        severity: 'error',
        message: `rule pack folder ${rel} does not exist`,
        hint: 'run `hardstop init --force` to restore the shipped pack, or set domain.active_pack',
      },
    };
  }
  const compat: RuleCompatPaths = {
    suppression: existsSync(ctx.home.suppressionFile) ? 'config/suppression.yaml' : undefined,
    keywords: existsSync(ctx.home.keywordsFile) ? 'config/keywords.yaml' : undefined,
  };
  return {read: readRuleTexts(rel, {cwd: ctx.home.root, suppressionCompat: compat.suppression, keywordsCompat: compat.keywords}), compat};
}
