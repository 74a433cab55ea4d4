import {canonicalJson, sha256Hex} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {UsageError} from '../kernel/errors.js';
import {runtimeSnapshot} from '../config/runtime.js';
import {NetworkIndex} from '../network/network-index.js';
import type {ResolvedRules} from '../pipeline/replay.js';
import {CHANGE_KINDS, type ChangeKind, type DiffPolicy, type ScoreThreshold} from '../pipeline/rule-diff.js';
import type {ContextTables} from '../pipeline/rule-context.js';
import type {CompiledRulePack} from '../rules/pack.js';
import type {ResolvedSource} from '../sources/config.js';
import type {Store} from '../store/db.js';
import {requireSource} from '../store/known-ids-repo.js';
import {currentNetworkHash} from '../store/network-repo.js';
import type {AppContext} from './context.js';
import {compileSourceRules, loadDecisionInputs, loadHomeRulePack} from './decision-inputs.js';
import {loadRulesDir, parseRulesFlag, type RulesChoice, StoredRulePacks} from './rule-packs.js';
import {sourcesMember} from './snapshot-members.js';

export interface RulesDiffOptions {
  /** `current` (default) or a folder of candidate rule files, relative to the working directory. */
  rules?: string;
  since?: string;
  source?: string;
  maxScoreDelta?: string;
  failOn?: string;
}

export const DEFAULT_FAIL_ON: readonly ChangeKind[] = ['suppress', 'class', 'score'];

/** `--fail-on suppress,class,…`: a usage error names any unknown kind. */
export function parseFailOn(text: string | undefined): Set<ChangeKind> {
  if (text === undefined) return new Set(DEFAULT_FAIL_ON);
  const kinds = text.split(',').map((k) => k.trim()).filter((k) => k !== '');
  const bad = kinds.filter((k) => !(CHANGE_KINDS as readonly string[]).includes(k));
  if (bad.length) throw new UsageError('USAGE_BAD_FAIL_ON', `--fail-on: unknown change kind ${bad.join(', ')}`, {hint: `use a comma-separated list of ${CHANGE_KINDS.join(', ')}`});
  return new Set(kinds as ChangeKind[]);
}

/** `--max-score-delta 5%` (share of the recorded score) or `2` (points). */
export function parseScoreDelta(text: string | undefined): ScoreThreshold {
  const t = (text ?? '5%').trim();
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(t);
  if (!m) throw new UsageError('USAGE_BAD_SCORE_DELTA', `--max-score-delta: "${t}" is not a percentage or a number of points`, {hint: 'e.g. --max-score-delta 5% or --max-score-delta 2'});
  return m[2] ? {unit: 'percent', value: Number(m[1])} : {unit: 'points', value: Number(m[1])};
}

/** Everything an item's recomputation reads besides the item: the same in every thread. */
export interface RulesDiffInputs {
  policy: DiffPolicy;
  choice: RulesChoice;
  candidate: ResolvedRules;
  recorded: StoredRulePacks;
  sources: readonly ResolvedSource[];
  /** The context tables without `now` (each item is recomputed at its own decision time). */
  tables: Omit<ContextTables, 'now'>;
  store: Store;
  /** The home's warnings, and the candidate folder's when it is not the home's pack. */
  diagnostics: Diagnostic[];
  /**
   * What the inputs were built from (packs, sources, runtime config, network): two threads
   * that load them separately must agree on it, or a file changed between their loads.
   */
  fingerprint: string;
}

export type LoadedRulesDiffInputs = {ok: true; inputs: RulesDiffInputs} | {ok: false; diagnostics: Diagnostic[]; sources: Map<string, string>};

/**
 * Compiles the candidate pack, the home's pack and sources, the network index and the
 * recorded packs' resolver. A candidate that does not check returns its diagnostics.
 */
export function loadRulesDiffInputs(ctx: AppContext, opts: RulesDiffOptions): LoadedRulesDiffInputs {
  const policy: DiffPolicy = {failOn: parseFailOn(opts.failOn), maxScoreDelta: parseScoreDelta(opts.maxScoreDelta)};
  const choice = parseRulesFlag(opts.rules ?? 'current');
  const loaded = choice.kind === 'dir' ? loadRulesDir(ctx, choice.dir) : loadHomeRulePack(ctx);
  if (!loaded.pack) return {ok: false, diagnostics: loaded.diagnostics, sources: loaded.sources};
  const candidatePack: CompiledRulePack = loaded.pack;

  const store = ctx.openStoreReadOnly();
  const home = loadDecisionInputs(ctx, store);
  const sources = home.sourcesConfig.sources;
  if (opts.source !== undefined && opts.source !== null) requireSource(sources.map((s) => s.id), opts.source, '--source', store);
  const candidateSource = compileSourceRules(candidatePack, sources);
  if (candidateSource.diagnostics.some((d) => d.severity === 'error')) return {ok: false, diagnostics: candidateSource.diagnostics, sources: new Map()};
  const candidate: ResolvedRules = {pack: candidatePack, sourceRules: candidateSource.rules, origin: choice.kind === 'dir' ? 'dir' : 'current'};
  const recorded = new StoredRulePacks(store, sources, {kind: 'recorded'}, {pack: home.pack, sourceRules: home.sourceRules});
  const tables = {index: NetworkIndex.build(home.network), config: ctx.config};
  const fingerprint = sha256Hex(
    canonicalJson({
      candidate: candidatePack.hash,
      current: home.pack.hash,
      sources: sourcesMember(ctx.home, home.sourcesConfig),
      runtime: runtimeSnapshot(ctx.config),
      network: currentNetworkHash(store),
    }),
  );
  return {
    ok: true,
    inputs: {
      policy,
      choice,
      candidate,
      recorded,
      sources,
      tables,
      store,
      diagnostics: [...home.diagnostics, ...(choice.kind === 'dir' ? loaded.diagnostics : [])].filter((d) => d.severity !== 'info'),
      fingerprint,
    },
  };
}
