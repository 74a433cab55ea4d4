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

/**
 * What linking has found so far: evidence per facility (the first of each path and provenance
 * is kept) and the notes, in the order the steps found them.
 */
class LinkFindings {
  readonly notes: LinkNote[] = [];
  readonly evidence = new Map<string, EvidenceBp[]>();

  add(id: string, e: EvidenceBp): void {
    const list = this.evidence.get(id);
    if (!list) this.evidence.set(id, [e]);
    else if (!list.some((x) => x.path === e.path && x.provenance === e.provenance)) list.push(e);
  }

  note(code: string, message: string, data: Record<string, JsonValue>): void {
    // Keys in code-unit order: canonical JSON then writes the note without a sorted copy.
    this.notes.push({code, data, message});
  }
}

/** Links one normalized item to the network. Pure: same input, index and options → same result. */
export function linkEvent(input: LinkInput, index: NetworkIndex, opts: LinkOptions = {}): LinkResult {
  const found = new LinkFindings();
  linkPresets(input.preset_facilities ?? [], index, found);
  const nws = input.nws ? linkNwsArea(input.nws, index, found) : null;
  const textMentions = extractTextMentions(textFields(input), index, nws ? {sender_name: input.nws?.sender_name ?? null} : undefined);
  const signalled = linkNamedFacilities(textMentions, found);
  const candidates = linkCityStates(textMentions, index, found, {inArea: nws?.inArea ?? null, signalled, policy: opts.ambiguousCityState ?? 'all'});
  const facilities = rankFacilityEvidence(found.evidence);
  const lanes = linkLanes(facilities.ids, index, found);
  const shipments = linkShipments(lanes, facilities, index, input.now, opts, found);
  const {linkConfidence, linkProvenance} = overallConfidence(facilities, lanes.ids, shipments.ids);
  return {
    facilities: facilities.ids,
    facility_candidates: [...candidates].sort(),
    facility_evidence: facilities.evidence,
    facility_paths: facilities.paths,
    lane_matches: lanes.matches,
    lanes: lanes.ids,
    link_confidence: linkConfidence,
    link_provenance: linkProvenance,
    linking_notes: found.notes,
    mentions: [...(nws?.mentions ?? []), ...textMentions],
    shipments: shipments.ids,
    shipments_total_linked: shipments.total,
    shipments_truncated: shipments.truncated,
  };
}

/** Facilities already set on the event (demo path) link as PRESET; unknown ids are noted. */
function linkPresets(preset: readonly string[], index: NetworkIndex, found: LinkFindings): void {
  for (const id of [...new Set(preset)].sort()) {
    if (index.facility(id)) found.add(id, {path: 'preset', provenance: 'PRESET', bp: PROVENANCE_CONFIDENCE_BP.PRESET});
    else found.note('PRESET_UNKNOWN', `Pre-set facility ${id} is not in the network`, {facility_id: id});
  }
}

/**
 * The NWS alert area (pipeline.md §3.9): SAME and UGC county codes, zones, area descriptions
 * and polygons. Returns the area's mentions and every facility inside it — a city/state
 * mention of an NWS alert links only facilities in its area.
 */
