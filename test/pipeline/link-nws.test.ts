import {describe, expect, it} from 'vitest';
import {NetworkIndex} from '../../src/network/network-index.js';
import {linkEvent, type LinkInput} from '../../src/pipeline/link.js';
import {extractNwsMentions} from '../../src/pipeline/mentions.js';
import type {NwsAreaInput} from '../../src/pipeline/mentions.js';
import {canonicalJson} from '../../src/kernel/canonical-json.js';
import {fac, NOW_2024} from './link-fixtures.js';

const index = NetworkIndex.build({
  facilities: [
    fac('WH-CARROLL', 'Prairie Carroll Warehouse', 'WAREHOUSE', 'Carroll', 'IA'),
    fac('DC-AUDUBON', 'Prairie Audubon Depot', 'DC', 'Audubon', 'Iowa'),
    fac('PLANT-AUDUBON-GEO', 'Prairie Audubon Feed Mill', 'PLANT', 'Audubon', 'IA', {lat: 41.7180, lon: -94.9325}),
    fac('PLANT-MCM', 'Yamhill Valley Cannery', 'PLANT', 'Mcminnville', 'OR'),
    fac('DC-HANFORD', 'Kings Valley Cold Chain', 'DC', 'Hanford', 'CA'),
    fac('PORT-HOU', 'Bayou Container Yard', 'PORT', 'Houston', 'TX'),
    fac('WH-FREMONT', 'Oskaloosa Road Storage', 'WAREHOUSE', 'Fremont', 'IA'),
  ],
  lanes: [],
  shipments: [],
});

function alert(nws: Partial<NwsAreaInput>, headline = 'Flood Warning issued December 2 by NWS Des Moines IA', body = 'Flooding is expected.'): LinkInput {
  return {
    title: headline,
    raw_text: `${headline}\n${body}`,
    source_type: 'nws_alerts',
    now: NOW_2024,
    nws: {area_desc: [], ugc: [], same: [], ...nws},
  };
}

const audubonCalhoun = {area_desc: ['Audubon, IA', 'Calhoun, IA'], same: ['019009', '019025'], ugc: ['IAC009', 'IAC025']};

