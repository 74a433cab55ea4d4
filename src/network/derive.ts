import type {Facility} from '../model/network.js';
import {loadGazetteer, planarDistance2, type County, type Gazetteer} from './geo/gazetteer.js';
import {cityKey, countyKey} from './geo/keys.js';
import {normalizeStateCode} from './geo/states.js';

export {normalizeStateCode};

export type CoordSource = 'csv' | 'city_table' | 'none';
export type CountySource = 'coordinates' | 'city_table' | 'none';

/** Geographic keys derived for one facility at network load (domain.md §4.6, pipeline.md §3.9). */
export interface FacilityGeo {
  facility_id: string;
  /** Normalized city key (`saint louis`), null without a city. */
  city_key: string | null;
  /** Two-letter state code from `state_code`, else from `state` (code or full name, any case). */
  state_code: string | null;
  /** County FIPS (6 digits), sorted; normally one. */
  county_fips: string[];
  /** True when the city table names several counties and none could be chosen. */
  county_ambiguous: boolean;
  county_source: CountySource;
  /** NWS forecast zones in table form (`OR004`), sorted. */
  nws_zones: string[];
  lat: number | null;
  lon: number | null;
  coord_source: CoordSource;
}

export type DeriveProblemCode =
  | 'STATE_UNKNOWN'
  | 'CITY_MISSING'
  | 'CITY_NOT_IN_TABLE'
  | 'COUNTY_NOT_IN_TABLE'
  | 'COUNTY_AMBIGUOUS'
  | 'NO_COORDINATES'
  | 'NO_ZONE';

/** One kind of derivation failure with the facilities it concerns (ids sorted). */
export interface DeriveProblem {
  code: DeriveProblemCode;
  message: string;
  facility_ids: string[];
}

export interface DeriveSummary {
  facilities: number;
  with_state: number;
  with_county: number;
  county_ambiguous: number;
  with_zones: number;
  coord_source: Record<CoordSource, number>;
  county_source: Record<CountySource, number>;
  /** Sorted by code; only codes that occurred. */
  problems: DeriveProblem[];
}

const PROBLEM_TEXT: Record<DeriveProblemCode, (n: number) => string> = {
  STATE_UNKNOWN: (n) => `${n} ${n === 1 ? 'facility has' : 'facilities have'} no state code: the state is missing or neither a known code nor a known name`,
  CITY_MISSING: (n) => `${n} ${n === 1 ? 'facility has' : 'facilities have'} no county: no city and no coordinates`,
  CITY_NOT_IN_TABLE: (n) => `${n} ${n === 1 ? 'facility has' : 'facilities have'} no county: city not in the reference table`,
  COUNTY_NOT_IN_TABLE: (n) => `${n} ${n === 1 ? 'facility has' : 'facilities have'} no county: the city's county is not in the NWS county table`,
  COUNTY_AMBIGUOUS: (n) => `${n} ${n === 1 ? 'facility lies' : 'facilities lie'} in a city spanning several counties; all of them are kept (NWS links get NWS_AREA)`,
  NO_COORDINATES: (n) => `${n} ${n === 1 ? 'facility has' : 'facilities have'} no coordinates (none in the CSV and city not in the reference tables)`,
  NO_ZONE: (n) => `${n} ${n === 1 ? 'facility has' : 'facilities have'} no NWS forecast zone`,
};

