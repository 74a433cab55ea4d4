import {existsSync} from 'node:fs';
import {rulesCheck, rulesCheckOutcome} from '../rules/cli/check.js';
import type {RulesOutcome} from '../rules/cli/common.js';
import type {AppContext} from './context.js';
import {checkDecisionRules} from './decision-inputs.js';
import {readHomeRuleTexts} from './home-rules.js';

/**
 * `hardstop rules check` without files: what a run compiles, checked the way a run checks it —
 * the active pack, config/suppression.yaml and config/keywords.yaml (or the files the flags
 * name instead), every source's `suppress:` block, and the errors of config/sources.yaml that
 * stop a run. A folder without hardstop.config.yaml is a rule-authoring folder: its
 * rules/**\/*.yaml are checked as files.
 */
export function homeRulesCheck(ctx: AppContext, compat: {suppression?: string; keywords?: string}): RulesOutcome {
  if (!ctx.loaded.config && !existsSync(ctx.home.configFile)) {
    return rulesCheck({home: ctx.home.root, suppressionCompat: compat.suppression, keywordsCompat: compat.keywords});
  }
  const sourcesConfig = ctx.sourcesConfig;
  const given = (p: string | undefined) => (p === undefined ? undefined : ctx.flagPath(p));
  const home = readHomeRuleTexts(ctx, {suppression: given(compat.suppression), keywords: given(compat.keywords)});
  const checked = checkDecisionRules(home, sourcesConfig.sources);
  const sourcesErrors = sourcesConfig.diagnostics.filter((d) => d.severity === 'error');
  return rulesCheckOutcome({
    files: 'read' in home ? home.read.texts.map((t) => t.file) : [],
    pack: checked.pack,
    diagnostics: [...checked.diagnostics, ...sourcesErrors, ...checked.sourceDiagnostics],
    sources: checked.sources,
    sourceRules: [...checked.sourceRules.values()].reduce((n, rules) => n + rules.length, 0),
    extra: {compat: {suppression: checked.compat.suppression ?? null, keywords: checked.compat.keywords ?? null}},
  });
}
