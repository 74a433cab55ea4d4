import {UsageError} from '../kernel/errors.js';
import {type EpochMicros, MICROS_PER_HOUR, parseIsoInstant, parseSinceWindow} from '../kernel/time.js';
import type {Store} from '../store/db.js';
import {suppressionAuditOfSource} from '../store/read-models-repo.js';
import {newestSourceRuns, sourceIdsWithRuns, sourceRunsSince, type SourceRunRow} from '../store/source-runs-repo.js';
import type {ResolvedSource} from './config.js';

/**
 * Source health (operations.md §6, TS contract §6.4). One implementation shared by
 * `sources health`, `doctor`, readiness and run status.
 */

export type BudgetState = 'HEALTHY' | 'WATCH' | 'BLOCKED';
export type DisplayState = BudgetState | 'PENDING';
/** What gating (readiness, run status, doctor) uses: PENDING and IGNORED never block. */
export type GatingState = BudgetState | 'PENDING' | 'IGNORED';

/** Default stale threshold of `sources health` / `run` / doctor (hours). */
export const DEFAULT_STALE_HOURS = 48;
/** Default lookback: the 10 most recent FETCH rows. */
export const DEFAULT_LOOKBACK: Lookback = {count: 10};
/** Fewer FETCH rows than this in the window cap the gating state at WATCH (§6.4). */
export const MIN_GATING_SAMPLE = 3;

export type Lookback = {count: number} | {micros: EpochMicros; text: string};

/** `--lookback`: a run count (`10`) or a time window (`7d`, `48h`). */
export function parseLookback(text: string | undefined | null): Lookback {
  if (text === undefined || text === null || text === '') return DEFAULT_LOOKBACK;
  if (/^\s*\d+\s*$/.test(text)) {
    const n = Number(text);
    if (n >= 1) return {count: n};
  }
  const w = parseSinceWindow(text);
  if (w && w.hours > 0) return {micros: w.micros, text: text.trim().toLowerCase()};
  throw new UsageError('USAGE_BAD_LOOKBACK', `--lookback: "${text}" is neither a run count nor a window`, {
    hint: '--lookback takes a number of runs (10) or a time window (7d, 48h)',
  });
}

/** The inputs of the pure scoring function. */
export interface ScoreInput {
  success_rate: number;
  stale_hours: number | null;
  consecutive_failures: number;
  last_status_code: number | null;
  last_error: string | null;
  avg_bytes_downloaded: number | null;
  dedupe_rate: number | null;
  suppression_ratio: number | null;
  avg_duration_seconds: number | null;
}

export interface HealthScore {
  score: number;
  state: BudgetState;
  factors: string[];
}

/** Budget state from a score: ≥ 80 HEALTHY, ≥ 50 WATCH, else BLOCKED. */
export function budgetState(score: number): BudgetState {
  return score >= 80 ? 'HEALTHY' : score >= 50 ? 'WATCH' : 'BLOCKED';
}

/** The pure score (operations.md §6.2; vectors OPS-34..41). */
export function scoreHealth(m: ScoreInput, staleThresholdHours = DEFAULT_STALE_HOURS): HealthScore {
  let score = 100;
  const factors: string[] = [];
  const deduct = (n: number, f: string) => {
    score -= n;
    factors.push(f);
  };
  if (m.success_rate < 0.25) deduct(50, 'success_rate<25%');
  else if (m.success_rate < 0.5) deduct(35, 'success_rate<50%');
  else if (m.success_rate < 0.7) deduct(20, 'success_rate<70%');
  else if (m.success_rate < 0.9) deduct(10, 'success_rate<90%');
  if (m.stale_hours === null) deduct(15, 'no_success_history');
  else if (m.stale_hours > staleThresholdHours) deduct(25, 'stale_over_threshold');
  else if (m.stale_hours > staleThresholdHours / 2) deduct(10, 'stale_trending');
  if (m.consecutive_failures >= 3) deduct(25, 'failure_streak>=3');
  else if (m.consecutive_failures === 2) deduct(10, 'failure_streak_two');
  if (m.last_status_code !== null && m.last_status_code >= 500) deduct(20, 'last_status_5xx');
  else if (m.last_status_code !== null && m.last_status_code >= 400) deduct(10, 'last_status_4xx');
  if (m.last_error) deduct(10, 'recent_error');
  if (m.avg_bytes_downloaded !== null && m.avg_bytes_downloaded === 0) deduct(5, 'zero_bytes');
  else if (m.avg_bytes_downloaded !== null && m.avg_bytes_downloaded < 500) deduct(3, 'tiny_payloads');
  if (m.dedupe_rate !== null && m.dedupe_rate > 0.9) deduct(5, 'dedupe>90%');
  if (m.suppression_ratio !== null && m.suppression_ratio > 0.85) deduct(10, 'suppression>85%');
  else if (m.suppression_ratio !== null && m.suppression_ratio > 0.6) deduct(5, 'suppression>60%');
  if (m.avg_duration_seconds !== null && m.avg_duration_seconds > 15) deduct(5, 'slow_fetch>15s');
  score = Math.max(0, Math.min(100, score));
  return {score, state: budgetState(score), factors};
}