function validNumber(x: number | null): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function nearestCounty(counties: readonly County[], lat: number, lon: number): County {
  let best = counties[0];
  let bestD = Infinity;
  for (const c of counties) {
    const d = planarDistance2(lat, lon, c.lat, c.lng);
    if (d < bestD || (d === bestD && c.fips < best.fips)) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/**
 * Derives one facility's geographic keys.
 *
 * Coordinates: the CSV's `lat`/`lon`, else the top-1000 city point, else the first city-table
 * row (`coord_source`).
 *
 * County: with CSV coordinates, the counties of the facility's state whose bbox holds the
 * point; when several do, those the city table also names for the city are preferred, then
 * the nearest centroid. Without CSV coordinates (or when no bbox holds the point) the city
 * table rows for (state, city) decide: one county → it; several → the county named like the
 * city, else all of them with `county_ambiguous` (pipeline.md §3.9 vector NWS-9). A point
 * taken from the city table itself is not used for the county, so that the city table's own
 * county list stays authoritative for such facilities.
 *
 * Zones: with CSV coordinates, the zones of the state whose bbox holds the point and whose
 * county list names the facility's county; otherwise the zones whose county list names the
 * facility's county (vector NWS-3).
 */
export function deriveFacilityGeo(f: Facility, gaz: Gazetteer = loadGazetteer()): {geo: FacilityGeo; problems: DeriveProblemCode[]} {
  const problems: DeriveProblemCode[] = [];
  const state = f.state_code ?? normalizeStateCode(f.state);
  if (!state) problems.push('STATE_UNKNOWN');
  const key = f.city !== null && f.city.trim() !== '' ? cityKey(f.city) : '';
  const city = key === '' ? null : key;
  const stateCity = state && city ? `${state}|${city}` : null;
  const rows = stateCity ? (gaz.cityRows.get(stateCity) ?? []) : [];

  let lat: number | null = null;
  let lon: number | null = null;
  let coordSource: CoordSource = 'none';
  if (validNumber(f.lat) && validNumber(f.lon)) {
    lat = f.lat;
    lon = f.lon;
    coordSource = 'csv';
  } else if (stateCity) {
    const top = gaz.topCityPoint.get(stateCity);
    const p = top ?? (rows.length > 0 ? {lat: rows[0][3], lon: rows[0][4]} : null);
    if (p) {
      lat = p.lat;
      lon = p.lon;
      coordSource = 'city_table';
    }
  }
  if (coordSource === 'none') problems.push('NO_COORDINATES');

  // Counties the city table names for this city.
  const {counties: tableCounties, missing: countyMissing} = stateCity ? gaz.cityCounties(stateCity) : {counties: [], missing: false};

  let counties: readonly County[] = [];
  let countySource: CountySource = 'none';
  let ambiguous = false;
  if (coordSource === 'csv' && lat !== null && lon !== null) {
    const inside = gaz.countiesAt(state, lat, lon);
    if (inside.length > 0) {
      const confirmed = inside.filter((c) => tableCounties.some((t) => t.fips === c.fips));
      counties = [nearestCounty(confirmed.length > 0 ? confirmed : inside, lat, lon)];
      countySource = 'coordinates';
    }
  }
  if (counties.length === 0 && tableCounties.length > 0) {
    countySource = 'city_table';
    if (tableCounties.length === 1) counties = tableCounties;
    else {
      const named = tableCounties.filter((c) => countyKey(c.name) === countyKey(f.city ?? ''));
      if (named.length === 1) counties = named;
      else {
        counties = tableCounties;
        ambiguous = true;
        problems.push('COUNTY_AMBIGUOUS');
      }
    }
  }
  if (counties.length === 0) {
    if (!city) problems.push('CITY_MISSING');
    else if (rows.length === 0) problems.push('CITY_NOT_IN_TABLE');
    else if (countyMissing) problems.push('COUNTY_NOT_IN_TABLE');
    else problems.push('CITY_NOT_IN_TABLE');
  }
  const countyFips = counties.map((c) => c.fips).sort();

  const zones = new Set<string>();
  if (coordSource === 'csv' && lat !== null && lon !== null) {
    for (const z of gaz.zonesAt(state ?? '', lat, lon)) {
      if (countyFips.length === 0 || z.fips.some((x) => countyFips.includes(x))) zones.add(z.code);
    }
  }
  if (zones.size === 0) {
    for (const fips of countyFips) for (const z of gaz.zonesByListedCounty.get(fips) ?? []) zones.add(z.code);
  }
  if (zones.size === 0) problems.push('NO_ZONE');

  return {
    geo: {
      facility_id: f.facility_id,
      city_key: city,
      state_code: state,
      county_fips: countyFips,
      county_ambiguous: ambiguous,
      county_source: countySource,
      nws_zones: [...zones].sort(),
      lat,
      lon,
      coord_source: coordSource,
    },
    problems,
  };
}

/** Derives every facility's keys and a load summary of what could not be derived. */
export function deriveNetworkGeo(facilities: readonly Facility[]): {byId: Map<string, FacilityGeo>; summary: DeriveSummary} {
  const gaz = loadGazetteer();
  const byId = new Map<string, FacilityGeo>();
  const problemIds = new Map<DeriveProblemCode, string[]>();
  const summary: DeriveSummary = {
    facilities: facilities.length,
    with_state: 0,
    with_county: 0,
    county_ambiguous: 0,
    with_zones: 0,
    coord_source: {csv: 0, city_table: 0, none: 0},
    county_source: {coordinates: 0, city_table: 0, none: 0},
    problems: [],
  };
  for (const f of facilities) {
    const {geo, problems} = deriveFacilityGeo(f, gaz);
    byId.set(f.facility_id, geo);
    if (geo.state_code) summary.with_state++;
    if (geo.county_fips.length > 0) summary.with_county++;
    if (geo.county_ambiguous) summary.county_ambiguous++;
    if (geo.nws_zones.length > 0) summary.with_zones++;
    summary.coord_source[geo.coord_source]++;
    summary.county_source[geo.county_source]++;
    for (const p of problems) {
      const list = problemIds.get(p);
      if (list) list.push(f.facility_id);
      else problemIds.set(p, [f.facility_id]);
    }
  }
  summary.problems = [...problemIds.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([code, ids]) => ({code, message: PROBLEM_TEXT[code](ids.length), facility_ids: [...ids].sort()}));
  return {byId, summary};
}
