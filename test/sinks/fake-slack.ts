import type {IncomingMessage, ServerResponse} from 'node:http';
import {LoopbackServer} from './loopback-server.js';

/** A request the fake received, body parsed (form fields holding JSON are decoded). */
export interface Recorded {
  path: string;
  method: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface FakeMessage {
  ts: string;
  channel: string;
  text: string;
  blocks: unknown[];
  metadata: {event_type: string; event_payload: Record<string, unknown>} | null;
  thread_ts: string | null;
  edits: number;
}

/** A scripted answer for the next matching request instead of the normal behaviour. */
export type Scripted =
  | {status: number; body: string | Record<string, unknown>; headers?: Record<string, string>}
  | {hang: true}
  | {reset: true}
  /** Behave normally, then break the connection before the answer (the request took effect). */
  | {applyThenReset: true};

export const WEBHOOK_PATH = '/services/T0FAKE/B0FAKE/fakewebhooksecret0123';
export const BOT_TOKEN = 'xoxb-fake-bot-token-0123456789';

/**
 * A fake Slack on 127.0.0.1: an incoming webhook and the Web API methods Hardstop calls
 * (chat.postMessage with metadata, chat.update, conversations.history/replies with
 * include_all_metadata). Records every request; answers from a script queue when one matches.
 */
export class FakeSlack {
  readonly requests: Recorded[] = [];
  readonly messages: FakeMessage[] = [];
  readonly webhookPosts: {text: string; blocks: unknown[]}[] = [];
  private readonly script: {match: string; answer: Scripted}[] = [];
  private server!: LoopbackServer;
  private seq = 0;
  /** Answer every n-th Web API request with 429 Retry-After: 1 (the bench's rate-limit storm). */
  rateLimitEvery = 0;
  /** Milliseconds before each answer (widens the window a crash trial can hit mid-request). */
  latencyMs = 0;
  /** Called on every request as it arrives (crash trials time their kill from the first one). */
  onRequest: ((path: string) => void) | null = null;

  static async start(): Promise<FakeSlack> {
    const f = new FakeSlack();
    f.server = await LoopbackServer.listen((req, res) => void f.handle(req, res));
    return f;
  }

  get port(): number {
    return this.server.port;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }
  get webhookUrl(): string {
    return `http://127.0.0.1:${this.port}${WEBHOOK_PATH}`;
  }

  /** Queue an answer for the next request whose path ends with `match` (`chat.postMessage`, `/services/…`). */
  enqueue(match: string, answer: Scripted, times = 1): void {
    for (let i = 0; i < times; i++) this.script.push({match, answer});
  }

  /** Forgets every request and message (a new trial). */
  reset(): void {
    this.requests.length = 0;
    this.messages.length = 0;
    this.webhookPosts.length = 0;
    this.script.length = 0;
  }

  topLevel(eventType = 'hardstop_alert'): FakeMessage[] {
    return this.messages.filter((m) => m.thread_ts === null && m.metadata?.event_type === eventType);
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').split('?')[0];
    const body = parseBody(raw, req.headers['content-type'] ?? '');
    this.requests.push({path, method: req.method ?? '', authorization: req.headers.authorization, body});
    this.onRequest?.(path);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const i = this.script.findIndex((s) => path.endsWith(s.match));
    let scripted = i >= 0 ? this.script.splice(i, 1)[0].answer : null;
    if (!scripted && this.rateLimitEvery > 0 && this.requests.length % this.rateLimitEvery === 0) {
      scripted = {status: 429, body: '', headers: {'retry-after': '1'}};
    }
    if (scripted && 'hang' in scripted) return;
    if (scripted && 'reset' in scripted) {
      req.socket.destroy();
      return;
    }
    if (scripted && 'status' in scripted) {
      res.writeHead(scripted.status, {'content-type': typeof scripted.body === 'string' ? 'text/plain' : 'application/json', ...scripted.headers});
      res.end(typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body));
      return;
    }
    const [status, answer] = this.normal(path, body, req.headers.authorization);
    if (scripted && 'applyThenReset' in scripted) {
      req.socket.destroy();
      return;
    }
    res.writeHead(status, {'content-type': typeof answer === 'string' ? 'text/plain' : 'application/json'});
    res.end(typeof answer === 'string' ? answer : JSON.stringify(answer));
  }

  private nextTs(): string {
    this.seq++;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  private normal(path: string, b: Record<string, unknown>, auth: string | undefined): [number, string | Record<string, unknown>] {
    if (path === WEBHOOK_PATH) {
      if (!b.text) return [400, 'no_text'];
      this.webhookPosts.push({text: String(b.text), blocks: (b.blocks as unknown[]) ?? []});
      return [200, 'ok'];
    }
    if (!path.startsWith('/api/')) return [404, 'not_found'];
    if (auth !== `Bearer ${BOT_TOKEN}`) return [200, {ok: false, error: 'invalid_auth'}];
    const method = path.slice('/api/'.length);
    const channel = String(b.channel ?? '');
    if (method === 'chat.postMessage') {
      if (!b.text) return [200, {ok: false, error: 'no_text'}];
      const m: FakeMessage = {ts: this.nextTs(), channel, text: String(b.text), blocks: (b.blocks as unknown[]) ?? [], metadata: (b.metadata as FakeMessage['metadata']) ?? null, thread_ts: (b.thread_ts as string) ?? null, edits: 0};
      this.messages.push(m);
      return [200, {ok: true, channel, ts: m.ts, message: {text: m.text}}];
    }
    if (method === 'chat.update') {
      const m = this.messages.find((x) => x.ts === b.ts && x.channel === channel);
      if (!m) return [200, {ok: false, error: 'message_not_found'}];
      Object.assign(m, {text: String(b.text), blocks: (b.blocks as unknown[]) ?? m.blocks, metadata: (b.metadata as FakeMessage['metadata']) ?? m.metadata, edits: m.edits + 1});
      return [200, {ok: true, channel, ts: m.ts}];
    }
    if (method === 'conversations.history' || method === 'conversations.replies') {
      const withMeta = b.include_all_metadata === true || b.include_all_metadata === 'true';
      const oldest = Number(b.oldest ?? 0);
      let list =
        method === 'conversations.history'
          ? this.messages.filter((m) => m.channel === channel && m.thread_ts === null && Number(m.ts) >= oldest).reverse()
          : this.messages.filter((m) => m.channel === channel && (m.ts === b.ts || m.thread_ts === b.ts));
      const start = Number(b.cursor ?? 0);
      const limit = Number(b.limit ?? 100);
      const page = list.slice(start, start + limit);
      const next = start + limit < list.length ? String(start + limit) : '';
      list = page;
      return [200, {ok: true, messages: list.map((m) => ({ts: m.ts, text: m.text, ...(withMeta && m.metadata ? {metadata: m.metadata} : {})})), has_more: next !== '', response_metadata: {next_cursor: next}}];
    }
    return [200, {ok: false, error: 'unknown_method'}];
  }
}

function parseBody(raw: string, type: string): Record<string, unknown> {
  if (raw === '') return {};
  if (type.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = (k === 'blocks' || k === 'metadata') && (v.startsWith('{') || v.startsWith('[')) ? JSON.parse(v) : v === 'true' ? true : v;
  }
  return out;
}
