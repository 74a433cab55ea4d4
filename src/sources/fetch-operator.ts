import {buildId} from '../config/build-id.js';
import type {Home} from '../config/home.js';
import {HARDSTOP_VERSION} from '../config/version.js';
import type {RuntimeConfig} from '../config/runtime.js';
import {sha256Hex} from '../kernel/canonical-json.js';
import type {Clock} from '../kernel/clock.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {DiagnosticCode} from '../kernel/diagnostic-codes.js';
import {ConfigError, UsageError} from '../kernel/errors.js';
import {ExitCode} from '../kernel/exit-status.js';
import {seedFrom} from '../kernel/ids.js';
import type {OperatorTrace, RunGroup} from '../kernel/run-group.js';
import type {ArtifactRef} from '../kernel/run-record.js';
import {formatInstant, parseSinceFlag} from '../kernel/time.js';
import type {Store} from '../store/db.js';
import {type FetchState, getFetchState, putFetchState, type RememberedDocument, type RememberedItem} from '../store/fetch-state-repo.js';
import {hasFailedRawItems, lineageOfGroup, previewAction, recordSighting, rawItemBatchDigest, recordCandidate, type FetchAction} from '../store/raw-items-repo.js';
import {insertSourceRun, sourceRunDigest, sourceRunsOfGroup, type SourceRunStatus} from '../store/source-runs-repo.js';
import {fetchOrder, type LoadedSourcesConfig, type ResolvedSource} from './config.js';
import {defaultFetcherDeps, fetchSource, type FetcherDeps, type FetchRunSettings, type SourceFetchOutcome} from './fetcher.js';
import {HostRateLimiter} from './rate-limit.js';
import {requireSource} from '../store/known-ids-repo.js';
import type {Tier} from '../model/raw-item.js';

export const FETCH_OPERATOR_ID = 'hardstop.fetch@1.0.0';
export const SOURCE_TEST_OPERATOR_ID = 'hardstop.sources-test@1.0.0';

/** What the fetch operator works with; the app builds it from its context. */
export interface FetchDeps {
  home: Home;
  config: RuntimeConfig;
  /** config/sources.yaml as loaded for this invocation (refused here when invalid). */
  sources: LoadedSourcesConfig;
  clock: Clock;
  /** Opens (and migrates) the store; a dry run never calls it. */
  openStore: () => Store;
}

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
  /** How the user gave the source ids, for an unknown-id message (`--source`, `<id>`). */
  sourceIdsGivenAs?: string;
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
  /** The document was byte-identical to the last one taken whole: its items were counted and recorded without a parse. */
  unchanged_document: boolean;
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

function hashRef(id: string, kind: string, text: string): ArtifactRef {
  return {id, kind, hash: sha256Hex(text)};
}

/**
 * What to remember of the fetched document: one parsed now, with the items just recorded; an
 * unchanged one, or the remembered one a 304 confirmed, as it was (neither recorded its items
 * again from a parse).
 */
function documentToRemember(o: SourceFetchOutcome, recorded: RememberedItem[]): RememberedDocument | null {
  if (!o.document) return null;
  return o.unchanged_document || o.not_modified ? o.document : {...o.document, items: recorded};
}

/** Items the fetch saw: parsed candidates, or an unchanged document's sightings. */
function itemsSeen(o: SourceFetchOutcome): number {
  return o.items.length + o.sighted.length;
}

function sourceRunDiagnostics(o: SourceFetchOutcome, counts: {new: number; duplicate: number; retried: number}, purpose: 'fetch' | 'test'): Record<string, unknown> {
  const parseCounts: Record<string, number> = {};
  for (const d of o.parse_diagnostics) parseCounts[d.code] = (parseCounts[d.code] ?? 0) + 1;
  const diag: Record<string, unknown> = {
    bytes_downloaded: o.bytes_downloaded,
    items_seen: itemsSeen(o),
    dedupe_dropped: Math.max(0, itemsSeen(o) - counts.new),
    items_duplicate: counts.duplicate,
    items_retried: counts.retried,
    items_in_feed: o.items_in_feed,
    since_dropped: o.since_dropped,
    max_items_dropped: o.max_items_dropped,
    not_modified: o.not_modified,
    ...(o.unchanged_document ? {unchanged_document: true} : {}),
    format: o.format,
    attempts: o.attempts,
    rate_limit: o.rate_limit,
    error_code: o.error_code,
    parse_diagnostics: parseCounts,
  };
  if (o.final_url) diag.final_url = o.final_url;
  if (o.future_dropped > 0) diag.future_dropped = o.future_dropped;
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
      details: {source_id: source.id, status_code: o.status_code, attempts: o.attempts.length, fetch_failed: true},
    });
  }
  const byCode = new Map<DiagnosticCode, {first: Diagnostic; n: number; items: Set<unknown>; unplaced: number}>();
  for (const d of o.clock_diagnostics) out.push({...d, message: `source ${source.id}: ${d.message}`, details: {...d.details, source_id: source.id}});
  for (const d of o.parse_diagnostics) {
    let e = byCode.get(d.code);
    if (!e) byCode.set(d.code, (e = {first: d, n: 0, items: new Set(), unplaced: 0}));
    e.n++;
    const item = d.details?.item_index;
    if (item === undefined) e.unplaced++;
    else e.items.add(item);
  }
  for (const [code, {first, n, items, unplaced}] of byCode) {
    out.push({
      code,
      severity: first.severity,
      message: `source ${source.id}: ${first.message}${sameKindSuffix(n, items.size, unplaced)}`,
      hint: first.hint,
      details: {source_id: source.id, count: n, items: items.size},
    });
  }
  return out;
}

