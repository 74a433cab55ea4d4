import type {JsonValue} from '../kernel/canonical-json.js';
import {MICROS_PER_DAY, type EpochMicros} from '../kernel/time.js';
import type {Lane} from '../model/network.js';
import {typePriority, type IndexedShipment, type NetworkIndex} from '../network/network-index.js';
import {pointInRing, ringBBox, type Ring} from '../network/geo/polygon.js';
import {extractNwsMentions, extractTextMentions, type Mention, type NwsAreaInput, type TextField} from './mentions.js';

/**
 * Network linking (pipeline.md §3, TS contract §3.8–3.9; result shape domain.md §6.5).
 *
 * Confidences: every confidence is a multiple of 0.05 held internally as an integer in basis
 * points (`PROVENANCE_CONFIDENCE_BP`), and written in results as `bp / 10000`, a number with at
 * most two decimals (0.95, 0.7, 0.45, 1). Such numbers have one shortest text form in every
 * JSON writer, so canonical artifacts stay byte-stable.
 */

/** How a facility was reached. */
export type LinkPath = 'preset' | 'id' | 'name' | 'city_state' | 'nws_polygon' | 'nws_same' | 'nws_ugc_county' | 'nws_ugc_zone' | 'nws_area_desc';

export type FacilityProvenance =
  | 'PRESET'
  | 'FACILITY_ID_EXACT'
  | 'FACILITY_NAME_SUBSTRING'
  | 'CITY_STATE'
  | 'CITY_STATE_WITH_SIGNAL'
  | 'CITY_STATE_AMBIGUOUS'
  | 'NWS_POLYGON'
  | 'NWS_COUNTY'
  | 'NWS_ZONE'
  | 'NWS_AREA';

/** Confidence per provenance code, in basis points (pipeline.md §3.4, §3.8, §3.9). */
export const PROVENANCE_CONFIDENCE_BP: Readonly<Record<FacilityProvenance, number>> = {
  PRESET: 10000,
  FACILITY_ID_EXACT: 9500,
  NWS_POLYGON: 9000,
  FACILITY_NAME_SUBSTRING: 8500,
  NWS_COUNTY: 8500,
  NWS_ZONE: 7500,
  CITY_STATE: 7000,
  CITY_STATE_WITH_SIGNAL: 7000,
  NWS_AREA: 7000,
  CITY_STATE_AMBIGUOUS: 4500,
};

/** Tie order between provenances of equal confidence (earlier wins). */
const PROVENANCE_ORDER: readonly FacilityProvenance[] = [
  'PRESET', 'FACILITY_ID_EXACT', 'NWS_POLYGON', 'FACILITY_NAME_SUBSTRING', 'NWS_COUNTY', 'NWS_ZONE',
  'CITY_STATE', 'CITY_STATE_WITH_SIGNAL', 'NWS_AREA', 'CITY_STATE_AMBIGUOUS',
];

export const LANE_CONFIDENCE_BP = 7000;
export const SHIPMENT_CONFIDENCE_BP = 6000;

const ACTIVE_STATUSES = new Set(['PENDING', 'SCHEDULED', 'IN_TRANSIT']);

export interface LinkInput {
  title: string;
  raw_text: string;
  /** Body text without the title; scanned only when raw_text does not already contain it. */
  summary?: string | null;
  /** `rss`, `nws_alerts`, `nws_cap`, ... (NWS rules apply when `nws` is given). */
  source_type: string;
  nws?: NwsAreaInput & {
    /**
     * Alert polygons as `[lon, lat]` rings (see `ringsFromGeoJson`, `ringFromCapPolygon`).
     * A facility point inside one links NWS_POLYGON 0.90 (points from the CSV or the city tables).
     */
    polygons?: readonly Ring[];
  };
  /** Run clock, for the shipment window. */
  now: EpochMicros;
  /** Facilities already set on the event (demo path): provenance PRESET. */
  preset_facilities?: readonly string[];
}

