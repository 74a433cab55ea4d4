import type {Migration} from './types.js';

/** The first schema: network, feed side, decisions, provenance. */
export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE facilities (
  facility_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  city TEXT,
  state TEXT,
  state_code TEXT,
  country TEXT,
  lat REAL,
  lon REAL,
  criticality_score INTEGER,
  source_line INTEGER
);
CREATE TABLE lanes (
  lane_id TEXT PRIMARY KEY,
  origin_facility_id TEXT NOT NULL REFERENCES facilities(facility_id),
  dest_facility_id TEXT NOT NULL REFERENCES facilities(facility_id),
  mode TEXT,
  carrier_name TEXT,
  avg_transit_days REAL,
  volume_score INTEGER,
  source_line INTEGER
);
CREATE INDEX lanes_origin ON lanes(origin_facility_id);
CREATE INDEX lanes_dest ON lanes(dest_facility_id);
CREATE TABLE shipments (
  shipment_id TEXT PRIMARY KEY,
  order_id TEXT,
  lane_id TEXT NOT NULL REFERENCES lanes(lane_id),
  sku_id TEXT,
  qty REAL,
  status TEXT,
  ship_date TEXT,
  ship_at TEXT,
  eta_date TEXT,
  eta_at TEXT,
  customer_name TEXT,
  priority_flag INTEGER,
  source_line INTEGER
);
CREATE INDEX shipments_lane ON shipments(lane_id);
CREATE TABLE network_loads (
  load_id INTEGER PRIMARY KEY AUTOINCREMENT,
  loaded_at TEXT NOT NULL,
  snapshot_hash TEXT NOT NULL,
  facilities INTEGER NOT NULL,
  lanes INTEGER NOT NULL,
  shipments INTEGER NOT NULL,
  files_json TEXT NOT NULL,
  run_group_id TEXT
);

CREATE TABLE raw_items (
  raw_id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL,
  tier TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  published_at TEXT,
  canonical_id TEXT,
  url TEXT,
  title TEXT,
  payload_json TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  trust_tier INTEGER,
  status TEXT NOT NULL DEFAULT 'NEW' CHECK (status IN ('NEW','NORMALIZED','SUPPRESSED','FAILED')),
  error TEXT,
  run_group_id TEXT NOT NULL
);
CREATE INDEX raw_items_source ON raw_items(source_id);
CREATE UNIQUE INDEX raw_items_source_canonical ON raw_items(source_id, canonical_id) WHERE canonical_id IS NOT NULL;
CREATE INDEX raw_items_source_hash ON raw_items(source_id, content_hash);
CREATE INDEX raw_items_status ON raw_items(status);
CREATE TABLE raw_item_status_history (
  raw_id TEXT NOT NULL REFERENCES raw_items(raw_id),
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  changed_at TEXT NOT NULL,
  run_group_id TEXT NOT NULL,
  PRIMARY KEY (raw_id, seq)
);
CREATE TABLE run_raw_items (
  run_group_id TEXT NOT NULL,
  raw_id TEXT NOT NULL REFERENCES raw_items(raw_id),
  source_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  fetch_action TEXT NOT NULL CHECK (fetch_action IN ('NEW','DUPLICATE','RETRY')),
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (run_group_id, raw_id)
);
CREATE INDEX run_raw_items_source ON run_raw_items(source_id);
CREATE TABLE source_runs (
  run_id TEXT PRIMARY KEY,
  run_group_id TEXT NOT NULL,
  source_id TEXT NOT NULL,
  phase TEXT NOT NULL CHECK (phase IN ('FETCH','INGEST')),
  run_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('SUCCESS','FAILURE','SKIPPED')),
  status_code INTEGER,
  error TEXT,
  duration_ms INTEGER,
  items_fetched INTEGER NOT NULL DEFAULT 0,
  items_new INTEGER NOT NULL DEFAULT 0,
  items_processed INTEGER NOT NULL DEFAULT 0,
  items_suppressed INTEGER NOT NULL DEFAULT 0,
  items_events_created INTEGER NOT NULL DEFAULT 0,
  items_alerts_touched INTEGER NOT NULL DEFAULT 0,
  bytes_downloaded INTEGER NOT NULL DEFAULT 0,
  diagnostics_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX source_runs_group ON source_runs(run_group_id);