function linkNwsArea(nws: NonNullable<LinkInput['nws']>, index: NetworkIndex, found: LinkFindings): {mentions: Mention[]; inArea: Set<string>} {
  const mentions = extractNwsMentions(nws);
  const inArea = new Set<string>();
  noteUnknownNwsCodes(mentions, found);
  const countyEvidence = (fips: string, path: LinkPath, strong: boolean): void => {
    for (const id of index.facilitiesByCounty(fips)) {
      const geo = index.geo(id);
      const provenance: FacilityProvenance = strong && geo && !geo.county_ambiguous ? 'NWS_COUNTY' : 'NWS_AREA';
      found.add(id, {path, provenance, bp: PROVENANCE_CONFIDENCE_BP[provenance], code: fips});
      inArea.add(id);
    }
  };
  const codeCounties = countiesByCode(mentions);
  for (const fips of [...codeCounties.keys()].sort()) countyEvidence(fips, codeCounties.get(fips) as LinkPath, true);
  const zoneMentions = mentions.filter((m) => m.nws_kind === 'ugc_zone' && m.zone && !m.unknown);
  const codesDefineArea = codeCounties.size > 0;
  for (const m of zoneMentions) {
    const zone = m.zone as string;
    for (const id of index.facilitiesByZone(zone)) {
      // With SAME / county codes present they define the area; a zone then only confirms.
      if (codesDefineArea && !inArea.has(id)) continue;
      found.add(id, {path: 'nws_ugc_zone', provenance: 'NWS_ZONE', bp: PROVENANCE_CONFIDENCE_BP.NWS_ZONE, code: zone});
      inArea.add(id);
    }
    if (!codesDefineArea) for (const fips of m.counties ?? []) countyEvidence(fips, 'nws_ugc_zone', false);
  }
  for (const m of mentions) {
    if (m.nws_kind !== 'area_desc') continue;
    for (const fips of m.counties ?? []) countyEvidence(fips, 'nws_area_desc', false);
  }
  for (const ring of nws.polygons ?? []) {
    for (const id of index.facilitiesInBox(ringBBox(ring))) {
      const g = index.geo(id);
      if (!g || g.lat === null || g.lon === null || !pointInRing(g.lon, g.lat, ring)) continue;
      found.add(id, {path: 'nws_polygon', provenance: 'NWS_POLYGON', bp: PROVENANCE_CONFIDENCE_BP.NWS_POLYGON});
      inArea.add(id);
    }
  }
  const areaIds = [...inArea].sort();
  found.note(
    'NWS_AREA_MATCH',
    `NWS area: ${codeCounties.size} ${codeCounties.size === 1 ? 'county' : 'counties'} by code, ${zoneMentions.length} ${zoneMentions.length === 1 ? 'zone' : 'zones'} → ${areaIds.length} ${areaIds.length === 1 ? 'facility' : 'facilities'}`,
    {
      counties: [...codeCounties.keys()].sort(),
      facilities: areaIds.length,
      polygons: (nws.polygons ?? []).length,
      zones: zoneMentions.map((m) => m.zone as string).sort(),
    },
  );
  return {mentions, inArea};
}

function noteUnknownNwsCodes(mentions: readonly Mention[], found: LinkFindings): void {
  for (const m of mentions) {
    if (!m.unknown) continue;
    const isSame = m.nws_kind === 'same';
    found.note(
      isSame ? 'NWS_SAME_UNKNOWN' : 'NWS_UGC_UNKNOWN',
      isSame ? `SAME code ${m.text} is not a county of the reference table` : `UGC code ${m.text} is not in the 2014 county/zone tables`,
      {code: m.text, field: m.field},
    );
  }
}

/** County FIPS named by SAME or UGC county codes, with the path that named it (SAME wins). */
function countiesByCode(mentions: readonly Mention[]): Map<string, 'nws_same' | 'nws_ugc_county'> {
  const counties = new Map<string, 'nws_same' | 'nws_ugc_county'>();
  for (const m of mentions) {
    if (m.nws_kind !== 'same' && m.nws_kind !== 'ugc_county') continue;
    for (const fips of m.counties ?? []) if (!counties.has(fips) || m.nws_kind === 'same') counties.set(fips, m.nws_kind === 'same' ? 'nws_same' : 'nws_ugc_county');
  }
  return counties;
}

/** The text scanned for mentions: the title unless raw_text starts with it, raw_text, and a summary it does not contain. */
function textFields(input: LinkInput): TextField[] {
  const fields: TextField[] = [];
  const title = input.title ?? '';
  const raw = input.raw_text ?? '';
  if (title !== '' && !raw.startsWith(title)) fields.push({field: 'title', text: title});
  fields.push({field: 'raw_text', text: raw});
  if (input.summary && !raw.includes(input.summary)) fields.push({field: 'summary', text: input.summary});
  return fields;
}

