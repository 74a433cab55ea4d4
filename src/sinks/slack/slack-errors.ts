import type {SlackSinkConfig} from '../config/model.js';
import type {RemoteError} from '../notifier.js';

/**
 * Slack's error names (sinks.md §6.3), shown verbatim, each with what to do. `{env}` is the
 * sink's secret variable name (never its value).
 */
const HINTS: Record<string, string> = {
  invalid_payload: 'Slack rejected the message structure; this is a Hardstop bug, please report it with the alert id',
  user_not_found: 'the webhook belongs to a user that no longer exists; create a new webhook and update {env}',
  no_text: 'the message had no text; this is a Hardstop bug, please report it',
  invalid_blocks: 'Slack rejected the Block Kit layout; this is a Hardstop bug, please report it with the alert id',
  action_prohibited: 'a workspace admin restricted posting to this channel; ask them to allow the app',
  invalid_token: 'the webhook was revoked; create a new webhook and update {env}',
  channel_not_found: 'the webhook or channel was deleted; create a new webhook and update {env}',
  channel_is_archived: 'the channel is archived; unarchive it or point the sink at another channel',
  is_archived: 'the channel is archived; unarchive it or set another channel in the sink file',
  rollup_error: 'Slack had an internal error; Hardstop retries it',
  no_service: 'the incoming webhook integration is disabled or removed; re-enable it or create a new webhook and update {env}',
  no_service_id: 'the webhook URL is incomplete; copy it again into {env}',
  team_disabled: 'the Slack workspace is disabled; nothing can be posted until it is restored',
  posting_to_general_channel_denied: 'only admins may post to #general; use another channel for the webhook',
  too_many_attachments: 'too many attachments; this is a Hardstop bug, please report it',
  rate_limited: 'Slack limits posting (about one message per second per webhook); Hardstop waits Retry-After and retries',
  ratelimited: 'Slack limits posting (about one message per second per channel); Hardstop waits Retry-After and retries',
  not_in_channel: 'the bot is not a member of the channel; invite it (/invite @your-bot) and push again',
  msg_too_long: 'Slack found the message too long; this is a Hardstop bug (limits are enforced before sending), please report it',
  invalid_auth: 'the bot token is not valid; create a new token and update {env}',
  not_authed: 'no token reached Slack; check that {env} is set',
  token_revoked: 'the bot token was revoked; reinstall the app and update {env}',
  token_expired: 'the bot token expired; refresh it and update {env}',
  account_inactive: 'the token belongs to a deactivated user or app; reinstall the app and update {env}',
  missing_scope: 'the bot token lacks a scope: it needs chat:write and channels:history (groups:history for private channels)',
  message_not_found: 'the message to edit was deleted; Hardstop posts a new one',
  cant_update_message: 'the message can no longer be edited by this app; Hardstop posts a new one',
  edit_window_closed: 'the edit window closed; Hardstop posts a new one',
  restricted_action: 'a workspace setting prevents this app from posting here; ask an admin',
  timeout: 'Slack did not answer within the request timeout; Hardstop retries',
  network_error: 'the request did not reach Slack (DNS, connection reset, proxy); Hardstop retries',
  internal_error: 'Slack had an internal error; Hardstop retries',
  fatal_error: 'Slack had an internal error; Hardstop retries',
  service_unavailable: 'Slack is unavailable; Hardstop retries',
  request_timeout: 'Slack timed out; Hardstop retries',
};

/** Every Slack error name Hardstop explains (docs/RUNBOOK.md lists each). */
export const SLACK_ERROR_NAMES: readonly string[] = Object.keys(HINTS);

const RETRYABLE = new Set(['rate_limited', 'ratelimited', 'rollup_error', 'timeout', 'network_error', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Errors that make `edit` mode post a new message instead. */
export const EDIT_FALLBACK_ERRORS = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

function envName(sink: SlackSinkConfig): string {
  return (sink.mode === 'webhook' ? sink.webhookUrlEnv : sink.tokenEnv) ?? 'the secret variable';
}

export function slackError(sink: SlackSinkConfig, name: string, message: string): RemoteError {
  const hint = (HINTS[name] ?? (name.startsWith('http_5') ? 'Slack answered with a server error; Hardstop retries' : 'see https://api.slack.com/methods for this error name')).replace('{env}', envName(sink));
  return {name, message, hint, ...(name === 'timeout' || name === 'network_error' ? {ambiguous: true} : {})};
}

export function isRetryable(name: string, status?: number): boolean {
  return RETRYABLE.has(name) || (status !== undefined && (status === 429 || status >= 500));
}

/** Secret-free text of a transport error: the name of the failure only. */
export function transportErrorName(err: unknown): 'timeout' | 'network_error' {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && !seen.has(e); e = (e as {cause?: unknown; original?: unknown}).original ?? (e as {cause?: unknown}).cause) {
    seen.add(e);
    const name = (e as {name?: string}).name;
    if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  }
  return 'network_error';
}

/** `Retry-After` seconds → milliseconds (absent or unreadable → undefined). */
export function retryAfterMs(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const s = Number.parseInt(header, 10);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : undefined;
}
