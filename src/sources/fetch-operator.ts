import type {AppContext} from '../app/context.js';
import {sha256Hex} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {DiagnosticCode} from '../kernel/diagnostic-codes.js';
import {ConfigError, UsageError} from '../kernel/errors.js';
import {ExitCode} from '../kernel/exit-status.js';
import {seedFrom} from '../kernel/ids.js';
import type {OperatorTrace, RunGroup} from '../kernel/run-group.js';
import type {ArtifactRef} from '../kernel/run-record.js';
import {formatInstant, parseSinceWindow} from '../kernel/time.js';
import type {Store} from '../store/db.js';
import {getFetchState, putFetchState} from '../store/fetch-state-repo.js';
import {lineageOfGroup, previewAction, rawItemBatchDigest, recordCandidate, type FetchAction} from '../store/raw-items-repo.js';
import {insertSourceRun, sourceRunDigest, sourceRunsOfGroup, type SourceRunStatus} from '../store/source-runs-repo.js';
import {fetchOrder, type LoadedSourcesConfig, type ResolvedSource} from './config.js';
import {defaultFetcherDeps, fetchSource, type FetcherDeps, type FetchRunSettings, type SourceFetchOutcome} from './fetcher.js';
import {HostRateLimiter} from './rate-limit.js';
import type {Tier} from './types.js';

export const FETCH_OPERATOR_ID = 'hardstop.fetch@1.0.0';
export const SOURCE_TEST_OPERATOR_ID = 'hardstop.sources-test@1.0.0';

export interface FetchProgressEvent {
  index: number;
  total: number;
  source_id: string;
  phase: 'start' | 'done';
  result?: SourceFetchResult;
}

export interface FetchSourcesOptions {
  /** `--since` text (e.g. `24h`); null/undefined = no window. Validated here (UsageError). */
  since?: string | null;
  /** `--max-items`: overrides every source's max_items when given. */
  maxItems?: number;
  /** `--source` ids; empty/undefined = every enabled source. */
  sourceIds?: string[];
  /** `--tier`: fetch only sources of this tier (others get SKIPPED rows). */
  tier?: Tier;
  /** `--include-disabled`: fetch disabled sources too. */
  includeDisabled?: boolean;
  /** `--fail-fast`: after the first failure the remaining sources are SKIPPED and the fetch is BROKEN. */
  failFast?: boolean;
  dryRun?: boolean;
  noNetwork?: boolean;
  /**
   * `test`: `sources test` — nothing is stored but the SourceRun row (no raw items, no lineage,
   * no conditional-GET state; validators are neither sent nor remembered); disabled sources
   * may be tested.
   */
  purpose?: 'fetch' | 'test';
  /** An already loaded sources config (else loaded from the home). */
  loaded?: LoadedSourcesConfig;
  deps?: Partial<FetcherDeps>;
  onProgress?: (e: FetchProgressEvent) => void;
}

/** One source's outcome as stored in its FETCH SourceRun. */
export interface SourceFetchResult {
  source_id: string;
  tier: string;
  type: string;
  status: SourceRunStatus;
  status_code: number | null;
  error: string | null;
  error_code: string | null;
  error_hint: string | null;
  items_fetched: number;
  items_new: number;
  items_duplicate: number;
  items_retried: number;
  bytes_downloaded: number;
  not_modified: boolean;
  duration_ms: number;
  run_at: string;
  attempts: number;
  reason?: string;
  /** `sources test` only: what was fetched, with the dedupe action it would get. */
  items?: {canonical_id: string | null; title: string | null; url: string | null; published_at: string | null; action: FetchAction}[];
}

export interface FetchSummary {
  run_group_id: string;
  dry_run: boolean;
  purpose: 'fetch' | 'test';
  since: string | null;
  seed: number;
  jitter_seconds: number;
  /** Sources that were (or in a dry run would be) fetched, in fetch order. */
  planned: string[];
  results: SourceFetchResult[];
  raw_items_digest: string;
  source_runs_digest: string;
  diagnostics: Diagnostic[];
  exitCode: ExitCode;
  totals: {sources: number; succeeded: number; failed: number; skipped: number; items: number; new: number; bytes: number};
}

/** Validates a `--since` value: `<n>h` or `<n>d`; anything else is a usage error naming the flag. */
export function parseSinceFlag(text: string | null | undefined, flag = '--since'): {text: string; micros: number} | null {
  if (text === null || text === undefined || text === '') return null;
  const w = parseSinceWindow(text);
  if (!w) {
    throw new UsageError('USAGE_BAD_SINCE', `${flag}: "${text}" is not a window like 24h or 7d`, {hint: `${flag} takes a whole number followed by h (hours) or d (days)`});
  }
  return {text: text.trim().toLowerCase(), micros: w.micros};
}

