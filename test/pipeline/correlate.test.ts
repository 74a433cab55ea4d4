import {describe, expect, it} from 'vitest';
import {canonicalJson} from '../../src/kernel/canonical-json.js';
import {MICROS_PER_DAY, MICROS_PER_HOUR, parseIsoInstant} from '../../src/kernel/time.js';
import {buildAlertVersion, type AlertBuildInput} from '../../src/pipeline/alert.js';
import {type AlertScope, CandidateIncidents, earlierInstant, findExistingIncident, laterInstant, mergeClassification, mergeScope, parseScope} from '../../src/pipeline/correlate.js';
import type {IncidentRow} from '../../src/store/decisions-repo.js';

/** Correlation (pipeline.md §8): merge vectors M-1..M-3, the event-time window (COR-4), COR-5. */

const t = (s: string) => (parseIsoInstant(s) as {micros: number}).micros;
const WEEK = 168 * MICROS_PER_HOUR;
const S = (n: number, from = 1) => Array.from({length: n}, (_, i) => `S${i + from}`);

function scope(p: Partial<AlertScope>): AlertScope {
  return {facilities: [], lanes: [], shipments: [], shipments_total_linked: 0, shipments_truncated: false, ...p};
}

function incident(p: Partial<IncidentRow> & {alert_id: string}): IncidentRow {
  return {
    correlation_key: 'K',
    first_event_id: `${p.alert_id}-e1`,
    first_seen: '2025-12-01T00:00:00Z',
    last_seen: '2025-12-01T00:00:00Z',
    last_event_time: '2025-12-01T00:00:00Z',
    current_version: 1,
    classification: 1,
    impact_score: 2,
    risk_type: 'STRIKE',
    summary: 's',
    status: 'OPEN',
    source_id: 'src',
    tier: 'global',
    trust_tier: 2,
    update_count: 0,
    root_event_ids_json: JSON.stringify([`${p.alert_id}-e1`]),
    scope_json: canonicalJson(scope({})),
    ...p,
  };
}

const M1_OLD = scope({facilities: ['PLANT-01'], lanes: ['LANE-002', 'LANE-001'], shipments: S(5), shipments_total_linked: 10, shipments_truncated: true});
const M1_NEW = scope({facilities: ['DC-01', 'PLANT-01'], lanes: ['LANE-001', 'LANE-009'], shipments: ['S6'], shipments_total_linked: 1, shipments_truncated: false});
const M1_MERGED = scope({facilities: ['PLANT-01', 'DC-01'], lanes: ['LANE-002', 'LANE-001', 'LANE-009'], shipments: S(6), shipments_total_linked: 10, shipments_truncated: true});

describe('scope merge (§8.4)', () => {
  const cases: {name: string; old: AlertScope | null; incoming: AlertScope; expected: AlertScope}[] = [
    {name: 'M-1 old lists then new, first occurrence kept, total by max, truncated by OR', old: M1_OLD, incoming: M1_NEW, expected: M1_MERGED},
    {name: 'M-2 no old scope: the new scope as is', old: null, incoming: M1_NEW, expected: M1_NEW},
    {
      name: 'merged shipment list is neither re-sorted nor re-truncated (can exceed 50)',
      old: scope({shipments: S(50, 11), shipments_total_linked: 60, shipments_truncated: true}),
      incoming: scope({shipments: ['S1', 'S11'], shipments_total_linked: 2}),
      expected: scope({shipments: [...S(50, 11), 'S1'], shipments_total_linked: 60, shipments_truncated: true}),
    },
    {
      name: 'new flag alone sets truncated; totals default to the merged count when larger',
      old: scope({shipments: ['A', 'B'], shipments_total_linked: 2}),
      incoming: scope({shipments: ['C'], shipments_total_linked: 1, shipments_truncated: true}),
      expected: scope({shipments: ['A', 'B', 'C'], shipments_total_linked: 3, shipments_truncated: true}),
    },
  ];
  it.each(cases)('$name', ({old, incoming, expected}) => {
    expect(mergeScope(old, incoming)).toEqual(expected);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty text', ''],
    ['not JSON', '{facilities: [PLANT-01'],
    ['JSON but not an object', '42'],
  ])('M-2 a stored scope that is %s parses to null, so the new scope is used unchanged', (_, text) => {
    const old = parseScope(text as string | null | undefined);
    expect(old).toBeNull();
    expect(mergeScope(old, M1_NEW)).toEqual(M1_NEW);
  });

  it('parseScope fills absent fields: total defaults to the stored shipment count', () => {
    expect(parseScope('{"facilities":["F"],"shipments":["a","b"]}')).toEqual(scope({facilities: ['F'], shipments: ['a', 'b'], shipments_total_linked: 2}));
  });
});

