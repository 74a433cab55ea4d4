#!/usr/bin/env node
// Builds the compact reference tables under data/reference/ from the public source tables
// (default: ../shared/corpus/reference). The output is committed; this script documents and
// reproduces it. Deterministic: fixed row order, fixed number rounding, no clock.
//
//   node scripts/build-reference.js [SOURCE_DIR] [OUT_DIR]
//
// Outputs (JSON, one row per line so diffs stay readable):
//   states.json            [fips, abbr, name]                                   (nws_states_fips.json)
//   counties.json          [ugc, fips, state, name, minLon, minLat, maxLon, maxLat, lat, lng]
//   zones.json             [code, state, name, short_name, cwa, fips[], minLon, minLat, maxLon,
//                           maxLat, lat, lng, counties[]]  counties = the county each part lies in
//   us-cities.json         [state, city, county, lat, lon]                      (kelvins)
//   us-cities-top1k.json   [city, stateName, population, lat, lon]              (plotly)
// Coordinates are rounded to 6 decimals (about 0.1 m).
import {readFileSync, writeFileSync, mkdirSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {createHash} from 'node:crypto';
import {parse} from 'csv-parse/sync';

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(process.argv[2] ?? join(here, '..', '..', 'shared', 'corpus', 'reference'));
const out = resolve(process.argv[3] ?? join(here, '..', 'data', 'reference'));

const r6 = (x) => {
  const n = Number(x);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${x}`);
  return Math.round(n * 1e6) / 1e6;
};
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** County name key, as the benchmark generator's norm_county (suffix dropped, letters only). */
function countyKey(name) {
  let n = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
  n = n.replace(/^st\.? /, 'saint ').replaceAll(' st. ', ' saint ').replaceAll('ste. ', 'sainte ');
  for (const suffix of [' city and borough', ' census area', ' county', ' parish', ' borough', ' municipality']) {
    if (n.endsWith(suffix)) {
      n = n.slice(0, -suffix.length);
      break;
    }
  }
  return n.replace(/[^a-z]/g, '');
}

function writeRows(file, header, rows) {
  const body = rows.map((r) => JSON.stringify(r)).join(',\n');
  const text = `{"columns":${JSON.stringify(header)},"rows":[\n${body}\n]}\n`;
  writeFileSync(join(out, file), text);
  return createHash('sha256').update(text).digest('hex');
}

mkdirSync(out, {recursive: true});
const readJson = (f) => JSON.parse(readFileSync(join(src, f), 'utf8'));
const readCsv = (f) => parse(readFileSync(join(src, f)), {columns: true, bom: true, skip_empty_lines: true});

const states = readJson('nws_states_fips.json')
  .map((s) => [s.fips, s.abbr, s.name])
  .sort((a, b) => cmp(a[1], b[1]));

const countyRows = readJson('nws_ugc_county_fips_latlng_2014.json').sort((a, b) => cmp(a.fips, b.fips) || cmp(a.ugc, b.ugc));
const counties = countyRows.map((c) => [c.ugc, c.fips, c.state, c.name, ...c.bbox.map(r6), r6(c.lat), r6(c.lng)]);
const countyByFips = new Map(countyRows.map((c) => [c.fips, c]));
const countyByKey = new Map();
for (const c of countyRows) countyByKey.set(`${c.state}|${countyKey(c.name)}`, c.fips);

// Zone -> the county it lies in: the county whose name equals the zone's name; otherwise, among
// the zone's listed counties of the same state, those whose bbox holds the zone centroid, the
// nearest centroid (cos-latitude scaled), ties by FIPS. The raw fips list also names bbox
// neighbours, so it is kept but not trusted as "the zone's counties".
function zoneCounty(z) {
  const cands = z.fips.filter((f) => countyByFips.has(f) && countyByFips.get(f).state === z.state);
  if (cands.length === 0) return null;
  const named = countyByKey.get(`${z.state}|${countyKey(z.name)}`);
  if (named && cands.includes(named)) return named;
  const lat = Number(z.lat);
  const lng = Number(z.lng);
  const inside = cands.filter((f) => {
    const b = countyByFips.get(f).bbox;
    return b[0] <= lng && lng <= b[2] && b[1] <= lat && lat <= b[3];
  });
  const coslat = Math.cos((lat * Math.PI) / 180);
  let best = null;
  let bestD = Infinity;
  for (const f of [...(inside.length ? inside : cands)].sort()) {
    const c = countyByFips.get(f);
    const d = (c.lat - lat) ** 2 + ((c.lng - lng) * coslat) ** 2;
    if (d < bestD) {
      bestD = d;
      best = f;
    }
  }
  return best;
}

// The 2014 zone table has several rows for some zones (one per polygon part). They are merged
// into one row per code: fips lists united (first-seen order), bbox united, centroid of the first
// part, and `counties` = the distinct counties the parts lie in (sorted).
const zoneParts = new Map();
for (const z of readJson('nws_ugc_forecast_zones_fips_latlng_2014.json')) {
  const list = zoneParts.get(z.code) ?? [];
  list.push(z);
  zoneParts.set(z.code, list);
}
const zones = [...zoneParts.keys()].sort().map((code) => {
  const parts = zoneParts.get(code);
  const z = parts[0];
  const fips = [];
  for (const p of parts) for (const f of p.fips) if (!fips.includes(f)) fips.push(f);
  const bbox = [
    Math.min(...parts.map((p) => p.bbox[0])), Math.min(...parts.map((p) => p.bbox[1])),
    Math.max(...parts.map((p) => p.bbox[2])), Math.max(...parts.map((p) => p.bbox[3])),
  ];
  const counties = [...new Set(parts.map(zoneCounty).filter((c) => c !== null))].sort();
  return [code, z.state, z.name, z.short_name, z.cwa, fips, ...bbox.map(r6), r6(z.lat), r6(z.lng), counties];
});

const cities = readCsv('kelvins_us_cities.csv')
  .map((r) => [r.STATE_CODE.trim(), r.CITY.trim(), r.COUNTY.trim(), r6(r.LATITUDE), r6(r.LONGITUDE)])
  .sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]) || cmp(a[2], b[2]) || a[3] - b[3] || a[4] - b[4]);

const top1k = readCsv('plotly_us_cities_top1k.csv')
  .map((r) => [r.City.trim(), r.State.trim(), Number(r.Population), r6(r.lat), r6(r.lon)])
  .sort((a, b) => cmp(a[1], b[1]) || cmp(a[0], b[0]));

const hashes = {
  'states.json': writeRows('states.json', ['fips', 'abbr', 'name'], states),
  'counties.json': writeRows('counties.json', ['ugc', 'fips', 'state', 'name', 'minLon', 'minLat', 'maxLon', 'maxLat', 'lat', 'lng'], counties),
  'zones.json': writeRows(
    'zones.json',
    ['code', 'state', 'name', 'short_name', 'cwa', 'fips', 'minLon', 'minLat', 'maxLon', 'maxLat', 'lat', 'lng', 'counties'],
    zones,
  ),
  'us-cities.json': writeRows('us-cities.json', ['state', 'city', 'county', 'lat', 'lon'], cities),
  'us-cities-top1k.json': writeRows('us-cities-top1k.json', ['city', 'state_name', 'population', 'lat', 'lon'], top1k),
};
process.stdout.write(`${JSON.stringify({source: src, out, rows: {states: states.length, counties: counties.length, zones: zones.length, cities: cities.length, top1k: top1k.length}, sha256: hashes}, null, 2)}\n`);