export interface LastIngest {
  processed: number;
  suppressed: number;
  events: number;
  alerts: number;
  suppression_reason_counts: Record<string, number>;
}

/** One source's health: the API/export row shape plus the TS additions. */
export interface SourceHealth extends ScoreInput {
  source_id: string;
  tier: string | null;
  type: string | null;
  enabled: boolean;
  tags: string[];
  /** False for history of a source no longer in the configuration (`--all`). */
  configured: boolean;
  last_success_utc: string | null;
  last_failure_utc: string | null;
  last_items_fetched: number;
  last_items_new: number;
  last_ingest: LastIngest;
  is_stale: boolean;
  health_score: number;
  health_budget_state: BudgetState;
  health_factors: string[];
  never_fetched: boolean;
  display_state: DisplayState;
  gating_state: GatingState;
  /** FETCH rows (SKIPPED excluded) in the window. */
  sample_size: number;
}

export interface HealthOptions {
  now: EpochMicros;
  lookback?: Lookback;
  staleHours?: number;
  /** Also report sources that have history but are no longer configured. */
  includeUnconfigured?: boolean;
}

type Row = SourceRunRow & {seq: number; micros: number};

function withMicros(rows: (SourceRunRow & {seq: number})[]): Row[] {
  return rows
    .map((r) => ({...r, micros: parseIsoInstant(r.run_at)?.micros ?? 0}))
    .sort((a, b) => b.micros - a.micros || b.seq - a.seq);
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function mean(xs: number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

const EMPTY_INGEST: LastIngest = {processed: 0, suppressed: 0, events: 0, alerts: 0, suppression_reason_counts: {}};

/** Health of one source from its rows (pure; `fetchRows`/`ingestRows` in any order). */
export function healthFromRows(
  identity: {source_id: string; tier: string | null; type: string | null; enabled: boolean; tags: string[]; configured: boolean},
  fetchRowsIn: (SourceRunRow & {seq: number})[],
  ingestRowsIn: (SourceRunRow & {seq: number})[],
  opts: HealthOptions,
): SourceHealth {
  const staleHours = opts.staleHours ?? DEFAULT_STALE_HOURS;
  const lookback = opts.lookback ?? DEFAULT_LOOKBACK;
  const all = withMicros(fetchRowsIn).filter((r) => r.status !== 'SKIPPED');
  const window = 'count' in lookback ? all.slice(0, lookback.count) : all.filter((r) => r.micros >= opts.now - lookback.micros);
  const ingest = withMicros(ingestRowsIn);
  const lastIngestRow = ingest[0];
  const lastIngest: LastIngest = lastIngestRow
    ? {
        processed: lastIngestRow.items_processed,
        suppressed: lastIngestRow.items_suppressed,
        events: lastIngestRow.items_events_created,
        alerts: lastIngestRow.items_alerts_touched,
        suppression_reason_counts: (lastIngestRow.diagnostics.suppression_reason_counts as Record<string, number> | undefined) ?? {},
      }
    : {...EMPTY_INGEST, suppression_reason_counts: {}};
  const suppression_ratio = lastIngest.processed > 0 ? lastIngest.suppressed / lastIngest.processed : null;

  if (all.length === 0) {
    // Never fetched: the reference's placeholder (score 30, BLOCKED) kept for compatibility,
    // shown as PENDING and ignored by gating.
    const input: ScoreInput = {
      success_rate: 0,
      stale_hours: null,
      consecutive_failures: 0,
      last_status_code: null,
      last_error: null,
      avg_bytes_downloaded: 0,
      dedupe_rate: null,
      suppression_ratio,
      avg_duration_seconds: null,
    };
    const s = scoreHealth(input, staleHours);
    return {
      ...identity,
      ...input,
      last_success_utc: null,
      last_failure_utc: null,
      last_items_fetched: 0,
      last_items_new: 0,
      last_ingest: lastIngest,
      is_stale: true,
      health_score: s.score,
      health_budget_state: s.state,
      health_factors: s.factors,
      never_fetched: true,
      display_state: 'PENDING',
      gating_state: identity.enabled && identity.configured ? 'PENDING' : 'IGNORED',
      sample_size: 0,
    };
  }

  const successes = window.filter((r) => r.status === 'SUCCESS');
  const success_rate = window.length ? successes.length / window.length : 0;
  const lastSuccessAll = all.find((r) => r.status === 'SUCCESS');
  const lastFailure = window.find((r) => r.status === 'FAILURE');
  let consecutive_failures = 0;
  for (const r of window) {
    if (r.status === 'SUCCESS') break;
    consecutive_failures++;
  }
  const newest = window[0];
  const last_status_code = newest?.status_code ?? window.find((r) => r.status_code !== null)?.status_code ?? null;
  const last_error = newest && newest.status === 'FAILURE' ? (newest.error ?? 'fetch failed') : null;
  const itemsRow = successes[0] ?? newest;
  const byteRows = window.filter((r) => r.bytes_downloaded > 0 || (r.status === 'SUCCESS' && r.diagnostics.not_modified !== true));
  const avg_bytes_downloaded = mean(byteRows.map((r) => r.bytes_downloaded));
  const dedupeRates: number[] = [];
  for (const r of window) {
    const seen = num(r.diagnostics.items_seen);
    const dropped = num(r.diagnostics.dedupe_dropped);
    if (seen !== null && seen > 0 && dropped !== null) dedupeRates.push(dropped / seen);
  }
  const durations = window.map((r) => (r.duration_ms ?? 0) / 1000).filter((d) => d > 0);
  const stale_hours = lastSuccessAll ? Math.max(0, (opts.now - lastSuccessAll.micros) / MICROS_PER_HOUR) : null;
  const input: ScoreInput = {
    success_rate,
    stale_hours,
    consecutive_failures,
    last_status_code,
    last_error,
    avg_bytes_downloaded,
    dedupe_rate: mean(dedupeRates),
    suppression_ratio,
    avg_duration_seconds: mean(durations),
  };
  const s = scoreHealth(input, staleHours);
  let gating: GatingState = s.state;
  if (!identity.enabled || !identity.configured) gating = 'IGNORED';
  else if (s.state === 'BLOCKED' && window.length < MIN_GATING_SAMPLE) gating = 'WATCH';
  return {
    ...identity,
    ...input,
    last_success_utc: lastSuccessAll?.run_at ?? null,
    last_failure_utc: lastFailure?.run_at ?? null,
    last_items_fetched: itemsRow?.items_fetched ?? 0,
    last_items_new: itemsRow?.items_new ?? 0,
    last_ingest: lastIngest,
    is_stale: stale_hours === null || stale_hours > staleHours,
    health_score: s.score,
    health_budget_state: s.state,
    health_factors: s.factors,
    never_fetched: false,
    display_state: s.state,
    gating_state: gating,
    sample_size: window.length,
  };
}

/**
 * Health of every configured source (config order), never-fetched ones included; with
 * `includeUnconfigured`, also sources that only have history. `store` may be undefined (no
 * database yet): every configured source is then pending.
 */
export function computeSourceHealth(store: Store | undefined, sources: readonly ResolvedSource[], opts: HealthOptions): SourceHealth[] {
  const out: SourceHealth[] = [];
  const lookback = opts.lookback ?? DEFAULT_LOOKBACK;
  // What healthFromRows reads, and no more (a cron home gathers rows every few minutes): the
  // lookback window, the newest success (staleness) when the window has none, a fetch at all
  // when both are empty (never fetched or not), and the newest INGEST row.
  const fetchRowsOf = (id: string): (SourceRunRow & {seq: number})[] => {
    if (!store) return [];
    const rows: (SourceRunRow & {seq: number})[] =
      'count' in lookback
        ? newestSourceRuns(store, id, 'FETCH', lookback.count, {notSkipped: true})
        : sourceRunsSince(store, id, 'FETCH', opts.now - lookback.micros, {notSkipped: true});
    if (!rows.some((r) => r.status === 'SUCCESS')) rows.push(...newestSourceRuns(store, id, 'FETCH', 1, {status: 'SUCCESS'}));
    if (rows.length === 0) rows.push(...newestSourceRuns(store, id, 'FETCH', 1, {notSkipped: true}));
    return rows;
  };
  const ingestRowsOf = (id: string) => (store ? newestSourceRuns(store, id, 'INGEST', 1) : []);
  const healthOf = (identity: Parameters<typeof healthFromRows>[0]) => healthFromRows(identity, fetchRowsOf(identity.source_id), ingestRowsOf(identity.source_id), opts);
  for (const s of sources) out.push(healthOf({source_id: s.id, tier: s.tier, type: s.type, enabled: s.enabled, tags: s.tags, configured: true}));
  if (opts.includeUnconfigured && store) {
    const known = new Set(sources.map((s) => s.id));
    for (const id of sourceIdsWithRuns(store, 'FETCH')) {
      if (known.has(id)) continue;
      out.push(healthOf({source_id: id, tier: null, type: null, enabled: false, tags: [], configured: false}));
    }
  }
  return out;
}

const DISPLAY_RANK: Record<DisplayState, number> = {BLOCKED: 0, WATCH: 1, PENDING: 2, HEALTHY: 3};
const TIER_RANK: Record<string, number> = {global: 0, regional: 1, local: 2};

/** Display order: BLOCKED, WATCH, PENDING, HEALTHY; then tier; then score descending; then input order. */
export function sortForDisplay(rows: readonly SourceHealth[]): SourceHealth[] {
  return rows
    .map((r, i) => ({r, i}))
    .sort(
      (a, b) =>
        DISPLAY_RANK[a.r.display_state] - DISPLAY_RANK[b.r.display_state] ||
        (TIER_RANK[a.r.tier ?? ''] ?? 3) - (TIER_RANK[b.r.tier ?? ''] ?? 3) ||
        b.r.health_score - a.r.health_score ||
        a.i - b.i,
    )
    .map((x) => x.r);
}

/** What gating needs: enabled configured sources only; pending sources never block. */
export interface HealthGate {
  blocked: string[];
  watch: string[];
  pending: string[];
}

export function healthGate(rows: readonly SourceHealth[]): HealthGate {
  const gate: HealthGate = {blocked: [], watch: [], pending: []};
  for (const r of rows) {
    if (r.gating_state === 'BLOCKED') gate.blocked.push(r.source_id);
    else if (r.gating_state === 'WATCH') gate.watch.push(r.source_id);
    else if (r.gating_state === 'PENDING') gate.pending.push(r.source_id);
  }
  return gate;
}

export interface SuppressionGroup {
  reason: string;
  count: number;
  rule_ids: string[];
  samples: {raw_id: string; title: string | null; suppressed_at: string}[];
}

export interface SuppressionExplanation {
  source_id: string;
  window_hours: number;
  groups: SuppressionGroup[];
}

/**
 * `--explain-suppress`: the source's suppressed items decided within `windowMicros` of now,
 * grouped by reason code (else primary rule id, else `unknown`), top 5 groups by count (ties:
 * first seen, newest first), each with distinct primary rule ids and up to 3 newest samples.
 */
export function explainSuppression(store: Store | undefined, sourceId: string, opts: {now: EpochMicros; windowMicros: EpochMicros}): SuppressionExplanation {
  const result: SuppressionExplanation = {source_id: sourceId, window_hours: opts.windowMicros / MICROS_PER_HOUR, groups: []};
  if (!store) return result;
  const rows = suppressionAuditOfSource(store, sourceId);
  const cutoff = opts.now - opts.windowMicros;
  const recent = rows
    .map((r) => ({...r, micros: parseIsoInstant(r.decided_at)?.micros ?? 0}))
    .filter((r) => r.micros >= cutoff)
    .sort((a, b) => b.micros - a.micros || b.seq - a.seq);
  const groups = new Map<string, SuppressionGroup & {ruleSet: Set<string>}>();
  for (const r of recent) {
    const reason = r.primary_reason_code || r.primary_rule_id || 'unknown';
    let g = groups.get(reason);
    if (!g) {
      g = {reason, count: 0, rule_ids: [], samples: [], ruleSet: new Set()};
      groups.set(reason, g);
    }
    g.count++;
    if (r.primary_rule_id) g.ruleSet.add(r.primary_rule_id);
    if (g.samples.length < 3) g.samples.push({raw_id: r.raw_id, title: r.title, suppressed_at: r.decided_at});
  }
  result.groups = [...groups.values()]
    .map((g, i) => ({g, i}))
    .sort((a, b) => b.g.count - a.g.count || a.i - b.i)
    .slice(0, 5)
    .map(({g}) => ({reason: g.reason, count: g.count, rule_ids: [...g.ruleSet].sort(), samples: g.samples}));
  return result;
}

/**
 * A stale source: it fetched successfully once, but not within the stale threshold. (A source
 * that never succeeded is failing, not stale.)
 */
export function isStaleSource(r: SourceHealth): boolean {
  return r.is_stale && !r.never_fetched && r.stale_hours !== null;
}

function failuresText(r: SourceHealth): string {
  return r.consecutive_failures > 0 ? `, ${r.consecutive_failures} failure(s) in a row` : '';
}

/** "a (168 h)": a stale source and the hours since its last success (and its failures since). */
function staleId(r: SourceHealth): string {
  return `${r.source_id} (${Math.round(r.stale_hours ?? 0)} h${failuresText(r)})`;
}

/**
 * The gating sources in words, one phrase per kind, most serious first: sources that spent
 * their failure budget; stale sources (no successful fetch within the threshold — cron may
 * have stopped, or the feed went quiet), with hours since their last success; and sources on
 * WATCH for other reasons (failures, error rate), near their failure budget. A stale source is
 * also on WATCH by its score, but "near its failure budget" would send the reader to the feed's
 * errors when none failed.
 */
export function gatePhrases(rows: readonly SourceHealth[], staleHours: number = DEFAULT_STALE_HOURS): {blocked: string | null; stale: string | null; watch: string | null} {
  const gating = rows.filter((r) => r.enabled && r.configured);
  const blocked = gating.filter((r) => r.gating_state === 'BLOCKED');
  const stale = gating.filter((r) => r.gating_state !== 'BLOCKED' && isStaleSource(r));
  const watch = gating.filter((r) => r.gating_state === 'WATCH' && !isStaleSource(r));
  return {
    blocked: blocked.length ? `${blocked.length} source(s) exhausted their failure budget: ${blocked.map((r) => r.source_id).join(', ')}` : null,
    stale: stale.length ? `${stale.length} source(s) stale (no successful fetch within ${staleHours} h): ${stale.map(staleId).join(', ')}` : null,
    watch: watch.length ? `${watch.length} source(s) near their failure budget: ${watch.map((r) => r.source_id).join(', ')}` : null,
  };
}

/** One source's reason for being on WATCH, for its own diagnostic. */
export function watchReason(r: SourceHealth, staleHours: number = DEFAULT_STALE_HOURS): string {
  if (isStaleSource(r)) return `source ${r.source_id} is stale: no successful fetch for ${Math.round(r.stale_hours ?? 0)} h (threshold ${staleHours} h${failuresText(r)})`;
  return `source ${r.source_id} is near its failure budget (health score ${r.health_score}${failuresText(r)})`;
}
