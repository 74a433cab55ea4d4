import type {Migration} from '../migrations/types.js';

/**
 * Schema of the delivery ledger (`state/deliveries.db`, sinks.md §4), its own SQLite file.
 * Append only: never edit a released step, add a new one.
 */
export const LEDGER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'deliveries',
    sql: `
CREATE TABLE deliveries (
  sink_id              TEXT NOT NULL,
  alert_id             TEXT NOT NULL,
  version              INTEGER NOT NULL,
  version_hash         TEXT NOT NULL,
  delivery_key         TEXT NOT NULL UNIQUE,
  kind                 TEXT NOT NULL CHECK (kind IN ('alert', 'digest', 'test')),
  route_id             TEXT,
  correlation_key      TEXT,
  state                TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'failed', 'delivered_unconfirmed')),
  reason               TEXT NOT NULL CHECK (reason IN ('first_notification', 'alert_updated', 'resend_in_doubt', 'test')),
  attempts             INTEGER NOT NULL DEFAULT 0,
  first_attempt_at     TEXT,
  last_attempt_at      TEXT,
  last_error_code      TEXT,
  last_error_message   TEXT,
  slack_channel        TEXT,
  slack_ts             TEXT,
  slack_reply_ts       TEXT,
  linear_issue_id      TEXT,
  linear_comment_id    TEXT,
  resent               INTEGER NOT NULL DEFAULT 0,
  fallback             TEXT,
  facts_json           TEXT NOT NULL,
  bundle_manifest_hash TEXT NOT NULL,
  PRIMARY KEY (sink_id, alert_id, version)
) WITHOUT ROWID;
CREATE INDEX deliveries_by_state ON deliveries (sink_id, state);
CREATE INDEX deliveries_by_correlation ON deliveries (sink_id, correlation_key, version);
`,
  },
];

export const LEDGER_SCHEMA_VERSION = LEDGER_MIGRATIONS[LEDGER_MIGRATIONS.length - 1].version;
