import {describe, expect, it} from 'vitest';
import {NetworkIndex} from '../../src/network/network-index.js';
import {linkEvent, type LinkInput, type LinkOptions} from '../../src/pipeline/link.js';
import {canonicalJson} from '../../src/kernel/canonical-json.js';
import {MICROS_PER_DAY} from '../../src/kernel/time.js';
import {fac, lane, NOW_2024, referenceFixtures, shipment} from './link-fixtures.js';
import type {NetworkSnapshot} from '../../src/model/network.js';

const fixtures = NetworkIndex.build(referenceFixtures());
const parity: LinkOptions = {shipmentWindow: false};

function item(title: string, body = ''): LinkInput {
  return {title, raw_text: body === '' ? title : `${title} ${body}`, source_type: 'rss', now: NOW_2024};
}

function withFacilities(extra: ReturnType<typeof fac>[], base: NetworkSnapshot = referenceFixtures()): NetworkIndex {
  return NetworkIndex.build({...base, facilities: [...base.facilities, ...extra]});
}

describe('linking vectors (pipeline.md §3.10)', () => {
  it('L-1 city + full state name in the body, lanes and shipments in ETA order', () => {
    const r = linkEvent(
      item('Hydrochloric acid spill at Avon chemical plant', '… occurred at a manufacturing facility in Avon, Indiana. Operations may be disrupted.'),
      fixtures,
      parity,
    );
    expect(r.facilities).toEqual(['PLANT-01']);
    expect(r.link_confidence.facility).toBe(0.7);
    expect(r.link_provenance.facility).toBe('CITY_STATE');
    expect(r.facility_paths).toEqual({'PLANT-01': 'city_state'});
    expect(r.lanes).toEqual(['LANE-001', 'LANE-002', 'LANE-003']);
    expect(r.lane_matches).toEqual([
      {lane_id: 'LANE-001', match_type: 'ORIGIN'},
      {lane_id: 'LANE-002', match_type: 'ORIGIN'},
      {lane_id: 'LANE-003', match_type: 'ORIGIN'},
    ]);
    expect(r.shipments).toEqual(['SHP-1001', 'SHP-1002', 'SHP-1005', 'SHP-1004', 'SHP-1003', 'SHP-1006']);
    expect(r.shipments_total_linked).toBe(6);
    expect(r.shipments_truncated).toBe(false);
    expect(r.link_confidence).toEqual({facility: 0.7, lanes: 0.7, shipments: 0.6});
    expect(r.link_provenance).toMatchObject({lanes: 'FACILITY_RELATION', shipments: 'LANE_RELATION'});
  });

  it('L-2 a full state name followed by a capitalised word still links (TS)', () => {
    const r = linkEvent(item('Chemical spill in Avon, Indiana', 'Crews responded.'), fixtures, parity);
    expect(r.facilities).toEqual(['PLANT-01']);
    expect(r.link_confidence.facility).toBe(0.7);
  });

  it('L-3 facility name', () => {
    const r = linkEvent(item('Outage at Memphis Logistics Hub', 'Power lost.'), fixtures, parity);
    expect(r.facilities).toEqual(['DC-01']);
    expect(r.link_provenance.facility).toBe('FACILITY_NAME_SUBSTRING');
    expect(r.link_confidence.facility).toBe(0.85);
    expect(r.lanes).toEqual(['LANE-001', 'LANE-004', 'LANE-006', 'LANE-008', 'LANE-010', 'LANE-011']);
    expect(r.lane_matches.find((m) => m.lane_id === 'LANE-010')?.match_type).toBe('ORIGIN');
    expect(r.lane_matches.find((m) => m.lane_id === 'LANE-001')?.match_type).toBe('DESTINATION');
    expect(r.shipments).toEqual(['SHP-1001', 'SHP-1007', 'SHP-1002', 'SHP-1005', 'SHP-1009', 'SHP-1014', 'SHP-1011', 'SHP-1013']);
  });

  it('L-4 facility id', () => {
    const r = linkEvent(item('Strike at DC-02 enters day two', 'Pickets at gate.'), fixtures, parity);
    expect(r.facilities).toEqual(['DC-02']);
    expect(r.link_provenance.facility).toBe('FACILITY_ID_EXACT');
    expect(r.link_confidence.facility).toBe(0.95);
    expect(r.lanes).toEqual(['LANE-002', 'LANE-005', 'LANE-009', 'LANE-010', 'LANE-012']);
    expect(r.shipments).toEqual(['SHP-1012', 'SHP-1008', 'SHP-1013', 'SHP-1003', 'SHP-1006', 'SHP-1015']);
  });

  it('L-5 lower-case "in" is not a state', () => {
    const r = linkEvent(item('Flooding near Avon, in the morning'), fixtures, parity);
    expect(r.facilities).toEqual([]);
    expect(r.link_confidence).toEqual({});
    expect(r.link_provenance).toEqual({});
  });

  it('L-6 an earlier "Word, word" does not block the place (TS)', () => {
    const r = linkEvent(item('Hello, my friends: flooding hit Avon, IN'), fixtures, parity);
    expect(r.facilities).toEqual(['PLANT-01']);
  });

  it('L-7 City, ST', () => {
    const r = linkEvent(item('Rail strike in Chicago, IL', 'Lines halted.'), fixtures, parity);
    expect(r.facilities).toEqual(['PLANT-03']);
    expect(r.lanes).toEqual(['LANE-006', 'LANE-007']);
    expect(r.shipments).toEqual(['SHP-1009', 'SHP-1010']);
  });

  it('L-8 multi-word city Salt Lake City, UT', () => {
    const idx = withFacilities([fac('PLANT-SLC', 'Wasatch Polymer Works', 'PLANT', 'Salt Lake City', 'UT')]);
    const r = linkEvent(item('Fire in Salt Lake City, UT'), idx, parity);
    expect(r.facilities).toEqual(['PLANT-SLC']);
    expect(r.link_confidence.facility).toBe(0.7);
  });

  it('L-9 West Lafayette, IN does not link a Lafayette, IN facility', () => {
    const idx = withFacilities([fac('PLANT-LAF', 'Wabash Foundry', 'PLANT', 'Lafayette', 'IN')]);
    expect(linkEvent(item('Storm damage in West Lafayette, IN'), idx, parity).facilities).toEqual([]);
    expect(linkEvent(item('Storm damage in Lafayette, IN'), idx, parity).facilities).toEqual(['PLANT-LAF']);
  });

  it('L-10 Washington, DC is a state', () => {
    const idx = withFacilities([fac('DC-WAS', 'Capitol Freight Depot', 'DC', 'Washington', 'DC')]);
    const r = linkEvent(item('Road closures in Washington, DC'), idx, parity);
    expect(r.facilities).toEqual(['DC-WAS']);
    expect(r.link_confidence.facility).toBe(0.7);
  });

  it('L-11 ids match as whole tokens', () => {
    const idx = NetworkIndex.build({
      facilities: [fac('PLANT-1', 'Alpha Works', 'PLANT', null, null), fac('PLANT-10', 'Beta Works', 'PLANT', null, null)],
      lanes: [],
      shipments: [],
    });
    expect(linkEvent(item('Shutdown at PLANT-10'), idx, parity).facilities).toEqual(['PLANT-10']);
    expect(linkEvent(item('Shutdown at PLANT-1.'), idx, parity).facilities).toEqual(['PLANT-1']);
    expect(linkEvent(item('Shutdown at plant-1'), idx, parity).facilities).toEqual([]);
  });

  it('L-12 a generic name does not match and is warned about at load', () => {
    const idx = NetworkIndex.build({facilities: [fac('HUB-1', 'Hub', 'DC', null, null)], lanes: [], shipments: []});
    expect(linkEvent(item('Airline hub congestion'), idx, parity).facilities).toEqual([]);
    expect(idx.warnings.map((w) => w.code)).toEqual(['FACILITY_NAME_GENERIC']);
  });

  describe('L-13 / L-14 ambiguous City, ST', () => {
    const avon = (withPort: boolean): NetworkIndex =>
      NetworkIndex.build({
        facilities: [
          fac('A-PLANT', 'Alpha Avon Plant', 'PLANT', 'Avon', 'IN', {criticality_score: 8}),
          fac('B-DC', 'Beta Avon Depot', 'DC', 'avon', 'indiana', {criticality_score: 8}),
          ...(withPort ? [fac('C-PORT', 'Gamma Avon Terminal', 'PORT', 'Avon', 'IN', {criticality_score: 9})] : []),
        ],
        lanes: [lane('L-A', 'A-PLANT', 'B-DC')],
        shipments: [shipment('S-1', 'L-A', {status: 'PENDING'})],
      });

    it('L-13 top policy: the top candidate by criticality, all candidates recorded, lanes but no shipments', () => {
      const r = linkEvent(item('Flooding reported in Avon, IN.'), avon(true), {...parity, ambiguousCityState: 'top'});
      expect(r.facilities).toEqual(['C-PORT']);
      expect(r.facility_candidates).toEqual(['A-PLANT', 'B-DC', 'C-PORT']);
      expect(r.link_confidence.facility).toBe(0.45);
      expect(r.link_provenance.facility).toBe('CITY_STATE_AMBIGUOUS');
      expect(r.lanes).toEqual([]);
      expect(r.shipments).toEqual([]);
    });

    it('L-14 top policy: PLANT beats DC on equal criticality; lanes linked, shipments not', () => {
      const r = linkEvent(item('Flooding reported in Avon, IN.'), avon(false), {...parity, ambiguousCityState: 'top'});
      expect(r.facilities).toEqual(['A-PLANT']);
      expect(r.link_confidence.facility).toBe(0.45);
      expect(r.lanes).toEqual(['L-A']);
      expect(r.shipments).toEqual([]);
      expect(r.linking_notes.map((n) => n.code)).toContain('SHIPMENTS_NOT_LINKED_AMBIGUOUS');
    });

    it('default (all) policy links every facility of the place, as the benchmark truth expects', () => {
      const r = linkEvent(item('Flooding reported in Avon, IN.'), avon(true), parity);
      expect(r.facilities).toEqual(['A-PLANT', 'B-DC', 'C-PORT']);
      expect(Object.values(r.facility_paths)).toEqual(['city_state', 'city_state', 'city_state']);
      expect(r.link_provenance.facility).toBe('CITY_STATE_AMBIGUOUS');
      expect(r.shipments).toEqual([]);
    });

    it('notes are built in canonical key order (canonical JSON needs no sorted copy)', () => {
      const results = [
        linkEvent(item('Flooding reported in Avon, IN.'), avon(true), {...parity, ambiguousCityState: 'top'}),
        linkEvent(item('Flooding reported in Avon, IN.'), avon(false), {...parity, ambiguousCityState: 'top'}),
        linkEvent(item('Flooding reported in Avon, IN.', 'Site B-DC closed.'), avon(true), parity),
        linkEvent(item('Hydrochloric acid spill at Avon chemical plant', '… occurred at a manufacturing facility in Avon, Indiana.'), fixtures, parity),
      ];
      const codes = new Set(results.flatMap((r) => r.linking_notes.map((n) => n.code)));
      for (const code of ['CITY_STATE_AMBIGUOUS', 'CITY_STATE_WITH_SIGNAL', 'SHIPMENTS_NOT_LINKED_AMBIGUOUS', 'CITY_STATE_MATCH', 'LANES_LINKED', 'SHIPMENTS_LINKED']) expect(codes).toContain(code);
      for (const r of results) expect(JSON.stringify(r.linking_notes)).toBe(canonicalJson(r.linking_notes));
    });

    it('an id elsewhere in the text singles one out: CITY_STATE_WITH_SIGNAL', () => {
      const r = linkEvent(item('Flooding reported in Avon, IN.', 'Site B-DC closed.'), avon(true), parity);
      expect(r.facilities).toEqual(['B-DC']);
      expect(r.facility_evidence['B-DC'].map((e) => e.provenance)).toEqual(['FACILITY_ID_EXACT', 'CITY_STATE_WITH_SIGNAL']);
      expect(r.shipments).toEqual(['S-1']);
    });
  });

  it('L-15 pre-set facilities get PRESET 1.0; unknown ones a note', () => {
    const r = linkEvent({...item('Nothing to see'), preset_facilities: ['PLANT-02', 'NOPE']}, fixtures, parity);
    expect(r.facilities).toEqual(['PLANT-02']);
    expect(r.link_provenance.facility).toBe('PRESET');
    expect(r.link_confidence.facility).toBe(1);
    expect(r.facility_paths).toEqual({'PLANT-02': 'preset'});
    expect(r.lanes).toEqual(['LANE-004', 'LANE-005']);
    expect(r.linking_notes.map((n) => n.code)).toContain('PRESET_UNKNOWN');
  });

  it('L-16 shipment truncation', () => {
    const snap: NetworkSnapshot = {
      facilities: [fac('P-1', 'Solo Works Plant', 'PLANT', null, null)],
      lanes: [lane('L-1', 'P-1', 'P-1')],
      shipments: Array.from({length: 10}, (_, i) => shipment(`S-${String(i).padStart(2, '0')}`, 'L-1')),
    };
    const idx = NetworkIndex.build(snap);
    const five = linkEvent(item('Fire at P-1'), idx, {...parity, maxShipments: 5});
    expect(five.shipments).toEqual(['S-00', 'S-01', 'S-02', 'S-03', 'S-04']);
    expect(five.shipments_total_linked).toBe(10);
    expect(five.shipments_truncated).toBe(true);
    expect(five.linking_notes.find((n) => n.code === 'SHIPMENTS_LINKED')?.message).toBe('Linked shipments via lanes: 5 shipments (truncated from 10)');
    const twenty = linkEvent(item('Fire at P-1'), idx, {...parity, maxShipments: 20});
    expect(twenty.shipments).toHaveLength(10);
    expect(twenty.shipments_truncated).toBe(false);
    expect(twenty.lane_matches).toEqual([{lane_id: 'L-1', match_type: 'BOTH'}]);
  });
});

