import {artifactHash} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {formatInstant, parseIsoInstant} from '../kernel/time.js';
import {type CsvRecord, readCsvTable} from './csv-table.js';
import type {Facility, Lane, NetworkSnapshot, Shipment} from '../model/network.js';
import type {DiagnosticCode} from '../kernel/diagnostic-codes.js';

export interface NetworkFiles {
  facilities: {path: string; display: string};
  lanes: {path: string; display: string};
  shipments: {path: string; display: string};
}

export interface NetworkLoadResult {
  network: NetworkSnapshot;
  /** Source line of each loaded row, keyed `<table>:<id>`. */
  lines: Map<string, number>;
  diagnostics: Diagnostic[];
  rejectedRows: number;
  snapshotHash: string;
}

const FACILITY_COLS = ['facility_id', 'name', 'type', 'city', 'state', 'country', 'lat', 'lon', 'criticality_score'];
const LANE_COLS = ['lane_id', 'origin_facility_id', 'dest_facility_id', 'mode', 'carrier_name', 'avg_transit_days', 'volume_score'];
const SHIPMENT_COLS = ['shipment_id', 'order_id', 'lane_id', 'sku_id', 'qty', 'status', 'ship_date', 'eta_date', 'customer_name', 'priority_flag'];

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The canonical instant of a CSV date text (a date alone is the end of that day), null when it is not a date. */
function canonicalInstant(v: string): string | null {
  const p = DATE_RE.test(v) || /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v) ? parseIsoInstant(v) : null;
  if (!p) return null;
  return formatInstant(p.dateOnly ? p.micros + (24 * 3600 - 1) * 1_000_000 : p.micros);
}

/** Collects the problems of one row; a row with any error is not loaded. */
class RowCheck {
  readonly diags: Diagnostic[] = [];
  constructor(
    private readonly file: string,
    private readonly rec: CsvRecord,
  ) {}

  private push(code: DiagnosticCode, column: string, message: string, hint?: string, severity: 'error' | 'warning' = 'error'): void {
    this.diags.push({code, severity, file: this.file, line: this.rec.line, col: this.rec.columns[column] ?? 1, message: `${column}: ${message}`, hint});
  }

  get ok(): boolean {
    return !this.diags.some((d) => d.severity === 'error');
  }

  required(column: string): string {
    const v = this.rec.fields[column] ?? '';
    if (v === '') this.push('CSV_REQUIRED_EMPTY', column, 'a value is required', `fill in ${column}`);
    return v;
  }

  optional(column: string): string | null {
    const v = this.rec.fields[column];
    return v === undefined || v === '' ? null : v;
  }

  int(column: string, min: number, max: number): number | null {
    const v = this.optional(column);
    if (v === null) return null;
    if (!INT_RE.test(v)) {
      this.push('CSV_TYPE', column, `expected an integer ${min}..${max}, got "${v}"`, `use a whole number between ${min} and ${max}`);
      return null;
    }
    const n = Number(v);
    if (n < min || n > max) {
      this.push('CSV_RANGE', column, `${n} is outside ${min}..${max}`, `use a whole number between ${min} and ${max}`);
      return null;
    }
    return n;
  }

  float(column: string, min: number, max: number): number | null {
    const v = this.optional(column);
    if (v === null) return null;
    if (!FLOAT_RE.test(v)) {
      this.push('CSV_TYPE', column, `expected a finite decimal number, got "${v}"`, 'write a plain number such as 39.7606');
      return null;
    }
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      this.push('CSV_RANGE', column, `${v} is outside ${min}..${max}`);
      return null;
    }
    return n;
  }

  /**
   * A date or date-time; a date alone means the end of that day, 23:59:59 UTC. `instants` holds
   * the texts already converted in this load (shipments repeat a few dates many times).
   */
  date(column: string, instants: Map<string, string | null>): {text: string | null; instant: string | null} {
    const v = this.optional(column);
    if (v === null) return {text: null, instant: null};
    let instant = instants.get(v);
    if (instant === undefined) {
      instant = canonicalInstant(v);
      instants.set(v, instant);
    }
    if (instant === null) this.push('CSV_DATE', column, `"${v}" is not a date`, 'use YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or ISO 8601 (2025-01-31T14:00:00Z)');
    return {text: v, instant};
  }

  fk(column: string, value: string, known: ReadonlySet<string>, what: string, whereFile: string): void {
    if (value !== '' && !known.has(value)) {
      const sample = [...known].sort().slice(0, 4).join(', ');
      this.push('CSV_FK_MISSING', column, `no ${what} "${value}" in ${whereFile}${sample ? ` (has ${sample}${known.size > 4 ? ' …' : ''})` : ''}`, `add ${what} ${value} to ${whereFile} or fix the id`);
    }
  }

  warn(code: DiagnosticCode, column: string, message: string, hint?: string): void {
    this.push(code, column, message, hint, 'warning');
  }
}

