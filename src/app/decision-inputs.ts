import {existsSync} from 'node:fs';
import {join} from 'node:path';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {HardstopError} from '../kernel/errors.js';
import type {NetworkSnapshot} from '../model/network.js';
import type {SuppressRule} from '../rules/model.js';
import type {CompiledRulePack} from '../rules/pack.js';
import {loadRulePack} from '../rules/loader.js';
import type {LoadedSourcesConfig, ResolvedSource} from '../sources/config.js';
import type {Store} from '../store/db.js';
import {loadNetwork} from '../store/network-repo.js';
import {type RulePackSnapshot, saveRulePackSnapshot} from '../store/rule-snapshots-repo.js';
import {snapshotOf} from '../rules/snapshot.js';
import type {AppContext} from './context.js';
import {INGEST_EXTERNAL_OPERATOR, type IngestDeps} from '../pipeline/ingest-external.js';
import {restoreEvidenceFiles} from '../pipeline/evidence-files.js';
import type {DiagnosticCode} from '../kernel/diagnostic-codes.js';

/** The compiled rule pack of the home, with compat inputs when present. */
export function loadHomeRulePack(ctx: AppContext): {pack: CompiledRulePack | null; diagnostics: Diagnostic[]; sources: Map<string, string>; compat: {suppression?: string; keywords?: string}} {
  const dir = join(ctx.home.rulesDir, ctx.config.domain.active_pack);
  const rel = ctx.home.rel(dir);
  if (!existsSync(dir)) {
    return {
      pack: null,
      sources: new Map(),
      compat: {},
      diagnostics: [
        {
          code: 'RULE_PACK_MISSING',
          severity: 'error',
          message: `rule pack folder ${rel} does not exist`,
          hint: 'run `hardstop init --force` to restore the shipped pack, or set domain.active_pack',
        },
      ],
    };
  }
  const compat = {
    suppression: existsSync(ctx.home.suppressionFile) ? 'config/suppression.yaml' : undefined,
    keywords: existsSync(ctx.home.keywordsFile) ? 'config/keywords.yaml' : undefined,
  };
  return {...loadRulePack(rel, {cwd: ctx.home.root, suppressionCompat: compat.suppression, keywordsCompat: compat.keywords}), compat};
}

/** Compiles every enabled source's `suppress:` block against the pack. */
export function compileSourceRules(pack: CompiledRulePack, sources: readonly ResolvedSource[]): {rules: Map<string, SuppressRule[]>; diagnostics: Diagnostic[]} {
  const rules = new Map<string, SuppressRule[]>();
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const s of sources) {
    if (!s.suppress) continue;
    const r = pack.compileSourceSuppressRules(s.suppress.src, s.suppress.path, s.id, seen);
    diagnostics.push(...r.diagnostics);
    rules.set(s.id, r.rules);
  }
  return {rules, diagnostics};
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

function fail(code: DiagnosticCode, message: string, diagnostics: Diagnostic[], hint?: string): never {
  throw new HardstopError(code, message, {diagnostics: diagnostics.length ? diagnostics : undefined, hint});
}

/**
 * Sources, rules and network, validated and compiled once per run. Any error stops the run
 * before it decides anything (exit 2), with every diagnostic.
 */
export function loadDecisionInputs(ctx: AppContext, store: Store): DecisionInputs {
  const sourcesConfig = ctx.sourcesConfig;
  const sourceErrors = sourcesConfig.diagnostics.filter((d) => d.severity === 'error');
  if (sourceErrors.length) fail('SOURCES_INVALID', 'config/sources.yaml is invalid', sourcesConfig.diagnostics);
  const loaded = loadHomeRulePack(ctx);
  if (!loaded.pack) fail('RULES_INVALID', 'the rule pack does not compile', loaded.diagnostics);
  const pack = loaded.pack;
  const src = compileSourceRules(pack, sourcesConfig.sources);
  if (src.diagnostics.some((d) => d.severity === 'error')) fail('RULES_INVALID', 'per-source suppression rules in config/sources.yaml do not compile', src.diagnostics);
  const network = loadNetwork(store);
  const diagnostics = [...sourcesConfig.diagnostics, ...loaded.diagnostics, ...src.diagnostics].filter((d) => d.severity !== 'error');
  if (network.facilities.length === 0) {
    diagnostics.push({code: 'NETWORK_EMPTY', severity: 'warning', message: 'no network is loaded: nothing can be linked', hint: 'run `hardstop ingest` first'});
  }
  return {sourcesConfig, pack, sourceRules: src.rules, network, diagnostics, rulesSnapshot: snapshotOf(pack, loaded.sources, loaded.compat)};
}

/** The decision pipeline's dependencies from a context and its loaded inputs. */
export function ingestDeps(ctx: AppContext, store: Store, inputs: DecisionInputs): IngestDeps {
  return {store, home: ctx.home, config: ctx.config, sources: inputs.sourcesConfig.sources, pack: inputs.pack, sourceRules: inputs.sourceRules, network: inputs.network};
}

/**
 * What every deciding command does first: record `--no-suppress` in the fingerprint, open and
 * migrate the store, load and compile sources, rules and network (exit 2 on any error), store
 * the rule snapshot (the texts the run's RunRecord will name), and bring evidence files an
 * interrupted run left superseded up to date.
 */
export function prepareDecisions(ctx: AppContext, opts: {noSuppress: boolean}): {store: Store; inputs: DecisionInputs; deps: IngestDeps} {
  if (opts.noSuppress) ctx.flags.no_suppress = true;
  const store = ctx.openStoreForWrite();
  const inputs = loadDecisionInputs(ctx, store);
  saveRulePackSnapshot(store, inputs.rulesSnapshot);
  const restored = restoreEvidenceFiles(store, ctx.home.outputDir, INGEST_EXTERNAL_OPERATOR);
  if (restored.restored.length) {
    inputs.diagnostics.push({
      code: 'EVIDENCE_FILES_RESTORED',
      severity: 'info',
      message: `rewrote ${restored.restored.length} incident evidence file(s) an interrupted run left superseded`,
    });
  }
  return {store, inputs, deps: ingestDeps(ctx, store, inputs)};
}