describe('NWS vectors (pipeline.md §3.9)', () => {
  it('NWS-1 a facility in a neighbouring county is not linked', () => {
    const r = linkEvent(alert(audubonCalhoun), index);
    expect(r.facilities).not.toContain('WH-CARROLL');
  });

  it('NWS-2 a facility in a listed county links NWS_COUNTY 0.85 (with or without coordinates)', () => {
    const r = linkEvent(alert(audubonCalhoun), index);
    expect(r.facilities).toEqual(['DC-AUDUBON', 'PLANT-AUDUBON-GEO']);
    expect(r.link_provenance.facility).toBe('NWS_COUNTY');
    expect(r.link_confidence.facility).toBe(0.85);
    expect(r.facility_paths).toEqual({'DC-AUDUBON': 'nws_same', 'PLANT-AUDUBON-GEO': 'nws_same'});
    expect(r.facility_evidence['DC-AUDUBON'].map((e) => e.path)).toEqual(['nws_same', 'nws_area_desc']);
  });

  it('NWS-2 by county UGC alone (path nws_ugc_county) and by areaDesc alone (NWS_AREA)', () => {
    const ugc = linkEvent(alert({ugc: ['IAC009']}), index);
    expect(ugc.facilities).toEqual(['DC-AUDUBON', 'PLANT-AUDUBON-GEO']);
    expect(ugc.facility_paths['DC-AUDUBON']).toBe('nws_ugc_county');
    expect(ugc.link_confidence.facility).toBe(0.85);
    const desc = linkEvent(alert({area_desc: ['Audubon, IA']}), index);
    expect(desc.facilities).toEqual(['DC-AUDUBON', 'PLANT-AUDUBON-GEO']);
    expect(desc.link_provenance.facility).toBe('NWS_AREA');
    expect(desc.facility_paths['DC-AUDUBON']).toBe('nws_area_desc');
  });

  it('NWS-3 a zone UGC with no SAME links facilities of that zone: NWS_ZONE 0.75', () => {
    expect(index.geo('PLANT-MCM')?.county_fips).toEqual(['041071']);
    expect(index.geo('PLANT-MCM')?.nws_zones).toContain('OR004');
    const r = linkEvent(alert({ugc: ['ORZ004'], area_desc: ['Central Coast Range of Western Oregon']}), index);
    expect(r.facilities).toEqual(['PLANT-MCM']);
    expect(r.link_provenance.facility).toBe('NWS_ZONE');
    expect(r.link_confidence.facility).toBe(0.75);
    expect(r.facility_paths).toEqual({'PLANT-MCM': 'nws_ugc_zone'});
  });

  it('NWS-4 the issuing office in the headline is an excluded span', () => {
    const input = alert(
      {area_desc: ['Tulare, CA'], same: ['006107'], ugc: ['CAC107'], sender_name: 'NWS Hanford CA'},
      'Dense Fog Advisory issued January 1 by NWS Hanford CA',
      'Visibility below a quarter mile. Statement by NWS Hanford, CA forecasters.',
    );
    const r = linkEvent(input, index);
    expect(r.facilities).toEqual([]);
    const excluded = r.mentions.filter((m) => m.kind === 'excluded').map((m) => m.text);
    expect(excluded).toContain('by NWS Hanford CA');
    expect(excluded).toContain('by NWS Hanford, CA');
    expect(r.mentions.some((m) => m.kind === 'city_state')).toBe(false);
  });

  it('NWS-4 a City, ST in NWS text outside the alert area is not linked', () => {
    const r = linkEvent(alert({same: ['006107']}, 'Dense Fog Advisory', 'Fog is spreading toward Hanford, CA this evening.'), index);
    expect(r.facilities).toEqual([]);
    expect(r.linking_notes.map((n) => n.code)).toContain('CITY_STATE_OUTSIDE_ALERT_AREA');
  });

  it('NWS-6 an unknown (renumbered) zone code gives NWS_UGC_UNKNOWN; SAME still links', () => {
    const r = linkEvent(alert({ugc: ['CAZ183'], same: ['006031']}), index);
    expect(r.facilities).toEqual(['DC-HANFORD']);
    expect(r.link_provenance.facility).toBe('NWS_COUNTY');
    const note = r.linking_notes.find((n) => n.code === 'NWS_UGC_UNKNOWN');
    expect(note?.data).toEqual({field: 'ugc', code: 'CAZ183'});
  });

  it('notes are built in canonical key order (canonical JSON needs no sorted copy)', () => {
    const results = [
      linkEvent(alert({ugc: ['CAZ183'], same: ['006031']}), index),
      linkEvent(alert({same: ['006107']}, 'Dense Fog Advisory', 'Fog is spreading toward Hanford, CA this evening.'), index),
      linkEvent(alert(audubonCalhoun), index),
    ];
    const codes = new Set(results.flatMap((r) => r.linking_notes.map((n) => n.code)));
    for (const code of ['NWS_UGC_UNKNOWN', 'CITY_STATE_OUTSIDE_ALERT_AREA', 'NWS_AREA_MATCH']) expect(codes).toContain(code);
    for (const r of results) expect(JSON.stringify(r.linking_notes)).toBe(canonicalJson(r.linking_notes));
  });

  it('NWS-9 a facility whose city spans counties links NWS_AREA 0.70', () => {
    expect(index.geo('PORT-HOU')?.county_ambiguous).toBe(true);
    expect(index.geo('PORT-HOU')?.county_fips).toEqual(['048157', '048201']);
    const r = linkEvent(alert({same: ['048201']}), index);
    expect(r.facilities).toEqual(['PORT-HOU']);
    expect(r.link_provenance.facility).toBe('NWS_AREA');
    expect(r.link_confidence.facility).toBe(0.7);
  });
});