CREATE INDEX source_runs_source_time ON source_runs(source_id, run_at);
CREATE TABLE fetch_state (
  source_id TEXT PRIMARY KEY,
  etag TEXT,
  last_modified TEXT,
  url TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE events (
  event_id TEXT PRIMARY KEY,
  raw_id TEXT NOT NULL REFERENCES raw_items(raw_id),
  source_id TEXT NOT NULL,
  canonical_id TEXT,
  event_type TEXT NOT NULL,
  event_time TEXT,
  title TEXT NOT NULL,
  event_json TEXT NOT NULL,
  event_hash TEXT NOT NULL,
  link_json TEXT,
  suppressed INTEGER NOT NULL DEFAULT 0,
  decided_at TEXT NOT NULL,
  run_group_id TEXT NOT NULL
);
CREATE INDEX events_source ON events(source_id);
CREATE INDEX events_raw ON events(raw_id);
CREATE TABLE suppression_audit (
  event_id TEXT PRIMARY KEY REFERENCES events(event_id),
  raw_id TEXT NOT NULL,
  source_id TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  rule_pack_hash TEXT NOT NULL,
  primary_rule_id TEXT NOT NULL,
  primary_reason_code TEXT,
  matches_json TEXT NOT NULL,
  run_group_id TEXT NOT NULL
);
CREATE TABLE incidents (
  alert_id TEXT PRIMARY KEY,
  correlation_key TEXT,
  first_event_id TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  last_event_time TEXT,
  current_version INTEGER NOT NULL,
  classification INTEGER NOT NULL,
  impact_score INTEGER NOT NULL,
  risk_type TEXT NOT NULL,
  summary TEXT NOT NULL,
  status TEXT NOT NULL,
  source_id TEXT,
  tier TEXT,
  trust_tier INTEGER,
  update_count INTEGER NOT NULL DEFAULT 0,
  root_event_ids_json TEXT NOT NULL,
  scope_json TEXT NOT NULL,
  alert_json TEXT NOT NULL
);
CREATE INDEX incidents_key ON incidents(correlation_key, last_event_time);
CREATE INDEX incidents_source ON incidents(source_id);
CREATE TABLE alert_versions (
  alert_id TEXT NOT NULL REFERENCES incidents(alert_id),
  version INTEGER NOT NULL,
  event_id TEXT NOT NULL REFERENCES events(event_id),
  correlation_action TEXT NOT NULL CHECK (correlation_action IN ('CREATED','UPDATED')),
  classification INTEGER NOT NULL,
  impact_score INTEGER NOT NULL,
  decided_at TEXT NOT NULL,
  alert_json TEXT NOT NULL,
  alert_hash TEXT NOT NULL,
  evidence_json TEXT NOT NULL,
  evidence_hash TEXT NOT NULL,
  run_group_id TEXT NOT NULL,
  PRIMARY KEY (alert_id, version)
);
CREATE INDEX alert_versions_event ON alert_versions(event_id);

CREATE TABLE run_records (
  run_id TEXT PRIMARY KEY,
  run_group_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  operator_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT NOT NULL,
  record_hash TEXT NOT NULL,
  record_json TEXT NOT NULL,
  file_path TEXT,
  UNIQUE (run_group_id, seq)
);
CREATE TABLE run_timings (
  run_id TEXT PRIMARY KEY REFERENCES run_records(run_id),
  duration_ms INTEGER,
  cpu_ms INTEGER,
  memory_bytes INTEGER
);
`,
};
