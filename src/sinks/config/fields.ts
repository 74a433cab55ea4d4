/**
 * The keys of a sink file (sinks.md §2), each with its type, default and documentation. One
 * table drives both the validator (`load-sinks.ts`) and the published JSON Schema
 * (`sinks/sinks.schema.json`), so the two cannot drift.
 */
export type FieldKind =
  | {k: 'id'}
  | {k: 'string'}
  | {k: 'env'}
  | {k: 'url'}
  | {k: 'bool'}
  | {k: 'int'; min: number; max?: number}
  | {k: 'number'; min: number; max?: number}
  | {k: 'enum'; values: readonly string[]}
  | {k: 'const'; value: string | number}
  | {k: 'string_list'}
  | {k: 'nullable_string'}
  | {k: 'priority_map'}
  | {k: 'routes'};

export interface FieldSpec {
  kind: FieldKind;
  doc: string;
  required?: boolean;
}

export const SINK_ID_PATTERN = /^[a-z0-9_-]{1,64}$/;
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const SINK_TYPES = ['slack', 'linear'] as const;
export type SinkType = (typeof SINK_TYPES)[number];

const common = {
  id: {kind: {k: 'id'}, doc: 'Unique across all sink files: [a-z0-9_-]{1,64}.', required: true},
  type: {kind: {k: 'enum', values: SINK_TYPES}, doc: 'slack or linear.', required: true},
  enabled: {kind: {k: 'bool'}, doc: 'Default true. A disabled sink is checked but never sent to.'},
  routes: {kind: {k: 'routes'}, doc: 'Evaluated in order; the first route whose when: holds routes the alert version here.'},
  api_url: {kind: {k: 'url'}, doc: 'Override of the API endpoint (https; plain http only for loopback hosts).'},
  min_interval_ms: {kind: {k: 'int', min: 0, max: 600000}, doc: 'Pacing between two requests of this sink (default 1000).'},
  timeout_ms: {kind: {k: 'int', min: 1, max: 600000}, doc: 'Timeout of one request (default 10000).'},
} satisfies Record<string, FieldSpec>;

export const SLACK_FIELDS: Record<string, FieldSpec> = {
  ...common,
  mode: {kind: {k: 'enum', values: ['webhook', 'web_api']}, doc: 'webhook (incoming webhook) or web_api (bot token).', required: true},
  webhook_url_env: {kind: {k: 'env'}, doc: 'webhook mode: the environment variable holding the webhook URL.'},
  token_env: {kind: {k: 'env'}, doc: 'web_api mode: the environment variable holding the bot token.'},
  channel: {kind: {k: 'string'}, doc: 'web_api mode: the channel id (C0123456789).'},
  updates: {kind: {k: 'enum', values: ['edit', 'thread', 'new_message']}, doc: 'Later versions: edit the first message (web_api default), reply in its thread, or post a new message (the only choice in webhook mode).'},
  digest: {kind: {k: 'bool'}, doc: 'One summary message per push before the alert messages (default true).'},
  in_doubt: {kind: {k: 'enum', values: ['resend', 'skip']}, doc: 'webhook mode: what to do with a delivery a crash left unconfirmed (default resend).'},
};

export const LINEAR_FIELDS: Record<string, FieldSpec> = {
  ...common,
  api_key_env: {kind: {k: 'env'}, doc: 'The environment variable holding the Linear API key.', required: true},
  team_id: {kind: {k: 'string'}, doc: 'The Linear team id (UUID).', required: true},
  priority: {kind: {k: 'priority_map'}, doc: 'classification → Linear priority (0 none, 1 urgent, 2 high, 3 medium, 4 low); default {2: 1, 1: 2, 0: 4}.'},
  label_ids: {kind: {k: 'string_list'}, doc: 'Label ids added to every issue.'},
  project_id: {kind: {k: 'nullable_string'}, doc: 'Project id, or null.'},
  link_base_url: {kind: {k: 'url'}, doc: 'Base of the stable link attached to each issue.', required: true},
};

export const ROUTE_FIELDS: Record<string, FieldSpec> = {
  id: {kind: {k: 'id'}, doc: 'Route id, unique within the sink.', required: true},
  when: {kind: {k: 'string'}, doc: 'A condition in the rule language over the root `alert` (docs/RULES.md).', required: true},
};

export const RETRY_FIELDS: Record<string, FieldSpec> = {
  seed: {kind: {k: 'nullable_string'}, doc: 'Seed of the retry jitter; null: the built-in seed.'},
  base_ms: {kind: {k: 'int', min: 1, max: 3600000}, doc: 'Delay before the first retry (default 1000).'},
  factor: {kind: {k: 'number', min: 1, max: 10}, doc: 'Growth per attempt (default 2).'},
  max_delay_ms: {kind: {k: 'int', min: 1, max: 3600000}, doc: 'Cap of the exponential delay (default 60000).'},
  jitter: {kind: {k: 'number', min: 0, max: 1}, doc: '± fraction of the exponential delay (default 0.5).'},
  max_attempts: {kind: {k: 'int', min: 1, max: 100}, doc: 'Attempts per delivery and push, the first included (default 6).'},
  deadline_s: {kind: {k: 'int', min: 1, max: 86400}, doc: 'A push never waits past this; what is left stays pending (default 300).'},
};

export const TOP_KEYS = ['version', 'sinks', 'retry'] as const;

export const FIELDS_BY_TYPE: Record<SinkType, Record<string, FieldSpec>> = {slack: SLACK_FIELDS, linear: LINEAR_FIELDS};
