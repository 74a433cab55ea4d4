import type {Facility, Lane, NetworkSnapshot, Shipment} from '../network/model.js';
import type {Store} from './db.js';

export interface NetworkCounts {
  facilities: number;
  lanes: number;
  shipments: number;
}

/**
 * Replaces the whole network in the caller's transaction: rows absent from the new files
 * disappear. Decisions keep their own copies of what they linked, so nothing else refers to
 * these rows by foreign key.
 */
export function replaceNetwork(
  store: Store,
  n: NetworkSnapshot,
  lines: Map<string, number>,
  meta: {loadedAt: string; snapshotHash: string; files: Record<string, string>; runGroupId: string},
): NetworkCounts {
  const db = store.db;
  db.exec('DELETE FROM shipments; DELETE FROM lanes; DELETE FROM facilities;');
  const fi = db.prepare(
    `INSERT INTO facilities (facility_id, name, type, city, state, state_code, country, lat, lon, criticality_score, source_line)
     VALUES (@facility_id, @name, @type, @city, @state, @state_code, @country, @lat, @lon, @criticality_score, @source_line)`,
  );
  for (const f of n.facilities) fi.run({...f, source_line: lines.get(`facility:${f.facility_id}`) ?? null});
  const li = db.prepare(
    `INSERT INTO lanes (lane_id, origin_facility_id, dest_facility_id, mode, carrier_name, avg_transit_days, volume_score, source_line)
     VALUES (@lane_id, @origin_facility_id, @dest_facility_id, @mode, @carrier_name, @avg_transit_days, @volume_score, @source_line)`,
  );
  for (const l of n.lanes) li.run({...l, source_line: lines.get(`lane:${l.lane_id}`) ?? null});
  const si = db.prepare(
    `INSERT INTO shipments (shipment_id, order_id, lane_id, sku_id, qty, status, ship_date, ship_at, eta_date, eta_at, customer_name, priority_flag, source_line)
     VALUES (@shipment_id, @order_id, @lane_id, @sku_id, @qty, @status, @ship_date, @ship_at, @eta_date, @eta_at, @customer_name, @priority_flag, @source_line)`,
  );
  for (const s of n.shipments) si.run({...s, source_line: lines.get(`shipment:${s.shipment_id}`) ?? null});
  db.prepare(
    `INSERT INTO network_loads (loaded_at, snapshot_hash, facilities, lanes, shipments, files_json, run_group_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(meta.loadedAt, meta.snapshotHash, n.facilities.length, n.lanes.length, n.shipments.length, JSON.stringify(meta.files), meta.runGroupId);
  return {facilities: n.facilities.length, lanes: n.lanes.length, shipments: n.shipments.length};
}

/** The network as stored, each table in id order. */
export function loadNetwork(store: Store): NetworkSnapshot {
  const db = store.db;
  return {
    facilities: db
      .prepare('SELECT facility_id, name, type, city, state, state_code, country, lat, lon, criticality_score FROM facilities ORDER BY facility_id')
      .all() as Facility[],
    lanes: db
      .prepare('SELECT lane_id, origin_facility_id, dest_facility_id, mode, carrier_name, avg_transit_days, volume_score FROM lanes ORDER BY lane_id')
      .all() as Lane[],
    shipments: db
      .prepare(
        'SELECT shipment_id, order_id, lane_id, sku_id, qty, status, ship_date, ship_at, eta_date, eta_at, customer_name, priority_flag FROM shipments ORDER BY shipment_id',
      )
      .all() as Shipment[],
  };
}

/** Hash of the last loaded network snapshot, null before the first load. */
export function currentNetworkHash(store: Store): string | null {
  if (store.schemaVersion() === 0) return null;
  const row = store.db.prepare('SELECT snapshot_hash FROM network_loads ORDER BY load_id DESC LIMIT 1').get() as {snapshot_hash: string} | undefined;
  return row?.snapshot_hash ?? null;
}

export function networkCounts(store: Store): NetworkCounts {
  const count = (t: string) => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as {n: number}).n;
  return {facilities: count('facilities'), lanes: count('lanes'), shipments: count('shipments')};
}

/** Referential problems in the stored network (doctor). */
export function networkIntegrityProblems(store: Store): string[] {
  const rows = store.db
    .prepare(
      `SELECT 'lane ' || lane_id || ' -> missing facility ' || origin_facility_id AS p FROM lanes WHERE origin_facility_id NOT IN (SELECT facility_id FROM facilities)
       UNION ALL SELECT 'lane ' || lane_id || ' -> missing facility ' || dest_facility_id FROM lanes WHERE dest_facility_id NOT IN (SELECT facility_id FROM facilities)
       UNION ALL SELECT 'shipment ' || shipment_id || ' -> missing lane ' || lane_id FROM shipments WHERE lane_id NOT IN (SELECT lane_id FROM lanes)`,
    )
    .all() as {p: string}[];
  return rows.map((r) => r.p);
}
