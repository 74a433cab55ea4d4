/**
 * Every feed file of the shared corpus (copied to fixtures/corpus/, provenance in
 * fixtures/corpus/SOURCES.md) parses with its pinned item count, or is rejected with its
 * pinned error when given to the wrong adapter.
 */
import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseFeed} from '../../../src/sources/parse-feed.js';
import {type SourceType} from '../../../src/model/raw-item.js';
import {FIXTURES, feedErrorOf, fixture} from './helpers.js';

interface Pin {
  file: string;
  type: SourceType;
  format: string;
  items: number;
  /** Items whose date is (expectedly) missing. */
  undated?: number;
  encoding?: string;
}

const PINS: Pin[] = [
  {file: 'edge_cases/craigslist_rss1.0_rdf.rss', type: 'rss', format: 'rss1', items: 25},
  // "XML (unparseable)" in SOURCES.md: &nbsp; undefined in XML, no declaration — decoded, 1 item.
  {file: 'edge_cases/dbengines_rss_undefined_html_entity.xml', type: 'rss', format: 'rss2', items: 1},
  {file: 'edge_cases/giantbomb_podcast_huge_730_items.rss', type: 'rss', format: 'rss2', items: 730},
  {file: 'edge_cases/google_ads_dev_blog_feedburner_atom_escaped_html.xml', type: 'rss', format: 'atom', items: 25},
  {file: 'edge_cases/intertwingly_atom_xhtml_content.xml', type: 'rss', format: 'atom', items: 20},
  {file: 'edge_cases/jn_pt_latest_news_iso-8859-1_crlf.rss', type: 'rss', format: 'rss2', items: 40, encoding: 'windows-1252'},
  {file: 'edge_cases/rss1.0_iso-8859-1_snippet.xml', type: 'rss', format: 'rss1', items: 1, encoding: 'windows-1252'},
  {file: 'edge_cases/science_twis_rss1.0_rdf.rss', type: 'rss', format: 'rss1', items: 69},
  // "XML (unparseable)" in SOURCES.md: a blank line before the XML declaration — stripped, 131 items.
  {file: 'edge_cases/taverncast_podcast_blank_line_before_xmldecl.rss', type: 'rss', format: 'rss2', items: 131},
  {file: 'maritime/nga_msi_broadcast_warn_navAreaC_HYDROARC_2023.xml', type: 'nga_msi', format: 'nga-msi', items: 333},
  {file: 'news_feeds/guardian_us_rss2_2018.xml', type: 'rss', format: 'rss2', items: 55},
  {file: 'news_feeds/heise_developer_atom_2016.xml', type: 'rss', format: 'atom', items: 15},
  {file: 'news_feeds/talkingpointsmemo_atom.xml', type: 'rss', format: 'atom', items: 20},
  {file: 'news_feeds/washingtonpost_wellness_rss2.xml', type: 'rss', format: 'rss2', items: 29},
  {file: 'nws_alerts_json/nws_alerts_active_area_CA_CO_CT_20200103.json', type: 'nws_alerts', format: 'nws-geojson', items: 3},
  {file: 'nws_alerts_json/nws_alerts_active_area_IA_tornado_flood_dates_templated.json', type: 'nws_alerts', format: 'nws-geojson', items: 48, undated: 48},
  {file: 'nws_alerts_json/nws_alerts_active_us_246_dates_templated_2026-05.json', type: 'nws_alerts', format: 'nws-geojson', items: 246, undated: 246},
  {file: 'nws_alerts_json/nws_alerts_active_zone_ORZ004_20191220.json', type: 'nws_alerts', format: 'nws-geojson', items: 1},
  {file: 'nws_alerts_json/nws_alerts_active_zone_ORZ004_second.json', type: 'nws_alerts', format: 'nws-geojson', items: 2},
  {file: 'nws_cap_atom/nws_cap_atom_single_empty_geocode_param_2014.xml', type: 'nws_cap', format: 'cap-atom', items: 1},
  {file: 'nws_cap_atom/nws_cap_atom_single_empty_polygon_2014.xml', type: 'nws_cap', format: 'cap-atom', items: 1},
  {file: 'nws_cap_atom/nws_cap_atom_us_excerpt_20141105.xml', type: 'nws_cap', format: 'cap-atom', items: 39},
  {file: 'recalls/fda_food_safety_recalls_rss_20241114.xml', type: 'rss', format: 'rss2', items: 20},
  {file: 'recalls/usda_fsis_recalls_rss_20241114.xml', type: 'rss', format: 'rss2', items: 50},
  {file: 'synthetic/openfema_disaster_declarations_summaries.json', type: 'fema', format: 'openfema', items: 3, undated: 1},
  {file: 'synthetic/fsis_recall_api_sample.json', type: 'fsis', format: 'fsis-json', items: 3},
];