/**
 * How many diagnostics one aggregated line stands for, counted in items: one item can raise a
 * code once per field (an NWS alert has five dates), and "238" read as items from a 48-item
 * feed misleads. `n` diagnostics, `items` distinct items among them, `unplaced` without an item.
 */
function sameKindSuffix(n: number, items: number, unplaced: number): string {
  if (n <= 1) return '';
  const where = items > 0 ? `in ${items} item(s)${unplaced > 0 ? ` and ${unplaced} outside any item` : ''}` : '';
  if (unplaced === 0 && items === n) return ` (${where})`;
  return ` (${n} of this kind${where ? ` ${where}` : ''})`;
}

/**
 * The `hardstop.fetch@1.0.0` operator (operations.md §1.3, §4, §5): fetches every selected
 * enabled source inside one RunRecord of `group`, stores new raw items with lineage, writes
 * one FETCH SourceRun per enabled source (skips and refusals included) in the same
 * transaction as that source's items, and records the fetch window, the raw-item batch and
 * the SourceRun digests as refs. Source-level failures never throw; an invalid config, an
 * unknown `--source` or a store error do (the RunRecord is still written, with the error).
 */
export async function fetchSources(deps: FetchDeps, group: RunGroup, opts: FetchSourcesOptions = {}): Promise<FetchSummary> {
  const purpose = opts.purpose ?? 'fetch';
  const operatorId = purpose === 'test' ? SOURCE_TEST_OPERATOR_ID : FETCH_OPERATOR_ID;
  return group.run(operatorId, (trace) => fetchWork(deps, group, opts, purpose, trace));
}

type Purpose = 'fetch' | 'test';

