import type {EpochMicros} from '../kernel/time.js';
import {parseIsoInstant} from '../kernel/time.js';
import {deriveNetworkGeo, type DeriveSummary, type FacilityGeo} from './derive.js';
import {loadGazetteer, type Gazetteer} from './geo/gazetteer.js';
import type {Facility, Lane, NetworkSnapshot, Shipment} from '../model/network.js';

/** A structured note from index building (shown in the load summary). */
export interface IndexWarning {
  code: 'FACILITY_NAME_GENERIC' | 'FACILITY_NAME_SHARED';
  message: string;
  data: Record<string, unknown>;
}

/** A shipment with its instants parsed once at index build. */
export interface IndexedShipment {
  shipment: Shipment;
  /** Status trimmed and upper-cased ('' when none). */
  status: string;
  priority: number;
  /** ETA: `eta_at`, else `eta_date` (shipment windows in linking and scoring). */
  eta: EpochMicros | null;
  /** `eta_at` alone, as the rule context shows it (`shipments[].eta`). */
  etaAt: EpochMicros | null;
  ship: EpochMicros | null;
}

/** A span of text matched against facility ids or names. */
export interface TextMatch {
  start: number;
  end: number;
  facility_ids: readonly string[];
}

interface TrieNode {
  next: Map<string, TrieNode> | null;
  ids: string[] | null;
}

/**
 * Words that make a facility name too generic to match by itself (pipeline.md §2.2): a name
 * made only of these words (`Hub`, `Main Plant`, `DC 1`) is not matched by name.
 */
export const GENERIC_NAME_WORDS: ReadonlySet<string> = new Set([
  'the', 'of', 'and', 'a', 'an', 'at', 'in', 'on', 'for', 'main', 'central', 'north', 'south', 'east', 'west',
  'dc', 'hub', 'plant', 'warehouse', 'depot', 'terminal', 'port', 'yard', 'site', 'facility', 'center', 'centre',
  'distribution', 'fulfillment', 'logistics', 'storage', 'factory', 'mill', 'office', 'hq', 'headquarters',
  'dock', 'building', 'campus', 'store', 'shop', 'station', 'cross', 'crossdock', 'regional', 'national',
  'inc', 'llc', 'co', 'corp', 'company', 'ltd', 'no', 'number', 'unit', 'line',
]);

/** Characters of a facility id token (pipeline.md §2.2). */
const ID_RUN = /[A-Za-z0-9_.-]+/g;

/** Letters, digits, `-`, `_`, `.`. */
function isIdChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95 || c === 46;
}