describe('shipment window and order (domain.md §4.6, pipeline.md §3.6 TS)', () => {
  const day = (n: number): string => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  const snap: NetworkSnapshot = {
    facilities: [fac('P-1', 'Solo Works Plant', 'PLANT', null, null)],
    lanes: [lane('L-1', 'P-1', 'P-1')],
    shipments: [
      shipment('S-DELIVERED', 'L-1', {status: 'DELIVERED', eta_date: day(1)}),
      shipment('S-OLD', 'L-1', {status: 'IN_TRANSIT', ship_date: day(-30), eta_date: day(-10)}),
      shipment('S-FAR', 'L-1', {status: 'PENDING', ship_date: day(45), eta_date: day(50)}),
      shipment('S-ETA-SOON', 'L-1', {status: 'IN_TRANSIT', ship_date: day(-20), eta_date: day(2)}),
      shipment('S-PRIORITY-LATE', 'L-1', {status: 'SCHEDULED', ship_date: day(3), eta_date: day(9), priority_flag: 1}),
      shipment('S-NODATE-ACTIVE', 'L-1', {status: 'PENDING'}),
      shipment('S-NODATE-UNKNOWN', 'L-1', {status: null}),
      shipment('S-SHIPPED-LASTWEEK', 'L-1', {status: 'IN_TRANSIT', ship_date: day(-5), eta_date: day(40)}),
      shipment('S-TIE-B', 'L-1', {status: 'IN_TRANSIT', eta_date: day(4)}),
      shipment('S-TIE-A', 'L-1', {status: 'IN_TRANSIT', eta_date: day(4)}),
    ],
  };
  const idx = NetworkIndex.build(snap);

  it('keeps active shipments in [now − 7 d, now + 30 d] ordered by priority, ETA, id', () => {
    const r = linkEvent(item('Fire at P-1'), idx, {});
    expect(r.shipments).toEqual(['S-PRIORITY-LATE', 'S-ETA-SOON', 'S-TIE-A', 'S-TIE-B', 'S-SHIPPED-LASTWEEK', 'S-NODATE-ACTIVE']);
    expect(r.shipments_total_linked).toBe(6);
  });

  it('the window is configurable and can be switched off', () => {
    expect(linkEvent(item('Fire at P-1'), idx, {shipmentDaysAhead: 60}).shipments).toContain('S-FAR');
    expect(linkEvent(item('Fire at P-1'), idx, {shipmentDaysBack: 40}).shipments).toContain('S-OLD');
    expect(linkEvent(item('Fire at P-1'), idx, {shipmentWindow: false}).shipments).toHaveLength(10);
    const later = linkEvent({...item('Fire at P-1'), now: NOW_2024 + 100 * MICROS_PER_DAY}, idx, {});
    expect(later.shipments).toEqual(['S-NODATE-ACTIVE']);
  });
});

