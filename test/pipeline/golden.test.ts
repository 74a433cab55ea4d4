import {readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {expectValidRunRecords} from '../helpers/run-records.js';
import {tempHome} from '../helpers/cli.js';
import {pipelineDigests} from '../helpers/digests.js';
import {GOLDEN_NOW, goldenResult, readExpected, runGolden, type GoldenExpected} from '../helpers/golden.js';

/**
 * Golden run (issue 5 §9): fixtures/golden/ through the built CLI in two fresh homes with a
 * pinned clock. Both homes must produce the same digests, and those must equal
 * fixtures/golden/expected.json. After an intended change, rewrite the expected digests with
 * `npm run build && node scripts/update-golden.js` (the only writer of that file) and review
 * the diff.
 */
const homes: string[] = [];
const results: GoldenExpected[] = [];

beforeAll(() => {
  for (const prefix of ['hardstop-golden-a-', 'hardstop-golden-b-']) {
    const home = tempHome(prefix);
    homes.push(home);
    runGolden(home);
    results.push(goldenResult(home));
  }
}, 120_000);

afterAll(() => {
  for (const h of homes) rmSync(h, {recursive: true, force: true});
});

interface IncidentRow {
  alert_id: string;
  correlation_key: string;
  update_count: number;
  root_event_ids_json: string;
  alert_json: string;
}

function db(): Database.Database {
  return new Database(join(homes[0], 'hardstop.db'), {readonly: true, fileMustExist: true});
}

function incidentBySummary(d: Database.Database, like: string): IncidentRow[] {
  return d
    .prepare(
      `SELECT i.alert_id, i.correlation_key, i.update_count, i.root_event_ids_json, v.alert_json
       FROM incidents i JOIN alert_versions v ON v.alert_id = i.alert_id AND v.version = i.current_version
       WHERE i.summary LIKE ? ORDER BY i.alert_id`,
    )
    .all(like) as IncidentRow[];
}

function eventIdOfTitle(d: Database.Database, like: string): string {
  const rows = d.prepare('SELECT event_id FROM events WHERE title LIKE ?').all(like) as {event_id: string}[];
  expect(rows, like).toHaveLength(1);
  return rows[0].event_id;
}

describe('golden run', () => {
  it('two fresh homes produce identical digests (alerts, versions, evidence files, events, RunRecords)', () => {
    expect(results).toHaveLength(2);
    expect(results[1]).toEqual(results[0]);
    // The digests are over real content, not empty tables.
    expect(results[0].counts).toMatchObject({alerts: 11, alert_versions: 13, evidence_files: 13, events: 16, run_records: 7});
    for (const k of ['brief_json', 'brief_md', 'brief_html', 'bundle_manifest'] as const) expect(results[0].counts[k]).toBeGreaterThan(0);
  });

  it('every RunRecord of the golden run validates against the schema', () => {
    for (const h of homes) expect(expectValidRunRecords(h)).toBe(7);
  });

  it('the digests equal fixtures/golden/expected.json (rewrite only with scripts/update-golden.js)', () => {
    const expected = readExpected();
    const actual = results[0];
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      // Say which part moved, with the rows, before failing.
      const {rows} = pipelineDigests(homes[0]);
      const changed = Object.keys(expected.digests).filter((k) => expected.digests[k as keyof typeof expected.digests] !== actual.digests[k as keyof typeof actual.digests]);
      console.error(`golden digests changed: ${changed.join(', ')}\n${JSON.stringify(Object.fromEntries(changed.map((k) => [k, rows[k as keyof typeof rows]])), null, 1).slice(0, 20_000)}`);
    }
    expect(actual).toEqual(expected);
  });

  it('the two unlinked strikes stay two alerts, each with its own content key part (COR-3)', () => {
    const d = db();
    try {
      const strikes = d.prepare("SELECT alert_id, correlation_key, update_count FROM incidents WHERE correlation_key LIKE 'STRIKE|NONE|NONE|%' ORDER BY alert_id").all() as IncidentRow[];
      expect(strikes).toHaveLength(2);
      expect(strikes.map((s) => s.update_count)).toEqual([0, 0]);
      expect(new Set(strikes.map((s) => s.correlation_key)).size).toBe(2);
      for (const s of strikes) expect(s.correlation_key).toMatch(/^STRIKE\|NONE\|NONE\|[a-z]+:[0-9a-f]+$/);
    } finally {
      d.close();
    }
  });

  it('the NWS update (same VTEC) merges into the first alert; a different hazard over the same county stays separate', () => {
    const d = db();
    try {
      const first = eventIdOfTitle(d, 'Winter Storm Warning issued%');
      const update = eventIdOfTitle(d, 'Winter Storm Warning remains%');
      const storm = d
        .prepare(
          `SELECT i.*, v.alert_json FROM incidents i JOIN alert_versions v ON v.alert_id = i.alert_id AND v.version = i.current_version
           WHERE i.correlation_key LIKE '%|vtec:KDMX.WS.W.0004'`,
        )
        .all() as IncidentRow[];
      expect(storm).toHaveLength(1);
      expect(storm[0].correlation_key).toBe('WEATHER|PLANT-02|LANE-002|vtec:KDMX.WS.W.0004');
      expect(storm[0].update_count).toBe(1);
      expect(JSON.parse(storm[0].root_event_ids_json)).toEqual([first, update].sort());
      const doc = JSON.parse(storm[0].alert_json) as {root_event_id: string; latest_event_id: string; correlation: {action: string}; version: number};
      expect(doc).toMatchObject({root_event_id: first, latest_event_id: update, correlation: {action: 'UPDATED'}, version: 2});
      const versions = d.prepare('SELECT version, event_id, correlation_action FROM alert_versions WHERE alert_id = ? ORDER BY version').all(storm[0].alert_id);
      expect(versions).toEqual([
        {version: 1, event_id: first, correlation_action: 'CREATED'},
        {version: 2, event_id: update, correlation_action: 'UPDATED'},
      ]);
      const flood = incidentBySummary(d, 'Flood Watch%');
      expect(flood).toHaveLength(1);
      expect(flood[0].correlation_key).toBe('WEATHER|PLANT-02|LANE-002|vtec:KDMX.FA.A.0002');
      expect(flood[0].alert_id).not.toBe(storm[0].alert_id);
      expect(flood[0].update_count).toBe(0);
      // An unlinked NWS alert correlates on its VTEC tracking id, not on WEATHER|NONE|NONE.
      expect(incidentBySummary(d, 'Dense Fog Advisory%').map((r) => r.correlation_key)).toEqual(['WEATHER|NONE|NONE|vtec:KCLE.FG.Y.0003']);
    } finally {
      d.close();
    }
  });

  it('the linked follow-up news item merges into the spill alert (same reference key)', () => {
    const d = db();
    try {
      const spill = d.prepare("SELECT * FROM incidents WHERE correlation_key = 'SPILL|PLANT-01|LANE-001'").all() as IncidentRow[];
      expect(spill).toHaveLength(1);
      expect(spill[0].update_count).toBe(1);
      expect(JSON.parse(spill[0].root_event_ids_json)).toEqual(
        [eventIdOfTitle(d, 'Hydrochloric acid spill%'), eventIdOfTitle(d, 'Crews still containing%')].sort(),
      );
    } finally {
      d.close();
    }
  });

  it('links the multi-word city, the facility name and the ambiguous city as the spec says', () => {
    const d = db();
    try {
      const link = (like: string) => JSON.parse((d.prepare('SELECT link_json FROM events WHERE title LIKE ?').get(like) as {link_json: string}).link_json);
      const slc = link('Polymer resin shortage eases in Salt Lake City, UT');
      expect(slc.facilities).toEqual(['PLANT-03']);
      expect(slc.link_provenance.facility).toBe('CITY_STATE');
      expect(slc.link_confidence.facility).toBe(0.7);
      const columbus = link('Fire reported at Columbus Cold Storage');
      expect(columbus.facilities).toEqual(['WH-01']);
      expect(columbus.link_provenance.facility).toBe('FACILITY_NAME_SUBSTRING');
      // Memphis, TN is shared by DC-01 and DC-05: ambiguous, 0.45, candidates recorded, no shipments.
      const memphis = link('Flooding closes roads near warehouses in Memphis, TN');
      expect(memphis.link_provenance.facility).toBe('CITY_STATE_AMBIGUOUS');
      expect(memphis.link_confidence.facility).toBe(0.45);
      expect(memphis.facility_candidates).toEqual(['DC-01', 'DC-05']);
      expect(memphis.facilities).toContain('DC-01');
      expect(memphis.shipments).toEqual([]);
      expect(incidentBySummary(d, 'Flooding closes roads%').map((r) => r.correlation_key)).toEqual(['WEATHER|DC-01|LANE-001']);
    } finally {
      d.close();
    }
  });

  it('suppressed items have an event row, an audit row with the primary rule, status SUPPRESSED, and no alert', () => {
    const d = db();
    try {
      const audit = d
        .prepare(
          `SELECT r.title, a.primary_rule_id, a.primary_reason_code, r.status, e.suppressed, a.decided_at
           FROM suppression_audit a JOIN raw_items r ON r.raw_id = a.raw_id JOIN events e ON e.event_id = a.event_id ORDER BY a.primary_rule_id`,
        )
        .all() as {title: string; primary_rule_id: string; primary_reason_code: string; status: string; suppressed: number; decided_at: string}[];
      expect(audit.map((a) => [a.primary_rule_id, a.primary_reason_code, a.status, a.suppressed, a.decided_at])).toEqual([
        ['global_test_alerts', 'TEST_ALERT', 'SUPPRESSED', 1, GOLDEN_NOW],
        ['nws_expired', 'NWS_EXPIRED', 'SUPPRESSED', 1, GOLDEN_NOW],
        ['weekly_digest', 'DIGEST', 'SUPPRESSED', 1, GOLDEN_NOW],
      ]);
      expect(audit.map((a) => a.title)).toEqual([
        'TEST ALERT: feed connectivity check',
        expect.stringMatching(/^Wind Advisory issued December 28/),
        'Weekly summary of port notices',
      ]);
      const leaked = d.prepare('SELECT COUNT(*) AS n FROM alert_versions v JOIN events e ON e.event_id = v.event_id WHERE e.suppressed = 1').get() as {n: number};
      expect(leaked.n).toBe(0);
    } finally {
      d.close();
    }
  });

  it('the item published outside --since 7d is never fetched; every fetched item is decided', () => {
    const d = db();
    try {
      expect(d.prepare("SELECT COUNT(*) AS n FROM raw_items WHERE title LIKE 'Old bridge inspection%'").get()).toEqual({n: 0});
      expect(d.prepare('SELECT status, COUNT(*) AS n FROM raw_items GROUP BY status ORDER BY status').all()).toEqual([
        {status: 'NORMALIZED', n: 13},
        {status: 'SUPPRESSED', n: 3},
      ]);
    } finally {
      d.close();
    }
  });

  it('every evidence file is the stored evidence payload of one alert version, byte for byte', () => {
    const d = db();
    try {
      const versions = d.prepare('SELECT alert_id, version, evidence_json, evidence_hash, alert_json FROM alert_versions ORDER BY alert_id, version').all() as {
        alert_id: string;
        version: number;
        evidence_json: string;
        evidence_hash: string;
        alert_json: string;
      }[];
      for (const v of versions) {
        const doc = JSON.parse(v.alert_json) as {evidence: {incident_evidence: {artifact_path: string; artifact_hash: string}}};
        const ie = doc.evidence.incident_evidence;
        expect(ie.artifact_hash).toBe(v.evidence_hash);
        const file = readFileSync(join(homes[0], ie.artifact_path), 'utf8');
        expect(JSON.parse(file)).toEqual(JSON.parse(v.evidence_json));
        expect(JSON.parse(file).artifact_hash).toBe(v.evidence_hash);
      }
    } finally {
      d.close();
    }
  });
});
