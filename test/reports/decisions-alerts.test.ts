import {mkdtempSync, readFileSync, readdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {sha256Hex} from '../../src/kernel/canonical-json.js';
import {PinnedClock} from '../../src/kernel/clock.js';
import {HardstopError} from '../../src/kernel/errors.js';
import type {Mode} from '../../src/kernel/exit-status.js';
import {RunGroup} from '../../src/kernel/run-group.js';
import type {RunRecord} from '../../src/kernel/run-record.js';
import {MICROS_PER_HOUR, parseIsoInstant} from '../../src/kernel/time.js';
import {alertDetailText, alertListTable, getAlertDetail, listAlerts, listedDocuments} from '../../src/reports/alerts.js';
import {buildBriefV2} from '../../src/reports/brief-v2/build.js';
import {decisionLines, runExportDecisionsOperator, serializeDecisionLine, streamedBatchRef} from '../../src/reports/decisions.js';
import {batchRef} from '../../src/kernel/run-record.js';
import {addAlert, addEvent, addRawItem, addSuppression, memoryStore, OUT24_EVIDENCE, RG} from './fixture.js';

const NOW = parseIsoInstant('2025-12-29T17:00:00Z')!.micros;

function group(mode: Mode = 'strict'): {group: RunGroup; records: RunRecord[]} {
  const records: RunRecord[] = [];
  const g = new RunGroup({
    command: 'test',
    args: {},
    clock: new PinnedClock(NOW),
    mode,
    configHash: 'c'.repeat(64),
    version: '0.1.0',
    sink: {write: (r) => void records.push(r)},
  });
  return {group: g, records};
}

function decisionsStore() {
  const store = memoryStore();
  addAlert(store, {alertId: 'ALERT-1', classification: 2, impact: 5, facilities: ['DC-2', 'DC-1'], versions: 2});
  addRawItem(store, {rawId: 'raw-s', sourceId: 'news', canonicalId: 'urn:hsb:news:0001', status: 'SUPPRESSED'});
  addEvent(store, {eventId: 'ev-s', rawId: 'raw-s', sourceId: 'news', suppressed: true, facilities: ['WH-9'], paths: {'WH-9': 'name'}});
  addSuppression(store, 'ev-s', 'raw-s', 'news', ['global_test_alerts', 'routine_weekly_summary', 'global_test_alerts']);
  addRawItem(store, {rawId: 'raw-nocanon', sourceId: 'nws', canonicalId: null});
  addEvent(store, {eventId: 'ev-n', rawId: 'raw-nocanon', sourceId: 'nws', facilities: ['PLANT-3', 'DC-1'], paths: {'PLANT-3': 'nws_same', 'DC-1': 'city_state'}, runGroupId: 'other-rg'});
  addRawItem(store, {rawId: 'raw-pending', status: 'NEW'});
  return store;
}

describe('decisions export', () => {
  it('one line per processed raw item, sorted by item id, with rules, facilities, paths and incident', () => {
    const lines = [...decisionLines(decisionsStore())].map(({event_hash: _h, ...rest}) => rest);
    expect(lines.map((l) => l.item_id)).toEqual(['guid-ALERT-1-e1', 'guid-ALERT-1-e2', 'raw-nocanon', 'urn:hsb:news:0001']);
    expect(lines[0]).toEqual({
      item_id: 'guid-ALERT-1-e1',
      raw_id: 'raw-ALERT-1-e1',
      source_id: 'src-a',
      event_id: 'ALERT-1-e1',
      suppressed: false,
      suppression_rule_ids: [],
      facility_ids: ['DC-1', 'DC-2'],
      link_paths: {},
      incident_id: 'ALERT-1',
      event_type: 'CLOSURE',
    });
    expect(lines[1].incident_id).toBe('ALERT-1');
    expect(lines[2]).toMatchObject({item_id: 'raw-nocanon', facility_ids: ['DC-1', 'PLANT-3'], link_paths: {'DC-1': 'city_state', 'PLANT-3': 'nws_same'}, incident_id: null});
    expect(Object.keys(lines[2].link_paths)).toEqual(['DC-1', 'PLANT-3']);
    expect(lines[3]).toMatchObject({suppressed: true, suppression_rule_ids: ['global_test_alerts', 'routine_weekly_summary'], incident_id: null});
    expect(serializeDecisionLine({...lines[3]})).toBe(
      '{"item_id":"urn:hsb:news:0001","raw_id":"raw-s","source_id":"news","event_id":"ev-s","suppressed":true,"suppression_rule_ids":["global_test_alerts","routine_weekly_summary"],"facility_ids":["WH-9"],"link_paths":{"WH-9":"name"},"incident_id":null,"event_type":"CLOSURE"}\n',
    );
  });

  it('event_type: the item\'s own type, or its incident\'s when it joined as a follow-up', () => {
    const store = decisionsStore();
    const followUp = {correlation: {action: 'UPDATED', follow_up: true, key: 'FIRE|DC-1|NONE', rule_id: 'corr'}, risk_type: 'FIRE', version: 2};
    store.db.prepare('UPDATE alert_versions SET alert_json = ? WHERE alert_id = ? AND version = 2').run(JSON.stringify(followUp), 'ALERT-1');
    const types = Object.fromEntries([...decisionLines(store)].map((l) => [l.item_id, l.event_type]));
    expect(types).toMatchObject({'guid-ALERT-1-e1': 'CLOSURE', 'guid-ALERT-1-e2': 'FIRE', 'urn:hsb:news:0001': 'CLOSURE'});
  });

  it('streamedBatchRef equals the kernel batchRef', () => {
    const items = ['b', 'a', 'ü', '\u{1F600}', 'q"uote', 'back\\slash', 'ctl\u0001'].map((id, i) => ({id, hash: `h${i}`}));
    expect(streamedBatchRef('SignalCanonical', 'rg', items, 'signals/v1')).toEqual(batchRef('SignalCanonical', 'rg', items, 'signals/v1'));
    expect(streamedBatchRef('X', 'rg', [])).toEqual(batchRef('X', 'rg', []));
  });

  it('--run keeps only events of that run group', () => {
    expect([...decisionLines(decisionsStore(), {runGroupId: 'other-rg'})].map((l) => l.item_id)).toEqual(['raw-nocanon']);
  });

  it('operator: atomic file, RunRecord output ref = hash and bytes of the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-dec-'));
    const out = join(dir, 'nested', 'predictions.jsonl');
    const {group: g, records} = group();
    const r = await runExportDecisionsOperator(decisionsStore(), g, {outPath: out});
    const bytes = readFileSync(out);
    expect(r.lines).toBe(4);
    expect(r.hash).toBe(sha256Hex(bytes));
    expect(readdirSync(join(dir, 'nested'))).toEqual(['predictions.jsonl']);
    expect(records).toHaveLength(1);
    expect(records[0].operator_id).toBe('hardstop.export-decisions@1.0.0');
    expect(records[0].output_refs).toEqual([{id: `export:decisions:${g.id}`, kind: 'Export', hash: r.hash, bytes: bytes.length, schema: 'export::jsonl'}]);
    expect(records[0].input_refs.map((x) => x.kind)).toEqual(['RunGroup', 'ExportFilter', 'SignalCanonical']);
    const chunks: string[] = [];
    const r2 = await runExportDecisionsOperator(decisionsStore(), group().group, {write: (c) => chunks.push(c)});
    expect(chunks.join('')).toBe(bytes.toString('utf8'));
    expect(r2.hash).toBe(r.hash);
  });

  it('exports 20,000 items as 20,000 lines in item-id order (speed is measured by npm run bench)', () => {
    const store = memoryStore();
    const insert = store.db.transaction(() => {
      for (let i = 0; i < 20000; i++) {
        const id = `r${String(i).padStart(6, '0')}`;
        addRawItem(store, {rawId: id, canonicalId: `urn:${id}`});
        addEvent(store, {eventId: `e${id}`, rawId: id, facilities: [`F-${i % 50}`]});
      }
    });
    insert();
    let n = 0;
    let previous = '';
    for (const line of decisionLines(store)) {
      expect(line.item_id > previous).toBe(true);
      previous = line.item_id;
      n++;
    }
    expect(n).toBe(20000);
  });
});