describe('corpus: pinned item counts', () => {
  it('every fixture feed file is pinned', () => {
    const files: string[] = [];
    for (const dir of readdirSync(FIXTURES, {withFileTypes: true})) {
      if (!dir.isDirectory()) continue;
      for (const f of readdirSync(join(FIXTURES, dir.name))) files.push(`${dir.name}/${f}`);
    }
    expect(files.sort()).toEqual(PINS.map((p) => p.file).sort());
  });

  it.each(PINS)('$file → $format, $items items', (pin) => {
    const r = parseFeed(fixture(pin.file), {type: pin.type});
    expect(r.format).toBe(pin.format);
    expect(r.items).toHaveLength(pin.items);
    expect(r.truncated).toBe(false);
    if (pin.encoding) expect(r.encoding).toBe(pin.encoding);
    const undated = r.items.filter((i) => i.published_at === null).length;
    expect(undated).toBe(pin.undated ?? 0);
    expect(r.diagnostics.filter((d) => d.code === 'DATE_UNPARSEABLE').length > 0).toBe((pin.undated ?? 0) > 0);
    for (const item of r.items) {
      // JSON-safe plain data: a JSON round trip is the identity.
      expect(JSON.parse(JSON.stringify(item))).toStrictEqual(item);
      expect(item.canonical_id).toEqual(expect.any(String));
      if (item.published_at !== null) expect(item.published_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$/);
    }
    for (const d of r.diagnostics.filter((x) => x.details?.item_index !== undefined)) {
      expect(d.details?.item_index).toEqual(expect.any(Number));
    }
    // Deterministic: a second parse is identical.
    expect(parseFeed(fixture(pin.file), {type: pin.type})).toEqual(r);
  });
});

describe('corpus: rejected when given to the wrong adapter', () => {
  const wrong: Array<[string, SourceType, string]> = [
    ['news_feeds/guardian_us_rss2_2018.xml', 'nga_msi', 'FEED_NOT_A_FEED'],
    ['news_feeds/guardian_us_rss2_2018.xml', 'nws_cap', 'FEED_NOT_A_FEED'],
    ['nws_alerts_json/nws_alerts_active_zone_ORZ004_second.json', 'rss', 'FEED_NOT_A_FEED'],
    ['nws_alerts_json/nws_alerts_active_zone_ORZ004_second.json', 'fsis', 'FEED_NOT_A_FEED'],
    ['maritime/nga_msi_broadcast_warn_navAreaC_HYDROARC_2023.xml', 'rss', 'FEED_NOT_A_FEED'],
    ['synthetic/fsis_recall_api_sample.json', 'nws_alerts', 'FEED_NOT_A_FEED'],
  ];
  it.each(wrong)('%s as %s → %s', (file, type, code) => {
    expect(feedErrorOf(() => parseFeed(fixture(file), {type})).code).toBe(code);
  });
});