async function fetchWork(deps: FetchDeps, group: RunGroup, opts: FetchSourcesOptions, purpose: Purpose, trace: OperatorTrace): Promise<FetchSummary> {
  const since = parseSinceFlag(opts.since);
  trace.input(hashRef(`fetch-window:${since?.text ?? 'all'}`, 'FetchWindow', since?.text ?? 'all'));
  const loaded = validSourcesConfig(deps.sources);
  const plan = planFetch(loaded, opts, purpose);
  const strict = group.mode === 'strict';
  const seed = seedFrom(group.id);
  const jitterSeconds = strict ? 0 : loaded.defaults.rate_limit.jitter_seconds;
  trace.seed = seed;
  const diagnostics: Diagnostic[] = plan.rows.length === 0 ? [noEnabledSource()] : [];
  const base = {
    run_group_id: group.id,
    purpose,
    since: since?.text ?? null,
    seed,
    jitter_seconds: jitterSeconds,
    planned: plan.selected.map((s) => s.id),
  };
  if (opts.dryRun) return dryRunSummary(group, trace, base, plan.selected.length, diagnostics);

  const store = deps.openStore();
  const fetcherDeps: FetcherDeps = {...defaultFetcherDeps, ...opts.deps};
  const settings: FetchRunSettings = {
    home: deps.home,
    noNetwork: Boolean(opts.noNetwork),
    maxRedirects: deps.config.fetch.max_redirects,
    retries: deps.config.fetch.retries,
    maxItemBytes: deps.config.fetch.max_item_bytes,
    seed,
    limiter: new HostRateLimiter(loaded.defaults.rate_limit.per_host_min_seconds, jitterSeconds, seed, fetcherDeps.sleeper),
    now: deps.clock.now(),
    sinceMicros: since?.micros ?? null,
    maxItemsOverride: opts.maxItems,
    zeroWaits: strict,
    codeId: buildId() ?? HARDSTOP_VERSION,
  };
  if (jitterSeconds > 0) trace.note('jitter');
  if (!settings.noNetwork && plan.selected.some((s) => !/^file:\/\//i.test(s.url))) trace.note('network');

  const log = new SourceRunLog(store, group.id, deps.clock, purpose, plan.selected.length);
  const failFastAfter = await fetchEachSource(plan, log, opts, diagnostics, trace, (source, state) => fetchSource(source, settings, state, fetcherDeps));
  diagnostics.push(...closingDiagnostics(failFastAfter, plan.selected.length, log.totals.failed));

  const rawDigest = rawItemBatchDigest(purpose === 'fetch' ? lineageOfGroup(store, group.id) : []);
  const runsDigest = sourceRunDigest(sourceRunsOfGroup(store, group.id, 'FETCH'));
  if (purpose === 'fetch') trace.output({id: `raw-items:${group.id}`, kind: 'RawItemBatch', hash: rawDigest, schema: 'raw-items/v1'});
  trace.output({id: `source-runs:fetch:${group.id}`, kind: 'SourceRun', hash: runsDigest});
  trace.report(...diagnostics.filter((d) => d.severity !== 'info'));
  return {
    ...base,
    dry_run: false,
    results: log.results,
    raw_items_digest: rawDigest,
    source_runs_digest: runsDigest,
    diagnostics,
    exitCode: exitCodeOf(diagnostics),
    totals: log.totals,
  };
}

/** The loaded sources config, or the ConfigError that names its first error. */
function validSourcesConfig(loaded: LoadedSourcesConfig): LoadedSourcesConfig {
  if (loaded.ok) return loaded;
  const first = loaded.diagnostics.find((d) => d.severity === 'error');
  throw new ConfigError(first?.code ?? 'SOURCES_INVALID', first?.message ?? 'config/sources.yaml is invalid', {
    hint: first?.hint,
    diagnostics: loaded.diagnostics,
  });
}

/** Which sources get a SourceRun row (`rows`, in fetch order), which of them are fetched, and why the others are skipped. */
interface FetchPlan {
  rows: ResolvedSource[];
  selected: ResolvedSource[];
  skipReason: (s: ResolvedSource) => string | null;
}

/** Applies --source, --tier and --include-disabled; an unknown or (for a fetch) disabled --source is a usage error. */
function planFetch(loaded: LoadedSourcesConfig, opts: FetchSourcesOptions, purpose: Purpose): FetchPlan {
  const ordered = fetchOrder(loaded.sources);
  const byId = new Map(ordered.map((s) => [s.id, s]));
  const wanted = [...new Set(opts.sourceIds ?? [])];
  for (const id of wanted) {
    const s = byId.get(requireSource([...byId.keys()], id, opts.sourceIdsGivenAs ?? '--source'))!;
    if (!s.enabled && purpose === 'fetch' && !opts.includeDisabled) {
      throw new UsageError('SOURCE_DISABLED', `--source: source "${id}" is disabled`, {hint: `set enabled: true for it, or try it with \`hardstop sources test ${id}\``});
    }
  }
  // Rows are written for every enabled source; selected ones are fetched, the others skipped.
  const rows = purpose === 'test' ? ordered.filter((s) => wanted.includes(s.id)) : ordered.filter((s) => s.enabled || opts.includeDisabled);
  const skipReason = (s: ResolvedSource): string | null => {
    if (wanted.length && !wanted.includes(s.id)) return `not selected (--source ${wanted.join(', ')})`;
    if (opts.tier && s.tier !== opts.tier) return `not selected (--tier ${opts.tier})`;
    return null;
  };
  return {rows, selected: rows.filter((s) => skipReason(s) === null), skipReason};
}

function noEnabledSource(): Diagnostic {
  return {
    code: 'SOURCES_NONE_ENABLED',
    severity: 'error',
    message: 'no enabled source in config/sources.yaml',
    hint: 'add a source or set enabled: true on one',
    file: 'config/sources.yaml',
  };
}

type SummaryBase = Pick<FetchSummary, 'run_group_id' | 'purpose' | 'since' | 'seed' | 'jitter_seconds' | 'planned'>;

/** A dry run fetches and stores nothing: the refs name what would have been fetched. */
function dryRunSummary(group: RunGroup, trace: OperatorTrace, base: SummaryBase, planned: number, diagnostics: Diagnostic[]): FetchSummary {
  trace.output(hashRef(`raw-items:${group.id}`, 'RawItemBatch', `dry-run||${planned}`));
  trace.output(hashRef(`source-runs:fetch:${group.id}`, 'SourceRun', `${group.id}||dry-run||${planned}`));
  trace.report(...diagnostics);
  return {
    ...base,
    dry_run: true,
    results: [],
    raw_items_digest: sha256Hex(`dry-run||${planned}`),
    source_runs_digest: sha256Hex(`${group.id}||dry-run||${planned}`),
    diagnostics,
    exitCode: exitCodeOf(diagnostics),
    totals: {sources: planned, succeeded: 0, failed: 0, skipped: 0, items: 0, new: 0, bytes: 0},
  };
}

/**
 * Goes through the plan's rows in fetch order: fetches the selected sources one at a time and
 * writes a SKIPPED row for the rest (and for every source after a failure under --fail-fast).
 * Returns the id of the source that stopped a --fail-fast run, else null.
 */
async function fetchEachSource(
  plan: FetchPlan,
  log: SourceRunLog,
  opts: FetchSourcesOptions,
  diagnostics: Diagnostic[],
  trace: OperatorTrace,
  fetchOne: (source: ResolvedSource, state: FetchState | null) => Promise<SourceFetchOutcome>,
): Promise<string | null> {
  const selectedIds = new Set(plan.selected.map((s) => s.id));
  const total = plan.selected.length;
  let index = 0;
  let failFastAfter: string | null = null;
  for (const source of plan.rows) {
    if (!selectedIds.has(source.id)) {
      log.skipped(source, plan.skipReason(source) ?? 'not selected');
      continue;
    }
    if (failFastAfter !== null) {
      log.skipped(source, `not fetched (--fail-fast after ${failFastAfter} failed)`);
      continue;
    }
    opts.onProgress?.({index, total, source_id: source.id, phase: 'start'});
    const at = log.runAt();
    const o = await fetchOne(source, log.fetchState(source));
    const r = log.fetched(source, o, at);
    diagnostics.push(...outcomeDiagnostics(source, o));
    if (o.status !== 'SUCCESS' && opts.failFast && failFastAfter === null) failFastAfter = source.id;
    trace.bytesIn += o.bytes_downloaded;
    opts.onProgress?.({index, total, source_id: source.id, phase: 'done', result: r});
    index++;
  }
  return failFastAfter;
}

type DedupeCounts = {new: number; duplicate: number; retried: number};

/**
 * The stored side of one fetch: a FETCH SourceRun per source (written in the same transaction
 * as that source's raw items), the per-source results and the totals. Rows of a pinned clock
 * get distinct, increasing run_at instants one microsecond apart.
 */
class SourceRunLog {
  readonly results: SourceFetchResult[] = [];
  readonly totals: FetchSummary['totals'];
  private position = 0;

  constructor(
    private readonly store: Store,
    private readonly runGroupId: string,
    private readonly clock: Clock,
    private readonly purpose: Purpose,
    selected: number,
  ) {
    this.totals = {sources: selected, succeeded: 0, failed: 0, skipped: 0, items: 0, new: 0, bytes: 0};
  }

  runAt(): string {
    return this.clock.pinned ? formatInstant(this.clock.now() + this.position++) : this.clock.nowText();
  }

  /** What an earlier fetch remembered (validators, the last document); `sources test` neither uses nor keeps it. */
  fetchState(source: ResolvedSource): FetchState | null {
    if (this.purpose !== 'fetch') return null;
    const state = getFetchState(this.store, source.id);
    // A FAILED item is retried when its source delivers it again (operations.md §5.1), so a
    // source holding one parses its next document even when that is unchanged.
    return state?.document && hasFailedRawItems(this.store, source.id) ? {...state, document: null} : state;
  }

  skipped(source: ResolvedSource, reason: string): void {
    const at = this.runAt();
    this.store.write(() =>
      insertSourceRun(this.store, {
        run_group_id: this.runGroupId,
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
    this.totals.skipped++;
    this.results.push({
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
      unchanged_document: false,
      duration_ms: 0,
      run_at: at,
      attempts: 0,
      reason,
    });
  }

  /** Stores a fetched source's items (or, for `sources test`, previews their dedupe action) and its SourceRun, in one transaction. */
  fetched(source: ResolvedSource, o: SourceFetchOutcome, at: string): SourceFetchResult {
    const counts: DedupeCounts = {new: 0, duplicate: 0, retried: 0};
    const preview: NonNullable<SourceFetchResult['items']> = [];
    this.store.write(() => {
      if (o.status === 'SUCCESS') {
        if (this.purpose === 'fetch') this.storeItems(source, o, at, counts);
        else this.previewItems(source, o, counts, preview);
      }
      insertSourceRun(this.store, {
        run_group_id: this.runGroupId,
        source_id: source.id,
        phase: 'FETCH',
        run_at: at,
        status: o.status,
        status_code: o.status_code,
        error: o.error,
        duration_ms: o.duration_ms,
        items_fetched: itemsSeen(o),
        items_new: counts.new,
        bytes_downloaded: o.bytes_downloaded,
        diagnostics: sourceRunDiagnostics(o, counts, this.purpose),
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
      items_fetched: itemsSeen(o),
      items_new: counts.new,
      items_duplicate: counts.duplicate,
      items_retried: counts.retried,
      bytes_downloaded: o.bytes_downloaded,
      not_modified: o.not_modified,
      unchanged_document: o.unchanged_document,
      duration_ms: o.duration_ms,
      run_at: at,
      attempts: o.attempts.length,
    };
    if (this.purpose === 'test') r.items = preview;
    this.results.push(r);
    if (o.status === 'SUCCESS') this.totals.succeeded++;
    else this.totals.failed++;
    this.totals.items += r.items_fetched;
    this.totals.new += r.items_new;
    this.totals.bytes += r.bytes_downloaded;
    return r;
  }

  /**
   * Records each item with its lineage (an unchanged document's items as sightings), and
   * remembers the feed's conditional-GET validators and the document.
   */
  private storeItems(source: ResolvedSource, o: SourceFetchOutcome, at: string, counts: DedupeCounts): void {
    const meta = {sourceId: source.id, tier: source.tier, trustTier: source.trust_tier, runGroupId: this.runGroupId, fetchedAt: at};
    const recorded: RememberedItem[] = [];
    o.items.forEach((item, i) => {
      const r = recordCandidate(this.store, meta, item);
      tally(counts, r.action);
      recorded.push([r.raw_id, r.content_hash, o.items_published[i]]);
    });
    for (const [rawId, contentHash] of o.sighted) tally(counts, recordSighting(this.store, meta, rawId, contentHash));
    putFetchState(this.store, {
      source_id: source.id,
      etag: o.validators?.etag ?? null,
      last_modified: o.validators?.last_modified ?? null,
      url: source.url,
      updated_at: at,
      document: documentToRemember(o, recorded),
    });
  }

  /** The dedupe action each item would get, storing nothing; an id seen earlier in the same feed is a duplicate. */
  private previewItems(source: ResolvedSource, o: SourceFetchOutcome, counts: DedupeCounts, preview: NonNullable<SourceFetchResult['items']>): void {
    const seen = new Set<string>();
    for (const item of o.items) {
      const p = previewAction(this.store, source.id, item);
      const action: FetchAction = seen.has(p.raw_id) ? 'DUPLICATE' : p.action;
      tally(counts, action);
      seen.add(p.raw_id);
      preview.push({canonical_id: item.canonical_id, title: item.title, url: item.url, published_at: item.published_at, action});
    }
  }
}

function tally(counts: DedupeCounts, action: FetchAction): void {
  if (action === 'NEW') counts.new++;
  else if (action === 'DUPLICATE') counts.duplicate++;
  else counts.retried++;
}

/** The run-level verdicts: a --fail-fast stop, or every selected source failing. */
function closingDiagnostics(failFastAfter: string | null, selected: number, failed: number): Diagnostic[] {
  if (failFastAfter !== null) {
    return [
      {
        code: 'FETCH_FAIL_FAST',
        severity: 'error',
        message: `--fail-fast: stopped after ${failFastAfter} failed`,
        hint: 'the remaining sources have SKIPPED SourceRuns; rerun without --fail-fast to fetch them anyway',
      },
    ];
  }
  if (selected > 0 && failed === selected) {
    return [
      {
        code: 'FETCH_ALL_FAILED',
        severity: 'error',
        message: `all ${selected} source(s) failed to fetch`,
        hint: 'see the per-source errors above; `hardstop sources health` shows the history',
      },
    ];
  }
  return [];
}

function exitCodeOf(diagnostics: readonly Diagnostic[]): ExitCode {
  if (diagnostics.some((d) => d.severity === 'error')) return ExitCode.BROKEN;
  return diagnostics.some((d) => d.severity === 'warning') ? ExitCode.WARNING : ExitCode.HEALTHY;
}
