import type {IncomingMessage, ServerResponse} from 'node:http';
import {LoopbackServer} from './loopback-server.js';

export const LINEAR_API_KEY = 'lin_api_fakekey0123456789abcdefghijklmnop';

export interface FakeIssue {
  id: string;
  identifier: string;
  teamId: string;
  title: string;
  description: string;
  priority: number;
  labelIds: string[];
  projectId: string | null;
  updates: number;
}
export interface FakeComment {
  id: string;
  issueId: string;
  body: string;
}
export interface FakeAttachment {
  id: string;
  issueId: string;
  url: string;
  title: string;
  metadata: Record<string, unknown>;
  upserts: number;
}

/** A scripted answer for the next request of a root field (`issueCreate`, `issue`, …). */
export type LinearScripted =
  | {rateLimited: {resetInMs: number}}
  | {error: {type: string; code: string; message: string}; status?: number}
  | {hang: true}
  | {reset: true}
  /** Apply the request, then break the connection before answering (it took effect). */
  | {applyThenReset: true};

class GraphqlFailure extends Error {
  constructor(
    readonly type: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (entity: string) => new GraphqlFailure('invalid input', 'INPUT_ERROR', `Entity not found: ${entity}`);

/**
 * A fake Linear GraphQL endpoint on 127.0.0.1 implementing what Hardstop's notifier sends:
 * `issueCreate` with a client id (a second create with the same id is an error), `issue`,
 * `issueUpdate`, `commentCreate` with an id (likewise), `comment`, `attachmentCreate` as an
 * upsert on (issue, url), `attachmentsForURL` and `team`. Errors come as Linear sends them:
 * GraphQL errors with `extensions.type`/`code`, rate limits as HTTP 400 `RATELIMITED` with
 * the reset header in epoch milliseconds.
 */
export class FakeLinear {
  readonly teamId = '9cfb482a-81e3-4154-b5b9-2c805e70a02d';
  readonly issues = new Map<string, FakeIssue>();
  readonly comments = new Map<string, FakeComment>();
  readonly attachments: FakeAttachment[] = [];
  readonly requests: {field: string; authorization: string | undefined; variables: Record<string, unknown>; query: string}[] = [];
  private readonly script: {field: string; answer: LinearScripted}[] = [];
  private server!: LoopbackServer;
  private seq = 0;
  latencyMs = 0;
  onRequest: ((field: string) => void) | null = null;

  static async start(): Promise<FakeLinear> {
    const f = new FakeLinear();
    f.server = await LoopbackServer.listen((req, res) => void f.handle(req, res));
    return f;
  }

  get port(): number {
    return this.server.port;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  enqueue(field: string, answer: LinearScripted, times = 1): void {
    for (let i = 0; i < times; i++) this.script.push({field, answer});
  }

  reset(): void {
    this.issues.clear();
    this.comments.clear();
    this.attachments.length = 0;
    this.requests.length = 0;
    this.script.length = 0;
  }

  commentsOf(issueId: string): FakeComment[] {
    return [...this.comments.values()].filter((c) => c.issueId === issueId);
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: {query?: string; variables?: Record<string, unknown>};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return this.answer(res, 400, {errors: [{message: 'Body is not JSON', extensions: {type: 'invalid input', code: 'INPUT_ERROR'}}]});
    }
    const query = body.query ?? '';
    const field = /\{\s*(\w+)/.exec(query)?.[1] ?? '';
    const variables = body.variables ?? {};
    this.requests.push({field, authorization: req.headers.authorization, variables, query});
    this.onRequest?.(field);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const i = this.script.findIndex((s) => s.field === field);
    const scripted = i >= 0 ? this.script.splice(i, 1)[0].answer : null;
    if (scripted && 'hang' in scripted) return;
    if (scripted && 'reset' in scripted) {
      req.socket.destroy();
      return;
    }
    if (scripted && 'rateLimited' in scripted) {
      const resetAt = Date.now() + scripted.rateLimited.resetInMs;
      res.writeHead(400, {
        'content-type': 'application/json',
        'x-ratelimit-requests-limit': '1500',
        'x-ratelimit-requests-remaining': '0',
        'x-ratelimit-requests-reset': String(resetAt),
      });
      res.end(JSON.stringify({errors: [{message: 'Rate limit exceeded', extensions: {type: 'ratelimited', code: 'RATELIMITED', userPresentableMessage: 'Rate limit exceeded'}}]}));
      return;
    }
    if (scripted && 'error' in scripted) {
      const e = scripted.error;
      return this.answer(res, scripted.status ?? 400, {errors: [{message: e.message, extensions: {type: e.type, code: e.code, userPresentableMessage: e.message}}], data: null});
    }
    if (req.headers.authorization !== LINEAR_API_KEY) {
      return this.answer(res, 400, {errors: [{message: 'Authentication required, not authenticated', extensions: {type: 'authentication error', code: 'AUTHENTICATION_ERROR', userPresentableMessage: 'You need to authenticate to access this operation.'}}]});
    }
    let data: unknown;
    try {
      data = {[field]: this.resolve(field, variables)};
    } catch (err) {
      if (!(err instanceof GraphqlFailure)) throw err;
      return this.answer(res, 200, {errors: [{message: err.message, path: [field], extensions: {type: err.type, code: err.code, userPresentableMessage: err.message}}], data: null});
    }
    if (scripted && 'applyThenReset' in scripted) {
      req.socket.destroy();
      return;
    }
    this.answer(res, 200, {data});
  }

  private answer(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, {'content-type': 'application/json'});
    res.end(JSON.stringify(body));
  }

  private view(i: FakeIssue) {
    return {id: i.id, identifier: i.identifier, url: `https://linear.example/issue/${i.identifier}`, description: i.description};
  }

  private resolve(field: string, v: Record<string, unknown>): unknown {
    const input = (v.input ?? {}) as Record<string, unknown>;
    switch (field) {
      case 'team':
        if (v.id !== this.teamId) throw notFound('Team');
        return {id: this.teamId, key: 'OPS', name: 'Operations'};
      case 'issue': {
        const issue = this.issues.get(String(v.id));
        if (!issue) throw notFound('Issue');
        return this.view(issue);
      }
      case 'issueCreate': {
        const id = String(input.id ?? `generated-${++this.seq}`);
        if (this.issues.has(id)) throw new GraphqlFailure('invalid input', 'INPUT_ERROR', 'Argument Validation Error: an issue with this id already exists');
        if (input.teamId !== this.teamId) throw new GraphqlFailure('invalid input', 'INPUT_ERROR', 'Argument Validation Error: teamId must be a valid team');
        const issue: FakeIssue = {
          id,
          identifier: `OPS-${this.issues.size + 1}`,
          teamId: String(input.teamId),
          title: String(input.title ?? ''),
          description: String(input.description ?? ''),
          priority: Number(input.priority ?? 0),
          labelIds: (input.labelIds as string[]) ?? [],
          projectId: (input.projectId as string) ?? null,
          updates: 0,
        };
        this.issues.set(id, issue);
        return {success: true, issue: this.view(issue)};
      }
      case 'issueUpdate': {
        const issue = this.issues.get(String(v.id));
        if (!issue) throw notFound('Issue');
        Object.assign(issue, {title: input.title ?? issue.title, description: input.description ?? issue.description, priority: input.priority ?? issue.priority});
        issue.updates++;
        return {success: true};
      }
      case 'commentCreate': {
        const id = String(input.id ?? `comment-${++this.seq}`);
        if (this.comments.has(id)) throw new GraphqlFailure('invalid input', 'INPUT_ERROR', 'Argument Validation Error: a comment with this id already exists');
        if (!this.issues.has(String(input.issueId))) throw notFound('Issue');
        this.comments.set(id, {id, issueId: String(input.issueId), body: String(input.body ?? '')});
        return {success: true, comment: {id}};
      }
      case 'comment': {
        const c = this.comments.get(String(v.id));
        if (!c) throw notFound('Comment');
        return {id: c.id};
      }
      case 'attachmentCreate': {
        const issueId = String(input.issueId);
        if (!this.issues.has(issueId)) throw notFound('Issue');
        let a = this.attachments.find((x) => x.issueId === issueId && x.url === input.url);
        if (!a) {
          a = {id: `attachment-${++this.seq}`, issueId, url: String(input.url), title: '', metadata: {}, upserts: 0};
          this.attachments.push(a);
        }
        Object.assign(a, {title: String(input.title ?? ''), metadata: (input.metadata as Record<string, unknown>) ?? {}});
        a.upserts++;
        return {success: true, attachment: {id: a.id}};
      }
      case 'attachmentsForURL':
        return {
          nodes: this.attachments
            .filter((a) => a.url === v.url)
            .map((a) => ({id: a.id, url: a.url, metadata: a.metadata, issue: this.view(this.issues.get(a.issueId)!)})),
        };
      default:
        throw new GraphqlFailure('graphql error', 'GRAPHQL_VALIDATION_FAILED', `Cannot query field "${field}" on type "Query"`);
    }
  }
}
