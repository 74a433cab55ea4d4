import {describe, expect, it} from 'vitest';
import {parseFeed} from '../../../src/sources/parse-feed.js';
import {feedErrorOf, fixture, parseText, utf8} from './helpers.js';

const json = (v: unknown) => utf8(JSON.stringify(v));

describe('NWS alerts (GeoJSON)', () => {
  const feature = (props: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: 'Feature',
    geometry: {type: 'Point', coordinates: [-75, 40]},
    properties: props,
    ...extra,
  });

  it('OPS-16 (TS form): id, headline title, sent converted, severity and geometry kept', () => {
    const r = parseFeed(
      json({
        type: 'FeatureCollection',
        features: [feature({id: 'nws-1', headline: 'Winter Weather Advisory', sent: '2024-01-15T12:00:00-05:00', severity: 'Moderate', web_url: 'https://example.com/nws-1'})],
      }),
      {type: 'nws_alerts'},
    );
    expect(r.format).toBe('nws-geojson');
    const item = r.items[0];
    expect(item).toMatchObject({canonical_id: 'nws-1', title: 'Winter Weather Advisory', published_at: '2024-01-15T17:00:00Z'});
    expect(item.payload).toMatchObject({severity: 'Moderate', geometry: {type: 'Point'}, web_url: 'https://example.com/nws-1', sent_at: '2024-01-15T17:00:00Z'});
  });

  it('OPS-17 (TS contract): the properties @id is the url', () => {
    const item = parseFeed(fixture('nws_alerts_json/nws_alerts_active_zone_ORZ004_second.json'), {type: 'nws_alerts'}).items[1];
    expect(item.url).toBe(item.payload['@id']);
    expect(item.url).toMatch(/^https:\/\/api\.weather\.gov\/alerts\//);
  });

  it('missing keys are present as null/[]/{}; title falls back to event then "NWS Alert"', () => {
    const r = parseFeed(json({type: 'FeatureCollection', features: [feature({id: 'a', event: 'Flood Warning'}), feature({id: 'b'})]}), {type: 'nws_alerts'});
    expect(r.items.map((i) => i.title)).toEqual(['Flood Warning', 'NWS Alert']);
    const p = r.items[1].payload;
    for (const k of ['headline', 'description', 'instruction', 'areaDesc', 'onset', 'ends', 'senderName', 'messageType']) expect(p[k]).toBeNull();
    expect(p.geocode).toEqual({SAME: [], UGC: []});
    expect(p.affectedZones).toEqual([]);
    expect(p.references).toEqual([]);
    expect(p.parameters).toEqual({});
    expect(p['@id']).toBeNull();
  });

  it('status Test is kept and flagged', () => {
    const r = parseFeed(json({features: [feature({id: 't', status: 'Test', sent: '2024-01-01T00:00:00Z'})]}), {type: 'nws_alerts'});
    expect(r.items).toHaveLength(1);
    expect(r.items[0].payload.is_test).toBe(true);
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'NWS_TEST_MESSAGE', details: {item_index: 0}})]);
  });

  it('a bare array of features, a single Feature and JSON-LD @graph are accepted', () => {
    const arr = parseFeed(json([feature({id: 'x1'}), feature({id: 'x2'})]), {type: 'nws_alerts'});
    expect(arr.format).toBe('nws-geojson-array');
    expect(arr.items.map((i) => i.canonical_id)).toEqual(['x1', 'x2']);
    const one = parseFeed(json(feature({id: 'solo'})), {type: 'nws_alerts'});
    expect(one.items.map((i) => i.canonical_id)).toEqual(['solo']);
    const ld = parseFeed(json({'@graph': [{id: 'g1', '@id': 'https://api.weather.gov/alerts/g1', event: 'Heat Advisory'}]}), {type: 'nws_alerts'});
    expect(ld.format).toBe('nws-jsonld');
    expect(ld.items[0]).toMatchObject({canonical_id: 'g1', url: 'https://api.weather.gov/alerts/g1', title: 'Heat Advisory'});
  });

  it('payloads are JSON-safe: Infinity from 1e400 becomes null, -0 becomes 0, __proto__ stays a key', () => {
    const body = utf8('{"features":[{"properties":{"id":"a","big":1e400,"neg":-0,"__proto__":{"x":1},"nested":[1e999]}}]}');
    const p = parseFeed(body, {type: 'nws_alerts'}).items[0].payload;
    expect(p.big).toBeNull();
    expect(Object.is(p.neg, 0)).toBe(true);
    expect(p.nested).toEqual([null]);
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(Object.keys(p)).toContain('__proto__');
    expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
  });

  it('a plain payload keeps __proto__ as an own key, in document order', () => {
    for (const type of ['nws_alerts', 'fema'] as const) {
      const body = utf8('{"features":[{"properties":{"id":"a","__proto__":{"x":1},"title":"t"}}]}');
      const fema = utf8('[{"id":"a","__proto__":{"x":1},"title":"t"}]');
      const p = parseFeed(type === 'fema' ? fema : body, {type}).items[0].payload;
      expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
      expect(Object.keys(p).slice(0, 3)).toEqual(['id', '__proto__', 'title']);
      expect(Object.getOwnPropertyDescriptor(p, '__proto__')?.value).toEqual({x: 1});
    }
  });

  it('a bare array keeps its features and skips non-features', () => {
    const r = parseFeed(json([feature({id: 'x1'}), {}, 5]), {type: 'nws_alerts'});
    expect(r.items.map((i) => i.canonical_id)).toEqual(['x1']);
    expect(r.diagnostics.map((d) => [d.code, d.details?.item_index])).toEqual([['ITEM_INVALID', 1], ['ITEM_INVALID', 2]]);
    expect(parseFeed(json([]), {type: 'nws_alerts'}).items).toEqual([]);
  });

  it('a feature without properties is skipped with ITEM_INVALID', () => {
    const r = parseFeed(json({type: 'FeatureCollection', features: [{type: 'Feature'}, feature({id: 'ok'})]}), {type: 'nws_alerts'});
    expect(r.items.map((i) => i.canonical_id)).toEqual(['ok']);
    expect(r.diagnostics[0]).toMatchObject({code: 'ITEM_INVALID', details: {item_index: 0}});
  });

  it('JSON that is not NWS is FEED_NOT_A_FEED; OPS-21 invalid JSON is FEED_MALFORMED', () => {
    expect(feedErrorOf(() => parseFeed(json({hello: 'world'}), {type: 'nws_alerts'})).code).toBe('FEED_NOT_A_FEED');
    expect(feedErrorOf(() => parseFeed(json([1, 2, 3]), {type: 'nws_alerts'})).code).toBe('FEED_NOT_A_FEED');
    expect(feedErrorOf(() => parseFeed(utf8('{invalid'), {type: 'nws_alerts'})).code).toBe('FEED_MALFORMED');
  });
});