/** Facility ids and names found in the text link directly; returns every facility so named. */
function linkNamedFacilities(textMentions: readonly Mention[], found: LinkFindings): Set<string> {
  const signalled = new Set<string>();
  const idsFound = new Set<string>();
  const namesFound = new Set<string>();
  for (const m of textMentions) {
    if (m.kind === 'facility_id') {
      for (const id of m.facility_ids ?? []) {
        found.add(id, {path: 'id', provenance: 'FACILITY_ID_EXACT', bp: PROVENANCE_CONFIDENCE_BP.FACILITY_ID_EXACT, field: m.field, start: m.start, end: m.end});
        signalled.add(id);
        idsFound.add(id);
      }
    } else if (m.kind === 'facility_name') {
      for (const id of m.facility_ids ?? []) {
        found.add(id, {path: 'name', provenance: 'FACILITY_NAME_SUBSTRING', bp: PROVENANCE_CONFIDENCE_BP.FACILITY_NAME_SUBSTRING, field: m.field, start: m.start, end: m.end});
        signalled.add(id);
        namesFound.add(id);
      }
    }
  }
  if (idsFound.size > 0) found.note('FACILITY_ID_MATCH', `Linked facilities by id: ${listPreview([...idsFound].sort())}`, {facility_ids: [...idsFound].sort()});
  if (namesFound.size > 0) found.note('FACILITY_NAME_MATCH', `Linked facilities by name: ${listPreview([...namesFound].sort())}`, {facility_ids: [...namesFound].sort()});
  return signalled;
}

interface CityStateContext {
  /** The NWS alert area, or null for a non-NWS item. */
  inArea: ReadonlySet<string> | null;
  /** Facilities also named by id or name. */
  signalled: ReadonlySet<string>;
  policy: 'all' | 'top';
}

/**
 * `City, ST` mentions, each place once: one facility links CITY_STATE; several link those
 * also named in the text (CITY_STATE_WITH_SIGNAL), else all or the top one as ambiguous.
 * Returns every facility a place matched (the candidates).
 */
function linkCityStates(textMentions: readonly Mention[], index: NetworkIndex, found: LinkFindings, cx: CityStateContext): Set<string> {
  const candidates = new Set<string>();
  const seenPlaces = new Set<string>();
  for (const m of textMentions) {
    if (m.kind !== 'city_state') continue;
    const placeKey = `${m.state_code}|${m.city_key}`;
    if (seenPlaces.has(placeKey)) continue;
    seenPlaces.add(placeKey);
    const place = `${m.city}, ${m.state_code}`;
    const ids = placeFacilities(m, place, cx.inArea, found);
    if (ids.length === 0) {
      if (cx.inArea === null || (m.facility_ids ?? []).length === 0) found.note('CITY_STATE_NO_FACILITY', `No facility match for city/state: ${place}`, {place});
      continue;
    }
    for (const id of ids) candidates.add(id);
    linkPlace(place, ids, {field: m.field, start: m.start, end: m.end}, index, found, cx);
  }
  return candidates;
}

/** A place's facilities; for an NWS alert only those inside its area (the others are noted). */
function placeFacilities(m: Mention, place: string, inArea: ReadonlySet<string> | null, found: LinkFindings): string[] {
  const ids = m.facility_ids ?? [];
  if (inArea === null || ids.length === 0) return ids;
  const outside = ids.filter((id) => !inArea.has(id));
  if (outside.length > 0) {
    found.note('CITY_STATE_OUTSIDE_ALERT_AREA', `City/state ${place} names ${listPreview(outside)} outside the alert area; not linked`, {facility_ids: outside, place});
  }
  return ids.filter((id) => inArea.has(id));
}

