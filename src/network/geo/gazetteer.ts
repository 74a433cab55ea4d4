import {loadReferenceTable} from './reference.js';
import {cityKey, countyKey} from './keys.js';
import {allStates} from './states.js';

/** Axis-aligned box `[minLon, minLat, maxLon, maxLat]`. */
export type BBox = readonly [number, number, number, number];

export interface County {
  /** Table form: state + 3 digits, no `C` (`AR027`). The API's county UGC is `ARC027`. */
  ugc: string;
  /** Six digits: 3-digit state FIPS + 3-digit county FIPS (`005027`). */
  fips: string;
  state: string;
  /** Name with suffix (`Columbia County`). */
  name: string;
  bbox: BBox;
  lat: number;
  lng: number;
}

export interface Zone {
  /** Table form: state + 3 digits, no `Z` (`AK017`). The API's zone UGC is `AKZ017`. */
  code: string;
  state: string;
  name: string;
  short_name: string;
  cwa: string;
  /** County FIPS list of the 2014 table (includes bbox neighbours: not "the zone's counties"). */
  fips: readonly string[];
  bbox: BBox;
  lat: number;
  lng: number;
  /**
   * The county the zone lies in (name rule, then centroid rule; see scripts/build-reference.js),
   * one per polygon part of the 2014 table: normally exactly one, sorted.
   */
  counties: readonly string[];
}

/** A city table row: state code, city, county name without suffix (`Dekalb`), lat, lon. */
export type CityTuple = readonly [state: string, city: string, county: string, lat: number, lon: number];

export interface Gazetteer {
  countyByFips: ReadonlyMap<string, County>;
  /** Keyed by table UGC (`AR027`). */
  countyByUgc: ReadonlyMap<string, County>;
  /** Keyed by `${state}|${countyKey(name)}`. */
  countyByStateKey: ReadonlyMap<string, County>;
  countiesByState: ReadonlyMap<string, readonly County[]>;
  /** Keyed by table code (`OR004`). */
  zoneByCode: ReadonlyMap<string, Zone>;
  zonesByState: ReadonlyMap<string, readonly Zone[]>;
  /** County FIPS → zones whose 2014 fips list names it. */
  zonesByListedCounty: ReadonlyMap<string, readonly Zone[]>;
  /** `${state}|${cityKey}` → city table rows (one per county the city spans). */
  cityRows: ReadonlyMap<string, readonly CityTuple[]>;
  /** `${state}|${cityKey}` → top-1000 point. */
  topCityPoint: ReadonlyMap<string, {lat: number; lon: number}>;
  /** Whether `${state}|${cityKey}` is a city of the reference tables. */
  isKnownCity(stateCityKey: string): boolean;
  /** Largest number of words in a known city key. */
  maxCityWords: number;
  /** Counties of the state (of every state when null) whose bbox holds the point, in table order. */
  countiesAt(state: string | null, lat: number, lon: number): County[];
  /** Zones of the state whose bbox holds the point, in table order. */
  zonesAt(state: string, lat: number, lon: number): Zone[];
  /**
   * The distinct counties the city table names for `${state}|${cityKey}` (table order), and
   * whether one of the named counties is missing from the county table.
   */
  cityCounties(stateCityKey: string): {counties: readonly County[]; missing: boolean};
}

let gazetteer: Gazetteer | null = null;

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** One key per 1°×1° cell (longitudes stay within ±512°, so keys never collide). */
function cellKey(lat: number, lon: number): number {
  return Math.floor(lat) * 1024 + Math.floor(lon);
}

/**
 * Items by the 1°×1° cells their bbox touches, so a point is tested only against the boxes of
 * its own cell instead of every box of a state.
 */
class CellIndex<T extends {bbox: BBox}> {
  private readonly cells = new Map<number, T[]>();

  constructor(items: readonly T[]) {
    for (const it of items) {
      const [minLon, minLat, maxLon, maxLat] = it.bbox;
      for (let la = Math.floor(minLat); la <= Math.floor(maxLat); la++) {
        for (let lo = Math.floor(minLon); lo <= Math.floor(maxLon); lo++) pushTo(this.cells, cellKey(la, lo), it);
      }
    }
  }

  /** The items whose bbox holds the point, in the order they were given. */
  at(lat: number, lon: number): T[] {
    return (this.cells.get(cellKey(lat, lon)) ?? []).filter((it) => bboxContains(it.bbox, lat, lon));
  }
}

/** A per-key value built on first use (the tables never change within a process). */
function lazyBy<V>(build: (key: string) => V): (key: string) => V {
  const built = new Map<string, V>();
  return (key) => {
    let v = built.get(key);
    if (v === undefined) {
      v = build(key);
      built.set(key, v);
    }
    return v;
  };
}

