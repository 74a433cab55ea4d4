import {IncomingWebhook, IncomingWebhookHTTPError} from '@slack/webhook';

type FetchFunction = NonNullable<ConstructorParameters<typeof IncomingWebhook>[1]>['fetch'] & {};
type FetchResponse = Awaited<ReturnType<FetchFunction>>;
import type {SlackSinkConfig} from '../config/model.js';
import {redactUrl} from '../endpoint.js';
import type {DeliveryItem, InDoubtResolution, Notifier, SendOutcome} from '../notifier.js';
import {testMessage, type SlackMessage} from './blocks.js';
import {renderSlack, type SlackRendered} from './render.js';
import {isRetryable, retryAfterMs, slackError, transportErrorName} from './slack-errors.js';

/**
 * Slack incoming webhook (sinks.md §6.1): posts only, no message handle, so every version is a
 * new message and an in-doubt post cannot be looked up (the sink's `in_doubt` policy decides).
 * `@slack/webhook` retries nothing here; `Retry-After` is read through the injected fetch because
 * the library's HTTP error does not expose response headers.
 */
export class SlackWebhookNotifier implements Notifier<SlackRendered> {
  readonly wantsDigest: boolean;

  constructor(
    readonly sink: SlackSinkConfig,
    private readonly url: string,
    private readonly fetchFn: FetchFunction = globalThis.fetch as unknown as FetchFunction,
  ) {
    this.wantsDigest = sink.digest;
  }

  render(item: DeliveryItem): SlackRendered {
    return renderSlack(item);
  }

  async send(r: SlackRendered): Promise<SendOutcome> {
    return this.post(r.message);
  }

  async resolveInDoubt(): Promise<InDoubtResolution> {
    return {kind: 'unknowable'};
  }

  async test(at: string): Promise<SendOutcome> {
    return this.post(testMessage(this.sink.id, at));
  }

  private async post(m: SlackMessage): Promise<SendOutcome> {
    let last: FetchResponse | undefined;
    const fetchFn: FetchFunction = async (url, init) => {
      last = await this.fetchFn(url, init);
      return last;
    };
    const hook = new IncomingWebhook(this.url, {fetch: fetchFn, timeout: this.sink.timeoutMs, retryConfig: {retries: 0}});
    try {
      await hook.send({text: m.text, blocks: m.blocks, unfurl_links: false, unfurl_media: false});
      return {kind: 'delivered', handle: {}};
    } catch (err) {
      if (err instanceof IncomingWebhookHTTPError) {
        const body = err.body.trim();
        const name = /^[a-z_]{2,64}$/.test(body) ? body : `http_${err.statusCode}`;
        const e = slackError(this.sink, name, `webhook ${redactUrl(this.url)} answered HTTP ${err.statusCode} ${name}`);
        if (isRetryable(name, err.statusCode)) {
          const after = err.statusCode === 429 ? retryAfterMs(last?.headers.get('retry-after')) : undefined;
          return {kind: 'retryable', error: e, ...(after === undefined ? {} : {retryAfterMs: after})};
        }
        return {kind: 'terminal', error: e};
      }
      const name = transportErrorName(err);
      return {kind: 'retryable', error: slackError(this.sink, name, `webhook ${redactUrl(this.url)}: ${name === 'timeout' ? `no answer within ${this.sink.timeoutMs} ms` : 'connection failed'}`)};
    }
  }
}