function isIdPunct(c: number): boolean {
  return c === 45 || c === 95 || c === 46;
}
const SIMPLE_ID = /^[A-Za-z0-9_.-]+$/;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** What may separate two words of a name in running text. */
const NAME_GAP = /^[\s\-\u2010-\u2014'\u2019.&/,]{1,4}$/;

/** Lower-case, accent-folded form of one word. */
export function wordKey(word: string): string {
  const w = PRINTABLE_ASCII.test(word) ? word : word.normalize('NFKD').replace(/\p{M}/gu, '');
  return w.toLowerCase();
}

/** Word tokens of a text with their spans. */
export function wordTokens(text: string): {key: string; start: number; end: number}[] {
  const out: {key: string; start: number; end: number}[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    const key = wordKey(m[0]);
    if (key !== '') out.push({key, start: m.index, end: m.index + m[0].length});
  }
  return out;
}

/** Type priority for ambiguity ordering: PLANT 3, DC 2, PORT 1, other 0 (pipeline.md §3.3). */
export function typePriority(type: string): number {
  const t = type.toUpperCase();
  return t === 'PLANT' ? 3 : t === 'DC' ? 2 : t === 'PORT' ? 1 : 0;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The instant of a stored date: the canonical text, else the CSV text. Shipments share few
 * distinct dates, so each distinct text is parsed once per build.
 */
function instantReader(): (canonical: string | null, text?: string | null) => EpochMicros | null {
  const parsed = new Map<string, EpochMicros | null>();
  const parse = (t: string | null | undefined): EpochMicros | null => {
    if (t == null || t.trim() === '') return null;
    let v = parsed.get(t);
    if (v === undefined) {
      v = parseIsoInstant(t)?.micros ?? null;
      parsed.set(t, v);
    }
    return v;
  };
  return (canonical, text) => parse(canonical) ?? parse(text);
}

/**
 * Every lookup linking needs, built once per run from a network snapshot (pipeline.md §3.8).
 * Lookups are hash-map hits; text scans walk the text's tokens through tries over facility ids
 * and names, so their cost depends on the text, never on the number of facilities.
 */
export class NetworkIndex {
  readonly facilityById: ReadonlyMap<string, Facility>;
  readonly geoById: ReadonlyMap<string, FacilityGeo>;
  readonly deriveSummary: DeriveSummary;
  readonly warnings: readonly IndexWarning[];
  readonly gazetteer: Gazetteer;
  /** Largest number of words in any city known to the index (facility or reference city). */
  readonly maxCityWords: number;

  private readonly byCityState = new Map<string, string[]>();
  private readonly byCity = new Map<string, string[]>();
  private readonly byCounty = new Map<string, string[]>();
  private readonly byZone = new Map<string, string[]>();
  private readonly byName = new Map<string, string[]>();
  private readonly lanesByFac = new Map<string, Lane[]>();
  private readonly shipmentsByLn = new Map<string, IndexedShipment[]>();
  private readonly shipmentById = new Map<string, IndexedShipment>();
  private readonly laneById = new Map<string, Lane>();
  private readonly simpleIds = new Set<string>();
  /** First id-run of an id with other characters → those ids. */
  private readonly complexIds = new Map<string, string[]>();
  private readonly nameTrie = new Map<string, TrieNode>();
  private minIdLength = Infinity;
  /** 1°×1° cells (`floor(lat)|floor(lon)`) → facilities with a point in the cell. */
  private readonly pointGrid = new Map<string, string[]>();

  private constructor(snapshot: NetworkSnapshot) {
    this.gazetteer = loadGazetteer();
    const facilityById = new Map<string, Facility>();
    for (const f of snapshot.facilities) facilityById.set(f.facility_id, f);
    this.facilityById = facilityById;
    const {byId, summary} = deriveNetworkGeo(snapshot.facilities);
    this.geoById = byId;
    this.deriveSummary = summary;
    const warnings: IndexWarning[] = [];
    let maxWords = this.gazetteer.maxCityWords;

    const sortedFacilities = [...snapshot.facilities].sort((a, b) => cmpStr(a.facility_id, b.facility_id));
    for (const f of sortedFacilities) {
      const id = f.facility_id;
      if (id !== '') {
        if (SIMPLE_ID.test(id)) {
          this.simpleIds.add(id);
          this.minIdLength = Math.min(this.minIdLength, id.length);
        } else {
          ID_RUN.lastIndex = 0;
          const first = ID_RUN.exec(id);
          // Only ids that start with an id character can be found at a token start.
          if (first && first.index === 0) {
            pushTo(this.complexIds, first[0], id);
            this.minIdLength = Math.min(this.minIdLength, first[0].length);
          }
        }
      }
      const geo = byId.get(id) as FacilityGeo;
      if (geo.city_key) {
        pushTo(this.byCity, geo.city_key, id);
        if (geo.state_code) pushTo(this.byCityState, `${geo.state_code}|${geo.city_key}`, id);
        const words = geo.city_key.split(' ').length;
        if (words > maxWords) maxWords = words;
      }
      for (const c of geo.county_fips) pushTo(this.byCounty, c, id);
      if (geo.lat !== null && geo.lon !== null) pushTo(this.pointGrid, `${Math.floor(geo.lat)}|${Math.floor(geo.lon)}`, id);
      for (const z of geo.nws_zones) pushTo(this.byZone, z, id);
      this.indexName(f, warnings);
    }
    this.maxCityWords = maxWords;
    for (const [key, ids] of this.byName) {
      if (ids.length > 1) {
        warnings.push({
          code: 'FACILITY_NAME_SHARED',
          message: `${ids.length} facilities share the name "${key}"; a mention of it links all of them`,
          data: {name_key: key, facility_ids: ids},
        });
      }
    }
    this.warnings = warnings;

    for (const lane of [...snapshot.lanes].sort((a, b) => cmpStr(a.lane_id, b.lane_id))) {
      this.laneById.set(lane.lane_id, lane);
      pushTo(this.lanesByFac, lane.origin_facility_id, lane);
      if (lane.dest_facility_id !== lane.origin_facility_id) pushTo(this.lanesByFac, lane.dest_facility_id, lane);
    }
    const instantOf = instantReader();
    for (const s of snapshot.shipments) {
      const indexed: IndexedShipment = {
        shipment: s,
        status: (s.status ?? '').trim().toUpperCase(),
        priority: s.priority_flag ?? 0,
        eta: instantOf(s.eta_at, s.eta_date),
        etaAt: instantOf(s.eta_at),
        ship: instantOf(s.ship_at, s.ship_date),
      };
      pushTo(this.shipmentsByLn, s.lane_id, indexed);
      this.shipmentById.set(s.shipment_id, indexed);
    }
  }

  /** Builds the index (derives facility geography, tries and maps). Call once per run. */
  static build(snapshot: NetworkSnapshot): NetworkIndex {
    return new NetworkIndex(snapshot);
  }

  private indexName(f: Facility, warnings: IndexWarning[]): void {
    const name = f.name.trim();
    const tokens = wordTokens(name).map((t) => t.key);
    if (tokens.length === 0) return;
    const generic = name.length < 4 || tokens.every((t) => GENERIC_NAME_WORDS.has(t) || /^\d+$/.test(t));
    if (generic) {
      warnings.push({
        code: 'FACILITY_NAME_GENERIC',
        message: `facility ${f.facility_id} name "${name}" is too generic to be matched in text; it links by id or place only`,
        data: {facility_id: f.facility_id, name},
      });
      return;
    }
    const key = tokens.join(' ');
    pushTo(this.byName, key, f.facility_id);
    let level = this.nameTrie;
    let node: TrieNode | undefined;
    for (let i = 0; i < tokens.length; i++) {
      let n = level.get(tokens[i]);
      if (!n) {
        n = {next: null, ids: null};
        level.set(tokens[i], n);
      }
      node = n;
      if (i < tokens.length - 1) {
        n.next ??= new Map();
        level = n.next;
      }
    }
    const leaf = node as TrieNode;
    if (!leaf.ids) leaf.ids = [];
    if (!leaf.ids.includes(f.facility_id)) leaf.ids.push(f.facility_id);
  }

  // ---- lookups -------------------------------------------------------------------------

  facility(id: string): Facility | undefined {
    return this.facilityById.get(id);
  }

  geo(id: string): FacilityGeo | undefined {
    return this.geoById.get(id);
  }

  /** Facilities whose (state code, city key) equals the arguments; ids sorted. */
  facilitiesByCityState(stateCode: string, key: string): readonly string[] {
    return this.byCityState.get(`${stateCode}|${key}`) ?? [];
  }

  /** Facilities in a city of that key in any state; ids sorted. */
  facilitiesByCity(key: string): readonly string[] {
    return this.byCity.get(key) ?? [];
  }

  facilitiesByCounty(fips: string): readonly string[] {
    return this.byCounty.get(fips) ?? [];
  }

  facilitiesByZone(zone: string): readonly string[] {
    return this.byZone.get(zone) ?? [];
  }

  /** Facilities whose normalized name (lower-case words joined by one space) equals the key. */
  facilitiesByNameKey(key: string): readonly string[] {
    return this.byName.get(key) ?? [];
  }

  /** Lanes with the facility as origin or destination, sorted by lane id. */
  lanesByFacility(id: string): readonly Lane[] {
    return this.lanesByFac.get(id) ?? [];
  }

  lane(id: string): Lane | undefined {
    return this.laneById.get(id);
  }

  shipment(id: string): IndexedShipment | undefined {
    return this.shipmentById.get(id);
  }

  /** Shipments on the lane, in snapshot order. */
  shipmentsByLane(laneId: string): readonly IndexedShipment[] {
    return this.shipmentsByLn.get(laneId) ?? [];
  }

  /**
   * Facilities whose point lies in the box `[minLon, minLat, maxLon, maxLat]` (grid cells, then
   * exact test); ids sorted. Cost follows the box's area and the facilities inside it.
   */
  facilitiesInBox(box: readonly [number, number, number, number]): string[] {
    const [minLon, minLat, maxLon, maxLat] = box;
    const out: string[] = [];
    const cells = (Math.floor(maxLat) - Math.floor(minLat) + 1) * (Math.floor(maxLon) - Math.floor(minLon) + 1);
    if (!(cells > 0) || cells > 4096) return out;
    for (let la = Math.floor(minLat); la <= Math.floor(maxLat); la++) {
      for (let lo = Math.floor(minLon); lo <= Math.floor(maxLon); lo++) {
        for (const id of this.pointGrid.get(`${la}|${lo}`) ?? []) {
          const g = this.geoById.get(id) as FacilityGeo;
          const lat = g.lat as number;
          const lon = g.lon as number;
          if (lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon) out.push(id);
        }
      }
    }
    return out.sort();
  }

  /** True when (state, city key) names a facility city or a city of the reference tables. */
  isKnownCity(stateCode: string, key: string): boolean {
    const k = `${stateCode}|${key}`;
    return this.byCityState.has(k) || this.gazetteer.isKnownCity(k);
  }

  // ---- text scans ----------------------------------------------------------------------

  /**
   * Facility ids occurring as whole tokens (case-sensitive; id characters are letters, digits,
   * `-`, `_`, `.`). A token's trailing `.`/`-`/`_` (sentence punctuation) is tolerated.
   */
  findIds(text: string): TextMatch[] {
    const out: TextMatch[] = [];
    if (this.simpleIds.size === 0 && this.complexIds.size === 0) return out;
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (!isIdChar(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const runStart = i;
      while (i < n && isIdChar(text.charCodeAt(i))) i++;
      const runEnd = i;
      let a = runStart;
      let b = runEnd;
      if (b - a < this.minIdLength) continue;
      const tok = text.slice(a, b);
      if (this.simpleIds.has(tok)) {
        out.push({start: a, end: b, facility_ids: [tok]});
        continue;
      }
      while (a < b && isIdPunct(text.charCodeAt(a))) a++;
      while (b > a && isIdPunct(text.charCodeAt(b - 1))) b--;
      if ((a !== runStart || b !== runEnd) && b > a) {
        const core = text.slice(a, b);
        if (this.simpleIds.has(core)) {
          out.push({start: a, end: b, facility_ids: [core]});
          continue;
        }
      }
      const complex = this.complexIds.size > 0 ? this.complexIds.get(tok) : undefined;
      if (complex) {
        for (const id of complex) {
          const end = runStart + id.length;
          if (text.startsWith(id, runStart) && (end >= n || !/[A-Za-z0-9_]/.test(text[end]))) {
            out.push({start: runStart, end, facility_ids: [id]});
          }
        }
      }
    }
    return out;
  }

  /** Facility names occurring case-insensitively on word boundaries (all occurrences). */
  findNames(text: string): TextMatch[] {
    const out: TextMatch[] = [];
    if (this.nameTrie.size === 0) return out;
    const word = new RegExp(WORD.source, 'gu');
    for (let m = word.exec(text); m !== null; m = word.exec(text)) {
      let node = this.nameTrie.get(wordKey(m[0]));
      if (!node) continue;
      const start = m.index;
      let end = start + m[0].length;
      const follow = new RegExp(WORD.source, 'gu');
      follow.lastIndex = end;
      while (node) {
        if (node.ids) out.push({start, end, facility_ids: [...node.ids].sort()});
        if (!node.next) break;
        const next = follow.exec(text);
        if (!next || !NAME_GAP.test(text.slice(end, next.index))) break;
        end = next.index + next[0].length;
        node = node.next.get(wordKey(next[0]));
      }
    }
    return out;
  }
}