/** The bundled gazetteer, built on first use and kept for the process. */
export function loadGazetteer(): Gazetteer {
  if (gazetteer) return gazetteer;
  const countyByFips = new Map<string, County>();
  const countyByUgc = new Map<string, County>();
  const countyByStateKey = new Map<string, County>();
  const countiesByState = new Map<string, County[]>();
  for (const row of loadReferenceTable('counties').rows) {
    const [ugc, fips, state, name, minLon, minLat, maxLon, maxLat, lat, lng] = row as [
      string, string, string, string, number, number, number, number, number, number,
    ];
    const c: County = {ugc, fips, state, name, bbox: [minLon, minLat, maxLon, maxLat], lat, lng};
    countyByFips.set(fips, c);
    countyByUgc.set(ugc, c);
    const key = `${state}|${countyKey(name)}`;
    if (!countyByStateKey.has(key)) countyByStateKey.set(key, c);
    pushTo(countiesByState, state, c);
  }
  const zoneByCode = new Map<string, Zone>();
  const zonesByState = new Map<string, Zone[]>();
  const zonesByListedCounty = new Map<string, Zone[]>();
  for (const row of loadReferenceTable('zones').rows) {
    const [code, state, name, shortName, cwa, fips, minLon, minLat, maxLon, maxLat, lat, lng, counties] = row as [
      string, string, string, string, string, string[], number, number, number, number, number, number, string[],
    ];
    const z: Zone = {code, state, name, short_name: shortName, cwa, fips, bbox: [minLon, minLat, maxLon, maxLat], lat, lng, counties};
    zoneByCode.set(code, z);
    pushTo(zonesByState, state, z);
    for (const f of fips) pushTo(zonesByListedCounty, f, z);
  }
  // City rows stay the arrays JSON.parse made ([state, city, county, lat, lon] is CityTuple);
  // rows of one (state, city key) are mostly consecutive because the table is sorted.
  const cityRows = new Map<string, CityTuple[]>();
  let maxCityWords = 1;
  const wordsOf = (key: string): number => {
    let n = 1;
    for (let i = key.indexOf(' '); i !== -1; i = key.indexOf(' ', i + 1)) n++;
    return n;
  };
  for (const row of loadReferenceTable('us-cities').rows as unknown as CityTuple[]) {
    const key = cityKey(row[1]);
    if (key === '') continue;
    const k = `${row[0]}|${key}`;
    const list = cityRows.get(k);
    if (list) list.push(row);
    else {
      cityRows.set(k, [row]);
      const w = wordsOf(key);
      if (w > maxCityWords) maxCityWords = w;
    }
  }
  const codeByName = new Map(allStates().map((s) => [s.name.toLowerCase(), s.code]));
  const topCityPoint = new Map<string, {lat: number; lon: number}>();
  for (const row of loadReferenceTable('us-cities-top1k').rows) {
    const [city, stateName, , lat, lon] = row as [string, string, number, number, number];
    const state = codeByName.get(stateName.toLowerCase());
    const key = cityKey(city);
    if (!state || key === '') continue;
    const k = `${state}|${key}`;
    if (!topCityPoint.has(k)) topCityPoint.set(k, {lat, lon});
    const w = wordsOf(key);
    if (w > maxCityWords) maxCityWords = w;
  }
  const isKnownCity = (stateCityKey: string): boolean => cityRows.has(stateCityKey) || topCityPoint.has(stateCityKey);
  // '' stands for "every state" (a null state).
  const countyCells = lazyBy((state) => new CellIndex(state === '' ? [...countyByFips.values()] : (countiesByState.get(state) ?? [])));
  const zoneCells = lazyBy((state) => new CellIndex(zonesByState.get(state) ?? []));
  const cityCounties = lazyBy((stateCityKey) => {
    const counties: County[] = [];
    let missing = false;
    for (const r of cityRows.get(stateCityKey) ?? []) {
      const c = countyByStateKey.get(`${r[0]}|${countyKey(r[2])}`);
      if (!c) missing = true;
      else if (!counties.some((x) => x.fips === c.fips)) counties.push(c);
    }
    return {counties, missing};
  });
  gazetteer = {
    countyByFips, countyByUgc, countyByStateKey, countiesByState, zoneByCode, zonesByState,
    zonesByListedCounty, cityRows, topCityPoint, isKnownCity, maxCityWords,
    countiesAt: (state, lat, lon) => countyCells(state ?? '').at(lat, lon),
    zonesAt: (state, lat, lon) => zoneCells(state).at(lat, lon),
    cityCounties,
  };
  return gazetteer;
}

export function bboxContains(b: BBox, lat: number, lon: number): boolean {
  return b[0] <= lon && lon <= b[2] && b[1] <= lat && lat <= b[3];
}

/** Squared equirectangular distance (cos-latitude scaled), for nearest-centroid choices. */
export function planarDistance2(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const coslat = Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  return (lat1 - lat2) ** 2 + ((lon1 - lon2) * coslat) ** 2;
}
