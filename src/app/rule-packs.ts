import {relative, resolve} from 'node:path';
import {existsSync, statSync} from 'node:fs';
import {UsageError} from '../kernel/errors.js';
import type {SuppressRule} from '../rules/model.js';
import type {CompiledRulePack} from '../rules/pack.js';
import {loadRulePack, type LoadResult} from '../rules/loader.js';
import {rebuildFromSnapshot} from '../rules/snapshot.js';
import type {ResolvedSource} from '../sources/config.js';
import type {Store} from '../store/db.js';
import {rulePackSnapshot} from '../store/rule-snapshots-repo.js';
import type {ReplayRules, ResolvedRules} from '../pipeline/replay.js';
import type {AppContext} from './context.js';
import {compileSourceRules} from './decision-inputs.js';

/** `--rules`: the recorded pack of each decision (default), the home's, or a folder. */
export type RulesChoice = {kind: 'recorded'} | {kind: 'current'} | {kind: 'dir'; dir: string};

/** Parses `--rules current|DIR` (a folder relative to the working directory). */
export function parseRulesFlag(value: string | undefined, cwd = process.cwd()): RulesChoice {
  if (value === undefined) return {kind: 'recorded'};
  if (value === 'current') return {kind: 'current'};
  const abs = resolve(cwd, value);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new UsageError('USAGE_BAD_RULES', `--rules: ${value} is not a folder`, {hint: 'pass `current` or a folder of rule files (relative to the working directory)'});
  }
  return {kind: 'dir', dir: abs};
}

/**
 * A candidate rule folder, compiled as the home's pack would be: the same loader, with the
 * home's compatibility files. Names in diagnostics are relative to the working directory.
 */
export function loadRulesDir(ctx: AppContext, dir: string, cwd = process.cwd()): LoadResult {
  const rel = (p: string) => relative(cwd, p) || '.';
  return loadRulePack(rel(dir), {
    cwd,
    suppressionCompat: existsSync(ctx.home.suppressionFile) ? rel(ctx.home.suppressionFile) : undefined,
    keywordsCompat: existsSync(ctx.home.keywordsFile) ? rel(ctx.home.keywordsFile) : undefined,
  });
}

interface PackWithSourceRules {
  pack: CompiledRulePack;
  sourceRules: ReadonlyMap<string, readonly SuppressRule[]>;
}

/**
 * Resolves the pack a stored decision is recomputed with. Packs rebuilt from snapshots are
 * compiled once per hash, each with today's per-source suppression rules compiled against it.
 */
export class StoredRulePacks implements ReplayRules {
  private readonly cache = new Map<string, ResolvedRules>();

  constructor(
    private readonly store: Store,
    private readonly sources: readonly ResolvedSource[],
    private readonly choice: RulesChoice,
    private readonly current: PackWithSourceRules,
    private readonly dir: PackWithSourceRules | null = null,
  ) {}

  forRecorded(packHash: string | null): ResolvedRules {
    if (this.choice.kind === 'dir' && this.dir) return {...this.dir, origin: 'dir'};
    if (this.choice.kind === 'current' || packHash === null) return {...this.current, origin: 'current'};
    if (packHash === this.current.pack.hash) return {...this.current, origin: 'recorded'};
    let hit = this.cache.get(packHash);
    if (!hit) {
      hit = this.rebuild(packHash);
      this.cache.set(packHash, hit);
    }
    return hit;
  }

  private rebuild(packHash: string): ResolvedRules {
    const snapshot = rulePackSnapshot(this.store, packHash);
    if (!snapshot) return {...this.current, origin: 'current'};
    const r = rebuildFromSnapshot(snapshot);
    // A snapshot that no longer rebuilds its pack: replay names the mismatch (RULES_CHANGED).
    if (!r.pack) return {...this.current, origin: 'recorded'};
    return {pack: r.pack, sourceRules: compileSourceRules(r.pack, this.sources).rules, origin: 'recorded'};
  }
}
