import type {Diagnostic} from '../kernel/diagnostic.js';
import type {NetworkSnapshot} from '../model/network.js';
import type {SuppressRule} from '../rules/model.js';
import type {CompiledRulePack} from '../rules/pack.js';
import {buildRuleTexts} from '../rules/loader.js';
import {readHomeRuleTexts, type HomeRuleTexts, type RuleCompatPaths} from './home-rules.js';
import type {LoadedSourcesConfig, ResolvedSource} from '../sources/config.js';
import type {Store} from '../store/db.js';
import {loadNetwork} from '../store/network-repo.js';
import type {RulePackSnapshot} from '../store/rule-snapshots-repo.js';
import {decisionSources, failDecisions, networkEmptyWarning} from './input-checks.js';
import {snapshotOf} from '../rules/pack-snapshot.js';
import {compileSourceRules} from '../pipeline/source-rules.js';
import type {AppContext} from './context.js';

/** Compiled per-source rules: the pipeline's (the decide worker compiles them too). */
export {compileSourceRules};

/** The compiled rule pack of the home, with compat inputs when present. */
export function loadHomeRulePack(ctx: AppContext): {pack: CompiledRulePack | null; diagnostics: Diagnostic[]; sources: Map<string, string>; compat: RuleCompatPaths} {
  return compileHomeRules(readHomeRuleTexts(ctx));
}

/** Checks and compiles rule texts read by `readHomeRuleTexts`. */
export function compileHomeRules(home: HomeRuleTexts): {pack: CompiledRulePack | null; diagnostics: Diagnostic[]; sources: Map<string, string>; compat: RuleCompatPaths} {
  if ('missing' in home) return {pack: null, sources: new Map(), compat: {}, diagnostics: [home.missing]};
  return {...buildRuleTexts(home.read), compat: home.compat};
}

/** Everything a run compiles, with every diagnostic: the pack, its compatibility inputs and the sources' `suppress:` blocks. */
export interface CheckedDecisionRules {
  /** Null when the pack or a compatibility input does not compile. */
  pack: CompiledRulePack | null;
  /** Of the pack's rule files and compatibility inputs. */
  diagnostics: Diagnostic[];
  /** Of the sources' `suppress:` blocks (none are compiled without a pack). */
  sourceDiagnostics: Diagnostic[];
  sourceRules: Map<string, SuppressRule[]>;
  /** The text of every file the pack compiled, by name. */
  sources: Map<string, string>;
  compat: RuleCompatPaths;
}

/**
 * Compiles what a run decides with, errors included: the one compile of the home's rules
 * that `run`, `doctor`, `rules check` and `sources list` share.
 */
export function checkDecisionRules(home: HomeRuleTexts, sources: readonly ResolvedSource[]): CheckedDecisionRules {
  const loaded = compileHomeRules(home);
  const src = loaded.pack ? compileSourceRules(loaded.pack, sources) : {rules: new Map<string, SuppressRule[]>(), diagnostics: []};
  return {...loaded, sourceDiagnostics: src.diagnostics, sourceRules: src.rules};
}

export interface DecisionInputs {
  sourcesConfig: LoadedSourcesConfig;
  pack: CompiledRulePack;
  sourceRules: Map<string, SuppressRule[]>;
  network: NetworkSnapshot;
  diagnostics: Diagnostic[];
  /** The exact text of every file the pack compiled, stored by deciding runs. */
  rulesSnapshot: RulePackSnapshot;
}

/** The home's pack and per-source rules, compiled; any error stops the command (RULES_INVALID). */
export interface CompiledDecisionRules {
  pack: CompiledRulePack;
  sourceRules: Map<string, SuppressRule[]>;
  /** Warnings and infos of the pack and of the per-source rules. */
  diagnostics: Diagnostic[];
  /** The exact text of every file the pack compiled, stored by deciding runs. */
  snapshot: RulePackSnapshot;
}

/** Compiles rule texts read by `readHomeRuleTexts` and every enabled source's `suppress:` block. */
export function compileDecisionRules(home: HomeRuleTexts, sources: readonly ResolvedSource[]): CompiledDecisionRules {
  const checked = checkDecisionRules(home, sources);
  if (!checked.pack) failDecisions('RULES_INVALID', 'the rule pack does not compile', checked.diagnostics);
  const pack = checked.pack;
  if (checked.sourceDiagnostics.some((d) => d.severity === 'error')) failDecisions('RULES_INVALID', 'per-source suppression rules in config/sources.yaml do not compile', checked.sourceDiagnostics);
  return {
    pack,
    sourceRules: checked.sourceRules,
    diagnostics: [...checked.diagnostics, ...checked.sourceDiagnostics].filter((d) => d.severity !== 'error'),
    snapshot: snapshotOf(pack, checked.sources, checked.compat),
  };
}

/**
 * Sources, rules and network, validated and compiled once per command. Any error stops it
 * before it decides anything (exit 2), with every diagnostic.
 */
export function loadDecisionInputs(ctx: AppContext, store: Store): DecisionInputs {
  const sourcesConfig = decisionSources(ctx);
  const rules = compileDecisionRules(readHomeRuleTexts(ctx), sourcesConfig.sources);
  const network = loadNetwork(store);
  const diagnostics = [...sourcesConfig.diagnostics.filter((d) => d.severity !== 'error'), ...rules.diagnostics];
  if (network.facilities.length === 0) diagnostics.push(networkEmptyWarning());
  return {sourcesConfig, pack: rules.pack, sourceRules: rules.sourceRules, network, diagnostics, rulesSnapshot: rules.snapshot};
}