describe('NWS area handling (benchmark traps)', () => {
  it('a county alert for Fremont County does not link a facility in the city of Fremont, IA (Mahaska County)', () => {
    const r = linkEvent(alert({area_desc: ['Fremont, IA', 'Mills, IA'], same: ['019071', '019129'], ugc: ['IAC071', 'IAC129']}), index);
    expect(r.facilities).toEqual([]);
    const mahaska = linkEvent(alert({area_desc: ['Mahaska, IA'], same: ['019123'], ugc: ['IAC123']}), index);
    expect(mahaska.facilities).toEqual(['WH-FREMONT']);
  });

  it('a zone alert whose zone names are not county names links through SAME', () => {
    const r = linkEvent(
      alert({area_desc: ['Central Coast Range of Western Oregon'], ugc: ['ORZ004'], same: ['041071'], affected_zones: ['https://api.weather.gov/zones/forecast/ORZ004']}),
      index,
    );
    expect(r.facilities).toEqual(['PLANT-MCM']);
    expect(r.facility_evidence['PLANT-MCM'].map((e) => e.provenance)).toEqual(['NWS_COUNTY', 'NWS_ZONE']);
  });

  it('with SAME present, a zone code does not widen the area beyond the SAME counties', () => {
    // OR004 lists Yamhill (041071), but SAME names only Lincoln County (041041).
    const r = linkEvent(alert({ugc: ['ORZ004'], same: ['041041']}), index);
    expect(r.facilities).toEqual([]);
  });

  it('bare areaDesc names resolve to counties only when no code resolved', () => {
    const r = linkEvent(alert({area_desc: ['Audubon'], ugc: ['IAZ999']}), index);
    expect(r.facilities).toEqual(['DC-AUDUBON', 'PLANT-AUDUBON-GEO']);
    expect(r.link_provenance.facility).toBe('NWS_AREA');
  });

  it('CAP-style space-separated UGC lists and affectedZones URLs are read', () => {
    const m = extractNwsMentions({area_desc: [], same: [], ugc: ['IAC009 IAC025'], affected_zones: ['https://api.weather.gov/zones/county/IAC027']});
    expect(m.map((x) => [x.nws_kind, x.code, x.counties])).toEqual([
      ['ugc_county', 'IA009', ['019009']],
      ['ugc_county', 'IA025', ['019025']],
      ['ugc_county', 'IA027', ['019027']],
    ]);
  });

  it('a facility id in an NWS alert links as usual', () => {
    const r = linkEvent(alert({same: ['006107']}, 'Dense Fog Advisory', 'Operations at DC-HANFORD may be slowed.'), index);
    expect(r.facilities).toEqual(['DC-HANFORD']);
    expect(r.link_provenance.facility).toBe('FACILITY_ID_EXACT');
  });
});

describe('NWS polygons', () => {
  it('a facility point inside the alert polygon links NWS_POLYGON 0.90 (GeoJSON and CAP forms)', async () => {
    const {ringsFromGeoJson, ringFromCapPolygon} = await import('../../src/network/geo/polygon.js');
    // A small box around the Audubon, IA facility point (41.718, -94.9325).
    const rings = ringsFromGeoJson({type: 'Polygon', coordinates: [[[-95.0, 41.65], [-94.85, 41.65], [-94.85, 41.78], [-95.0, 41.78], [-95.0, 41.65]]]});
    const r = linkEvent({...alert({}), nws: {area_desc: [], ugc: [], same: [], polygons: rings}}, index);
    expect(r.facilities).toContain('PLANT-AUDUBON-GEO');
    expect(r.facility_paths['PLANT-AUDUBON-GEO']).toBe('nws_polygon');
    expect(r.facility_evidence['PLANT-AUDUBON-GEO'][0]).toMatchObject({provenance: 'NWS_POLYGON', confidence: 0.9});
    expect(r.facilities).not.toContain('WH-CARROLL');
    const cap = ringFromCapPolygon('41.65,-95.0 41.65,-94.85 41.78,-94.85 41.78,-95.0 41.65,-95.0');
    expect(cap).toEqual(rings[0]);
    const miss = ringsFromGeoJson({type: 'MultiPolygon', coordinates: [[[[-90, 30], [-89, 30], [-89, 31], [-90, 30]]]]});
    expect(linkEvent({...alert({}), nws: {area_desc: [], ugc: [], same: [], polygons: miss}}, index).facilities).toEqual([]);
  });

  it('malformed geometry yields no rings', async () => {
    const {ringsFromGeoJson, ringFromCapPolygon} = await import('../../src/network/geo/polygon.js');
    expect(ringsFromGeoJson(null)).toEqual([]);
    expect(ringsFromGeoJson({type: 'Polygon', coordinates: [[[0, 0], [1, 'x']]]})).toEqual([]);
    expect(ringFromCapPolygon('')).toBeNull();
    expect(ringFromCapPolygon('1,2 3,4')).toBeNull();
  });
});