function hashRef(id: string, kind: string, text: string): ArtifactRef {
  return {id, kind, hash: sha256Hex(text)};
}

function sourceRunDiagnostics(o: SourceFetchOutcome, counts: {new: number; duplicate: number; retried: number}, purpose: 'fetch' | 'test'): Record<string, unknown> {
  const parseCounts: Record<string, number> = {};
  for (const d of o.parse_diagnostics) parseCounts[d.code] = (parseCounts[d.code] ?? 0) + 1;
  const diag: Record<string, unknown> = {
    bytes_downloaded: o.bytes_downloaded,
    items_seen: o.items.length,
    dedupe_dropped: Math.max(0, o.items.length - counts.new),
    items_duplicate: counts.duplicate,
    items_retried: counts.retried,
    items_in_feed: o.items_in_feed,
    since_dropped: o.since_dropped,
    max_items_dropped: o.max_items_dropped,
    not_modified: o.not_modified,
    format: o.format,
    attempts: o.attempts,
    rate_limit: o.rate_limit,
    error_code: o.error_code,
    parse_diagnostics: parseCounts,
  };
  if (o.final_url) diag.final_url = o.final_url;
  if (purpose === 'test') diag.test = true;
  return diag;
}

/** Per-source diagnostics surfaced to the command (adapter diagnostics aggregated per code). */
function outcomeDiagnostics(source: ResolvedSource, o: SourceFetchOutcome): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (o.status === 'FAILURE') {
    out.push({
      code: o.error_code ?? 'FETCH_FAILED',
      severity: 'warning',
      message: `source ${source.id}: ${o.error ?? 'fetch failed'}`,
      hint: o.error_hint ?? undefined,
      details: {source_id: source.id, status_code: o.status_code, attempts: o.attempts.length},
    });
  }
  const byCode = new Map<DiagnosticCode, {first: Diagnostic; n: number}>();
  for (const d of o.parse_diagnostics) {
    const e = byCode.get(d.code);
    if (e) e.n++;
    else byCode.set(d.code, {first: d, n: 1});
  }
  for (const [code, {first, n}] of byCode) {
    out.push({
      code,
      severity: first.severity,
      message: `source ${source.id}: ${first.message}${n > 1 ? ` (and ${n - 1} more like it)` : ''}`,
      hint: first.hint,
      details: {source_id: source.id, count: n},
    });
  }
  return out;
}

/**
 * The `hardstop.fetch@1.0.0` operator (operations.md §1.3, §4, §5): fetches every selected
 * enabled source inside one RunRecord of `group`, stores new raw items with lineage, writes
 * one FETCH SourceRun per enabled source (skips and refusals included) in the same
 * transaction as that source's items, and records the fetch window, the raw-item batch and
 * the SourceRun digests as refs. Source-level failures never throw; an invalid config, an
 * unknown `--source` or a store error do (the RunRecord is still written, with the error).
 */
export async function fetchSources(ctx: AppContext, group: RunGroup, opts: FetchSourcesOptions = {}): Promise<FetchSummary> {
  const purpose = opts.purpose ?? 'fetch';
  const operatorId = purpose === 'test' ? SOURCE_TEST_OPERATOR_ID : FETCH_OPERATOR_ID;
  return group.run(operatorId, (trace) => fetchWork(ctx, group, opts, purpose, trace));
}

