import {LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebClient, type Logger} from '@slack/web-api';
import {parseIsoInstant} from '../../kernel/time.js';
import type {DeliveryRow, RemoteHandle} from '../../store/ledger/delivery-ledger.js';
import type {SlackSinkConfig} from '../config/model.js';
import {SLACK_API_URL} from '../config/model.js';
import type {DeliveryItem, InDoubtResolution, Notifier, RemoteError, SendOutcome} from '../notifier.js';
import {testMessage, type SlackMessage} from './blocks.js';
import {renderSlack, type SlackMetadata, type SlackRendered} from './render.js';
import {EDIT_FALLBACK_ERRORS, isRetryable, slackError, transportErrorName} from './slack-errors.js';

/** The SDK logs nothing: every outcome is reported by the pipeline, secret-free. */
const SILENT: Logger = {debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {}};

type Failure = {kind: 'retryable'; error: RemoteError; retryAfterMs?: number} | {kind: 'terminal'; error: RemoteError};

interface HistoryMessage {
  ts?: string;
  metadata?: {event_type?: string; event_payload?: {delivery_key?: string}};
}

/** Seconds before `last_attempt_at` the in-doubt search starts (sinks.md §4). */
const LOOKBACK_S = 60;

/**
 * Slack Web API (sinks.md §6.1): `chat.postMessage` with metadata carrying the delivery key,
 * `chat.update` / thread replies for later versions, and in-doubt lookups through
 * `conversations.history` / `conversations.replies` with `include_all_metadata`. The SDK's own
 * retries are off and rate-limited calls are rejected, so the pipeline's schedule decides.
 */
export class SlackWebApiNotifier implements Notifier<SlackRendered> {
  readonly wantsDigest: boolean;
  private readonly client: WebClient;
  private readonly channel: string;

  constructor(
    readonly sink: SlackSinkConfig,
    token: string,
    fetchFn?: typeof globalThis.fetch,
  ) {
    this.wantsDigest = sink.digest;
    this.channel = sink.channel ?? '';
    this.client = new WebClient(token, {
      slackApiUrl: `${(sink.apiUrl ?? SLACK_API_URL).replace(/\/+$/, '')}/`,
      retryConfig: {retries: 0},
      rejectRateLimitedCalls: true,
      timeout: sink.timeoutMs,
      logger: SILENT,
      ...(fetchFn ? {fetch: fetchFn as never} : {}),
    });
  }

  render(item: DeliveryItem): SlackRendered {
    return renderSlack(item);
  }

  async send(r: SlackRendered, item: DeliveryItem): Promise<SendOutcome> {
    const root = item.previous?.slack_ts ?? null;
    if (item.kind !== 'alert' || root === null || this.sink.updates === 'new_message') return this.post(r.message, r.metadata);
    if (this.sink.updates === 'thread') {
      const reply = await this.call('chat.postMessage', {channel: this.channel, thread_ts: root, text: r.message.text, blocks: r.message.blocks, metadata: r.metadata});
      if (reply.kind !== 'ok') return reply.error.name === 'thread_not_found' ? this.fallback(r, reply.error.name) : reply;
      return {kind: 'delivered', handle: {slack_channel: this.channel, slack_ts: root, slack_reply_ts: String(reply.data.ts)}};
    }
    // Edit first (its metadata now names this delivery), then announce the change in the thread:
    // a crash between the two leaves a findable, correct message and at worst no reply.
    const updated = await this.call('chat.update', {channel: this.channel, ts: root, text: r.message.text, blocks: r.message.blocks, metadata: r.metadata});
    if (updated.kind !== 'ok') return EDIT_FALLBACK_ERRORS.has(updated.error.name) ? this.fallback(r, updated.error.name) : updated;
    let replyTs: string | null = null;
    if (r.reply) {
      const reply = await this.call('chat.postMessage', {channel: this.channel, thread_ts: root, text: r.reply.text, blocks: r.reply.blocks, metadata: r.metadata});
      if (reply.kind !== 'ok') return reply;
      replyTs = String(reply.data.ts);
    }
    return {kind: 'delivered', handle: {slack_channel: this.channel, slack_ts: root, slack_reply_ts: replyTs}};
  }

  private async fallback(r: SlackRendered, cause: string): Promise<SendOutcome> {
    const out = await this.post(r.message, r.metadata);
    return out.kind === 'delivered' ? {...out, fallback: `${cause}→new_message`} : out;
  }

  private async post(m: SlackMessage, metadata: SlackMetadata): Promise<SendOutcome> {
    const res = await this.call('chat.postMessage', {channel: this.channel, text: m.text, blocks: m.blocks, metadata, unfurl_links: false, unfurl_media: false});
    if (res.kind !== 'ok') return res;
    return {kind: 'delivered', handle: {slack_channel: this.channel, slack_ts: String(res.data.ts)}};
  }

