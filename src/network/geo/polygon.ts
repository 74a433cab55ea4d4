/** A closed or open ring of `[lon, lat]` points (GeoJSON order). */
export type Ring = readonly (readonly [number, number])[];

/**
 * Polygons of an alert, as rings in `[lon, lat]` order. Accepts a GeoJSON geometry
 * (`Polygon`: outer ring used, holes ignored; `MultiPolygon`: each outer ring) or null.
 */
export function ringsFromGeoJson(geometry: unknown): Ring[] {
  if (geometry === null || typeof geometry !== 'object') return [];
  const g = geometry as {type?: unknown; coordinates?: unknown};
  const ring = (r: unknown): Ring | null => {
    if (!Array.isArray(r)) return null;
    const pts: [number, number][] = [];
    for (const p of r) {
      if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return null;
      pts.push([p[0], p[1]]);
    }
    return pts.length >= 3 ? pts : null;
  };
  const out: Ring[] = [];
  if (g.type === 'Polygon' && Array.isArray(g.coordinates)) {
    const r = ring(g.coordinates[0]);
    if (r) out.push(r);
  } else if (g.type === 'MultiPolygon' && Array.isArray(g.coordinates)) {
    for (const poly of g.coordinates) {
      const r = Array.isArray(poly) ? ring(poly[0]) : null;
      if (r) out.push(r);
    }
  }
  return out;
}

/** A CAP `<polygon>`: space-separated `lat,lon` pairs (note the order) → ring in `[lon, lat]`. */
export function ringFromCapPolygon(text: string): Ring | null {
  const pts: [number, number][] = [];
  for (const pair of text.trim().split(/\s+/)) {
    const m = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(pair);
    if (!m) return null;
    pts.push([Number(m[2]), Number(m[1])]);
  }
  return pts.length >= 3 ? pts : null;
}

export function ringBBox(ring: Ring): [number, number, number, number] {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const [lon, lat] of ring) {
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  }
  return [minLon, minLat, maxLon, maxLat];
}

/** Even-odd ray casting; points on an edge may fall either way. */
export function pointInRing(lon: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
