import type {Diagnostic} from '../kernel/diagnostic.js';
import type {SinkConfig} from './config/model.js';
import {checkEndpoint, redactUrl} from './endpoint.js';
import {LinearNotifier} from './linear/linear-notifier.js';
import type {Notifier} from './notifier.js';
import {SlackWebApiNotifier} from './slack/web-api-notifier.js';
import {SlackWebhookNotifier} from './slack/webhook-notifier.js';

export interface NotifierOptions {
  /** Transport for tests and the bench; the global fetch otherwise. */
  fetch?: typeof globalThis.fetch;
}

export type NotifierResult = {ok: true; notifier: Notifier; secrets: string[]} | {ok: false; diagnostic: Diagnostic};

function secretMissing(sink: SinkConfig, name: string): NotifierResult {
  return {
    ok: false,
    diagnostic: {
      code: 'SINK_SECRET_MISSING',
      severity: 'error',
      message: `sink ${sink.id}: the environment variable ${name} is not set`,
      hint: `export ${name}=… in the environment of the push (CI secret, cron environment); its value is never written anywhere`,
      file: sink.file,
      line: sink.line,
      col: sink.col,
    },
  };
}

/**
 * The notifier of a sink, with its secret read from the environment (and nowhere else).
 * `secrets` lists the values to keep out of every output. A new sink type adds one branch
 * here and one notifier file.
 */
export function createNotifier(sink: SinkConfig, env: NodeJS.ProcessEnv, opts: NotifierOptions = {}): NotifierResult {
  if (sink.type === 'slack') {
    const name = (sink.mode === 'webhook' ? sink.webhookUrlEnv : sink.tokenEnv) ?? '';
    const secret = env[name];
    if (!secret) return secretMissing(sink, name);
    if (sink.mode === 'web_api') return {ok: true, notifier: new SlackWebApiNotifier(sink, secret, opts.fetch), secrets: [secret]};
    const check = checkEndpoint(secret);
    if (!check.ok) {
      return {
        ok: false,
        diagnostic: {
          code: 'SINK_URL_INVALID', severity: 'error', message: `sink ${sink.id}: the webhook URL in ${name} (${redactUrl(secret)}) ${check.reason}`,
          hint: 'copy the https://hooks.slack.com/services/… URL of the incoming webhook into the variable', file: sink.file, line: sink.line, col: sink.col,
        },
      };
    }
    return {ok: true, notifier: new SlackWebhookNotifier(sink, secret, opts.fetch as never), secrets: [secret]};
  }
  const secret = env[sink.apiKeyEnv];
  if (!secret) return secretMissing(sink, sink.apiKeyEnv);
  return {ok: true, notifier: new LinearNotifier(sink, secret), secrets: [secret]};
}