export interface LinkOptions {
  /** linking.max_shipments (default 50). */
  maxShipments?: number;
  /** Shipment window end: now + this many days (default 30). */
  shipmentDaysAhead?: number;
  /** Shipment window start: now − this many days (default 7). */
  shipmentDaysBack?: number;
  /** Apply the shipment window and status filter of domain.md §4.6 (default true; false = reference parity). */
  shipmentWindow?: boolean;
  /**
   * A `City, ST` shared by several facilities with no id/name singling one out: link `all` of
   * them (default; every facility in the place is affected) or only the `top` candidate by
   * criticality, type priority, facility id (the reference's choice). Either way the
   * provenance is CITY_STATE_AMBIGUOUS 0.45 and such facilities get lanes but no shipments.
   */
  ambiguousCityState?: 'all' | 'top';
}

export interface FacilityEvidence {
  path: LinkPath;
  provenance: FacilityProvenance;
  /** Decimal, at most two places. */
  confidence: number;
  /** Where the evidence was found: a text field with span, or an NWS code. */
  field?: string;
  start?: number;
  end?: number;
  code?: string;
}

export interface LinkNote {
  code: string;
  message: string;
  data: Record<string, JsonValue>;
}

export interface LaneMatch {
  lane_id: string;
  match_type: 'ORIGIN' | 'DESTINATION' | 'BOTH';
}

export interface LinkResult {
  /** Linked facility ids, sorted, unique. */
  facilities: string[];
  /** Every facility a `City, ST` mention matched (sorted). */
  facility_candidates: string[];
  lanes: string[];
  lane_matches: LaneMatch[];
  /** Priority desc, ETA asc (missing last), shipment id asc; at most maxShipments. */
  shipments: string[];
  shipments_total_linked: number;
  shipments_truncated: boolean;
  link_confidence: {facility?: number; lanes?: number; shipments?: number};
  link_provenance: {facility?: FacilityProvenance; lanes?: 'FACILITY_RELATION'; shipments?: 'LANE_RELATION'; paths?: FacilityProvenance[]};
  linking_notes: LinkNote[];
  /** The strongest path per linked facility (for the decisions export). */
  facility_paths: Record<string, LinkPath>;
  /** Every piece of evidence per linked facility, strongest first. */
  facility_evidence: Record<string, FacilityEvidence[]>;
  /** The mentions the decision was made from (pipeline.md §2.2). */
  mentions: Mention[];
}

interface EvidenceBp {
  path: LinkPath;
  provenance: FacilityProvenance;
  bp: number;
  field?: string;
  start?: number;
  end?: number;
  code?: string;
}

const toDecimal = (bp: number): number => bp / 10000;

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function strongerFirst(a: EvidenceBp, b: EvidenceBp): number {
  return b.bp - a.bp || PROVENANCE_ORDER.indexOf(a.provenance) - PROVENANCE_ORDER.indexOf(b.provenance) || cmpStr(a.path, b.path);
}

function listPreview(ids: readonly string[], max = 10): string {
  return ids.length <= max ? `[${ids.join(', ')}]` : `[${ids.slice(0, max).join(', ')}, … ${ids.length - max} more]`;
}

