import {describe, expect, it} from 'vitest';
import {NetworkIndex} from '../../src/network/network-index.js';
import type {NetworkSnapshot} from '../../src/model/network.js';
import {linkEvent} from '../../src/pipeline/link.js';
import {fac, lane, NOW_2024, referenceFixtures, shipment} from '../pipeline/link-fixtures.js';

/** Wraps an array so that any read of its elements or iteration after `arm()` is counted. */
function watched<T>(items: T[]): {list: T[]; reads: () => number; arm: () => void} {
  let armed = false;
  let reads = 0;
  const list = new Proxy(items, {
    get(target, prop, receiver) {
      if (armed && (prop === Symbol.iterator || prop === 'length' || typeof prop === 'string' && /^\d+$/.test(prop) || prop === 'forEach' || prop === 'map' || prop === 'filter')) reads++;
      return Reflect.get(target, prop, receiver);
    },
  });
  return {list, reads: () => reads, arm: () => (armed = true)};
}

function bigNetwork(n: number): NetworkSnapshot {
  const cities: [string, string][] = [['Duluth', 'MN'], ['Toledo', 'OH'], ['Avon', 'IN'], ['Fort Worth', 'TX'], ['Audubon', 'IA']];
  const facilities = Array.from({length: n}, (_, i) => {
    const [city, st] = cities[i % cities.length];
    return fac(`F-${String(i).padStart(6, '0')}`, `Brand${i} ${city} Works`, i % 2 ? 'DC' : 'PLANT', city, st);
  });
  const lanes = facilities.slice(1).map((f, i) => lane(`L-${String(i).padStart(6, '0')}`, facilities[i].facility_id, f.facility_id));
  const shipments = lanes.map((l, i) => shipment(`S-${String(i).padStart(6, '0')}`, l.lane_id, {status: 'PENDING'}));
  return {facilities, lanes, shipments};
}

describe('NetworkIndex', () => {
  const idx = NetworkIndex.build(referenceFixtures());

  it('looks facilities up by id, city+state, city, county and zone', () => {
    expect(idx.facility('DC-01')?.name).toBe('Memphis Logistics Hub');
    expect(idx.facilitiesByCityState('IN', 'avon')).toEqual(['PLANT-01']);
    expect(idx.facilitiesByCity('houston')).toEqual(['PLANT-04']);
    expect(idx.facilitiesByCounty('047157')).toEqual(['DC-01']); // Shelby County, TN
    expect(idx.facilitiesByZone(idx.geo('DC-01')?.nws_zones[0] ?? '')).toContain('DC-01');
    expect(idx.facilitiesByNameKey('memphis logistics hub')).toEqual(['DC-01']);
  });

  it('lanes by facility and shipments by lane', () => {
    expect(idx.lanesByFacility('PLANT-03').map((l) => l.lane_id)).toEqual(['LANE-006', 'LANE-007']);
    expect(idx.shipmentsByLane('LANE-001').map((s) => s.shipment.shipment_id)).toEqual(['SHP-1001', 'SHP-1002', 'SHP-1005']);
    expect(idx.shipmentsByLane('LANE-001')[0].eta).toBe(Date.UTC(2024, 0, 3, 23, 59, 59) * 1000);
  });

  it('finds ids as whole tokens and names on word boundaries, with spans', () => {
    const text = 'DC-01, DC-011 and xDC-01 at Memphis Logistics Hub; PLANT-04.';
    expect(idx.findIds(text)).toEqual([
      {start: 0, end: 5, facility_ids: ['DC-01']},
      {start: 51, end: 59, facility_ids: ['PLANT-04']},
    ]);
    expect(idx.findNames(text)).toEqual([{start: 28, end: 49, facility_ids: ['DC-01']}]);
  });

  it('ids with other characters still match whole', () => {
    const i2 = NetworkIndex.build({facilities: [fac('SITE #7', 'Odd Name Works', 'PLANT', null, null)], lanes: [], shipments: []});
    expect(i2.findIds('Fire at SITE #7 today').map((m) => m.facility_ids)).toEqual([['SITE #7']]);
    expect(i2.findIds('Fire at SITE #70 today')).toEqual([]);
  });

  it('reports the derivation summary and shared names', () => {
    expect(idx.deriveSummary.facilities).toBe(7);
    const shared = NetworkIndex.build({facilities: [fac('A', 'Twin Works', 'PLANT', null, null), fac('B', 'twin  works', 'DC', null, null)], lanes: [], shipments: []});
    expect(shared.warnings.map((w) => w.code)).toEqual(['FACILITY_NAME_SHARED']);
    expect(linkEvent({title: 'Fire at Twin Works', raw_text: 'Fire at Twin Works', source_type: 'rss', now: NOW_2024}, shared).facilities).toEqual(['A', 'B']);
  });
});

describe('scaling: the index is built once and linking never walks the network', () => {
  it('linking reads no snapshot array after the build, for small and large networks alike', () => {
    for (const n of [50, 5000]) {
      const snap = bigNetwork(n);
      const f = watched(snap.facilities);
      const l = watched(snap.lanes);
      const s = watched(snap.shipments);
      const idx = NetworkIndex.build({facilities: f.list, lanes: l.list, shipments: s.list});
      f.arm();
      l.arm();
      s.arm();
      const inputs = [
        {title: 'Fire at F-000003', raw_text: 'Fire at F-000003 and Brand7 Fort Worth Works'},
        {title: 'Strike in Duluth, MN', raw_text: 'Strike in Duluth, MN and Toledo, Ohio'},
        {title: 'Nothing here', raw_text: 'Nothing here at all, really.'},
      ];
      for (const x of inputs) {
        const r = linkEvent({...x, source_type: 'rss', now: NOW_2024}, idx);
        expect(r.facilities.length).toBeGreaterThanOrEqual(x.title === 'Nothing here' ? 0 : 1);
      }
      linkEvent({title: 'Flood', raw_text: 'Flood', source_type: 'nws_alerts', now: NOW_2024, nws: {area_desc: ['Audubon, IA'], ugc: ['IAC009'], same: ['019009']}}, idx);
      expect([f.reads(), l.reads(), s.reads()]).toEqual([0, 0, 0]);
    }
  });

  it('per-item work is the same for a 50- and a 5,000-facility network (same mentions, same lookups)', () => {
    const small = NetworkIndex.build(bigNetwork(50));
    const large = NetworkIndex.build(bigNetwork(5000));
    const input = {title: 'Fire at F-000003', raw_text: 'Fire at F-000003 in Avon, IN', source_type: 'rss', now: NOW_2024};
    const a = linkEvent(input, small);
    const b = linkEvent(input, large);
    expect(a.mentions.map((m) => [m.kind, m.start, m.end])).toEqual(b.mentions.map((m) => [m.kind, m.start, m.end]));
    expect(a.facility_paths['F-000003']).toBe('id');
    expect(b.facility_paths['F-000003']).toBe('id');
  });
});
