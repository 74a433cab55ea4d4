import {describe, expect, it} from 'vitest';
import type {Store} from '../../src/store/db.js';
import {versionsOfInterruptedRuns} from '../../src/store/replay-repo.js';
import {addAlert, memoryStore} from '../reports/fixture.js';

const OP = 'hardstop.ingest@1.0.0';

function addRecord(store: Store, runGroupId: string, seq: number, operatorId: string): void {
  store.db
    .prepare(
      `INSERT INTO run_records (run_id, run_group_id, seq, operator_id, mode, started_at, ended_at, record_hash, record_json, file_path)
       VALUES (?, ?, ?, ?, 'strict', 't', 't', 'h', '{}', NULL)`,
    )
    .run(`${runGroupId}-${seq}`, runGroupId, seq, operatorId);
}

/** Alert versions spread over four run groups; g1 and g3 recorded the decide operator, g2 only another one, g4 nothing. */
function storeWithGroups(): Store {
  const store = memoryStore();
  addAlert(store, {alertId: 'A-2', classification: 2, impact: 5, versions: 3});
  addAlert(store, {alertId: 'A-1', classification: 1, impact: 3, versions: 2});
  addAlert(store, {alertId: 'A-3', classification: 1, impact: 3, versions: 1});
  const groups = ['g4', 'g2', 'g1', 'g3', 'g2', 'g4'];
  const versions = store.db.prepare('SELECT alert_id, version FROM alert_versions ORDER BY alert_id DESC, version').all() as {alert_id: string; version: number}[];
  versions.forEach((v, i) => store.db.prepare('UPDATE alert_versions SET run_group_id = ? WHERE alert_id = ? AND version = ?').run(groups[i], v.alert_id, v.version));
  addRecord(store, 'g1', 1, 'hardstop.fetch@1.0.0');
  addRecord(store, 'g1', 2, OP);
  addRecord(store, 'g2', 1, 'hardstop.fetch@1.0.0');
  addRecord(store, 'g3', 1, OP);
  return store;
}

/** What the check returned when it scanned every version (the reference semantics). */
function scanned(store: Store, operatorId: string): unknown[] {
  return store.db
    .prepare(
      `SELECT alert_json, evidence_json FROM alert_versions
       WHERE run_group_id NOT IN (SELECT run_group_id FROM run_records WHERE operator_id = ?)
       ORDER BY alert_id, version`,
    )
    .all(operatorId);
}

describe('versionsOfInterruptedRuns', () => {
  it('returns the versions of run groups without a RunRecord of the operator, in alert and version order', () => {
    const store = storeWithGroups();
    const got = versionsOfInterruptedRuns(store, OP);
    expect(got).toEqual(scanned(store, OP));
    const ids = got.map((r) => {
      const doc = JSON.parse(r.alert_json) as {alert_id: string; version: number};
      return `${doc.alert_id}@${doc.version}`;
    });
    expect(ids).toEqual(['A-1@1', 'A-1@2', 'A-2@1', 'A-3@1']);
    expect(versionsOfInterruptedRuns(store, 'no-such-operator')).toEqual(scanned(store, 'no-such-operator'));
  });

  it('returns nothing once every group recorded the operator, and nothing on an empty store', () => {
    const store = storeWithGroups();
    addRecord(store, 'g2', 2, OP);
    addRecord(store, 'g4', 1, OP);
    expect(versionsOfInterruptedRuns(store, OP)).toEqual([]);
    expect(versionsOfInterruptedRuns(memoryStore(), OP)).toEqual([]);
  });
});
