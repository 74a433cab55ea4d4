import {existsSync} from 'node:fs';
import {join, relative} from 'node:path';
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

/**
 * Reads the active pack's rule files and config/suppression.yaml, config/keywords.yaml when
 * present. `instead` names other compatibility files (absolute paths: `rules check --suppression`).
 */
export function readHomeRuleTexts(ctx: AppContext, instead: {suppression?: string; keywords?: string} = {}): HomeRuleTexts {
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
  const given = (abs: string | undefined) => (abs === undefined ? undefined : relative(ctx.home.root, abs) || abs);
  const compat: RuleCompatPaths = {
    suppression: given(instead.suppression) ?? (existsSync(ctx.home.suppressionFile) ? 'config/suppression.yaml' : undefined),
    keywords: given(instead.keywords) ?? (existsSync(ctx.home.keywordsFile) ? 'config/keywords.yaml' : undefined),
  };
  return {read: readRuleTexts(rel, {cwd: ctx.home.root, suppressionCompat: compat.suppression, keywordsCompat: compat.keywords}), compat};
}