describe('result form', () => {
  it('confidences have at most two decimals and the result is canonical-JSON stable', () => {
    const input = item('Strike at DC-02 and at Memphis Logistics Hub', 'Also Rail strike in Chicago, IL and in Avon, Indiana.');
    const a = linkEvent(input, fixtures, parity);
    const b = linkEvent(input, NetworkIndex.build(referenceFixtures()), parity);
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(a.facilities).toEqual(['DC-01', 'DC-02', 'PLANT-01', 'PLANT-03']);
    expect(a.link_provenance.paths).toEqual(['FACILITY_ID_EXACT', 'FACILITY_NAME_SUBSTRING', 'CITY_STATE']);
    for (const list of Object.values(a.facility_evidence)) {
      for (const e of list) expect(Math.round(e.confidence * 100) / 100).toBe(e.confidence);
    }
    expect(a.linking_notes.every((n) => typeof n.code === 'string' && typeof n.message === 'string' && typeof n.data === 'object')).toBe(true);
  });

  it('a city with facilities named twice yields one note; an unknown facility city a no-match note', () => {
    const r = linkEvent(item('Fire in Chicago, IL', 'Chicago, IL crews and Dayton, OH crews responded.'), fixtures, parity);
    expect(r.facilities).toEqual(['PLANT-03']);
    expect(r.linking_notes.filter((n) => n.code === 'CITY_STATE_MATCH')).toHaveLength(1);
    expect(r.linking_notes.find((n) => n.code === 'CITY_STATE_NO_FACILITY')?.message).toBe('No facility match for city/state: Dayton, OH');
  });
});
