import {buildId} from '../config/build-id.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {ConfigError} from '../kernel/errors.js';
import type {NetworkSnapshot} from '../model/network.js';
import {DECIDE_WORKER_MODES, type DecideWorkerMode} from '../pipeline/decide-worker-protocol.js';
import {restoreEvidenceFiles} from '../pipeline/evidence-files.js';
import type {IngestDeps, IngestOptions} from '../pipeline/ingest-deps.js';
import {INGEST_EXTERNAL_OPERATOR, type IngestSummary} from '../pipeline/ingest-external.js';
import {runIngestOperator} from '../pipeline/ingest-operator.js';
import type {RunGroup} from '../kernel/run-group.js';
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
   * Runs the decision pipeline (`hardstop.ingest@1.0.0`). The pack is compiled and the network
   * read only when raw items are pending; otherwise the pack is known by its identity, which is
   * all that a run that decides nothing records, and items a concurrent fetch stores meanwhile
   * stay pending for the next run.
   */
  ingest(group: RunGroup, opts: IngestOptions): Promise<IngestSummary>;
}

/**
 * HARDSTOP_DECIDE_WORKER: where a run decides its items (`never`, the default: one thread;
 * `auto`: a worker thread from 512 pending items; `always`). The worker did not pay on the
 * 2-core machine it was measured on (same wall time, +30 % CPU, +80 MiB; docs/BENCHMARK.md),
 * so it is opt-in. It changes speed only, never a decision, so it is not configuration.
 */
export function decideWorkerMode(env: NodeJS.ProcessEnv): DecideWorkerMode {
  const value = env.HARDSTOP_DECIDE_WORKER;
  if (value === undefined || value === '') return 'never';
  if ((DECIDE_WORKER_MODES as readonly string[]).includes(value)) return value as DecideWorkerMode;
  throw new ConfigError('CONFIG_ENV_INVALID', `HARDSTOP_DECIDE_WORKER is "${value}"`, {hint: `set it to one of ${DECIDE_WORKER_MODES.join(', ')}, or unset it`});
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
  const workerMode = decideWorkerMode(process.env);
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

  const ingest = async (group: RunGroup, ingestOpts: IngestOptions): Promise<IngestSummary> => {
    if (!compiled && [...pendingCounts(store).values()].some((n) => n > 0)) {
      compiled = await compileRules(home, ctx);
      // A check kept by a build that compiled differently: the run records the pack it decides with.
      if (compiled.pack.hash !== check.identity.hash) saveRulePackSnapshot(store, compiled.snapshot);
    }
    let network: NetworkSnapshot | undefined;
    const deps: IngestDeps = {
      store,
      home: ctx.home,
      config: ctx.config,
      sources: sourcesConfig.sources,
      pack: compiled?.pack ?? CompiledRulePack.identityOnly(check.identity),
      sourceRules: compiled?.sourceRules ?? new Map(),
      rulesSnapshot: compiled?.snapshot,
      get network() {
        return (network ??= loadNetwork(store));
      },
    };
    // Nothing was pending: items a concurrent fetch stores meanwhile wait for the next run
    // (a pack known only by its identity cannot decide them).
    const opts: IngestOptions = {decideWorker: {mode: workerMode}, ...ingestOpts};
    return runIngestOperator(deps, group, compiled ? opts : {...opts, limit: 0});
  };
  return {store, inputs: {sourcesConfig, diagnostics, ingest}};
}
