/** A site in the user's network (facilities.csv). */
export interface Facility {
  facility_id: string;
  name: string;
  type: string;
  city: string | null;
  state: string | null;
  /** Normalized two-letter state code (DC and territories included), null when unknown. */
  state_code: string | null;
  country: string | null;
  lat: number | null;
  lon: number | null;
  criticality_score: number | null;
}

/** A route between two facilities (lanes.csv). */
export interface Lane {
  lane_id: string;
  origin_facility_id: string;
  dest_facility_id: string;
  mode: string | null;
  carrier_name: string | null;
  avg_transit_days: number | null;
  volume_score: number | null;
}

/** A shipment on a lane (shipments_snapshot.csv). Dates keep the CSV text and the instant. */
export interface Shipment {
  shipment_id: string;
  order_id: string | null;
  lane_id: string;
  sku_id: string | null;
  qty: number | null;
  status: string | null;
  ship_date: string | null;
  ship_at: string | null;
  eta_date: string | null;
  eta_at: string | null;
  customer_name: string | null;
  priority_flag: number | null;
}

export interface NetworkSnapshot {
  facilities: Facility[];
  lanes: Lane[];
  shipments: Shipment[];
}
