import {LinearClient} from '@linear/sdk';
import {WallClock} from '../../kernel/clock.js';
import type {DeliveryRow, RemoteHandle} from '../../store/ledger/delivery-ledger.js';
import type {LinearSinkConfig} from '../config/model.js';
import {LINEAR_API_URL} from '../config/model.js';
import type {DeliveryItem, InDoubtResolution, Notifier, SendOutcome} from '../notifier.js';
import {isNotFound, linearFailure, type LinearFailure} from './linear-errors.js';
import {linearAttachmentUrl, linearCommentId} from './linear-ids.js';
import {linearDescription, parseFooter, renderLinear, type LinearRendered} from './render.js';

/**
 * The GraphQL documents Hardstop sends: each asks only for the fields it reads, so a call costs
 * little of Linear's complexity budget (the SDK's generated queries ask for whole entities).
 */
const Q = {
  issue: 'query HardstopIssue($id: String!) { issue(id: $id) { id identifier url description } }',
  attachmentsForUrl: 'query HardstopAttachmentsForUrl($url: String!) { attachmentsForURL(url: $url) { nodes { id url metadata issue { id identifier url description } } } }',
  issueCreate: 'mutation HardstopIssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id identifier url } } }',
  issueUpdate: 'mutation HardstopIssueUpdate($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success } }',
  commentCreate: 'mutation HardstopCommentCreate($input: CommentCreateInput!) { commentCreate(input: $input) { success comment { id } } }',
  comment: 'query HardstopComment($id: String) { comment(id: $id) { id } }',
  attachmentCreate: 'mutation HardstopAttachmentCreate($input: AttachmentCreateInput!) { attachmentCreate(input: $input) { success attachment { id } } }',
  team: 'query HardstopTeam($id: String!) { team(id: $id) { id key name } }',
} as const;

interface RemoteIssue {
  id: string;
  description: string | null;
}
interface RemoteAttachment {
  id: string;
  metadata: Record<string, unknown> | null;
  issue: RemoteIssue | null;
}

type Call<T> = {kind: 'ok'; data: T} | LinearFailure;
type Found<T> = {kind: 'ok'; data: T | null} | LinearFailure;

/**
 * Linear (sinks.md §7): one issue per correlation key with a deterministic id, found again
 * through the ledger, `issue(id)` or its attachment URL before anything is created; later
 * versions update it and add one comment each, with a deterministic comment id. Every step is
 * safe to repeat, so a push killed at any point and pushed again converges on one issue, one
 * attachment and one comment per later version — with or without the ledger.
 */
export class LinearNotifier implements Notifier<LinearRendered> {
  readonly wantsDigest = false;
  private readonly wall = new WallClock();

  constructor(
    readonly sink: LinearSinkConfig,
    private readonly apiKey: string,
  ) {}

  render(item: DeliveryItem): LinearRendered {
    return renderLinear(this.sink, item);
  }

  async send(r: LinearRendered, item: DeliveryItem): Promise<SendOutcome> {
    const known = await this.locate(r);
    if (known.kind !== 'ok') return known;
    let issue = known.data;
    if (issue === null) {
      const created = await this.call<{issueCreate: {success: boolean; issue: {id: string} | null}}>('issueCreate', Q.issueCreate, {
        input: {
          id: r.issueId,
          teamId: this.sink.teamId,
          title: r.title,
          description: linearDescription(r.body, item.deliveryKey, item.deliveryKey),
          priority: r.priority,
          ...(this.sink.labelIds.length ? {labelIds: this.sink.labelIds} : {}),
          ...(this.sink.projectId ? {projectId: this.sink.projectId} : {}),
        },
      });
      if (created.kind === 'ok') return this.attach(r, created.data.issueCreate.issue?.id ?? r.issueId, null);
      // A create that failed may have happened (a retry of a create that timed out) or the id
      // may be taken: the issue itself answers.
      const again = await this.locate(r);
      if (again.kind !== 'ok') return again;
      if (again.data === null) return created;
      issue = again.data;
    }
    const {openedBy} = parseFooter(issue.description);
    if (openedBy === item.deliveryKey) return this.attach(r, issue.id, null);
    const updated = await this.call('issueUpdate', Q.issueUpdate, {
      id: issue.id,
      input: {title: r.title, description: linearDescription(r.body, openedBy, item.deliveryKey), priority: r.priority},
    });
    if (updated.kind !== 'ok') return updated;
    const commented = await this.comment(r, issue.id);
    if (commented.kind !== 'ok') return commented;
    return this.attach(r, issue.id, r.commentId);
  }

