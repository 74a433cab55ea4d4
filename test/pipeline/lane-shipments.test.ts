import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {MICROS_PER_DAY, parseIsoInstant} from '../../src/kernel/time.js';
import {NetworkIndex, type IndexedShipment} from '../../src/network/network-index.js';
import {firstShipments, LaneShipments, shipmentOrder} from '../../src/pipeline/lane-shipments.js';
import {fac, lane, shipment} from './link-fixtures.js';

const NOW = parseIsoInstant('2025-06-15T12:00:00Z')!.micros;
const DAY_TEXTS = ['2025-06-01', '2025-06-10', '2025-06-15', '2025-06-20', '2025-07-30', null] as const;
const STATUSES = [null, 'PENDING', 'in_transit ', 'DELIVERED', 'CANCELLED'] as const;

const shipmentRow = fc.record({
  lane: fc.integer({min: 0, max: 5}),
  priority: fc.integer({min: 0, max: 2}),
  ship: fc.constantFrom(...DAY_TEXTS),
  eta: fc.constantFrom(...DAY_TEXTS),
  status: fc.constantFrom(...STATUSES),
});

/** A network of six lanes between two facilities and the generated shipments, ids unique. */
type ShipmentRow = typeof shipmentRow extends fc.Arbitrary<infer T> ? T : never;

function indexOf(rows: ShipmentRow[]): NetworkIndex {
  return NetworkIndex.build({
    facilities: [fac('F-1', 'North Plant', 'PLANT', 'Avon', 'IN'), fac('F-2', 'South DC', 'DC', 'Austin', 'TX')],
    lanes: [0, 1, 2, 3, 4, 5].map((k) => lane(`L-${k}`, 'F-1', 'F-2')),
    shipments: rows.map((r, i) =>
      shipment(`S-${String((i * 7919) % 1000).padStart(3, '0')}-${i}`, `L-${r.lane}`, {priority_flag: r.priority, ship_date: r.ship, eta_date: r.eta, status: r.status}),
    ),
  });
}

/** The definition: every shipment of the lanes inside the window, sorted, then the first k. */
function reference(index: NetworkIndex, laneIds: string[], inWindow: (s: IndexedShipment) => boolean, k: number): {ids: string[]; total: number} {
  const all = laneIds.flatMap((id) => index.shipmentsByLane(id).filter(inWindow)).sort(shipmentOrder);
  return {ids: all.slice(0, k).map((s) => s.shipment.shipment_id), total: all.length};
}

describe('LaneShipments and firstShipments', () => {
  it('equal filtering and sorting every matched shipment, for any lanes, window and k', () => {
    fc.assert(
      fc.property(
        fc.array(shipmentRow, {maxLength: 60}),
        fc.subarray(['L-0', 'L-1', 'L-2', 'L-3', 'L-4', 'L-5']),
        fc.integer({min: 0, max: 12}),
        fc.boolean(),
        (rows, laneIds, k, windowOn) => {
          const index = indexOf(rows);
          const opts = {shipmentWindow: windowOn, shipmentDaysBack: 7, shipmentDaysAhead: 30};
          const lo = NOW - 7 * MICROS_PER_DAY;
          const hi = NOW + 30 * MICROS_PER_DAY;
          const inWindow = (s: IndexedShipment) =>
            !windowOn ||
            (s.status !== 'DELIVERED' &&
              (s.ship === null && s.eta === null
                ? ['PENDING', 'SCHEDULED', 'IN_TRANSIT'].includes(s.status)
                : (s.ship !== null && s.ship >= lo && s.ship <= hi) || (s.eta !== null && s.eta >= lo && s.eta <= hi)));
          const lists = laneIds.map((id) => LaneShipments.of(index, NOW, opts).onLane(id));
          const got = firstShipments(lists, k).map((s) => s.shipment.shipment_id);
          const want = reference(index, laneIds, inWindow, k);
          expect(got).toEqual(want.ids);
          expect(lists.reduce((n, l) => n + l.length, 0)).toBe(want.total);
        },
      ),
      {numRuns: 300},
    );
  });

  it('keeps one list per window: another clock gets its own', () => {
    const index = indexOf([
      {lane: 0, priority: 0, ship: '2025-06-10', eta: '2025-06-20', status: 'PENDING'},
      {lane: 0, priority: 1, ship: '2025-07-30', eta: null, status: 'PENDING'},
    ]);
    const now = LaneShipments.of(index, NOW, {}).onLane('L-0');
    const later = LaneShipments.of(index, NOW + 40 * MICROS_PER_DAY, {}).onLane('L-0');
    expect(now.map((s) => s.shipment.shipment_id)).toEqual(['S-000-0']);
    expect(later.map((s) => s.shipment.shipment_id)).toEqual(['S-919-1']);
    expect(LaneShipments.of(index, NOW, {}).onLane('L-0')).toBe(now);
  });

  it('takes nothing for k = 0 or no lists, and skips empty lists', () => {
    const index = indexOf([{lane: 1, priority: 0, ship: null, eta: null, status: 'PENDING'}]);
    const l1 = LaneShipments.of(index, NOW, {}).onLane('L-1');
    expect(firstShipments([], 5)).toEqual([]);
    expect(firstShipments([l1], 0)).toEqual([]);
    expect(firstShipments([[], l1, []], 5)).toEqual(l1);
  });
});