/** A minimal, fully specified alert build: every field buildAlertVersion reads. */
function buildInput(p: {existing: IncidentRow | null; link: AlertScope; score: number; cls: number; policyBCap?: number | null; eventId: string; eventTime: string}): AlertBuildInput {
  const policy = p.policyBCap === undefined || p.policyBCap === null ? 'A' : 'B';
  return {
    event: {
      event_id: p.eventId,
      type: 'SPILL',
      title: `title ${p.eventId}`,
      event_time: p.eventTime,
      published_at: p.eventTime,
      source_id: 'src',
      tier: 'global',
      trust_tier: 2,
      url: null,
    } as unknown as AlertBuildInput['event'],
    link: {
      facilities: p.link.facilities,
      facility_candidates: [],
      lanes: p.link.lanes,
      lane_matches: [],
      shipments: p.link.shipments,
      shipments_total_linked: p.link.shipments_total_linked,
      shipments_truncated: p.link.shipments_truncated,
      link_confidence: {facility: 0.95},
      link_provenance: {facility: 'FACILITY_ID_EXACT'},
      linking_notes: [],
      facility_paths: {},
      facility_evidence: {},
      mentions: [],
    } as unknown as AlertBuildInput['link'],
    rawItem: {raw_id: `RAW-${p.eventId}`, fetched_at: p.eventTime, published_at: p.eventTime, url: null},
    score: {score: p.score, base: p.score, raw: p.score, contributions: [], flags: [], capped: null, breakdown: []},
    classify: {classification: p.cls, rule_id: 'c', file: 'classification.yaml', line: 1, when: null},
    quality: {
      classification: p.cls,
      cap: {cap: p.policyBCap ?? 2},
      cap_reasons: [],
      floor_reason: null,
      quality_validation: {
        max_allowed_classification: p.policyBCap ?? 2,
        high_impact_factors_count: 0,
        facility_confidence_bp: 9500,
        facility_provenance: 'FACILITY_ID_EXACT',
        applied_policy: policy,
        cap_reason_code: 'NONE',
        floor_reason_code: null,
      },
    } as unknown as AlertBuildInput['quality'],
    correlation: {rule_id: 'supply_chain_key', key: 'SPILL|PLANT-01|LANE-001', parts: [], follow: [], window_micros: WEEK, max_candidates: 20},
    existing: p.existing,
    decidedAt: '2025-12-29T17:00:00Z',
    runGroupId: 'rg',
    windowHours: 168,
    pinned: true,
  };
}

describe('diagnostics merge on UPDATED (§8.4 M-3) and the stored row (§8.3)', () => {
  const created = buildAlertVersion(buildInput({existing: null, link: M1_OLD, score: 7, cls: 2, eventId: 'E1', eventTime: '2025-12-28T00:00:00Z'}));
  const updated = buildAlertVersion(
    buildInput({existing: created.incident, link: M1_NEW, score: 2, cls: 1, eventId: 'E2', eventTime: '2025-12-29T00:00:00Z'}),
  );

  it('M-3: totals and truncation from the merge, impact_score from the new event', () => {
    const d = updated.document.evidence.diagnostics;
    expect({total: d.shipments_total_linked, truncated: d.shipments_truncated, impact_score: d.impact_score}).toEqual({total: 10, truncated: true, impact_score: 2});
    expect(updated.document.scope).toEqual(M1_MERGED);
    expect(JSON.parse(updated.incident.scope_json)).toEqual(M1_MERGED);
  });

  it('the stored projection equals the returned document (COR-2 TS), and the version carries the new score', () => {
    expect(updated.incident.current_version).toBe(updated.version.version);
    expect(JSON.parse(updated.version.alert_json)).toEqual(JSON.parse(JSON.stringify(updated.document)));
    expect(updated.document).toMatchObject({
      alert_id: created.document.alert_id,
      version: 2,
      status: 'UPDATED',
      classification: 2, // max(2, 1), no Policy B cap
      impact_score: 2, // the new event's score, not the max
      update_count: 1,
      root_event_id: 'E1',
      root_event_ids: ['E1', 'E2'],
      latest_event_id: 'E2',
      summary: 'title E2',
      correlation: {action: 'UPDATED', key: 'SPILL|PLANT-01|LANE-001'},
      last_event_time: '2025-12-29T00:00:00Z',
    });
    expect([created.version.impact_score, updated.version.impact_score]).toEqual([7, 2]);
    expect(updated.version.correlation_action).toBe('UPDATED');
  });
});

