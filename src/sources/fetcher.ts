import {createHash} from 'node:crypto';
import {readFileSync, statSync} from 'node:fs';
import {extname} from 'node:path';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {DiagnosticCode} from '../kernel/diagnostic-codes.js';
import {fsErrorReason, HardstopError} from '../kernel/errors.js';
import {type AttemptOutcome, runWithRetry} from '../kernel/retry.js';
import {type EpochMicros, formatInstant, parseIsoInstant} from '../kernel/time.js';
import type {Home} from '../config/home.js';
import type {FetchState, RememberedDocument, RememberedItem} from '../store/fetch-state-repo.js';
import {resolveFileUrl, type ResolvedSource} from './config.js';
import {FeedError} from './adapters/feed-error.js';
import {FetchFailure} from './fetch-failure.js';
import type {HttpGetOptions, HttpResult} from './http-client.js';
import type {ParsedFeed, ParseFeedOptions} from './parse-feed.js';
import {type FetchClock, type HostRateLimiter, type PlannedDelay, realSleeper, RETRY_AFTER_CAP_MS} from './rate-limit.js';
import type {RawItemCandidate, SourceType} from '../model/raw-item.js';

export type ParseFeedFn = (bytes: Uint8Array, opts: ParseFeedOptions) => ParsedFeed | Promise<ParsedFeed>;
export type HttpGetFn = (url: string, opts: HttpGetOptions) => Promise<HttpResult>;

/** Everything the fetcher touches in the outside world, injectable for tests. */
export interface FetcherDeps {
  sleeper: FetchClock;
  parse: ParseFeedFn;
  http: HttpGetFn;
}

// The parsers and the HTTP client load on first use: a run whose documents are all unchanged
// (the every-few-minutes cron run) needs neither, and they are a fifth of the code it loads.
const parseOnDemand: ParseFeedFn = async (bytes, opts) => (await import('./parse-feed.js')).parseFeed(bytes, opts);
const httpOnDemand: HttpGetFn = async (url, opts) => (await import('./http-client.js')).httpGet(url, opts);

export const defaultFetcherDeps: FetcherDeps = {sleeper: realSleeper, parse: parseOnDemand, http: httpOnDemand};

/** Per-run settings shared by every source of a fetch. */
export interface FetchRunSettings {
  home: Home;
  noNetwork: boolean;
  maxRedirects: number;
  /** Retries after the first attempt (connection errors, timeouts, 5xx, 429). */
  retries: number;
  maxItemBytes: number;
  /** Seed of the run's PRNGs (jitter, backoff). */
  seed: number;
  limiter: HostRateLimiter;
  /** The run clock's now, for the --since window. */
  now: EpochMicros;
  /** `--since` window in microseconds; null = no window. */
  sinceMicros: number | null;
  /** `--max-items` when given (overrides the source's max_items). */
  maxItemsOverride?: number;
  /** Record planned waits as zero (strict mode: timings are not part of deterministic output). */
  zeroWaits: boolean;
  /** Identity of the parsing code (the build): a new build parses an unchanged document again. */
  codeId: string;
}

/** One attempt at fetching a source, as recorded in SourceRun diagnostics. */
export interface AttemptRecord {
  attempt: number;
  status_code: number | null;
  error_code: string | null;
  /** Backoff waited after this attempt before the next one (0 for the last). */
  wait_ms: number;
}

export interface SourceFetchOutcome {
  source_id: string;
  status: 'SUCCESS' | 'FAILURE';
  status_code: number | null;
  error: string | null;
  error_code: DiagnosticCode | null;
  error_hint: string | null;
  /** Candidates kept after the --since window and the max-items cut, in document order. */
  items: RawItemCandidate[];
  /** Each kept candidate's publication instant as the window judged it (parallel to `items`; null: undated). */
  items_published: (EpochMicros | null)[];
  items_in_feed: number;
  since_dropped: number;
  /** Items dated more than FUTURE_TOLERANCE_MICROS after the run clock: skipped. */
  future_dropped: number;
  max_items_dropped: number;
  bytes_downloaded: number;
  not_modified: boolean;
  attempts: AttemptRecord[];
  rate_limit: {wait_ms: number; jitter_ms: number};
  format: string | null;
  final_url: string | null;
  parse_diagnostics: Diagnostic[];
  /** ITEM_FROM_FUTURE / ITEM_AHEAD_OF_CLOCK: judged against the run clock, not the document. */
  clock_diagnostics: Diagnostic[];
  /** Validators to remember for the next conditional GET (http sources that sent them). */
  validators: {etag: string | null; last_modified: string | null} | null;
  /** The document was byte-identical to the last one taken whole: not parsed, its items are `sighted`. */
  unchanged_document: boolean;
  /** An unchanged document's recorded items kept by this fetch's window (recorded again as sightings). */
  sighted: RememberedItem[];
  /**
   * What to remember of this document for the next fetch (FetchState); null = parse the next
   * one. After a parse its `items` are empty: the caller adds each item as it records it. After
   * a 304 or an unchanged document it is the remembered one, items included.
   */
  document: RememberedDocument | null;
  duration_ms: number;
}

