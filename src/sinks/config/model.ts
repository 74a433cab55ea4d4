import type {RetryPolicy} from '../../kernel/retry.js';
import type {CompiledCondition} from '../../rules/index.js';

/** Where a sink or route is declared (home-relative file, 1-based position). */
export interface DeclaredAt {
  file: string;
  line: number;
  col: number;
}

export interface RouteConfig extends DeclaredAt {
  id: string;
  condition: CompiledCondition;
}

/** The retry block of a sink file, resolved (sinks.md §5). */
export interface RetrySettings {
  seed: string;
  policy: RetryPolicy;
  deadlineMs: number;
}

interface SinkCommon extends DeclaredAt {
  id: string;
  enabled: boolean;
  routes: RouteConfig[];
  retry: RetrySettings;
  /** Endpoint (https, or http for loopback hosts only). */
  apiUrl: string | null;
  minIntervalMs: number;
  timeoutMs: number;
}

export type SlackMode = 'webhook' | 'web_api';
export type SlackUpdates = 'edit' | 'thread' | 'new_message';

export interface SlackSinkConfig extends SinkCommon {
  type: 'slack';
  mode: SlackMode;
  /** Names of environment variables (never their values). */
  webhookUrlEnv: string | null;
  tokenEnv: string | null;
  channel: string | null;
  updates: SlackUpdates;
  digest: boolean;
  inDoubt: 'resend' | 'skip';
}

export interface LinearSinkConfig extends SinkCommon {
  type: 'linear';
  apiKeyEnv: string;
  teamId: string;
  /** classification (0, 1, 2) → Linear priority 0..4. */
  priority: Record<number, number>;
  labelIds: string[];
  projectId: string | null;
  linkBaseUrl: string;
}

export type SinkConfig = SlackSinkConfig | LinearSinkConfig;

/** The environment variable names a sink reads its secrets from. */
export function secretEnvNames(sink: SinkConfig): string[] {
  if (sink.type === 'linear') return [sink.apiKeyEnv];
  return sink.mode === 'webhook' ? [sink.webhookUrlEnv ?? ''] : [sink.tokenEnv ?? ''];
}

export const DEFAULT_RETRY = {seed: 'hardstop.sinks.v1', baseMs: 1000, factor: 2, maxDelayMs: 60000, jitter: 0.5, maxAttempts: 6, deadlineS: 300} as const;
export const DEFAULT_MIN_INTERVAL_MS = 1000;
export const DEFAULT_TIMEOUT_MS = 10000;
export const DEFAULT_LINEAR_PRIORITY: Record<number, number> = {2: 1, 1: 2, 0: 4};
export const SLACK_API_URL = 'https://slack.com/api/';
export const LINEAR_API_URL = 'https://api.linear.app/graphql';