function linkPlace(place: string, ids: readonly string[], span: {field: string; start: number; end: number}, index: NetworkIndex, found: LinkFindings, cx: CityStateContext): void {
  if (ids.length === 1) {
    found.add(ids[0], {path: 'city_state', provenance: 'CITY_STATE', bp: PROVENANCE_CONFIDENCE_BP.CITY_STATE, ...span});
    found.note('CITY_STATE_MATCH', `City/state ${place} → ${ids[0]}`, {facility_ids: [ids[0]], place});
    return;
  }
  const withSignal = ids.filter((id) => cx.signalled.has(id));
  if (withSignal.length > 0) {
    for (const id of withSignal) found.add(id, {path: 'city_state', provenance: 'CITY_STATE_WITH_SIGNAL', bp: PROVENANCE_CONFIDENCE_BP.CITY_STATE_WITH_SIGNAL, ...span});
    found.note('CITY_STATE_WITH_SIGNAL', `City/state ${place} matches ${ids.length} facilities; ${listPreview(withSignal)} also named in the text`, {
      candidates: [...ids],
      facility_ids: withSignal,
      place,
    });
    return;
  }
  const ranked = [...ids].sort((a, b) => {
    const fa = index.facility(a);
    const fb = index.facility(b);
    return (fb?.criticality_score ?? 0) - (fa?.criticality_score ?? 0) || typePriority(fb?.type ?? '') - typePriority(fa?.type ?? '') || cmpStr(a, b);
  });
  const chosen = cx.policy === 'all' ? [...ids] : [ranked[0]];
  for (const id of chosen) found.add(id, {path: 'city_state', provenance: 'CITY_STATE_AMBIGUOUS', bp: PROVENANCE_CONFIDENCE_BP.CITY_STATE_AMBIGUOUS, ...span});
  found.note(
    'CITY_STATE_AMBIGUOUS',
    cx.policy === 'all'
      ? `City/state ${place} matches ${ids.length} facilities; all linked as ambiguous (no shipments)`
      : `City/state ${place} matches ${ids.length} facilities; linked the top candidate ${ranked[0]} as ambiguous (no shipments)`,
    {candidates: ranked, facility_ids: chosen.sort(), place, policy: cx.policy},
  );
}

interface RankedFacilities {
  /** Linked facility ids, sorted. */
  ids: string[];
  paths: Record<string, LinkPath>;
  evidence: Record<string, FacilityEvidence[]>;
  /** Facilities reached only by an ambiguous city/state: they get lanes but no shipments. */
  ambiguousOnly: Set<string>;
  /** The strongest piece of evidence of all. */
  best: EvidenceBp | null;
  provenances: Set<FacilityProvenance>;
}

/** Orders each facility's evidence strongest first and picks the strongest overall. */
function rankFacilityEvidence(evidence: Map<string, EvidenceBp[]>): RankedFacilities {
  const ids = [...evidence.keys()].sort();
  const out: RankedFacilities = {ids, paths: {}, evidence: {}, ambiguousOnly: new Set(), best: null, provenances: new Set()};
  for (const id of ids) {
    const list = (evidence.get(id) as EvidenceBp[]).sort(strongerFirst);
    out.paths[id] = list[0].path;
    out.evidence[id] = list.map((e) => ({
      path: e.path,
      provenance: e.provenance,
      confidence: toDecimal(e.bp),
      ...(e.field !== undefined ? {field: e.field, start: e.start, end: e.end} : {}),
      ...(e.code !== undefined ? {code: e.code} : {}),
    }));
    if (list.every((e) => e.provenance === 'CITY_STATE_AMBIGUOUS')) out.ambiguousOnly.add(id);
    for (const e of list) out.provenances.add(e.provenance);
    if (out.best === null || strongerFirst(list[0], out.best) < 0) out.best = list[0];
  }
  return out;
}

interface LinkedLanes {
  ids: string[];
  byId: Map<string, Lane>;
  matches: LaneMatch[];
}

/** Every lane with a linked facility at either end, and which end matched. */
function linkLanes(facilities: readonly string[], index: NetworkIndex, found: LinkFindings): LinkedLanes {
  const linked = new Set(facilities);
  const byId = new Map<string, Lane>();
  for (const id of facilities) for (const lane of index.lanesByFacility(id)) byId.set(lane.lane_id, lane);
  const ids = [...byId.keys()].sort();
  const matches: LaneMatch[] = ids.map((laneId) => {
    const lane = byId.get(laneId) as Lane;
    const o = linked.has(lane.origin_facility_id);
    const d = linked.has(lane.dest_facility_id);
    return {lane_id: laneId, match_type: o && d ? 'BOTH' : o ? 'ORIGIN' : 'DESTINATION'};
  });
  if (ids.length > 0) found.note('LANES_LINKED', `Linked lanes via facility match: ${listPreview(ids)}`, {lanes: ids.length});
  return {ids, byId, matches};
}

/**
 * Shipments on lanes with a non-ambiguous linked end, inside the shipment window (domain.md
 * §4.6), ordered priority desc, ETA asc (missing last), id; at most `maxShipments`.
 */