/**
 * Ids are unique: a repeated id is an error naming both lines (the load is rejected, never
 * silently overwritten). With --allow-partial the first row is kept and each later one skipped.
 */
function uniqueById<T>(
  rows: {id: string; line: number; value: T}[],
  file: string,
  idColumn: string,
  col: number,
  demote: (ds: Diagnostic[]) => Diagnostic[],
  diags: Diagnostic[],
): {byId: Map<string, {line: number; value: T}>; skipped: number} {
  const byId = new Map<string, {line: number; value: T}>();
  let skipped = 0;
  for (const r of rows) {
    const prev = byId.get(r.id);
    if (!prev) {
      byId.set(r.id, {line: r.line, value: r.value});
      continue;
    }
    skipped++;
    diags.push(
      ...demote([
        {
          code: 'CSV_DUPLICATE_ID',
          severity: 'error',
          file,
          line: r.line,
          col,
          message: `${idColumn} "${r.id}" is also on line ${prev.line}: ids must be unique`,
          hint: `keep one of lines ${prev.line} and ${r.line} (or give one a new id)`,
          details: {first_line: prev.line},
        },
      ]),
    );
  }
  return {byId, skipped};
}

function byId<T>(a: T, b: T, key: (x: T) => string): number {
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** SHA-256 of the canonical JSON of the three tables sorted by id (domain.md §4.6). */
export function networkSnapshotHash(n: NetworkSnapshot): string {
  return artifactHash({
    facilities: [...n.facilities].sort((a, b) => byId(a, b, (f) => f.facility_id)),
    lanes: [...n.lanes].sort((a, b) => byId(a, b, (l) => l.lane_id)),
    shipments: [...n.shipments].sort((a, b) => byId(a, b, (s) => s.shipment_id)),
  });
}

/**
 * Loads and validates the three network CSVs. Every problem is reported. Without
 * `allowPartial` any error rejects the whole load (the caller stores nothing); with it,
 * invalid rows and the rows that depend on them are skipped and reported as warnings.
 */
export function loadNetworkFiles(files: NetworkFiles, opts: {allowPartial: boolean; normalizeState: (s: string) => string | null}): NetworkLoadResult {
  const diagnostics: Diagnostic[] = [];
  const lines = new Map<string, number>();
  let rejectedRows = 0;
  const demote = (ds: Diagnostic[]): Diagnostic[] =>
    opts.allowPartial ? ds.map((d) => (d.severity === 'error' && d.line !== undefined && d.line > 1 ? {...d, severity: 'warning', details: {...d.details, skipped_row: true}} : d)) : ds;

  const fTable = readCsvTable(files.facilities.path, files.facilities.display, ['facility_id', 'name', 'type'], FACILITY_COLS);
  const lTable = readCsvTable(files.lanes.path, files.lanes.display, ['lane_id', 'origin_facility_id', 'dest_facility_id'], LANE_COLS);
  const sTable = readCsvTable(files.shipments.path, files.shipments.display, ['shipment_id', 'lane_id'], SHIPMENT_COLS);
  for (const t of [fTable, lTable, sTable]) {
    const fieldCount = t.diagnostics.filter((d) => d.code === 'CSV_FIELD_COUNT').length;
    rejectedRows += opts.allowPartial ? fieldCount : 0;
    diagnostics.push(...demote(t.diagnostics));
  }
  const empty: NetworkLoadResult = {network: {facilities: [], lanes: [], shipments: []}, lines, diagnostics, rejectedRows, snapshotHash: ''};
  if (!fTable.usable || !lTable.usable || !sTable.usable) return empty;

  const facilityRows: {id: string; line: number; value: Facility}[] = [];
  for (const rec of fTable.records) {
    const c = new RowCheck(fTable.file, rec);
    const stateText = c.optional('state');
    const f: Facility = {
      facility_id: c.required('facility_id'),
      name: c.required('name'),
      type: c.required('type').toUpperCase(),
      city: c.optional('city'),
      state: stateText,
      state_code: stateText === null ? null : opts.normalizeState(stateText),
      country: c.optional('country'),
      lat: c.float('lat', -90, 90),
      lon: c.float('lon', -180, 180),
      criticality_score: c.int('criticality_score', 0, 10),
    };
    const country = (f.country ?? 'US').toUpperCase();
    if (stateText !== null && f.state_code === null && ['US', 'USA', 'UNITED STATES'].includes(country)) {
      c.warn('CSV_STATE_UNKNOWN', 'state', `"${stateText}" is neither a US state code nor a state name`, 'use a two-letter code (IN) or the full name (Indiana); this facility cannot link by city and state');
    }
    diagnostics.push(...demote(c.diags));
    if (c.ok) facilityRows.push({id: f.facility_id, line: rec.line, value: f});
    else rejectedRows++;
  }
  const facilityUnique = uniqueById(facilityRows, fTable.file, 'facility_id', fTable.records[0]?.columns.facility_id ?? 1, demote, diagnostics);
  const facilities = facilityUnique.byId;
  if (opts.allowPartial) rejectedRows += facilityUnique.skipped;
  const facilityIds = new Set(facilities.keys());

  const laneRows: {id: string; line: number; value: Lane}[] = [];
  for (const rec of lTable.records) {
    const c = new RowCheck(lTable.file, rec);
    const l: Lane = {
      lane_id: c.required('lane_id'),
      origin_facility_id: c.required('origin_facility_id'),
      dest_facility_id: c.required('dest_facility_id'),
      mode: c.optional('mode')?.toUpperCase() ?? null,
      carrier_name: c.optional('carrier_name'),
      avg_transit_days: c.float('avg_transit_days', 0, Number.MAX_VALUE),
      volume_score: c.int('volume_score', 0, 10),
    };
    c.fk('origin_facility_id', l.origin_facility_id, facilityIds, 'facility', fTable.file);
    c.fk('dest_facility_id', l.dest_facility_id, facilityIds, 'facility', fTable.file);
    diagnostics.push(...demote(c.diags));
    if (c.ok) laneRows.push({id: l.lane_id, line: rec.line, value: l});
    else rejectedRows++;
  }
  const laneUnique = uniqueById(laneRows, lTable.file, 'lane_id', lTable.records[0]?.columns.lane_id ?? 1, demote, diagnostics);
  const lanes = laneUnique.byId;
  if (opts.allowPartial) rejectedRows += laneUnique.skipped;
  const laneIds = new Set(lanes.keys());

  const shipmentRows: {id: string; line: number; value: Shipment}[] = [];
  const instants = new Map<string, string | null>();
  for (const rec of sTable.records) {
    const c = new RowCheck(sTable.file, rec);
    const ship = c.date('ship_date', instants);
    const eta = c.date('eta_date', instants);
    const s: Shipment = {
      shipment_id: c.required('shipment_id'),
      order_id: c.optional('order_id'),
      lane_id: c.required('lane_id'),
      sku_id: c.optional('sku_id'),
      qty: c.float('qty', 0, Number.MAX_VALUE),
      status: c.optional('status')?.toUpperCase() ?? null,
      ship_date: ship.text,
      ship_at: ship.instant,
      eta_date: eta.text,
      eta_at: eta.instant,
      customer_name: c.optional('customer_name'),
      priority_flag: c.int('priority_flag', 0, 1),
    };
    c.fk('lane_id', s.lane_id, laneIds, 'lane', lTable.file);
    diagnostics.push(...demote(c.diags));
    if (c.ok) shipmentRows.push({id: s.shipment_id, line: rec.line, value: s});
    else rejectedRows++;
  }
  const shipmentUnique = uniqueById(shipmentRows, sTable.file, 'shipment_id', sTable.records[0]?.columns.shipment_id ?? 1, demote, diagnostics);
  const shipments = shipmentUnique.byId;
  if (opts.allowPartial) rejectedRows += shipmentUnique.skipped;

  for (const [id, r] of facilities) lines.set(`facility:${id}`, r.line);
  for (const [id, r] of lanes) lines.set(`lane:${id}`, r.line);
  for (const [id, r] of shipments) lines.set(`shipment:${id}`, r.line);
  const network: NetworkSnapshot = {
    facilities: [...facilities.values()].map((r) => r.value).sort((a, b) => byId(a, b, (f) => f.facility_id)),
    lanes: [...lanes.values()].map((r) => r.value).sort((a, b) => byId(a, b, (l) => l.lane_id)),
    shipments: [...shipments.values()].map((r) => r.value).sort((a, b) => byId(a, b, (s) => s.shipment_id)),
  };
  return {network, lines, diagnostics, rejectedRows, snapshotHash: networkSnapshotHash(network)};
}