describe('NWS CAP single alert document', () => {
  const cap = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>urn:oid:2.49.0.1.840.0.abc</identifier><sender>w-nws.webmaster@noaa.gov</sender>
  <sent>2024-03-01T10:00:00-06:00</sent><status>Actual</status><msgType>Update</msgType><scope>Public</scope>
  <references>w-nws.webmaster@noaa.gov,urn:oid:prev,2024-03-01T08:00:00-06:00</references>
  <info><language>es-US</language><event>Aviso</event></info>
  <info><language>en-US</language><category>Met</category><event>Tornado Warning</event><urgency>Immediate</urgency>
    <severity>Extreme</severity><certainty>Observed</certainty><effective>2024-03-01T10:00:00-06:00</effective>
    <onset>2024-03-01T10:00:00-06:00</onset><expires>2024-03-01T10:45:00-06:00</expires><senderName>NWS Des Moines IA</senderName>
    <headline>Tornado Warning issued March 1</headline><description>A tornado was observed.</description><instruction>Take cover now.</instruction>
    <web>http://www.weather.gov</web>
    <parameter><valueName>VTEC</valueName><value>/O.NEW.KDMX.TO.W.0001.240301T1600Z-240301T1645Z/</value></parameter>
    <parameter><valueName>eventMotionDescription</valueName><value>2024-03-01T16:00:00-00:00...storm...240DEG...25KT...41.6,-93.6</value></parameter>
    <area><areaDesc>Polk, IA</areaDesc><polygon>41.5,-93.7 41.7,-93.7 41.7,-93.5 41.5,-93.7</polygon>
      <geocode><valueName>SAME</valueName><value>019153</value></geocode><geocode><valueName>UGC</valueName><value>IAC153</value></geocode></area>
  </info>
</alert>`;

  it('one item from the English info block, NWS-shaped payload', () => {
    const r = parseText(cap, {type: 'nws_cap'});
    expect(r.format).toBe('cap');
    expect(r.items).toHaveLength(1);
    const item = r.items[0];
    expect(item).toMatchObject({canonical_id: 'urn:oid:2.49.0.1.840.0.abc', title: 'Tornado Warning issued March 1', published_at: '2024-03-01T16:00:00Z'});
    expect(item.payload).toMatchObject({
      event: 'Tornado Warning',
      severity: 'Extreme',
      messageType: 'Update',
      instruction: 'Take cover now.',
      areaDesc: 'Polk, IA',
      senderName: 'NWS Des Moines IA',
      geocode: {SAME: ['019153'], UGC: ['IAC153']},
      expires_at: '2024-03-01T16:45:00Z',
      references: [{identifier: 'urn:oid:prev', sender: 'w-nws.webmaster@noaa.gov', sent: '2024-03-01T08:00:00-06:00'}],
      is_test: false,
    });
    expect((item.payload.parameters as Record<string, string[]>).VTEC).toEqual(['/O.NEW.KDMX.TO.W.0001.240301T1600Z-240301T1645Z/']);
  });

  it('the nws_alerts type accepts a CAP XML body too', () => {
    expect(parseText(cap, {type: 'nws_alerts'}).items).toHaveLength(1);
  });
});

describe('FEMA', () => {
  it('OPS-18 (TS form): items array, title/headline, url/web_url, published/sent', () => {
    const r = parseFeed(
      json({
        items: [
          {id: 'fema-1', title: 'Flood', url: 'https://example.com/fema-1', published: '2024-02-01T15:00:00Z'},
          {id: 'fema-2', headline: 'Storm', web_url: 'https://example.com/fema-2', sent: '2024-02-02T10:30:00+00:00'},
        ],
      }),
      {type: 'fema', contentType: 'application/json'},
    );
    expect(r.items.map((i) => [i.canonical_id, i.title, i.url, i.published_at])).toEqual([
      ['fema-1', 'Flood', 'https://example.com/fema-1', '2024-02-01T15:00:00Z'],
      ['fema-2', 'Storm', 'https://example.com/fema-2', '2024-02-02T10:30:00Z'],
    ]);
    expect(r.items[0].payload).toMatchObject({id: 'fema-1', title: 'Flood'});
  });

  it('OPS-20 (TS form): an RSS body is read with the RSS adapter', () => {
    const body = '<rss version="2.0"><channel><item><guid>fema-rss-1</guid><pubDate>Wed, 03 Jan 2024 14:00:00 GMT</pubDate></item></channel></rss>';
    const r = parseText(body, {type: 'fema', contentType: 'application/rss+xml'});
    expect(r.items[0]).toMatchObject({canonical_id: 'fema-rss-1', published_at: '2024-01-03T14:00:00Z'});
  });

  it('OPS-22 (TS form): invalid JSON is FEED_MALFORMED', () => {
    expect(feedErrorOf(() => parseFeed(utf8('{invalid'), {type: 'fema'})).code).toBe('FEED_MALFORMED');
  });

  it('OpenFEMA DisasterDeclarationsSummaries: id, composed title, disaster URL, declarationDate', () => {
    const r = parseFeed(fixture('synthetic/openfema_disaster_declarations_summaries.json'), {type: 'fema'});
    expect(r.format).toBe('openfema');
    expect(r.items[0]).toMatchObject({
      canonical_id: '00000000-0000-4000-8000-000000009901',
      title: 'SEVERE WINTER STORMS, FLOODING, LANDSLIDES, AND MUDSLIDES (DR-9901-CA, San Diego (County), CA)',
      url: 'https://www.fema.gov/disaster/9901',
      published_at: '2024-02-01T00:00:00Z',
    });
    expect(r.items[0].payload).toMatchObject({disasterNumber: 9901, incidentBeginDate_at: '2024-01-21T00:00:00Z', incidentEndDate_at: '2024-01-23T00:00:00Z'});
    expect(r.items[1].payload.incidentEndDate_at).toBeNull();
    expect(r.items[2].published_at).toBeNull();
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'DATE_UNPARSEABLE', details: {item_index: 2, field: 'declarationDate', raw: 'not a date'}})]);
  });

  it('JSON that is not FEMA is FEED_NOT_A_FEED', () => {
    expect(feedErrorOf(() => parseFeed(json({foo: {bar: 1}}), {type: 'fema'})).code).toBe('FEED_NOT_A_FEED');
  });
});

describe('FSIS recall API', () => {
  const r = parseFeed(fixture('synthetic/fsis_recall_api_sample.json'), {type: 'fsis'});

  it('Spanish duplicates of English recalls are skipped with a diagnostic; Spanish-only kept', () => {
    expect(r.items.map((i) => [i.canonical_id, i.payload.language])).toEqual([
      ['901-2024', 'en'],
      ['PHA-10022024-01', 'en'],
      ['902-2024', 'es'],
    ]);
    expect(r.diagnostics.filter((d) => d.code === 'FSIS_TRANSLATION_SKIPPED')).toEqual([
      expect.objectContaining({severity: 'info', details: {item_index: 1, recall_number: '901-2024'}}),
    ]);
  });

  it('HTML entities decode, string booleans and lists normalize, dates parse', () => {
    const a = r.items[0];
    expect(a.title).toBe('Ohio Firm Recalls Ready-To-Eat Meat & Poultry Products Due to Possible Listeria Contamination');
    expect(a.url).toBe('https://www.fsis.usda.gov/recalls-alerts/example-901-2024');
    expect(a.published_at).toBe('2024-11-13T00:00:00Z');
    expect(a.payload).toMatchObject({
      summary: 'WASHINGTON, Nov. 13, 2024 – Example Meats & Provisions LLC is recalling approximately 1,200 pounds of ready-to-eat products. The products were shipped to retail locations.',
      active: true,
      archived: false,
      has_spanish: true,
      related_to_outbreak: false,
      states: ['Ohio', 'Indiana', 'Michigan'],
      establishment: 'Example Meats & Provisions LLC',
      product_items: '12-oz. packages of “EXAMPLE BRAND SMOKED TURKEY”',
      last_modified_at: '2024-11-14T00:00:00Z',
      closed_date_at: null,
      field_recall_number: '901-2024',
    });
    const b = r.items[1];
    expect(b.published_at).toBe('2024-10-02T00:00:00Z');
    expect(b.payload).toMatchObject({
      states: ['California', 'Nevada'],
      recall_reason: 'Misbranding, Unreported Allergens',
      summary: 'Contains undeclared milk.',
      related_to_outbreak: null,
      closed_date_at: '2024-10-30T00:00:00Z',
    });
    expect(r.items[2].url).toBeNull();
    expect(r.diagnostics.filter((d) => d.code.startsWith('DATE_'))).toEqual([]);
  });

  it('JSON that is not FSIS is FEED_NOT_A_FEED; the FSIS RSS feed is read as RSS', () => {
    expect(feedErrorOf(() => parseFeed(json([{a: 1}]), {type: 'fsis'})).code).toBe('FEED_NOT_A_FEED');
    expect(parseFeed(json([]), {type: 'fsis'}).items).toEqual([]);
    expect(parseFeed(fixture('recalls/usda_fsis_recalls_rss_20241114.xml'), {type: 'fsis'}).items).toHaveLength(50);
  });
});

describe('NGA MSI JSON', () => {
  it('reads {"broadcast-warn": [...]} records', () => {
    const r = parseFeed(
      json({'broadcast-warn': [{msgYear: 2024, msgNumber: 12, navArea: 'P', subregion: '97', text: 'NORTH PACIFIC.\nHAZARD.', status: 'A', issueDate: '011200Z JAN 2024', authority: 'x'}, 'junk']}),
      {type: 'nga_msi'},
    );
    expect(r.format).toBe('nga-msi-json');
    expect(r.items).toEqual([
      expect.objectContaining({canonical_id: 'HYDROPAC 12/24', title: 'HYDROPAC 12/24 NORTH PACIFIC.', published_at: '2024-01-01T12:00:00Z'}),
    ]);
    expect(r.items[0].payload).toMatchObject({cancelled: false, record_type: null, msgNumber: '12'});
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'ITEM_INVALID', details: {item_index: 1}})]);
    expect(feedErrorOf(() => parseFeed(json({features: []}), {type: 'nga_msi'})).code).toBe('FEED_NOT_A_FEED');
  });
});