describe('findExistingIncident: window in event time (§8.2 TS, COR-4)', () => {
  const last = '2025-12-01T00:00:00Z';
  const a = incident({alert_id: 'A', last_event_time: last, last_seen: '2026-06-01T00:00:00Z'});
  const cases: {name: string; candidates: IncidentRow[]; event: string; expected: string | null}[] = [
    {name: 'one day later: same incident', candidates: [a], event: '2025-12-02T00:00:00Z', expected: 'A'},
    {name: 'exactly 168 h later: still inside (≤)', candidates: [a], event: '2025-12-08T00:00:00Z', expected: 'A'},
    {name: '168 h + 1 µs later: outside', candidates: [a], event: '2025-12-08T00:00:00.000001Z', expected: null},
    {name: 'COR-4: 8 days later in event time → new alert, whatever the processing time', candidates: [a], event: '2025-12-09T00:00:00Z', expected: null},
    {name: 'COR-4: 8 days earlier (replayed old item) → new alert too', candidates: [a], event: '2025-11-23T00:00:00Z', expected: null},
    {name: 'an out-of-order item 2 days older joins the incident', candidates: [a], event: '2025-11-29T00:00:00Z', expected: 'A'},
    {
      name: 'processing time (last_seen) is ignored when the latest event time is known',
      candidates: [incident({alert_id: 'B', last_event_time: '2025-12-01T00:00:00Z', last_seen: '2025-12-01T00:00:00Z'})],
      event: '2025-12-20T00:00:00Z',
      expected: null,
    },
    {
      name: 'no event time on the incident: its last decision time is used',
      candidates: [incident({alert_id: 'C', last_event_time: null, last_seen: '2025-12-05T00:00:00Z'})],
      event: '2025-12-10T00:00:00Z',
      expected: 'C',
    },
    {
      name: 'the first candidate (most recent) inside the window wins',
      candidates: [incident({alert_id: 'NEW', last_event_time: '2025-12-06T00:00:00Z'}), incident({alert_id: 'OLD', last_event_time: '2025-12-05T00:00:00Z'})],
      event: '2025-12-07T00:00:00Z',
      expected: 'NEW',
    },
    {
      name: 'a candidate outside the window is skipped for a later one inside',
      candidates: [incident({alert_id: 'FUTURE', last_event_time: '2025-12-30T00:00:00Z'}), incident({alert_id: 'NEAR', last_event_time: '2025-12-05T00:00:00Z'})],
      event: '2025-12-07T00:00:00Z',
      expected: 'NEAR',
    },
    {
      name: 'instants, not strings: offsets are compared as instants',
      candidates: [incident({alert_id: 'TZ', last_event_time: '2025-12-08T03:00:00+05:00'})],
      event: '2025-12-14T22:00:00Z', // exactly 168 h after 2025-12-07T22:00Z (text order would disagree)
      expected: 'TZ',
    },
    {name: 'unparseable times: never a match', candidates: [incident({alert_id: 'X', last_event_time: 'soon', last_seen: 'later'})], event: '2025-12-01T00:00:00Z', expected: null},
    {name: 'no candidates', candidates: [], event: '2025-12-01T00:00:00Z', expected: null},
  ];
  it.each(cases)('$name', ({candidates, event, expected}) => {
    expect(findExistingIncident(candidates, t(event), WEEK)?.alert_id ?? null).toBe(expected);
  });

  it('honours a pack-defined window (e.g. 24 h)', () => {
    expect(findExistingIncident([a], t('2025-12-02T00:00:00Z'), MICROS_PER_DAY)?.alert_id).toBe('A');
    expect(findExistingIncident([a], t('2025-12-02T00:00:01Z'), MICROS_PER_DAY)).toBeNull();
  });
});

