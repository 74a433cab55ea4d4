import {spawnSync} from 'node:child_process';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {describe, expect, it} from 'vitest';
import {DeliveryLedger} from '../../src/store/ledger/delivery-ledger.js';
import {LEDGER_SCHEMA_VERSION} from '../../src/store/ledger/ledger-migrations.js';
import {tempDir} from './fixtures.js';

const row = (n: number) => ({
  sink_id: 's', alert_id: `A-${n}`, version: 1, version_hash: `h${n}`, delivery_key: `k${n}`, kind: 'alert' as const, route_id: 'r', correlation_key: `c${n}`,
  reason: 'first_notification' as const, facts_json: '{}', bundle_manifest_hash: 'm',
});

describe('delivery ledger', () => {
  it('is its own migrated SQLite file in WAL mode; a read-only open never creates or migrates', () => {
    const path = join(tempDir(), 'state', 'deliveries.db');
    expect(DeliveryLedger.openReadOnly(path)).toBeNull();
    const l = DeliveryLedger.open(path);
    expect(l.db.pragma('user_version', {simple: true})).toBe(LEDGER_SCHEMA_VERSION);
    expect(l.db.pragma('journal_mode', {simple: true})).toBe('wal');
    l.close();
    const ro = DeliveryLedger.openReadOnly(path)!;
    expect(ro.counts()).toEqual([]);
    ro.close();
  });

  it('moves a row pending → sending → delivered | pending | failed, counting attempts', () => {
    const l = DeliveryLedger.open(join(tempDir(), 'd.db'));
    l.plan([row(1), row(2), row(3)]);
    l.plan([row(1)]);
    for (const k of ['k1', 'k2', 'k3']) l.markSending(k, '2025-12-29T17:00:00Z');
    l.markDelivered('k1', {slack_channel: 'C1', slack_ts: '1.1'});
    l.markPending('k2', 'ratelimited', 'rate limited');
    l.markFailed('k3', 'channel_not_found', 'gone');
    l.markSending('k2', '2025-12-29T17:00:05Z');
    expect(l.byKey('k2')).toMatchObject({state: 'sending', attempts: 2, first_attempt_at: '2025-12-29T17:00:00Z', last_attempt_at: '2025-12-29T17:00:05Z'});
    expect(l.counts()).toEqual([
      {sink_id: 's', state: 'delivered', count: 1},
      {sink_id: 's', state: 'failed', count: 1},
      {sink_id: 's', state: 'sending', count: 1},
    ]);
    expect(l.byKey('k1')).toMatchObject({slack_ts: '1.1', last_error_code: null});
    expect(l.rowsInStates(['sending']).map((r) => r.delivery_key)).toEqual(['k2']);
    l.close();
  });

  it('admits one pushing writer: a second lock fails with LEDGER_LOCKED, a dead holder leaves none', () => {
    const path = join(tempDir(), 'd.db');
    const a = DeliveryLedger.open(path);
    a.lockForPush();
    const b = DeliveryLedger.open(path);
    expect(() => b.lockForPush()).toThrow(expect.objectContaining({code: 'LEDGER_LOCKED'}));
    a.close();
    b.lockForPush();
    b.close();
    // A process that takes the lock and is killed: the OS releases it.
    const child = spawnSync(process.execPath, ['-e', `const D=require('better-sqlite3');const d=new D(${JSON.stringify(`${path}.lock`)});d.exec('BEGIN EXCLUSIVE');process.kill(process.pid,'SIGKILL')`], {cwd: process.cwd()});
    expect(child.signal).toBe('SIGKILL');
    const c = DeliveryLedger.open(path);
    c.lockForPush();
    c.close();
  });

  it('refuses a ledger from a newer Hardstop', () => {
    const path = join(tempDir(), 'd.db');
    DeliveryLedger.open(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${LEDGER_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => DeliveryLedger.open(path)).toThrow(expect.objectContaining({code: 'LEDGER_TOO_NEW'}));
  });
});
