import {
  AuthenticationLinearError,
  FeatureNotAccessibleLinearError,
  ForbiddenLinearError,
  InternalLinearError,
  InvalidInputLinearError,
  LinearError,
  LockTimeoutLinearError,
  NetworkLinearError,
  RatelimitedLinearError,
  UsageLimitExceededLinearError,
} from '@linear/sdk';
import type {LinearSinkConfig} from '../config/model.js';
import type {RemoteError} from '../notifier.js';
import {transportErrorName} from '../slack/slack-errors.js';

/** A failed Linear call as the pipeline sees it (sinks.md §5, §7). */
export type LinearFailure = {kind: 'retryable'; error: RemoteError; retryAfterMs?: number} | {kind: 'terminal'; error: RemoteError};

/** The SDK's error classes by the name shown to the operator, verbatim, with what to do. */
const CLASSES: {name: string; cls: abstract new (...args: never[]) => LinearError; retryable: boolean; hint: string}[] = [
  {name: 'RatelimitedLinearError', cls: RatelimitedLinearError, retryable: true, hint: 'Linear limits API requests per hour; Hardstop waits until the reset time and retries'},
  {name: 'NetworkLinearError', cls: NetworkLinearError, retryable: true, hint: 'Linear answered with a server or gateway error; Hardstop retries'},
  {name: 'InternalLinearError', cls: InternalLinearError, retryable: true, hint: 'Linear had an internal error; Hardstop retries'},
  {name: 'LockTimeoutLinearError', cls: LockTimeoutLinearError, retryable: true, hint: 'Linear was busy updating the same issue; Hardstop retries'},
  {name: 'AuthenticationLinearError', cls: AuthenticationLinearError, retryable: false, hint: 'the API key in {env} is not valid: create a personal API key (Settings → Account → Security & access) and update {env}'},
  {name: 'ForbiddenLinearError', cls: ForbiddenLinearError, retryable: false, hint: 'the API key has no access to this team, label or project: check team_id, label_ids and project_id, or use a key of a team member'},
  {name: 'InvalidInputLinearError', cls: InvalidInputLinearError, retryable: false, hint: 'Linear rejected the input: check team_id, label_ids and project_id in the sink file (ids, not names)'},
  {name: 'FeatureNotAccessibleLinearError', cls: FeatureNotAccessibleLinearError, retryable: false, hint: "the workspace's plan does not include this feature; ask a Linear admin"},
  {name: 'UsageLimitExceededLinearError', cls: UsageLimitExceededLinearError, retryable: false, hint: "the workspace reached a usage limit of its plan (e.g. issue count); ask a Linear admin"},
];

/** Every Linear error class name Hardstop maps (docs/RUNBOOK.md lists each). */
export const LINEAR_ERROR_NAMES: readonly string[] = CLASSES.map((c) => c.name);

function hintFor(sink: LinearSinkConfig, hint: string): string {
  return hint.replaceAll('{env}', sink.apiKeyEnv);
}

/** How long a rate-limit answer asks to wait: `Retry-After` seconds or a reset time in epoch milliseconds. */
function rateLimitWaitMs(err: RatelimitedLinearError, nowMs: number): number | undefined {
  const waits = [
    err.retryAfter !== undefined ? err.retryAfter * 1000 : undefined,
    err.requestsResetAt !== undefined ? err.requestsResetAt - nowMs : undefined,
    err.complexityResetAt !== undefined ? err.complexityResetAt - nowMs : undefined,
  ].filter((w): w is number => w !== undefined && Number.isFinite(w));
  return waits.length ? Math.max(0, Math.ceil(Math.max(...waits))) : undefined;
}

/** Maps anything a Linear call threw to a typed failure; the message never holds the API key. */
export function linearFailure(sink: LinearSinkConfig, secret: string, operation: string, err: unknown, nowMs: number): LinearFailure {
  if (err instanceof LinearError) {
    const known = CLASSES.find((c) => err instanceof c.cls);
    const name = known?.name ?? (err.constructor?.name || 'LinearError');
    const message = `${operation}: ${secret ? err.message.replaceAll(secret, '[redacted]') : err.message}`;
    const error: RemoteError = {name, message, hint: hintFor(sink, known?.hint ?? 'Linear answered with an error Hardstop does not know; see the message')};
    if (err instanceof RatelimitedLinearError) return {kind: 'retryable', error, retryAfterMs: rateLimitWaitMs(err, nowMs)};
    return known?.retryable ? {kind: 'retryable', error} : {kind: 'terminal', error};
  }
  const name = transportErrorName(err);
  const message = `${operation}: ${name === 'timeout' ? `no answer within ${sink.timeoutMs} ms` : 'connection failed'}`;
  const hint = name === 'timeout' ? 'Linear did not answer within the request timeout; Hardstop looks before retrying' : 'the request did not reach Linear (DNS, connection reset, proxy); Hardstop retries';
  return {kind: 'retryable', error: {name, message, hint, ambiguous: true}};
}

/** A lookup that names no entity (Linear answers "Entity not found" as invalid input). */
export function isNotFound(err: unknown): boolean {
  return err instanceof InvalidInputLinearError && /not found|could not find/i.test(err.message);
}