describe('corpus: field spot checks', () => {
  const first = (file: string, type: SourceType, n = 0) => parseFeed(fixture(file), {type}).items[n];

  it('undefined HTML entities decode (dbengines &nbsp;)', () => {
    const item = first('edge_cases/dbengines_rss_undefined_html_entity.xml', 'rss');
    expect(item.payload.summary).toContain('our DB-Engines Ranking within');
    expect(String(item.payload.summary)).not.toMatch(/&nbsp;|\u00a0/);
    expect(item.published_at).toBe('2023-01-03T15:00:00Z');
    expect(item.payload.author).toBe('Matthias Gelbmann, Paul Andlinger');
  });

  it('declared ISO-8859-1 with CRLF decodes accented text', () => {
    const item = first('edge_cases/jn_pt_latest_news_iso-8859-1_crlf.rss', 'rss');
    expect(item.title).toBe('Mãe de utente é a nova presidente da Raríssimas');
    expect(item.url).toBe('https://www.jn.pt/nacional/interior/sonia-laig-e-a-nova-presidente-da-rarissimas-9021600.html');
    expect(item.payload.tags).toEqual(['Nacional']);
  });

  it('RSS 1.0 takes dc:date and rdf:about', () => {
    const item = first('edge_cases/craigslist_rss1.0_rdf.rss', 'rss');
    expect(item.canonical_id).toBe('http://sfbay.craigslist.org/eby/apa/6186664607.html');
    expect(item.published_at).toBe('2017-06-21T17:33:10Z');
    expect(item.payload.published).toBe('2017-06-21T10:33:10-07:00');
  });

  it('Atom xhtml content is reduced to text; relative links resolve against the self link', () => {
    const item = first('edge_cases/intertwingly_atom_xhtml_content.xml', 'rss');
    expect(item.canonical_id).toBe('tag:intertwingly.net,2004:3299');
    expect(item.url).toBe('http://intertwingly.net/blog/2012/07/16/Inhibiting-Suspend');
    expect(item.payload.content).toMatch(/^The interface is a bit low level, but workable: require 'dbus'/);
    expect(String(item.payload.content)).not.toMatch(/<|svg/);
    expect(item.published_at).toBe('2012-07-16T15:48:01Z');
    expect(item.payload.published).toBeNull();
  });

  it('feedburner Atom: escaped HTML content, origLink as url, categories as tags', () => {
    const item = first('edge_cases/google_ads_dev_blog_feedburner_atom_escaped_html.xml', 'rss');
    expect(item.url).toBe('http://googleadsdeveloper.blogspot.com/2016/06/adwords-and-dfp-java-client-library.html');
    expect(item.payload.link).toMatch(/^http:\/\/feedproxy\.google\.com\//);
    expect(item.payload.tags).toEqual(['adwords_api', 'client_libraries', 'dfp_api']);
    expect(String(item.payload.content)).toMatch(/^After November 2016, all releases/);
    expect(String(item.payload.content)).not.toContain('<');
    expect(item.published_at).toBe('2016-06-03T14:38:00Z');
  });

  it('named zones in the corpus: PST (giantbomb), EST (wapo, fda)', () => {
    expect(first('edge_cases/giantbomb_podcast_huge_730_items.rss', 'rss').published_at).toBe('2019-10-01T22:30:00Z');
    expect(first('news_feeds/washingtonpost_wellness_rss2.xml', 'rss').published_at).toBe('2012-08-21T15:33:00Z');
    expect(first('recalls/fda_food_safety_recalls_rss_20241114.xml', 'rss').published_at).toBe('2024-11-12T05:00:00Z');
  });

  it('blank line before the XML declaration (taverncast)', () => {
    const item = first('edge_cases/taverncast_podcast_blank_line_before_xmldecl.rss', 'rss');
    expect(item.title).toBe('Taverncast 62 - Temporal Anomaly');
    expect(item.published_at).toBe('2015-11-07T17:00:00Z');
  });

  it('NWS GeoJSON keeps the full property set, @id as url, instants', () => {
    const item = first('nws_alerts_json/nws_alerts_active_zone_ORZ004_second.json', 'nws_alerts');
    expect(item.canonical_id).toBe('NWS-IDP-PROD-3965873-3369046');
    expect(item.url).toBe('https://api.weather.gov/alerts/NWS-IDP-PROD-3965873-3369046');
    expect(item.title).toMatch(/^Flood Watch issued December 20/);
    expect(item.published_at).toBe('2019-12-20T21:34:00Z');
    const p = item.payload as Record<string, any>;
    expect(p.geocode.UGC).toContain('ORZ004');
    expect(p.geocode.SAME).toContain('041051');
    expect(p.affectedZones).toContain('https://api.weather.gov/zones/forecast/ORZ004');
    expect(p.references).toHaveLength(4);
    expect(p.senderName).toBe('NWS Portland OR');
    expect(p.ends_at).toBe('2019-12-22T18:00:00Z');
    expect(p.expires_at).toBe('2019-12-21T13:30:00Z');
    expect(p.onset_at).toBe('2019-12-20T21:34:00Z');
    expect(p.is_test).toBe(false);
    expect(p).toHaveProperty('parameters');
    expect(p).toHaveProperty('geometry');
  });

  it('NWS CAP Atom index: cap fields, FIPS6 as SAME, VTEC parameters, empty geocode', () => {
    const item = first('nws_cap_atom/nws_cap_atom_us_excerpt_20141105.xml', 'nws_cap', 3);
    const p = item.payload as Record<string, any>;
    expect(p.event).toBe('Winter Weather Advisory');
    expect(p.geocode).toEqual({SAME: ['002185'], UGC: ['AKZ204'], FIPS6: ['002185']});
    expect(p.parameters).toEqual({VTEC: ['/O.COR.PAFG.WW.Y.0186.141106T0900Z-141108T0300Z/']});
    expect(p.expires_at).toBe('2014-11-08T03:00:00Z');
    expect(item.published_at).toBe('2014-11-05T12:22:00Z');
    const empty = first('nws_cap_atom/nws_cap_atom_single_empty_geocode_param_2014.xml', 'nws_cap').payload as Record<string, any>;
    expect(empty.geocode).toEqual({SAME: [], UGC: []});
    expect(empty.parameters).toEqual({});
    expect(empty.polygon).toHaveLength(1);
  });

  it('NGA MSI: DTG dates, message ids, cancellation flag', () => {
    const r = parseFeed(fixture('maritime/nga_msi_broadcast_warn_navAreaC_HYDROARC_2023.xml'), {type: 'nga_msi'});
    expect(r.items[0]).toMatchObject({
      canonical_id: 'HYDROARC 333/23',
      title: 'HYDROARC 333/23 BARENTS SEA.',
      published_at: '2023-12-29T17:43:00Z',
      url: null,
    });
    expect(r.items[0].payload).toMatchObject({status: 'C', cancelled: true, cancel_at: '2023-12-29T17:43:00Z', navArea: 'C'});
    expect(r.items.filter((i) => i.payload.record_type === 'broadcastWarnActiveEntity')).toHaveLength(17);
    expect(new Set(r.items.map((i) => i.canonical_id)).size).toBe(333);
  });
});
