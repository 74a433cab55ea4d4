import type {Facility, Lane, NetworkSnapshot, Shipment} from '../../src/model/network.js';
import {parseIsoInstant} from '../../src/kernel/time.js';

/** A facility row with the optional fields defaulted (state_code left for derivation). */
export function fac(
  facility_id: string,
  name: string,
  type: string,
  city: string | null,
  state: string | null,
  extra: Partial<Facility> = {},
): Facility {
  return {facility_id, name, type, city, state, state_code: null, country: 'USA', lat: null, lon: null, criticality_score: null, ...extra};
}

export function lane(lane_id: string, origin: string, dest: string): Lane {
  return {lane_id, origin_facility_id: origin, dest_facility_id: dest, mode: 'TRUCK', carrier_name: null, avg_transit_days: null, volume_score: null};
}

function canonical(text: string | null): string | null {
  if (text === null) return null;
  const p = parseIsoInstant(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T23:59:59Z` : text);
  return p ? new Date(p.micros / 1000).toISOString().replace('.000Z', 'Z') : null;
}

export function shipment(shipment_id: string, lane_id: string, extra: Partial<Shipment> = {}): Shipment {
  const s: Shipment = {
    shipment_id, order_id: null, lane_id, sku_id: null, qty: null, status: null, ship_date: null, ship_at: null,
    eta_date: null, eta_at: null, customer_name: null, priority_flag: 0, ...extra,
  };
  if (s.ship_at === null) s.ship_at = canonical(s.ship_date);
  if (s.eta_at === null) s.eta_at = canonical(s.eta_date);
  return s;
}

/**
 * The reference fixture network of pipeline.md §3.10 (7 facilities, 12 lanes, 15 shipments),
 * reconstructed so that every published vector (L-1, L-3, L-4, L-7) holds: the facilities,
 * cities and criticalities are the spec's; lane endpoints and shipment ETAs are chosen to give
 * exactly the published lane sets and shipment orders.
 */
export function referenceFixtures(): NetworkSnapshot {
  const facilities = [
    fac('PLANT-01', 'Avon Chemical Manufacturing', 'PLANT', 'Avon', 'Indiana', {criticality_score: 8, lat: 39.7606, lon: -86.3956}),
    fac('PLANT-02', 'Indianapolis Assembly Works', 'PLANT', 'Indianapolis', 'IN', {criticality_score: 6}),
    fac('PLANT-03', 'Chicago Polymer Works', 'PLANT', 'Chicago', 'IL', {criticality_score: 9}),
    fac('DC-01', 'Memphis Logistics Hub', 'DC', 'Memphis', 'Tennessee', {criticality_score: 7, lat: 35.1495, lon: -90.049}),
    fac('DC-02', 'Atlanta Distribution Center', 'DC', 'Atlanta', 'GA', {criticality_score: 5}),
    fac('PLANT-04', 'Houston Refining Complex', 'PLANT', 'Houston', 'TX', {criticality_score: 9}),
    fac('DC-03', 'Los Angeles Gateway DC', 'DC', 'Los Angeles', 'CA', {criticality_score: 6}),
  ];
  const lanes = [
    lane('LANE-001', 'PLANT-01', 'DC-01'),
    lane('LANE-002', 'PLANT-01', 'DC-02'),
    lane('LANE-003', 'PLANT-01', 'DC-03'),
    lane('LANE-004', 'PLANT-02', 'DC-01'),
    lane('LANE-005', 'PLANT-02', 'DC-02'),
    lane('LANE-006', 'PLANT-03', 'DC-01'),
    lane('LANE-007', 'PLANT-03', 'DC-03'),
    lane('LANE-008', 'PLANT-04', 'DC-01'),
    lane('LANE-009', 'PLANT-04', 'DC-02'),
    lane('LANE-010', 'DC-01', 'DC-02'),
    lane('LANE-011', 'DC-01', 'DC-03'),
    lane('LANE-012', 'DC-02', 'DC-03'),
  ];
  // ETA rank (day of January 2024) per shipment; all priority 0, status IN_TRANSIT.
  const placement: [string, string, number][] = [
    ['SHP-1001', 'LANE-001', 3], ['SHP-1002', 'LANE-001', 5], ['SHP-1003', 'LANE-002', 13],
    ['SHP-1004', 'LANE-003', 12], ['SHP-1005', 'LANE-001', 6], ['SHP-1006', 'LANE-002', 14],
    ['SHP-1007', 'LANE-004', 4], ['SHP-1008', 'LANE-005', 2], ['SHP-1009', 'LANE-006', 7],
    ['SHP-1010', 'LANE-007', 8], ['SHP-1011', 'LANE-008', 10], ['SHP-1012', 'LANE-009', 1],
    ['SHP-1013', 'LANE-010', 11], ['SHP-1014', 'LANE-011', 9], ['SHP-1015', 'LANE-012', 15],
  ];
  const shipments = placement.map(([id, laneId, day]) =>
    shipment(id, laneId, {status: 'IN_TRANSIT', ship_date: '2024-01-01', eta_date: `2024-01-${String(day).padStart(2, '0')}`}),
  );
  return {facilities, lanes, shipments};
}

export const NOW_2024 = (parseIsoInstant('2024-01-01T12:00:00Z') as {micros: number}).micros;