  /** Ledger (the rendered id is the ledger's when it knows one) → `issue(id)` → `attachmentsForURL`. */
  private async locate(r: LinearRendered): Promise<Found<RemoteIssue>> {
    const byId = await this.lookup<{issue: RemoteIssue | null}>('issue', Q.issue, {id: r.issueId});
    if (byId.kind !== 'ok') return byId;
    if (byId.data?.issue) return {kind: 'ok', data: byId.data.issue};
    const byUrl = await this.attachmentFor(r.attachmentUrl);
    if (byUrl.kind !== 'ok') return byUrl;
    return {kind: 'ok', data: byUrl.data?.issue ?? null};
  }

  private async attachmentFor(url: string): Promise<Found<RemoteAttachment>> {
    const res = await this.call<{attachmentsForURL: {nodes: RemoteAttachment[]}}>('attachmentsForURL', Q.attachmentsForUrl, {url});
    if (res.kind !== 'ok') return res;
    return {kind: 'ok', data: res.data.attachmentsForURL.nodes.find((n) => n.issue) ?? null};
  }

  private async comment(r: LinearRendered, issueId: string): Promise<Call<null>> {
    const created = await this.call('commentCreate', Q.commentCreate, {input: {id: r.commentId, issueId, body: r.comment}});
    if (created.kind === 'ok') return {kind: 'ok', data: null};
    // The same id again means an earlier attempt already wrote it: never a second comment.
    const existing = await this.lookup<{comment: {id: string} | null}>('comment', Q.comment, {id: r.commentId});
    if (existing.kind === 'ok' && existing.data?.comment) return {kind: 'ok', data: null};
    return created;
  }

  /** The last step of every delivery: the attachment upsert on (issue, url) carries this delivery's key. */
  private async attach(r: LinearRendered, issueId: string, commentId: string | null): Promise<SendOutcome> {
    const res = await this.call('attachmentCreate', Q.attachmentCreate, {
      input: {issueId, url: r.attachmentUrl, title: r.attachment.title, subtitle: r.attachment.subtitle, metadata: r.attachment.metadata},
    });
    if (res.kind !== 'ok') return res;
    return {kind: 'delivered', handle: {linear_issue_id: issueId, linear_comment_id: commentId}};
  }

  /**
   * A delivery is complete once its attachment upsert names it; anything less is sent again,
   * which is safe because every step of `send` looks before it writes.
   */
  async resolveInDoubt(row: DeliveryRow): Promise<InDoubtResolution> {
    if (!row.correlation_key) return {kind: 'absent'};
    const res = await this.attachmentFor(linearAttachmentUrl(this.sink.linkBaseUrl, row.correlation_key));
    if (res.kind !== 'ok') return {kind: 'error', error: res.error, retryable: res.kind === 'retryable'};
    const a = res.data;
    if (a?.issue && a.metadata?.delivery_key === row.delivery_key) {
      const opened = parseFooter(a.issue.description).openedBy === row.delivery_key;
      const handle: RemoteHandle = {linear_issue_id: a.issue.id, linear_comment_id: opened ? null : linearCommentId(row.delivery_key)};
      return {kind: 'found', handle};
    }
    return {kind: 'absent'};
  }

  /** `sinks test`: a read-only check that the key works and can see the team. */
  async test(): Promise<SendOutcome> {
    const res = await this.call<{team: {id: string} | null}>('team', Q.team, {id: this.sink.teamId});
    if (res.kind !== 'ok') return res;
    if (!res.data.team) {
      return {kind: 'terminal', error: {name: 'InvalidInputLinearError', message: `team ${this.sink.teamId} not found`, hint: 'copy the team id (a UUID) from Linear: Settings → Teams → the team → ⋯ → Copy ID'}};
    }
    return {kind: 'delivered', handle: {}};
  }

  /** A query whose "not found" answer is a result (null), not a failure. */
  private lookup<T>(operation: string, query: string, variables: Record<string, unknown>): Promise<Found<T>> {
    return this.call<T | null>(operation, query, variables, true);
  }

  /** One GraphQL request through the SDK's client, with its own timeout; failures typed. */
  private async call<T>(operation: string, query: string, variables: Record<string, unknown>, notFoundIsNull = false): Promise<{kind: 'ok'; data: T} | LinearFailure> {
    const client = new LinearClient({apiKey: this.apiKey, apiUrl: this.sink.apiUrl ?? LINEAR_API_URL, signal: AbortSignal.timeout(this.sink.timeoutMs)} as never);
    try {
      const res = await client.client.rawRequest<T, Record<string, unknown>>(query, variables);
      return {kind: 'ok', data: res.data as T};
    } catch (err) {
      if (notFoundIsNull && isNotFound(err)) return {kind: 'ok', data: null as T};
      return linearFailure(this.sink, this.apiKey, operation, err, this.wall.now() / 1000);
    }
  }
}