describe('alerts list and show', () => {
  function alertsStore() {
    const store = memoryStore();
    addAlert(store, {alertId: 'A-LOW', classification: 1, impact: 3, sourceId: 'nws'});
    addAlert(store, {alertId: 'A-HIGH', classification: 2, impact: 8, versions: 3, sourceId: 'news', facilities: ['DC-1']});
    addAlert(store, {alertId: 'A-OLD', classification: 2, impact: 9, firstSeen: '2024-01-01T00:00:00Z', lastSeen: '2024-01-01T00:00:00Z'});
    addAlert(store, {alertId: 'A-ZERO', classification: 0, impact: 0});
    return store;
  }

  it('canonical order, filters before limit, no implicit time cap (OUT-9)', () => {
    const store = alertsStore();
    expect(listAlerts(store, {now: NOW}).items.map((a) => a.alert_id)).toEqual(['A-OLD', 'A-HIGH', 'A-LOW', 'A-ZERO']);
    const recent = listAlerts(store, {now: NOW, sinceMicros: 24 * MICROS_PER_HOUR, limit: 2});
    expect(recent.total).toBe(3);
    expect(recent.items.map((a) => a.alert_id)).toEqual(['A-HIGH', 'A-LOW']);
    expect(listAlerts(store, {now: NOW, classification: 2, sourceId: 'news'}).items.map((a) => a.alert_id)).toEqual(['A-HIGH']);
    const high = listAlerts(store, {now: NOW, classification: 2, sourceId: 'news'});
    expect(high.items[0]).toMatchObject({correlation_action: 'UPDATED', update_count: 2, version: 3});
    const docs = listedDocuments(store, high);
    expect(docs[0]).toMatchObject({alert_id: 'A-HIGH', version: 3, correlation: {action: 'UPDATED'}, correlation_action: 'UPDATED'});
    const tableText = alertListTable(recent);
    expect(tableText.split('\n')[0]).toMatch(/^ALERT\s+CLASS\s+IMPACT\s+ACTION\s+UPDATES\s+TIER\s+SOURCE\s+FACILITIES\s+LAST_SEEN\s+SUMMARY$/);
    expect(tableText).toContain('2 of 3 alert(s) shown');
  });

  it('show: stored document, version history with actions and evidence hashes, provenance', () => {
    const d = getAlertDetail(alertsStore(), 'A-HIGH');
    expect(d.alert).toMatchObject({alert_id: 'A-HIGH', version: 3});
    expect(d.versions.map((v) => [v.version, v.correlation_action, v.classification, v.impact_score, v.evidence_verified])).toEqual([
      [1, 'CREATED', 2, 8, true],
      [2, 'UPDATED', 2, 8, true],
      [3, 'UPDATED', 2, 8, true],
    ]);
    expect(d.versions[2].merge_summary[0]).toBe('Correlation key matched existing alert');
    expect(d.evidence.verified).toBe(true);
    expect(d.evidence.artifact_hash).toBe(d.versions[2].evidence_hash);
    expect(d.provenance).toEqual({root_event_count: 3, root_event_ids: ['A-HIGH-e1', 'A-HIGH-e2', 'A-HIGH-e3'], first_seen_source_id: 'news', first_seen_tier: 'global'});
    expect(d.current_source_id).toBe('news');
    const text = alertDetailText(d);
    expect(text).toContain('Alert A-HIGH (version 3, UPDATED)');
    expect(text).toMatch(/VERSION\s+ACTION\s+CLASS\s+IMPACT\s+DECIDED_AT\s+EVENT\s+EVIDENCE/);
  });

  it('the document is the current version\'s: a projection without alert_json shows the same show, list --json and brief', () => {
    const store = alertsStore();
    const read = () => ({
      show: getAlertDetail(store, 'A-HIGH'),
      text: alertDetailText(getAlertDetail(store, 'A-HIGH')),
      list: listedDocuments(store, listAlerts(store, {now: NOW})),
      brief: buildBriefV2(store, {now: NOW, sinceMicros: 24 * MICROS_PER_HOUR, includeClass0: true, limit: 20, runGroupId: RG, mode: 'strict', configHash: 'c'.repeat(64), hardstopVersion: '0.1.0', sources: []}).model,
    });
    const before = read();
    expect(before.show.alert).toMatchObject({alert_id: 'A-HIGH', version: 3, summary: 'Alert A-HIGH'});
    store.db.prepare("UPDATE incidents SET alert_json = ''").run();
    expect(read()).toEqual(before);
  });

  it('show: unknown id is a usage error (exit 2) with a hint', () => {
    try {
      getAlertDetail(alertsStore(), 'A-HIGX');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(HardstopError);
      expect((err as HardstopError).exitCode).toBe(2);
      expect((err as HardstopError).code).toBe('ALERT_NOT_FOUND');
      expect((err as HardstopError).hint).toContain('A-HIGH');
    }
  });
});