function linkShipments(
  lanes: LinkedLanes,
  facilities: RankedFacilities,
  index: NetworkIndex,
  now: EpochMicros,
  opts: LinkOptions,
  found: LinkFindings,
): {ids: string[]; total: number; truncated: boolean} {
  const inWindow = shipmentWindow(now, opts);
  const linked = new Set(facilities.ids);
  const strong = (id: string) => linked.has(id) && !facilities.ambiguousOnly.has(id);
  const matched: IndexedShipment[] = [];
  const skippedLanes: string[] = [];
  for (const laneId of lanes.ids) {
    const lane = lanes.byId.get(laneId) as Lane;
    if (!strong(lane.origin_facility_id) && !strong(lane.dest_facility_id)) {
      skippedLanes.push(laneId);
      continue;
    }
    for (const s of index.shipmentsByLane(laneId)) if (inWindow(s)) matched.push(s);
  }
  matched.sort(
    (a, b) =>
      b.priority - a.priority ||
      (a.eta === null ? (b.eta === null ? 0 : 1) : b.eta === null ? -1 : a.eta - b.eta) ||
      cmpStr(a.shipment.shipment_id, b.shipment.shipment_id),
  );
  const total = matched.length;
  const ids = matched.slice(0, Math.max(0, opts.maxShipments ?? 50)).map((s) => s.shipment.shipment_id);
  const truncated = total > ids.length;
  if (skippedLanes.length > 0) {
    found.note(
      'SHIPMENTS_NOT_LINKED_AMBIGUOUS',
      `No shipments linked on ${skippedLanes.length} ${skippedLanes.length === 1 ? 'lane' : 'lanes'} of ambiguous facilities: ${listPreview(skippedLanes)}`,
      {lanes: skippedLanes},
    );
  }
  if (total > 0) {
    found.note('SHIPMENTS_LINKED', `Linked shipments via lanes: ${ids.length} shipments${truncated ? ` (truncated from ${total})` : ''}`, {linked: ids.length, total, truncated});
  }
  return {ids, total, truncated};
}

/** Active shipments shipping or arriving within [now − daysBack, now + daysAhead]; everything when the window is off. */
function shipmentWindow(now: EpochMicros, opts: LinkOptions): (s: IndexedShipment) => boolean {
  if (!(opts.shipmentWindow ?? true)) return () => true;
  const lo = now - (opts.shipmentDaysBack ?? 7) * MICROS_PER_DAY;
  const hi = now + (opts.shipmentDaysAhead ?? 30) * MICROS_PER_DAY;
  return (s) => {
    if (s.status === 'DELIVERED') return false;
    if (s.ship === null && s.eta === null) return ACTIVE_STATUSES.has(s.status);
    return (s.ship !== null && s.ship >= lo && s.ship <= hi) || (s.eta !== null && s.eta >= lo && s.eta <= hi);
  };
}

function overallConfidence(
  facilities: RankedFacilities,
  lanes: readonly string[],
  shipments: readonly string[],
): {linkConfidence: LinkResult['link_confidence']; linkProvenance: LinkResult['link_provenance']} {
  const linkConfidence: LinkResult['link_confidence'] = {};
  const linkProvenance: LinkResult['link_provenance'] = {};
  const {best} = facilities;
  // Members set in code-unit order (canonical JSON without a sorted copy).
  if (best) {
    linkConfidence.facility = toDecimal(best.bp);
    linkProvenance.facility = best.provenance;
  }
  if (lanes.length > 0) {
    linkConfidence.lanes = toDecimal(LANE_CONFIDENCE_BP);
    linkProvenance.lanes = 'FACILITY_RELATION';
  }
  if (best) linkProvenance.paths = PROVENANCE_ORDER.filter((p) => facilities.provenances.has(p));
  if (shipments.length > 0) {
    linkConfidence.shipments = toDecimal(SHIPMENT_CONFIDENCE_BP);
    linkProvenance.shipments = 'LANE_RELATION';
  }
  return {linkConfidence, linkProvenance};
}

/** Renders structured notes as the reference's human-readable lines. */
export function renderLinkingNotes(notes: readonly LinkNote[]): string[] {
  return notes.map((n) => n.message);
}