describe('mergeClassification (§8.3, COR-5)', () => {
  it.each([
    {name: 'COR-5 strong (2) then weak follow-up whose Policy B cap is 0 → 0 (documented default)', old: 2, incoming: 0, cap: 0, expected: 0},
    {name: 'COR-2 stored class keeps the max without a Policy B cap', old: 2, incoming: 1, cap: null, expected: 2},
    {name: 'Policy B cap above the max does not raise it', old: 1, incoming: 0, cap: 2, expected: 1},
    {name: 'an upgrade is kept', old: 0, incoming: 2, cap: 2, expected: 2},
    {name: 'Policy B cap 1 lowers a stored 2', old: 2, incoming: 1, cap: 1, expected: 1},
    {name: 'Policy A (no cap): max', old: 0, incoming: 1, cap: null, expected: 1},
  ])('$name', ({old, incoming, cap, expected}) => {
    expect(mergeClassification(old, incoming, cap)).toBe(expected);
  });

  it('COR-5 end to end through buildAlertVersion: a weak follow-up with Policy B cap 0 lowers the stored class', () => {
    const strong = buildAlertVersion(buildInput({existing: null, link: M1_OLD, score: 5, cls: 2, eventId: 'S1', eventTime: '2025-12-28T00:00:00Z'}));
    const weak = buildAlertVersion(buildInput({existing: strong.incident, link: M1_NEW, score: 1, cls: 0, policyBCap: 0, eventId: 'S2', eventTime: '2025-12-28T06:00:00Z'}));
    expect([strong.document.classification, weak.document.classification, weak.incident.classification]).toEqual([2, 0, 0]);
  });
});

describe('first seen / latest event time (§8.3)', () => {
  it.each([
    ['both parse: the earlier instant, offsets honoured', '2025-12-29T10:00:00-05:00', '2025-12-29T14:00:00Z', '2025-12-29T14:00:00Z'],
    ['a parseable value beats an unparseable one', 'yesterday', '2025-12-29T14:00:00Z', '2025-12-29T14:00:00Z'],
    ['a parseable value beats an unparseable one (other side)', '2025-12-29T14:00:00Z', 'yesterday', '2025-12-29T14:00:00Z'],
    ['two unparseable values compare as text', 'zzz', 'aaa', 'aaa'],
  ])('earlierInstant: %s', (_, a, b, expected) => {
    expect(earlierInstant(a, b)).toBe(expected);
  });

  it('laterInstant keeps the latest event time, ignoring nulls and unparseable values', () => {
    expect(laterInstant('2025-12-01T00:00:00Z', '2025-12-02T00:00:00Z')).toBe('2025-12-02T00:00:00Z');
    expect(laterInstant('2025-12-03T00:00:00Z', '2025-12-02T00:00:00Z')).toBe('2025-12-03T00:00:00Z');
    expect(laterInstant(null, '2025-12-02T00:00:00Z')).toBe('2025-12-02T00:00:00Z');
    expect(laterInstant('2025-12-02T00:00:00Z', null)).toBe('2025-12-02T00:00:00Z');
    expect(laterInstant('garbage', '2025-12-02T00:00:00Z')).toBe('2025-12-02T00:00:00Z');
  });
});

describe('CandidateIncidents: the store order, kept current inside one transaction', () => {
  it('orders latest event time first, no time last, ties by alert id; limit per call', () => {
    const c = new CandidateIncidents([
      incident({alert_id: 'A-2', last_event_time: '2025-12-02T00:00:00Z'}),
      incident({alert_id: 'A-9', last_event_time: null}),
      incident({alert_id: 'A-1', last_event_time: '2025-12-02T00:00:00Z'}),
      incident({alert_id: 'A-3', last_event_time: '2025-12-03T00:00:00Z'}),
      incident({alert_id: 'B-1', correlation_key: 'other'}),
    ]);
    expect(c.candidates('K', 10).map((r) => r.alert_id)).toEqual(['A-3', 'A-1', 'A-2', 'A-9']);
    expect(c.candidates('K', 2).map((r) => r.alert_id)).toEqual(['A-3', 'A-1']);
    expect(c.candidates('other', 5).map((r) => r.alert_id)).toEqual(['B-1']);
    expect(c.candidates('none', 5)).toEqual([]);
  });

  it('record replaces an incident by alert id and re-sorts; new incidents join their key', () => {
    const c = new CandidateIncidents([incident({alert_id: 'A-1', last_event_time: '2025-12-01T00:00:00Z'}), incident({alert_id: 'A-2', last_event_time: '2025-12-02T00:00:00Z'})]);
    c.record(incident({alert_id: 'A-1', last_event_time: '2025-12-05T00:00:00Z', current_version: 2}));
    c.record(incident({alert_id: 'A-0', last_event_time: '2025-12-04T00:00:00Z'}));
    const rows = c.candidates('K', 10);
    expect(rows.map((r) => r.alert_id)).toEqual(['A-1', 'A-0', 'A-2']);
    expect(rows[0].current_version).toBe(2);
  });
});