  async resolveInDoubt(row: DeliveryRow, previous: DeliveryRow | null): Promise<InDoubtResolution> {
    const match = (m: HistoryMessage) => m.metadata?.event_payload?.delivery_key === row.delivery_key;
    const root = previous?.slack_ts ?? null;
    if (root !== null) {
      // Edits rewrite the root's metadata and replies live in its thread: both are answered here.
      const found = await this.search('conversations.replies', {ts: root}, match);
      if (found === 'error' || found !== null) return this.settle(found, (ts) => ({slack_channel: this.channel, slack_ts: root, slack_reply_ts: ts === root ? null : ts}));
    }
    const lastMicros = row.last_attempt_at ? (parseIsoInstant(row.last_attempt_at)?.micros ?? 0) : 0;
    const found = await this.search('conversations.history', {oldest: String(Math.max(0, Math.floor(lastMicros / 1e6) - LOOKBACK_S))}, match);
    return this.settle(found, (ts) => ({slack_channel: this.channel, slack_ts: ts}));
  }

  async recoverRecent(sinceSeconds: number): Promise<{kind: 'ok'; found: Map<string, RemoteHandle>} | {kind: 'error'; error: RemoteError}> {
    const found = new Map<string, RemoteHandle>();
    const r = await this.search('conversations.history', {oldest: String(Math.floor(sinceSeconds))}, (m) => {
      const key = m.metadata?.event_payload?.delivery_key;
      if (m.ts && key && m.metadata?.event_type?.startsWith('hardstop_') && !found.has(key)) found.set(key, {slack_channel: this.channel, slack_ts: m.ts});
      return false;
    });
    return r === 'error' ? {kind: 'error', error: this.lastLookupError!.error} : {kind: 'ok', found};
  }

  private lastLookupError: Failure | null = null;

  private settle(found: string | null | 'error', handle: (ts: string) => Record<string, string | null>): InDoubtResolution {
    if (found === 'error') {
      const f = this.lastLookupError!;
      return {kind: 'error', error: f.error, retryable: f.kind === 'retryable'};
    }
    return found === null ? {kind: 'absent'} : {kind: 'found', handle: handle(found)};
  }

  /** Pages through a history method; the ts of the first matching message, null, or 'error'. */
  private async search(method: 'conversations.history' | 'conversations.replies', args: Record<string, unknown>, match: (m: HistoryMessage) => boolean): Promise<string | null | 'error'> {
    let cursor: string | undefined;
    do {
      const res = await this.call(method, {channel: this.channel, include_all_metadata: true, limit: 200, ...args, ...(cursor ? {cursor} : {})});
      if (res.kind !== 'ok') {
        this.lastLookupError = res;
        return 'error';
      }
      const hit = ((res.data.messages ?? []) as HistoryMessage[]).find(match);
      if (hit?.ts) return hit.ts;
      cursor = (res.data.response_metadata as {next_cursor?: string} | undefined)?.next_cursor || undefined;
    } while (cursor);
    return null;
  }

  async test(at: string): Promise<SendOutcome> {
    const m = testMessage(this.sink.id, at);
    const res = await this.call('chat.postMessage', {channel: this.channel, text: m.text, blocks: m.blocks});
    if (res.kind !== 'ok') return res;
    return {kind: 'delivered', handle: {slack_channel: this.channel, slack_ts: String(res.data.ts)}};
  }

  /** One Web API call; every failure becomes a typed outcome with Slack's error name verbatim. */
  private async call(method: string, args: Record<string, unknown>): Promise<{kind: 'ok'; data: Record<string, unknown>} | Failure> {
    try {
      return {kind: 'ok', data: (await this.client.apiCall(method, args)) as unknown as Record<string, unknown>};
    } catch (err) {
      if (err instanceof WebAPIRateLimitedError) {
        return {kind: 'retryable', error: slackError(this.sink, 'ratelimited', `${method}: rate limited (Retry-After ${err.retryAfter} s)`), retryAfterMs: err.retryAfter * 1000};
      }
      if (err instanceof WebAPIPlatformError) {
        const name = String(err.data.error ?? 'unknown_error');
        const e = slackError(this.sink, name, `${method}: ${name}`);
        return isRetryable(name) ? {kind: 'retryable', error: e} : {kind: 'terminal', error: e};
      }
      if (err instanceof WebAPIHTTPError) {
        const name = err.statusCode === 429 ? 'ratelimited' : `http_${err.statusCode}`;
        const e = slackError(this.sink, name, `${method}: HTTP ${err.statusCode}`);
        return isRetryable(name, err.statusCode) ? {kind: 'retryable', error: e} : {kind: 'terminal', error: e};
      }
      const message = (err as Error)?.message ?? '';
      if (/rate limit/i.test(message)) return {kind: 'retryable', error: slackError(this.sink, 'ratelimited', `${method}: rate limited without a readable Retry-After`)};
      const name = transportErrorName(err);
      return {kind: 'retryable', error: slackError(this.sink, name, `${method}: ${name === 'timeout' ? `no answer within ${this.sink.timeoutMs} ms` : 'connection failed'}`)};
    }
  }
}
