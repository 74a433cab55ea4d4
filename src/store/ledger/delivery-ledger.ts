import {existsSync, mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import Database from 'better-sqlite3';
import {StoreError} from '../../kernel/errors.js';
import type {Db} from '../db.js';
import {LEDGER_MIGRATIONS, LEDGER_SCHEMA_VERSION} from './ledger-migrations.js';

export type DeliveryState = 'pending' | 'sending' | 'delivered' | 'failed' | 'delivered_unconfirmed';
export type DeliveryReason = 'first_notification' | 'alert_updated' | 'resend_in_doubt' | 'test';
export type DeliveryKind = 'alert' | 'digest' | 'test';

/** Remote handles a notifier returns; each notifier fills its own. */
export interface RemoteHandle {
  slack_channel?: string | null;
  /** The alert's root message (the one later versions edit or reply to). */
  slack_ts?: string | null;
  /** A thread reply posted by this delivery. */
  slack_reply_ts?: string | null;
  linear_issue_id?: string | null;
  linear_comment_id?: string | null;
}

/** One row of `deliveries` (sinks.md §4). Never holds a secret. */
export interface DeliveryRow extends Required<RemoteHandle> {
  sink_id: string;
  alert_id: string;
  version: number;
  version_hash: string;
  delivery_key: string;
  kind: DeliveryKind;
  route_id: string | null;
  correlation_key: string | null;
  state: DeliveryState;
  reason: DeliveryReason;
  attempts: number;
  first_attempt_at: string | null;
  last_attempt_at: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
  /** 1 when the message was sent again after an unconfirmed attempt (marked as resent). */
  resent: number;
  /** What the notifier did instead of the planned action (e.g. `message_not_found→new_message`). */
  fallback: string | null;
  /** The facts later versions compare against ("what changed"): canonical JSON. */
  facts_json: string;
  bundle_manifest_hash: string;
}

export type NewDelivery = Pick<
  DeliveryRow,
  'sink_id' | 'alert_id' | 'version' | 'version_hash' | 'delivery_key' | 'kind' | 'route_id' | 'correlation_key' | 'reason' | 'facts_json' | 'bundle_manifest_hash'
>;

export interface StateCount {
  sink_id: string;
  state: DeliveryState;
  count: number;
}

const HANDLE_COLUMNS = ['slack_channel', 'slack_ts', 'slack_reply_ts', 'linear_issue_id', 'linear_comment_id'] as const;

/**
 * The delivery ledger: its own SQLite file (WAL, additive migrations). Every state change
 * commits on its own; the `sending` commit is synced (synchronous=FULL) before its request leaves.
 * One writer at a time: `lockForPush` holds an OS-level lock that a killed process releases.
 */
export class DeliveryLedger {
  private lockDb: Db | null = null;
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    readonly db: Db,
    readonly path: string,
  ) {}

  /** Opens (creating and migrating) the ledger for writing. */
  static open(path: string): DeliveryLedger {
    mkdirSync(dirname(path), {recursive: true});
    const ledger = new DeliveryLedger(openDb(path, false), path);
    ledger.migrate();
    return ledger;
  }

  /** Opens an existing ledger read-only (status, doctor); null when there is none yet. */
  static openReadOnly(path: string): DeliveryLedger | null {
    if (!existsSync(path)) return null;
    const ledger = new DeliveryLedger(openDb(path, true), path);
    const v = ledger.db.pragma('user_version', {simple: true}) as number;
    if (v > LEDGER_SCHEMA_VERSION) throw tooNew(path, v);
    if (v < LEDGER_SCHEMA_VERSION) {
      ledger.close();
      throw new StoreError('LEDGER_OUTDATED', `delivery ledger ${path} has schema ${v}, this Hardstop reads ${LEDGER_SCHEMA_VERSION}`, {
        hint: 'run `hardstop sinks push` (or `sinks plan`) once to migrate it',
      });
    }
    return ledger;
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', {simple: true}) as number;
    if (current > LEDGER_SCHEMA_VERSION) throw tooNew(this.path, current);
    for (const m of LEDGER_MIGRATIONS) {
      if (m.version <= current) continue;
      this.db
        .transaction(() => {
          this.db.exec(m.sql);
          this.db.pragma(`user_version = ${m.version}`);
        })
        .immediate();
    }
  }

  /**
   * Takes the single-writer lock of this ledger for the life of the process (or until
   * `close`): an exclusive transaction on `<ledger>.lock`, which the OS releases when the
   * process dies, so a SIGKILLed push never leaves a stale lock. A second holder fails at once.
   */
  lockForPush(): void {
    if (this.lockDb) return;
    const lock = new Database(`${this.path}.lock`);
    try {
      lock.pragma('busy_timeout = 0');
      lock.exec('CREATE TABLE IF NOT EXISTS writer (pid INTEGER)');
      lock.exec('BEGIN EXCLUSIVE');
    } catch (err) {
      lock.close();
      const code = (err as {code?: string}).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
        throw new StoreError('LEDGER_LOCKED', `delivery ledger ${this.path} is in use by another \`hardstop sinks push\``, {
          hint: 'wait for the other push to finish (overlapping cron jobs?); nothing was sent',
          cause: err,
        });
      }
      throw err;
    }
    this.lockDb = lock;
  }

  /** Prepared once per connection: a push runs the same few statements thousands of times. */
  private sql(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  get(sinkId: string, alertId: string, version: number): DeliveryRow | undefined {
    return this.sql('SELECT * FROM deliveries WHERE sink_id = ? AND alert_id = ? AND version = ?').get(sinkId, alertId, version) as DeliveryRow | undefined;
  }

  byKey(deliveryKey: string): DeliveryRow | undefined {
    return this.sql('SELECT * FROM deliveries WHERE delivery_key = ?').get(deliveryKey) as DeliveryRow | undefined;
  }

  /** The newest delivered version of an alert below `version` (its root message, its facts). */
  previousDelivered(sinkId: string, alertId: string, version: number): DeliveryRow | undefined {
    return this.sql("SELECT * FROM deliveries WHERE sink_id = ? AND alert_id = ? AND version < ? AND state IN ('delivered', 'delivered_unconfirmed') ORDER BY version DESC LIMIT 1")
      .get(sinkId, alertId, version) as DeliveryRow | undefined;
  }

  /** The newest delivered row of a correlation key (Linear: one issue per key). */
  latestForCorrelation(sinkId: string, correlationKey: string): DeliveryRow | undefined {
    return this.sql("SELECT * FROM deliveries WHERE sink_id = ? AND correlation_key = ? AND state IN ('delivered', 'delivered_unconfirmed') ORDER BY version DESC, alert_id DESC LIMIT 1")
      .get(sinkId, correlationKey) as DeliveryRow | undefined;
  }

  /** True when the sink has no row at all (a new or lost ledger). */
  isEmptyFor(sinkId: string): boolean {
    return this.sql('SELECT 1 FROM deliveries WHERE sink_id = ? LIMIT 1').get(sinkId) === undefined;
  }

  rowsInStates(states: readonly DeliveryState[], sinkId?: string): DeliveryRow[] {
    const marks = states.map(() => '?').join(', ');
    const sql = `SELECT * FROM deliveries WHERE state IN (${marks})${sinkId ? ' AND sink_id = ?' : ''} ORDER BY sink_id, alert_id, version`;
    return this.sql(sql).all(...states, ...(sinkId ? [sinkId] : [])) as DeliveryRow[];
  }

  counts(sinkId?: string): StateCount[] {
    const sql = `SELECT sink_id, state, COUNT(*) AS count FROM deliveries${sinkId ? ' WHERE sink_id = ?' : ''} GROUP BY sink_id, state ORDER BY sink_id, state`;
    return this.sql(sql).all(...(sinkId ? [sinkId] : [])) as StateCount[];
  }

  all(): DeliveryRow[] {
    return this.sql('SELECT * FROM deliveries ORDER BY sink_id, alert_id, version').all() as DeliveryRow[];
  }

  /** Records planned deliveries as `pending` in one transaction (rows that exist stay as they are). */
  plan(rows: readonly NewDelivery[]): void {
    const insert = this.sql(
      `INSERT INTO deliveries (sink_id, alert_id, version, version_hash, delivery_key, kind, route_id, correlation_key, state, reason, facts_json, bundle_manifest_hash)
       VALUES (@sink_id, @alert_id, @version, @version_hash, @delivery_key, @kind, @route_id, @correlation_key, 'pending', @reason, @facts_json, @bundle_manifest_hash)
       ON CONFLICT (sink_id, alert_id, version) DO NOTHING`,
    );
    this.db.transaction(() => {
      for (const r of rows) insert.run(r);
    })();
  }

  /**
   * Committed and synced (synchronous=FULL) before each request: a crash from here on leaves
   * the row in doubt, never absent. Every other change commits with synchronous=NORMAL: after a
   * power loss it may roll back to `sending`, which the next push resolves like any in-doubt row.
   */
  markSending(deliveryKey: string, at: string, reason?: DeliveryReason): void {
    this.db.pragma('synchronous = FULL');
    try {
      this.sql(
          `UPDATE deliveries SET state = 'sending', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?), last_attempt_at = ?,
           reason = COALESCE(?, reason), resent = CASE WHEN ? = 'resend_in_doubt' THEN 1 ELSE resent END WHERE delivery_key = ?`,
        )
        .run(at, at, reason ?? null, reason ?? null, deliveryKey);
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  markDelivered(deliveryKey: string, handle: RemoteHandle, state: 'delivered' | 'delivered_unconfirmed' = 'delivered', fallback: string | null = null): void {
    const sets = HANDLE_COLUMNS.filter((c) => handle[c] !== undefined);
    const assign = sets.map((c) => `${c} = @${c}`).join(', ');
    this.sql(`UPDATE deliveries SET state = @state, fallback = COALESCE(@fallback, fallback), last_error_code = NULL, last_error_message = NULL${assign ? `, ${assign}` : ''} WHERE delivery_key = @key`)
      .run({state, fallback, key: deliveryKey, ...Object.fromEntries(sets.map((c) => [c, handle[c] ?? null]))});
  }

  /** A retryable failure: back to `pending` with the (secret-free) error. */
  markPending(deliveryKey: string, code: string, message: string): void {
    this.sql("UPDATE deliveries SET state = 'pending', last_error_code = ?, last_error_message = ? WHERE delivery_key = ?").run(code, message, deliveryKey);
  }

  /** Records an error without changing the state (an ambiguous failure keeps the row `sending`). */
  noteError(deliveryKey: string, code: string, message: string): void {
    this.sql('UPDATE deliveries SET last_error_code = ?, last_error_message = ? WHERE delivery_key = ?').run(code, message, deliveryKey);
  }

  markFailed(deliveryKey: string, code: string, message: string): void {
    this.sql("UPDATE deliveries SET state = 'failed', last_error_code = ?, last_error_message = ? WHERE delivery_key = ?").run(code, message, deliveryKey);
  }

  close(): void {
    if (this.lockDb) {
      this.lockDb.close();
      this.lockDb = null;
    }
    this.db.close();
  }
}

function openDb(path: string, readonly: boolean): Db {
  try {
    const db = new Database(path, {readonly, fileMustExist: readonly});
    db.pragma('busy_timeout = 5000');
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      // markSending raises this to FULL for the one commit that must be on disk before a request.
      db.pragma('synchronous = NORMAL');
    }
    return db;
  } catch (err) {
    throw new StoreError('LEDGER_OPEN_FAILED', `cannot open delivery ledger ${path}: ${(err as Error).message}`, {
      hint: 'check the path and permissions; a damaged ledger can be moved aside (see docs/SINKS.md, "Losing the ledger")',
      cause: err,
    });
  }
}

function tooNew(path: string, v: number): StoreError {
  return new StoreError('LEDGER_TOO_NEW', `delivery ledger ${path} has schema ${v}, newer than this Hardstop (${LEDGER_SCHEMA_VERSION})`, {
    hint: 'upgrade Hardstop; never open a newer ledger with an older release',
  });
}