const ACCEPT: Record<SourceType, string> = {
  rss: 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
  nws_alerts: 'application/geo+json, application/json;q=0.9, */*;q=0.5',
  nws_cap: 'application/atom+xml, application/cap+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
  fema: 'application/json, application/xml;q=0.8, */*;q=0.5',
  fsis: 'application/json, application/rss+xml;q=0.8, */*;q=0.5',
  nga_msi: 'application/xml, application/json;q=0.9, */*;q=0.5',
};

function contentTypeForFile(path: string): string | null {
  const ext = extname(path.replace(/\.gz$/i, '')).toLowerCase();
  if (ext === '.json' || ext === '.geojson') return 'application/json';
  if (ext === '.xml' || ext === '.rss' || ext === '.atom' || ext === '.cap') return 'application/xml';
  return null;
}

function isFileUrl(url: string): boolean {
  return /^file:\/\//i.test(url);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}

function header(headers: HttpResult['headers'], name: string): string | null {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

function failureOutcome(base: SourceFetchOutcome, err: unknown): SourceFetchOutcome {
  if (err instanceof FetchFailure) {
    return {...base, status: 'FAILURE', status_code: err.statusCode ?? base.status_code, error: err.message, error_code: err.code, error_hint: err.hint ?? null, bytes_downloaded: base.bytes_downloaded + err.bytes};
  }
  if (err instanceof HardstopError) {
    return {...base, status: 'FAILURE', error: err.message, error_code: err.code, error_hint: err.hint ?? null};
  }
  return {...base, status: 'FAILURE', error: (err as Error)?.message ?? String(err), error_code: 'FETCH_INTERNAL', error_hint: null};
}

/** Reads a `file://` source under the home, with the same byte cap as HTTP. */
function readFileSource(source: ResolvedSource, home: Home): {body: Uint8Array; contentType: string | null} {
  const r = resolveFileUrl(source.url, home);
  if ('error' in r) throw new FetchFailure('FILE_OUTSIDE_HOME', `${source.url}: ${r.error}`, {hint: 'file:// sources must stay inside the home folder'});
  let size: number;
  try {
    const st = statSync(r.path);
    if (!st.isFile()) throw new FetchFailure('FILE_NOT_FOUND', `${home.rel(r.path)} is not a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof FetchFailure) throw err;
    throw new FetchFailure('FILE_NOT_FOUND', `${home.rel(r.path)} does not exist`, {hint: 'check the file:// URL (paths are relative to the home)'});
  }
  if (size > source.max_bytes) {
    throw new FetchFailure('FETCH_TOO_LARGE', `${home.rel(r.path)} is ${size} bytes, above the ${source.max_bytes}-byte cap`, {
      hint: 'raise max_bytes for this source if the file is legitimately this large',
    });
  }
  try {
    const buf = readFileSync(r.path);
    // A view, not a copy: the body can be megabytes.
    return {body: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), contentType: contentTypeForFile(r.path)};
  } catch (err) {
    throw new FetchFailure('FILE_UNREADABLE', `cannot read ${home.rel(r.path)}: ${fsErrorReason(err)}`, {cause: err});
  }
}

/** The fetcher's retries (operations.md §4.4) on the kernel's one schedule: about 1–1.5 s, then 2–3 s. */
export const FETCH_RETRY_SCHEDULE = {baseMs: 1250, factor: 2, maxDelayMs: RETRY_AFTER_CAP_MS, jitter: 0.2} as const;

type Exchange = {attempts: AttemptRecord[]; rateLimit: SourceFetchOutcome['rate_limit']} & ({result: HttpResult} | {error: unknown});

/**
 * GETs one network source: every attempt waits its turn at the per-host limiter, retryable
 * failures (connection, timeout, 5xx, 429) wait the seeded schedule (or a longer Retry-After)
 * keyed by the source id, and each attempt is recorded with the wait that followed it.
 */
async function requestWithRetries(source: ResolvedSource, settings: FetchRunSettings, headers: Record<string, string>, deps: FetcherDeps): Promise<Exchange> {
  const host = hostOf(source.url);
  const attempts: AttemptRecord[] = [];
  let rateLimit = {wait_ms: 0, jitter_ms: 0};
  let lastError: unknown = null;
  const run = await runWithRetry<HttpResult>(
    {
      policy: {maxAttempts: settings.retries + 1, ...FETCH_RETRY_SCHEDULE},
      seed: String(settings.seed),
      key: source.id,
      sleeper: (ms) => deps.sleeper.sleep(ms),
    },
    async (attempt): Promise<AttemptOutcome<HttpResult>> => {
      const delay: PlannedDelay = await settings.limiter.acquire(host);
      if (attempt === 1 && !settings.zeroWaits) rateLimit = {wait_ms: delay.wait_ms, jitter_ms: delay.jitter_ms};
      try {
        const result = await deps.http(source.url, {
          headers,
          timeoutMs: source.timeout_seconds * 1000,
          maxBytes: source.max_bytes,
          maxRedirects: settings.maxRedirects,
        });
        attempts.push({attempt, status_code: result.status, error_code: null, wait_ms: 0});
        return {kind: 'ok', value: result};
      } catch (err) {
        lastError = err;
        const f = err instanceof FetchFailure ? err : null;
        attempts.push({attempt, status_code: f?.statusCode ?? null, error_code: (err as HardstopError).code ?? 'FETCH_INTERNAL', wait_ms: 0});
        if (f === null || !f.retryable) return {kind: 'terminal', cause: f?.code ?? 'FETCH_INTERNAL'};
        return {kind: 'retryable', cause: f.code, ...(f.retryAfterMs === null ? {} : {retryAfterMs: f.retryAfterMs})};
      }
    },
  );
  for (const w of run.waits) attempts[w.attempt - 1].wait_ms = w.delayMs;
  return run.outcome.kind === 'ok' ? {attempts, rateLimit, result: run.outcome.value} : {attempts, rateLimit, error: lastError};
}

/**
 * Fetches and parses one source: no storage here. Network sources go through the per-host
 * rate limiter, conditional GET validators (`state`, null to fetch unconditionally), retries
 * with seeded backoff, and the byte cap; the body is parsed with `parseFeed`, then the
 * `--since` window (items without a date are kept) and the max-items cut are applied.
 * Never throws for source-level problems: they come back as a FAILURE outcome.
 */
export async function fetchSource(
  source: ResolvedSource,
  settings: FetchRunSettings,
  state: FetchState | null,
  deps: FetcherDeps = defaultFetcherDeps,
): Promise<SourceFetchOutcome> {
  const t0 = deps.sleeper.now();
  let out: SourceFetchOutcome = {
    source_id: source.id,
    status: 'SUCCESS',
    status_code: null,
    error: null,
    error_code: null,
    error_hint: null,
    items: [],
    items_published: [],
    items_in_feed: 0,
    since_dropped: 0,
    future_dropped: 0,
    max_items_dropped: 0,
    bytes_downloaded: 0,
    not_modified: false,
    attempts: [],
    rate_limit: {wait_ms: 0, jitter_ms: 0},
    format: null,
    final_url: null,
    parse_diagnostics: [],
    clock_diagnostics: [],
    validators: null,
    unchanged_document: false,
    sighted: [],
    document: null,
    duration_ms: 0,
  };
  const done = (o: SourceFetchOutcome) => ({...o, duration_ms: Math.max(0, Math.round(deps.sleeper.now() - t0))});
  let body: Uint8Array;
  let contentType: string | null = null;
  let baseUrl: string | null = null;
  if (isFileUrl(source.url)) {
    try {
      const f = readFileSource(source, settings.home);
      body = f.body;
      contentType = f.contentType;
      out.bytes_downloaded = body.length;
      out.attempts.push({attempt: 1, status_code: null, error_code: null, wait_ms: 0});
    } catch (err) {
      out.attempts.push({attempt: 1, status_code: null, error_code: (err as HardstopError).code ?? 'FETCH_INTERNAL', wait_ms: 0});
      return done(failureOutcome(out, err));
    }
  } else {
    if (settings.noNetwork) {
      return done(
        failureOutcome(
          out,
          new FetchFailure('NETWORK_DISABLED', `--no-network refuses ${source.url}`, {hint: 'run without --no-network, or point the source at a file:// URL'}),
        ),
      );
    }
    const headers: Record<string, string> = {
      'user-agent': source.user_agent,
      accept: ACCEPT[source.type],
      'accept-encoding': 'gzip, deflate',
    };
    if (state && state.url === source.url) {
      if (state.etag) headers['if-none-match'] = state.etag;
      if (state.last_modified) headers['if-modified-since'] = state.last_modified;
    }
    const exchange = await requestWithRetries(source, settings, headers, deps);
    out.attempts = exchange.attempts;
    out.rate_limit = exchange.rateLimit;
    if ('error' in exchange) return done(failureOutcome(out, exchange.error));
    const result = exchange.result;
    out.status_code = result.status;
    out.final_url = result.finalUrl !== source.url ? result.finalUrl : null;
    out.bytes_downloaded = result.wireBytes;
    const etag = header(result.headers, 'etag');
    const lastModified = header(result.headers, 'last-modified');
    if (result.status === 304) {
      out.not_modified = true;
      out.validators = state ? {etag: etag ?? state.etag, last_modified: lastModified ?? state.last_modified} : {etag, last_modified: lastModified};
      out.document = state?.url === source.url ? state.document : null;
      return done(out);
    }
    out.validators = etag || lastModified ? {etag, last_modified: lastModified} : {etag: null, last_modified: null};
    body = result.body;
    contentType = header(result.headers, 'content-type');
    baseUrl = result.finalUrl;
  }

  const maxItems = settings.maxItemsOverride ?? source.max_items;
  const parseOptions: ParseFeedOptions = {
    type: source.type,
    contentType,
    maxItemBytes: settings.maxItemBytes,
    maxBytes: source.max_bytes,
    baseUrl,
    // Without a window the cut can happen while parsing; with one it must follow the filter.
    ...(settings.sinceMicros === null ? {maxItems} : {}),
  };
  const digest = documentDigest(source.url, settings.codeId, {parseOptions, maxItems}, body);
  const cutoff = settings.sinceMicros === null ? null : settings.now - settings.sinceMicros;
  const remembered = sameDocument(state, source.url, digest, cutoff);
  if (remembered) {
    // What its parse would give, from what the last one recorded: the same items, counted
    // against this run's clock and window.
    const w = windowItems(remembered.items, (r) => r[2], settings.now, cutoff, maxItems);
    return done({
      ...out,
      unchanged_document: true,
      sighted: w.kept,
      format: remembered.format,
      parse_diagnostics: remembered.parse_diagnostics,
      items_in_feed: remembered.items_in_feed,
      since_dropped: remembered.since_dropped + w.since_dropped,
      future_dropped: w.future_dropped,
      max_items_dropped: w.max_items_dropped,
      clock_diagnostics: futureDiagnostics(w.future_dropped, w.ahead, settings.now),
      document: remembered,
    });
  }
  let parsed: ParsedFeed;
  try {
    parsed = await deps.parse(body, parseOptions);
  } catch (err) {
    const code = err instanceof FeedError ? err.code : 'FEED_MALFORMED';
    const wrapped =
      err instanceof HardstopError ? err : new FeedError('FEED_MALFORMED', `feed cannot be read: ${(err as Error)?.message ?? String(err)}`, {cause: err});
    out.validators = null;
    return done({...failureOutcome(out, wrapped), error_code: code});
  }
  out.format = parsed.format;
  out.parse_diagnostics = parsed.diagnostics;
  out.items_in_feed = parsed.items.length;
  const w = windowItems(parsed.items, publishedMicros, settings.now, cutoff, maxItems);
  out.future_dropped = w.future_dropped;
  out.since_dropped = w.since_dropped;
  out.max_items_dropped = w.max_items_dropped;
  if (parsed.truncated) {
    const entries = parsed.diagnostics.find((d) => d.code === 'FEED_TRUNCATED')?.details?.entries;
    if (typeof entries === 'number') {
      out.items_in_feed = entries;
      out.max_items_dropped += entries - parsed.items.length;
    }
  }
  out.items = w.kept;
  out.items_published = w.keptPublished;
  out.clock_diagnostics = futureDiagnostics(out.future_dropped, w.ahead, settings.now);
  // Only a document taken whole is remembered: its warnings must be said (and exit 1) again,
  // and items cut by max-items or skipped as from the future may be taken by a later run.
  const quiet = (d: Diagnostic) => d.severity === 'info';
  const whole = out.parse_diagnostics.every(quiet) && out.max_items_dropped === 0 && out.future_dropped === 0;
  out.document = whole
    ? {
        digest,
        format: out.format,
        parse_diagnostics: out.parse_diagnostics,
        items_in_feed: out.items_in_feed,
        since_dropped: out.since_dropped,
        since: out.since_dropped > 0 && cutoff !== null ? formatInstant(cutoff) : null,
        items: [],
      }
    : null;
  return done(out);
}

/** An item's publication instant as the window judges it (null: undated, always kept). */
function publishedMicros(item: RawItemCandidate): EpochMicros | null {
  return item.published_at ? (parseIsoInstant(item.published_at)?.micros ?? null) : null;
}

/**
 * The run clock and the `--since` window over a document's items (docs/FEEDS.md): items more
 * than FUTURE_TOLERANCE_MICROS after the clock are skipped, items before the window dropped,
 * then the max-items cut; undated items are kept.
 */
function windowItems<T>(items: readonly T[], published: (item: T) => EpochMicros | null, now: EpochMicros, cutoff: EpochMicros | null, maxItems: number) {
  const w = {kept: [] as T[], keptPublished: [] as (EpochMicros | null)[], future_dropped: 0, ahead: 0, since_dropped: 0, max_items_dropped: 0};
  for (const item of items) {
    const p = published(item);
    if (p !== null && p > now + FUTURE_TOLERANCE_MICROS) {
      w.future_dropped++;
      continue;
    }
    if (p !== null && p > now) w.ahead++;
    if (cutoff !== null && p !== null && p < cutoff) {
      w.since_dropped++;
      continue;
    }
    if (w.kept.length >= maxItems) {
      w.max_items_dropped++;
      continue;
    }
    w.kept.push(item);
    w.keptPublished.push(p);
  }
  return w;
}

/**
 * SHA-256 of everything a parse depends on: the code, the source URL, the parse options and
 * the document's bytes. Equal digests give equal parses.
 */
function documentDigest(url: string, codeId: string, options: {parseOptions: ParseFeedOptions; maxItems: number}, body: Uint8Array): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({code: codeId, url, options}));
  h.update('\0');
  h.update(body);
  return h.digest('hex');
}

/**
 * The remembered document, when this one is byte-identical to it (same parse inputs). When
 * that fetch's `--since` window dropped items, they stay out only if this window starts no
 * earlier; otherwise the document is parsed again.
 */
function sameDocument(state: FetchState | null, url: string, digest: string, cutoff: EpochMicros | null): RememberedDocument | null {
  const doc = state?.url === url ? state.document : null;
  if (!doc || doc.digest !== digest) return null;
  if (doc.since === null) return doc;
  const since = parseIsoInstant(doc.since);
  return cutoff !== null && since !== null && cutoff >= since.micros ? doc : null;
}

/**
 * Items from the future (docs/FEEDS.md): a feed cannot report what has not happened by the run
 * clock, and a clock pinned in the past (`--now`) must not admit later items. Up to 24 hours
 * ahead is kept (clock skew, a mislabelled time zone) and said as info; beyond, the item is
 * skipped and counted.
 */
export const FUTURE_TOLERANCE_MICROS = 24 * 3_600_000_000;

function futureDiagnostics(dropped: number, ahead: number, now: number): Diagnostic[] {
  const clock = formatInstant(now);
  const out: Diagnostic[] = [];
  if (dropped > 0) {
    out.push({
      code: 'ITEM_FROM_FUTURE',
      severity: 'warning',
      message: `${dropped} item(s) dated more than 24 h after the run clock (${clock}) skipped`,
      hint: 'check --now (a clock pinned in the past skips later items) or the feed\'s dates',
      details: {count: dropped},
    });
  }
  if (ahead > 0) {
    out.push({code: 'ITEM_AHEAD_OF_CLOCK', severity: 'info', message: `${ahead} item(s) dated up to 24 h after the run clock (${clock}) kept`, details: {count: ahead}});
  }
  return out;
}