/** Links one normalized item to the network. Pure: same input, index and options → same result. */
export function linkEvent(input: LinkInput, index: NetworkIndex, opts: LinkOptions = {}): LinkResult {
  const maxShipments = opts.maxShipments ?? 50;
  const daysAhead = opts.shipmentDaysAhead ?? 30;
  const daysBack = opts.shipmentDaysBack ?? 7;
  const useWindow = opts.shipmentWindow ?? true;
  const policy = opts.ambiguousCityState ?? 'all';

  const notes: LinkNote[] = [];
  const evidence = new Map<string, EvidenceBp[]>();
  const addEvidence = (id: string, e: EvidenceBp): void => {
    const list = evidence.get(id);
    if (!list) evidence.set(id, [e]);
    else if (!list.some((x) => x.path === e.path && x.provenance === e.provenance)) list.push(e);
  };

  // ---- preset -------------------------------------------------------------------------
  for (const id of [...new Set(input.preset_facilities ?? [])].sort()) {
    if (index.facility(id)) addEvidence(id, {path: 'preset', provenance: 'PRESET', bp: PROVENANCE_CONFIDENCE_BP.PRESET});
    else notes.push({code: 'PRESET_UNKNOWN', message: `Pre-set facility ${id} is not in the network`, data: {facility_id: id}});
  }

  // ---- NWS area -----------------------------------------------------------------------
  const mentions: Mention[] = [];
  const inArea = new Set<string>();
  if (input.nws) {
    const nwsMentions = extractNwsMentions(input.nws);
    mentions.push(...nwsMentions);
    const unknown = nwsMentions.filter((m) => m.unknown);
    for (const m of unknown) {
      const isSame = m.nws_kind === 'same';
      notes.push({
        code: isSame ? 'NWS_SAME_UNKNOWN' : 'NWS_UGC_UNKNOWN',
        message: isSame ? `SAME code ${m.text} is not a county of the reference table` : `UGC code ${m.text} is not in the 2014 county/zone tables`,
        data: {field: m.field, code: m.text},
      });
    }
    const codeCounties = new Map<string, 'nws_same' | 'nws_ugc_county'>();
    for (const m of nwsMentions) {
      if (m.nws_kind !== 'same' && m.nws_kind !== 'ugc_county') continue;
      for (const fips of m.counties ?? []) if (!codeCounties.has(fips) || m.nws_kind === 'same') codeCounties.set(fips, m.nws_kind === 'same' ? 'nws_same' : 'nws_ugc_county');
    }
    const countyEvidence = (fips: string, path: LinkPath, strong: boolean): void => {
      for (const id of index.facilitiesByCounty(fips)) {
        const geo = index.geo(id);
        const provenance: FacilityProvenance = strong && geo && !geo.county_ambiguous ? 'NWS_COUNTY' : 'NWS_AREA';
        addEvidence(id, {path, provenance, bp: PROVENANCE_CONFIDENCE_BP[provenance], code: fips});
        inArea.add(id);
      }
    };
    for (const fips of [...codeCounties.keys()].sort()) countyEvidence(fips, codeCounties.get(fips) as LinkPath, true);
    const zoneMentions = nwsMentions.filter((m) => m.nws_kind === 'ugc_zone' && m.zone && !m.unknown);
    const codesDefineArea = codeCounties.size > 0;
    for (const m of zoneMentions) {
      const zone = m.zone as string;
      for (const id of index.facilitiesByZone(zone)) {
        // With SAME / county codes present they define the area; a zone then only confirms.
        if (codesDefineArea && !inArea.has(id)) continue;
        addEvidence(id, {path: 'nws_ugc_zone', provenance: 'NWS_ZONE', bp: PROVENANCE_CONFIDENCE_BP.NWS_ZONE, code: zone});
        inArea.add(id);
      }
      if (!codesDefineArea) for (const fips of m.counties ?? []) countyEvidence(fips, 'nws_ugc_zone', false);
    }
    for (const m of nwsMentions) {
      if (m.nws_kind !== 'area_desc') continue;
      for (const fips of m.counties ?? []) countyEvidence(fips, 'nws_area_desc', false);
    }
    for (const ring of input.nws.polygons ?? []) {
      for (const id of index.facilitiesInBox(ringBBox(ring))) {
        const g = index.geo(id);
        if (!g || g.lat === null || g.lon === null || !pointInRing(g.lon, g.lat, ring)) continue;
        addEvidence(id, {path: 'nws_polygon', provenance: 'NWS_POLYGON', bp: PROVENANCE_CONFIDENCE_BP.NWS_POLYGON});
        inArea.add(id);
      }
    }
    const areaIds = [...inArea].sort();
    notes.push({
      code: 'NWS_AREA_MATCH',
      message: `NWS area: ${codeCounties.size} ${codeCounties.size === 1 ? 'county' : 'counties'} by code, ${zoneMentions.length} ${zoneMentions.length === 1 ? 'zone' : 'zones'} → ${areaIds.length} ${areaIds.length === 1 ? 'facility' : 'facilities'}`,
      data: {
        counties: [...codeCounties.keys()].sort(),
        zones: zoneMentions.map((m) => m.zone as string).sort(),
        polygons: (input.nws.polygons ?? []).length,
        facilities: areaIds.length,
      },
    });
  }

  // ---- text mentions ------------------------------------------------------------------
  const fields: TextField[] = [];
  const title = input.title ?? '';
  const raw = input.raw_text ?? '';
  if (title !== '' && !raw.startsWith(title)) fields.push({field: 'title', text: title});
  fields.push({field: 'raw_text', text: raw});
  if (input.summary && !raw.includes(input.summary)) fields.push({field: 'summary', text: input.summary});
  const isNws = input.nws !== undefined;
  const textMentions = extractTextMentions(fields, index, isNws ? {sender_name: input.nws?.sender_name ?? null} : undefined);
  mentions.push(...textMentions);

  const signalled = new Set<string>();
  const idsFound = new Set<string>();
  const namesFound = new Set<string>();
  for (const m of textMentions) {
    if (m.kind === 'facility_id') {
      for (const id of m.facility_ids ?? []) {
        addEvidence(id, {path: 'id', provenance: 'FACILITY_ID_EXACT', bp: PROVENANCE_CONFIDENCE_BP.FACILITY_ID_EXACT, field: m.field, start: m.start, end: m.end});
        signalled.add(id);
        idsFound.add(id);
      }
    } else if (m.kind === 'facility_name') {
      for (const id of m.facility_ids ?? []) {
        addEvidence(id, {path: 'name', provenance: 'FACILITY_NAME_SUBSTRING', bp: PROVENANCE_CONFIDENCE_BP.FACILITY_NAME_SUBSTRING, field: m.field, start: m.start, end: m.end});
        signalled.add(id);
        namesFound.add(id);
      }
    }
  }
  if (idsFound.size > 0) notes.push({code: 'FACILITY_ID_MATCH', message: `Linked facilities by id: ${listPreview([...idsFound].sort())}`, data: {facility_ids: [...idsFound].sort()}});
  if (namesFound.size > 0) notes.push({code: 'FACILITY_NAME_MATCH', message: `Linked facilities by name: ${listPreview([...namesFound].sort())}`, data: {facility_ids: [...namesFound].sort()}});

  const candidates = new Set<string>();
  const seenPlaces = new Set<string>();
  for (const m of textMentions) {
    if (m.kind !== 'city_state') continue;
    const place = `${m.city}, ${m.state_code}`;
    const placeKey = `${m.state_code}|${m.city_key}`;
    if (seenPlaces.has(placeKey)) continue;
    seenPlaces.add(placeKey);
    let ids = m.facility_ids ?? [];
    if (isNws && ids.length > 0) {
      const outside = ids.filter((id) => !inArea.has(id));
      ids = ids.filter((id) => inArea.has(id));
      if (outside.length > 0) {
        notes.push({
          code: 'CITY_STATE_OUTSIDE_ALERT_AREA',
          message: `City/state ${place} names ${listPreview(outside)} outside the alert area; not linked`,
          data: {place, facility_ids: outside},
        });
      }
    }
    const span = {field: m.field, start: m.start, end: m.end};
    if (ids.length === 0) {
      if (!isNws || (m.facility_ids ?? []).length === 0) {
        notes.push({code: 'CITY_STATE_NO_FACILITY', message: `No facility match for city/state: ${place}`, data: {place}});
      }
      continue;
    }
    for (const id of ids) candidates.add(id);
    if (ids.length === 1) {
      addEvidence(ids[0], {path: 'city_state', provenance: 'CITY_STATE', bp: PROVENANCE_CONFIDENCE_BP.CITY_STATE, ...span});
      notes.push({code: 'CITY_STATE_MATCH', message: `City/state ${place} → ${ids[0]}`, data: {place, facility_ids: [ids[0]]}});
      continue;
    }
    const withSignal = ids.filter((id) => signalled.has(id));
    if (withSignal.length > 0) {
      for (const id of withSignal) addEvidence(id, {path: 'city_state', provenance: 'CITY_STATE_WITH_SIGNAL', bp: PROVENANCE_CONFIDENCE_BP.CITY_STATE_WITH_SIGNAL, ...span});
      notes.push({
        code: 'CITY_STATE_WITH_SIGNAL',
        message: `City/state ${place} matches ${ids.length} facilities; ${listPreview(withSignal)} also named in the text`,
        data: {place, candidates: [...ids], facility_ids: withSignal},
      });
      continue;
    }
    const ranked = [...ids].sort((a, b) => {
      const fa = index.facility(a);
      const fb = index.facility(b);
      return (
        (fb?.criticality_score ?? 0) - (fa?.criticality_score ?? 0) ||
        typePriority(fb?.type ?? '') - typePriority(fa?.type ?? '') ||
        cmpStr(a, b)
      );
    });
    const chosen = policy === 'all' ? [...ids] : [ranked[0]];
    for (const id of chosen) addEvidence(id, {path: 'city_state', provenance: 'CITY_STATE_AMBIGUOUS', bp: PROVENANCE_CONFIDENCE_BP.CITY_STATE_AMBIGUOUS, ...span});
    notes.push({
      code: 'CITY_STATE_AMBIGUOUS',
      message:
        policy === 'all'
          ? `City/state ${place} matches ${ids.length} facilities; all linked as ambiguous (no shipments)`
          : `City/state ${place} matches ${ids.length} facilities; linked the top candidate ${ranked[0]} as ambiguous (no shipments)`,
      data: {place, candidates: ranked, facility_ids: chosen.sort(), policy},
    });
  }

  // ---- facilities ---------------------------------------------------------------------
  const facilities = [...evidence.keys()].sort();
  const facilityPaths: Record<string, LinkPath> = {};
  const facilityEvidence: Record<string, FacilityEvidence[]> = {};
  const ambiguousOnly = new Set<string>();
  let best: EvidenceBp | null = null;
  const provenances = new Set<FacilityProvenance>();
  for (const id of facilities) {
    const list = (evidence.get(id) as EvidenceBp[]).sort(strongerFirst);
    facilityPaths[id] = list[0].path;
    facilityEvidence[id] = list.map((e) => ({
      path: e.path,
      provenance: e.provenance,
      confidence: toDecimal(e.bp),
      ...(e.field !== undefined ? {field: e.field, start: e.start, end: e.end} : {}),
      ...(e.code !== undefined ? {code: e.code} : {}),
    }));
    if (list.every((e) => e.provenance === 'CITY_STATE_AMBIGUOUS')) ambiguousOnly.add(id);
    for (const e of list) provenances.add(e.provenance);
    if (best === null || strongerFirst(list[0], best) < 0) best = list[0];
  }

  // ---- lanes --------------------------------------------------------------------------
  const linked = new Set(facilities);
  const laneMap = new Map<string, Lane>();
  for (const id of facilities) for (const lane of index.lanesByFacility(id)) laneMap.set(lane.lane_id, lane);
  const lanes = [...laneMap.keys()].sort();
  const laneMatches: LaneMatch[] = lanes.map((laneId) => {
    const lane = laneMap.get(laneId) as Lane;
    const o = linked.has(lane.origin_facility_id);
    const d = linked.has(lane.dest_facility_id);
    return {lane_id: laneId, match_type: o && d ? 'BOTH' : o ? 'ORIGIN' : 'DESTINATION'};
  });
  if (lanes.length > 0) {
    notes.push({code: 'LANES_LINKED', message: `Linked lanes via facility match: ${listPreview(lanes)}`, data: {lanes: lanes.length}});
  }

  // ---- shipments ----------------------------------------------------------------------
  const lo = input.now - daysBack * MICROS_PER_DAY;
  const hi = input.now + daysAhead * MICROS_PER_DAY;
  const inWindow = (s: IndexedShipment): boolean => {
    if (!useWindow) return true;
    if (s.status === 'DELIVERED') return false;
    if (s.ship === null && s.eta === null) return ACTIVE_STATUSES.has(s.status);
    return (s.ship !== null && s.ship >= lo && s.ship <= hi) || (s.eta !== null && s.eta >= lo && s.eta <= hi);
  };
  const found: IndexedShipment[] = [];
  const skippedLanes: string[] = [];
  for (const laneId of lanes) {
    const lane = laneMap.get(laneId) as Lane;
    const o = lane.origin_facility_id;
    const d = lane.dest_facility_id;
    const strongEnd = (linked.has(o) && !ambiguousOnly.has(o)) || (linked.has(d) && !ambiguousOnly.has(d));
    if (!strongEnd) {
      skippedLanes.push(laneId);
      continue;
    }
    for (const s of index.shipmentsByLane(laneId)) if (inWindow(s)) found.push(s);
  }
  found.sort(
    (a, b) =>
      b.priority - a.priority ||
      (a.eta === null ? (b.eta === null ? 0 : 1) : b.eta === null ? -1 : a.eta - b.eta) ||
      cmpStr(a.shipment.shipment_id, b.shipment.shipment_id),
  );
  const total = found.length;
  const shipments = found.slice(0, Math.max(0, maxShipments)).map((s) => s.shipment.shipment_id);
  const truncated = total > shipments.length;
  if (skippedLanes.length > 0) {
    notes.push({
      code: 'SHIPMENTS_NOT_LINKED_AMBIGUOUS',
      message: `No shipments linked on ${skippedLanes.length} ${skippedLanes.length === 1 ? 'lane' : 'lanes'} of ambiguous facilities: ${listPreview(skippedLanes)}`,
      data: {lanes: skippedLanes},
    });
  }
  if (total > 0) {
    notes.push({
      code: 'SHIPMENTS_LINKED',
      message: `Linked shipments via lanes: ${shipments.length} shipments${truncated ? ` (truncated from ${total})` : ''}`,
      data: {linked: shipments.length, total, truncated},
    });
  }

  // ---- confidence and provenance ------------------------------------------------------
  const linkConfidence: LinkResult['link_confidence'] = {};
  const linkProvenance: LinkResult['link_provenance'] = {};
  // Members set in code-unit order (canonical JSON without a sorted copy).
  if (best) {
    linkConfidence.facility = toDecimal(best.bp);
    linkProvenance.facility = best.provenance;
  }
  if (lanes.length > 0) {
    linkConfidence.lanes = toDecimal(LANE_CONFIDENCE_BP);
    linkProvenance.lanes = 'FACILITY_RELATION';
  }
  if (best) linkProvenance.paths = PROVENANCE_ORDER.filter((p) => provenances.has(p));
  if (shipments.length > 0) {
    linkConfidence.shipments = toDecimal(SHIPMENT_CONFIDENCE_BP);
    linkProvenance.shipments = 'LANE_RELATION';
  }

  return {
    facilities,
    facility_candidates: [...candidates].sort(),
    facility_evidence: facilityEvidence,
    facility_paths: facilityPaths,
    lane_matches: laneMatches,
    lanes,
    link_confidence: linkConfidence,
    link_provenance: linkProvenance,
    linking_notes: notes,
    mentions,
    shipments,
    shipments_total_linked: total,
    shipments_truncated: truncated,
  };
}

/** Renders structured notes as the reference's human-readable lines. */
export function renderLinkingNotes(notes: readonly LinkNote[]): string[] {
  return notes.map((n) => n.message);
}
