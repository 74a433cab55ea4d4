import {buildId} from '../config/build-id.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {NetworkSnapshot} from '../model/network.js';
import {restoreEvidenceFiles} from '../pipeline/evidence-files.js';
import {INGEST_EXTERNAL_OPERATOR, type IngestDeps} from '../pipeline/ingest-external.js';
import {CompiledRulePack} from '../rules/pack.js';
import {snapshotOf} from '../rules/pack-snapshot.js';
import type {LoadedSourcesConfig} from '../sources/config.js';
import type {Store} from '../store/db.js';
import {loadNetwork, networkCounts} from '../store/network-repo.js';
import {pendingCounts} from '../store/raw-items-repo.js';
import {saveRulePackSnapshot} from '../store/rule-snapshots-repo.js';
import type {AppContext} from './context.js';
import type {CompiledDecisionRules} from './decision-inputs.js';
import {readHomeRuleTexts, type HomeRuleTexts} from './home-rules.js';
import {decisionSources, networkEmptyWarning} from './input-checks.js';
import {readRuleCheck, ruleCheckKey, writeRuleCheck} from './rule-check-cache.js';

/** What a deciding command validated before it fetches or decides anything. */
export interface RunInputs {
  sourcesConfig: LoadedSourcesConfig;
  /** Warnings and infos of sources, rules and network. */
  diagnostics: Diagnostic[];
  /**
   * The decision pipeline's dependencies. The pack is compiled and the network read only when
   * raw items are pending; otherwise the pack is known by its identity, which is all that a run
   * that decides nothing records.
   */
  ingestDeps(): Promise<IngestDeps>;
}

/** The compiler is loaded only by runs that compile: most runs find their check cached. */
async function compileRules(home: HomeRuleTexts, ctx: AppContext): Promise<CompiledDecisionRules> {
  const {compileDecisionRules} = await import('./decision-inputs.js');
  return compileDecisionRules(home, ctx.sourcesConfig.sources);
}

/**
 * What every deciding command does first: record `--no-suppress` in the fingerprint, open and
 * migrate the store, check sources and rules (exit 2 on any error), store the rule snapshot
 * (the texts the run's RunRecord will name), and bring evidence files an interrupted run left
 * superseded up to date. Rules whose check is cached for this build (cache/rule-check.json)
 * are not compiled until an item is to be decided.
 */
export async function prepareDecisions(ctx: AppContext, opts: {noSuppress: boolean}): Promise<{store: Store; inputs: RunInputs}> {
  if (opts.noSuppress) ctx.flags.no_suppress = true;
  const store = ctx.openStoreForWrite();
  const sourcesConfig = decisionSources(ctx);
  const home = readHomeRuleTexts(ctx);
  const key = 'read' in home ? ruleCheckKey(buildId(), home.read, sourcesConfig.source?.text ?? null) : null;
  const cached = key === null ? null : readRuleCheck(ctx.home, key);
  let compiled: CompiledDecisionRules | null = null;
  if (!cached) {
    compiled = await compileRules(home, ctx);
    if (key !== null) writeRuleCheck(ctx.home, key, {identity: compiled.pack, diagnostics: compiled.diagnostics});
  }
  const check = cached ?? {identity: compiled!.pack, diagnostics: compiled!.diagnostics};
  const diagnostics = [...sourcesConfig.diagnostics.filter((d) => d.severity !== 'error'), ...check.diagnostics];
  if (networkCounts(store).facilities === 0) diagnostics.push(networkEmptyWarning());
  if (compiled) saveRulePackSnapshot(store, compiled.snapshot);
  else if ('read' in home) {
    const {texts, build} = home.read;
    const sources = new Map([...texts, build.suppressionCompat, build.keywordsCompat].filter((t) => t !== undefined).map((t) => [t.file, t.text]));
    saveRulePackSnapshot(store, snapshotOf(check.identity, sources, home.compat));
  }
  const restored = restoreEvidenceFiles(store, ctx.home.outputDir, INGEST_EXTERNAL_OPERATOR);
  if (restored.restored.length) {
    diagnostics.push({
      code: 'EVIDENCE_FILES_RESTORED',
      severity: 'info',
      message: `rewrote ${restored.restored.length} incident evidence file(s) an interrupted run left superseded`,
    });
  }

  const ingestDeps = async (): Promise<IngestDeps> => {
    if (!compiled && [...pendingCounts(store).values()].some((n) => n > 0)) {
      compiled = await compileRules(home, ctx);
      // A check kept by a build that compiled differently: the run records the pack it decides with.
      if (compiled.pack.hash !== check.identity.hash) saveRulePackSnapshot(store, compiled.snapshot);
    }
    let network: NetworkSnapshot | undefined;
    return {
      store,
      home: ctx.home,
      config: ctx.config,
      sources: sourcesConfig.sources,
      pack: compiled?.pack ?? CompiledRulePack.identityOnly(check.identity),
      sourceRules: compiled?.sourceRules ?? new Map(),
      get network() {
        return (network ??= loadNetwork(store));
      },
    };
  };
  return {store, inputs: {sourcesConfig, diagnostics, ingestDeps}};
}
