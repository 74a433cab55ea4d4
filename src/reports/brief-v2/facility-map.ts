/**
 * The facility map of the HTML brief (§8.2): an equirectangular projection of the affected
 * facilities over their bounding box, padded by 10 % on each side with a minimum span of 1°
 * per axis, into an 800 × 400 box (north up). Pure arithmetic; the HTML renderer draws it.
 */
import type {FacilityPlace} from './model.js';

export const MAP_WIDTH = 800;
export const MAP_HEIGHT = 400;

export interface MapPoint {
  facility: FacilityPlace;
  x: number;
  y: number;
}

export interface FacilityMap {
  points: MapPoint[];
  /** Affected facilities without coordinates (or unknown to the network), by id. */
  unplaced: string[];
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function axis(values: readonly number[]): {low: number; span: number} {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = Math.max(max - min, 1) * 1.2;
  return {low: (min + max) / 2 - span / 2, span};
}

/** Places `ids` (sorted, distinct) using the coordinates in `places`. */
export function projectFacilities(ids: readonly string[], places: readonly FacilityPlace[]): FacilityMap {
  const known = new Map(places.map((p) => [p.facility_id, p]));
  const placed: FacilityPlace[] = [];
  const unplaced: string[] = [];
  for (const id of ids) {
    const p = known.get(id);
    if (p && p.lat !== null && p.lon !== null && Number.isFinite(p.lat) && Number.isFinite(p.lon)) placed.push(p);
    else unplaced.push(id);
  }
  if (!placed.length) return {points: [], unplaced};
  const lon = axis(placed.map((p) => p.lon!));
  const lat = axis(placed.map((p) => p.lat!));
  return {
    points: placed.map((p) => ({
      facility: p,
      x: round2(((p.lon! - lon.low) / lon.span) * MAP_WIDTH),
      y: round2(((lat.low + lat.span - p.lat!) / lat.span) * MAP_HEIGHT),
    })),
    unplaced,
  };
}