async function fetchWork(ctx: AppContext, group: RunGroup, opts: FetchSourcesOptions, purpose: 'fetch' | 'test', trace: OperatorTrace): Promise<FetchSummary> {
  const since = parseSinceFlag(opts.since);
  trace.input(hashRef(`fetch-window:${since?.text ?? 'all'}`, 'FetchWindow', since?.text ?? 'all'));
  const runtime = ctx.config;
  const loaded = opts.loaded ?? ctx.sourcesConfig;
  if (!loaded.ok) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    throw new ConfigError(first?.code ?? 'SOURCES_INVALID', first?.message ?? 'config/sources.yaml is invalid', {
      hint: first?.hint,
      diagnostics: loaded.diagnostics,
    });
  }
  const deps: FetcherDeps = {...defaultFetcherDeps, ...opts.deps};
  const ordered = fetchOrder(loaded.sources);
  const byId = new Map(ordered.map((s) => [s.id, s]));
  const wanted = [...new Set(opts.sourceIds ?? [])];
  for (const id of wanted) {
    const s = byId.get(id);
    if (!s) {
      throw new UsageError('SOURCE_UNKNOWN', `--source: no source "${id}" in config/sources.yaml`, {hint: `known sources: ${ordered.map((x) => x.id).join(', ') || '(none)'}`});
    }
    if (!s.enabled && purpose === 'fetch' && !opts.includeDisabled) {
      throw new UsageError('SOURCE_DISABLED', `--source: source "${id}" is disabled`, {hint: `set enabled: true for it, or try it with \`hardstop sources test ${id}\``});
    }
  }
  // Rows are written for every enabled source; selected ones are fetched, the others skipped.
  const rowSources = purpose === 'test' ? ordered.filter((s) => wanted.includes(s.id)) : ordered.filter((s) => s.enabled || opts.includeDisabled);
  const skipReason = (s: ResolvedSource): string | null => {
    if (wanted.length && !wanted.includes(s.id)) return `not selected (--source ${wanted.join(', ')})`;
    if (opts.tier && s.tier !== opts.tier) return `not selected (--tier ${opts.tier})`;
    return null;
  };
  const selected = rowSources.filter((s) => skipReason(s) === null);
  const strict = group.mode === 'strict';
  const seed = seedFrom(group.id);
  const jitterSeconds = strict ? 0 : loaded.defaults.rate_limit.jitter_seconds;
  trace.seed = seed;
  const diagnostics: Diagnostic[] = [];
  const totals = {sources: selected.length, succeeded: 0, failed: 0, skipped: 0, items: 0, new: 0, bytes: 0};
  const base = {
    run_group_id: group.id,
    purpose,
    since: since?.text ?? null,
    seed,
    jitter_seconds: jitterSeconds,
    planned: selected.map((s) => s.id),
  };

  if (rowSources.length === 0) {
    diagnostics.push({
      code: 'SOURCES_NONE_ENABLED',
      severity: 'error',
      message: 'no enabled source in config/sources.yaml',
      hint: 'add a source or set enabled: true on one',
      file: 'config/sources.yaml',
    });
  }

  if (opts.dryRun) {
    // Nothing is fetched or stored: the refs name what would have been fetched.
    const n = selected.length;
    trace.output(hashRef(`raw-items:${group.id}`, 'RawItemBatch', `dry-run||${n}`));
    trace.output(hashRef(`source-runs:fetch:${group.id}`, 'SourceRun', `${group.id}||dry-run||${n}`));
    trace.report(...diagnostics);
    return {
      ...base,
      dry_run: true,
      results: [],
      raw_items_digest: sha256Hex(`dry-run||${n}`),
      source_runs_digest: sha256Hex(`${group.id}||dry-run||${n}`),
      diagnostics,
      exitCode: diagnostics.some((d) => d.severity === 'error') ? ExitCode.BROKEN : ExitCode.HEALTHY,
      totals,
    };
  }

  const store: Store = ctx.openStoreForWrite();
  const limiter = new HostRateLimiter(loaded.defaults.rate_limit.per_host_min_seconds, jitterSeconds, seed, deps.sleeper);
  const settings: FetchRunSettings = {
    home: ctx.home,
    noNetwork: Boolean(opts.noNetwork),
    maxRedirects: runtime.fetch.max_redirects,
    retries: runtime.fetch.retries,
    maxItemBytes: runtime.fetch.max_item_bytes,
    seed,
    limiter,
    now: ctx.clock.now(),
    sinceMicros: since?.micros ?? null,
    maxItemsOverride: opts.maxItems,
    zeroWaits: strict,
  };
  if (jitterSeconds > 0) trace.note('jitter');
  if (!settings.noNetwork && selected.some((s) => !/^file:\/\//i.test(s.url))) trace.note('network');

  const results: SourceFetchResult[] = [];
  const selectedIds = new Set(selected.map((s) => s.id));
  let position = 0;
  const runAt = () => (ctx.clock.pinned ? formatInstant(ctx.clock.now() + position++) : ctx.clock.nowText());
  let index = 0;
  let failFastAfter: string | null = null;
  const writeSkip = (source: ResolvedSource, reason: string) => {
    const at = runAt();
    store.write(() =>
      insertSourceRun(store, {
        run_group_id: group.id,
        source_id: source.id,
        phase: 'FETCH',
        run_at: at,
        status: 'SKIPPED',
        status_code: null,
        error: null,
        duration_ms: 0,
        items_fetched: 0,
        items_new: 0,
        bytes_downloaded: 0,
        diagnostics: {reason},
      }),
    );
    totals.skipped++;
    results.push({
      source_id: source.id,
      tier: source.tier,
      type: source.type,
      status: 'SKIPPED',
      status_code: null,
      error: null,
      error_code: null,
      error_hint: null,
      items_fetched: 0,
      items_new: 0,
      items_duplicate: 0,
      items_retried: 0,
      bytes_downloaded: 0,
      not_modified: false,
      duration_ms: 0,
      run_at: at,
      attempts: 0,
      reason,
    });
  };
  for (const source of rowSources) {
    if (!selectedIds.has(source.id)) {
      writeSkip(source, skipReason(source) ?? 'not selected');
      continue;
    }
    if (failFastAfter !== null) {
      writeSkip(source, `not fetched (--fail-fast after ${failFastAfter} failed)`);
      continue;
    }
    opts.onProgress?.({index, total: selected.length, source_id: source.id, phase: 'start'});
    const at = runAt();
    const state = purpose === 'fetch' ? getFetchState(store, source.id) : null;
    const o = await fetchSource(source, settings, state, deps);
    const counts = {new: 0, duplicate: 0, retried: 0};
    const preview: NonNullable<SourceFetchResult['items']> = [];
    const tally = (a: FetchAction) => {
      if (a === 'NEW') counts.new++;
      else if (a === 'DUPLICATE') counts.duplicate++;
      else counts.retried++;
    };
    store.write(() => {
      if (o.status === 'SUCCESS') {
        if (purpose === 'fetch') {
          for (const item of o.items) {
            tally(recordCandidate(store, {sourceId: source.id, tier: source.tier, trustTier: source.trust_tier, runGroupId: group.id, fetchedAt: at}, item).action);
          }
          if (o.validators) putFetchState(store, {source_id: source.id, etag: o.validators.etag, last_modified: o.validators.last_modified, url: source.url, updated_at: at});
        } else {
          const seen = new Set<string>();
          for (const item of o.items) {
            const p = previewAction(store, source.id, item);
            const action: FetchAction = seen.has(p.raw_id) ? 'DUPLICATE' : p.action;
            tally(action);
            seen.add(p.raw_id);
            preview.push({canonical_id: item.canonical_id, title: item.title, url: item.url, published_at: item.published_at, action});
          }
        }
      }
      insertSourceRun(store, {
        run_group_id: group.id,
        source_id: source.id,
        phase: 'FETCH',
        run_at: at,
        status: o.status,
        status_code: o.status_code,
        error: o.error,
        duration_ms: o.duration_ms,
        items_fetched: o.items.length,
        items_new: counts.new,
        bytes_downloaded: o.bytes_downloaded,
        diagnostics: sourceRunDiagnostics(o, counts, purpose),
      });
    });
    const r: SourceFetchResult = {
      source_id: source.id,
      tier: source.tier,
      type: source.type,
      status: o.status,
      status_code: o.status_code,
      error: o.error,
      error_code: o.error_code,
      error_hint: o.error_hint,
      items_fetched: o.items.length,
      items_new: counts.new,
      items_duplicate: counts.duplicate,
      items_retried: counts.retried,
      bytes_downloaded: o.bytes_downloaded,
      not_modified: o.not_modified,
      duration_ms: o.duration_ms,
      run_at: at,
      attempts: o.attempts.length,
    };
    if (purpose === 'test') r.items = preview;
    results.push(r);
    diagnostics.push(...outcomeDiagnostics(source, o));
    if (o.status === 'SUCCESS') totals.succeeded++;
    else {
      totals.failed++;
      if (opts.failFast && failFastAfter === null) failFastAfter = source.id;
    }
    totals.items += r.items_fetched;
    totals.new += r.items_new;
    totals.bytes += r.bytes_downloaded;
    trace.bytesIn += o.bytes_downloaded;
    opts.onProgress?.({index, total: selected.length, source_id: source.id, phase: 'done', result: r});
    index++;
  }

  if (failFastAfter !== null) {
    diagnostics.push({
      code: 'FETCH_FAIL_FAST',
      severity: 'error',
      message: `--fail-fast: stopped after ${failFastAfter} failed`,
      hint: 'the remaining sources have SKIPPED SourceRuns; rerun without --fail-fast to fetch them anyway',
    });
  } else if (selected.length > 0 && totals.failed === selected.length) {
    diagnostics.push({
      code: 'FETCH_ALL_FAILED',
      severity: 'error',
      message: `all ${selected.length} source(s) failed to fetch`,
      hint: 'see the per-source errors above; `hardstop sources health` shows the history',
    });
  }
  const rawDigest = rawItemBatchDigest(purpose === 'fetch' ? lineageOfGroup(store, group.id) : []);
  const runsDigest = sourceRunDigest(sourceRunsOfGroup(store, group.id, 'FETCH'));
  if (purpose === 'fetch') trace.output({id: `raw-items:${group.id}`, kind: 'RawItemBatch', hash: rawDigest, schema: 'raw-items/v1'});
  trace.output({id: `source-runs:fetch:${group.id}`, kind: 'SourceRun', hash: runsDigest});
  trace.report(...diagnostics.filter((d) => d.severity !== 'info'));
  const exitCode = diagnostics.some((d) => d.severity === 'error')
    ? ExitCode.BROKEN
    : diagnostics.some((d) => d.severity === 'warning')
      ? ExitCode.WARNING
      : ExitCode.HEALTHY;
  return {...base, dry_run: false, results, raw_items_digest: rawDigest, source_runs_digest: runsDigest, diagnostics, exitCode, totals};
}
