import {describe, expect, it} from 'vitest';
import {artifactHash, canonicalJson, sha256Hex} from '../../src/kernel/canonical-json.js';
import {eventId} from '../../src/pipeline/ids.js';
import {
  contentHashRef,
  locationHint,
  locationHintRef,
  normalizeItem,
  pythonJsonDumpsSorted,
  type NormalizeInput,
  type SourceGeo,
} from '../../src/pipeline/normalize.js';
import type {RawItemCandidate} from '../../src/model/raw-item.js';
import {contentHashOf} from '../../src/store/raw-items-repo.js';

// The reference demo spill fixture (tests/fixtures/event_spill.json of Hardstop-py), keys in
// file order: type, title, body, source, event_type, severity_guess.
const SPILL_TITLE = 'Hydrochloric acid spill at Avon chemical plant';
const SPILL_BODY =
  'A spill involving an estimated 5,000 gallons of 37% hydrochloric acid occurred at a manufacturing facility in Avon, Indiana. Operations may be disrupted.';
const SPILL_PAYLOAD = {
  type: 'NEWS',
  title: SPILL_TITLE,
  body: SPILL_BODY,
  source: 'LocalNewsNow',
  event_type: 'SAFETY_AND_OPERATIONS',
  severity_guess: 2,
};

const CONFIG = {trust_tier: 2, classification_floor: 0, weighting_bias: 0};

function input(candidate: Partial<RawItemCandidate>, extra: Partial<NormalizeInput> = {}): NormalizeInput {
  const full: RawItemCandidate = {canonical_id: null, title: null, url: null, published_at: null, payload: {}, ...candidate};
  return {
    candidate: full,
    // The store hashes only JSON-safe payloads (adapters coerce); a payload that is not gets a fixed hash here.
    contentHash: extra.contentHash ?? contentHashOf(full),
    sourceId: 'src',
    sourceType: 'rss',
    tier: 'regional',
    rawId: 'RAW-0000000000000000',
    sourceConfig: CONFIG,
    ...extra,
  };
}

describe('N-1: canonical JSON of the reference normalized event (pipeline.md §1.7)', () => {
  it('N-1: 1090 bytes, hash 60e16d8a…8417', () => {
    // Python json.dumps(payload) (insertion order, ", " / ": " separators, ASCII escapes)
    const eventPayloadJson = `{${Object.entries(SPILL_PAYLOAD)
      .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(', ')}}`;
    // The reference event object, exactly its fields and values (normalized_event_spill.json).
    const refEvent = {
      event_id: 'EVT-CANONICAL-0001',
      source_type: 'EXTERNAL',
      source_name: 'demo-source',
      source_id: 'demo-source',
      raw_id: 'raw-0001',
      tier: 'global',
      trust_tier: 2,
      classification_floor: 0,
      weighting_bias: 0,
      title: SPILL_TITLE,
      raw_text: `${SPILL_TITLE} ${SPILL_BODY}`,
      event_type: 'SPILL',
      event_time_utc: '2024-05-01T00:00:00Z',
      severity_guess: 1,
      location_hint: 'Avon, Indiana',
      entities_json: '{"location": "Avon, Indiana"}',
      event_payload_json: eventPayloadJson,
      url: 'https://example.com/spill',
      facilities: [],
      lanes: [],
      shipments: [],
    };
    const text = canonicalJson(refEvent);
    expect(Buffer.byteLength(text, 'utf8')).toBe(1090);
    expect(artifactHash(refEvent)).toBe('60e16d8ae0d301675d718da20d7ebee69865c33a59e17d3dca0ff32608d28417');
  });

  it('N-1 (TS normalizer on the same candidate): reference-parity field values', () => {
    const {event, diagnostics} = normalizeItem({
      candidate: {
        canonical_id: 'EVT-CANONICAL-0001',
        title: SPILL_TITLE,
        url: 'https://example.com/spill',
        published_at: '2024-05-01T00:00:00Z',
        payload: SPILL_PAYLOAD,
      },
      sourceId: 'demo-source',
      sourceType: 'rss',
      tier: 'global',
      rawId: 'raw-0001',
      contentHash: 'a'.repeat(64),
      sourceConfig: {trust_tier: 2, classification_floor: 0, weighting_bias: 0},
    });
    expect(diagnostics).toEqual([]);
    expect(event.type_ref).toBe('SPILL');
    // event.type is the rule pack's (decide.ts; test/rules/shipped-types.test.ts).
    expect(event.type).toBeNull();
    expect(event.location_hint).toBe('Avon, Indiana');
    expect(event.location_hint_ref).toBe('Avon, Indiana');
    expect(event.entities_json).toBe('{"location":"Avon, Indiana"}');
    expect(event.raw_text).toBe(`${SPILL_TITLE} ${SPILL_BODY}`);
    expect(event.summary).toBe(SPILL_BODY);
    expect([event.trust_tier, event.classification_floor, event.weighting_bias, event.severity_guess]).toEqual([2, 0, 0, 1]);
    expect([event.facilities, event.lanes, event.shipments]).toEqual([[], [], []]);
    expect(event.source_type).toBe('EXTERNAL');
    expect(event.source_name).toBe('demo-source');
    expect(event.canonical_id).toBe('EVT-CANONICAL-0001');
    expect(event.event_id).toBe(eventId('demo-source', 'EVT-CANONICAL-0001'));
    expect(event.event_time).toBe('2024-05-01T00:00:00Z');
    expect(event.payload).toEqual(SPILL_PAYLOAD);
    expect(event.payload_hash).toBe(sha256Hex(canonicalJson(SPILL_PAYLOAD)));
    // the whole event is a canonical-JSON value
    expect(() => canonicalJson(event)).not.toThrow();
  });
});

describe('location hint (pipeline.md §1.5)', () => {
  const NWS_AREA = {areaDesc: 'Linn, IA; Benton, IA'};
  const cases: Array<[string, Record<string, unknown>, SourceGeo | undefined, string | null, string | null]> = [
    // [id, payload, geo, reference hint, TS hint (payload before geo)]
    ['LH-1', NWS_AREA, {country: 'US'}, 'US', 'Linn, IA; Benton, IA'],
    ['LH-2', NWS_AREA, undefined, 'Linn, IA; Benton, IA', 'Linn, IA; Benton, IA'],
    ['LH-3', {description: 'Flooding In Salt Lake City, UT today'}, undefined, 'Flooding In Salt Lake City, UT', 'Flooding In Salt Lake City, UT'],
    ['LH-4', {summary: 'Storm near Avon,IN'}, undefined, null, null],
    ['LH-5', {}, {state: 'IN', country: 'US'}, 'IN, US', 'IN, US'],
    ['LH-6', SPILL_PAYLOAD, undefined, 'Avon, Indiana', 'Avon, Indiana'],
  ];
  for (const [id, payload, geo, ref, ts] of cases) {
    it(`${id}: ref ${JSON.stringify(ref)}, TS ${JSON.stringify(ts)}`, () => {
      expect(locationHintRef(payload, geo)).toBe(ref);
      expect(locationHint(payload, geo)).toBe(ts);
    });
  }

  it('LH-7 (TS): text pattern beats the source geo', () => {
    expect(locationHint({summary: 'Spill near Gary, IN'}, {state: 'IL', country: 'US'})).toBe('Gary, IN');
    expect(locationHintRef({summary: 'Spill near Gary, IN'}, {state: 'IL', country: 'US'})).toBe('IL, US');
  });

  it('LH-8: text fields in order description, summary, content, title, body; first field with a match wins', () => {
    expect(locationHintRef({title: 'In Gary, IN', summary: 'no place', body: 'Avon, IN'})).toBe('In Gary, IN');
    expect(locationHintRef({summary: 'At Gary, IN', description: 'Near Avon, IN'})).toBe('Near Avon, IN');
  });

  it('LH-9: Python word boundaries (Unicode letters are word characters)', () => {
    expect(locationHintRef({summary: 'éAvon, IN'})).toBeNull();
    expect(locationHintRef({summary: 'Avon, INé'})).toBeNull();
    expect(locationHintRef({summary: 'Avon, Indianaé'})).toBeNull();
    expect(locationHintRef({summary: '(Avon, IN)'})).toBe('Avon, IN');
    expect(locationHintRef({summary: 'Avon,\u00a0IN'})).toBe('Avon, IN');
    expect(locationHintRef({summary: 'Avon,\ufeffIN'})).toBeNull(); // BOM is not Python whitespace
  });

  it('LH-10: empty / falsy fields are skipped', () => {
    expect(locationHintRef({areaDesc: '', location: 'Dock 4'}, {city: '', state: null})).toBe('Dock 4');
  });
});

describe('text, summary, title (pipeline.md §1.2)', () => {
  it('TX-1: title from candidate, else payload, else empty', () => {
    expect(normalizeItem(input({title: 'Cand', payload: {title: 'Pay'}})).event.title).toBe('Cand');
    expect(normalizeItem(input({payload: {title: 'Pay'}})).event.title).toBe('Pay');
    expect(normalizeItem(input({payload: {}})).event.title).toBe('');
  });

  it('TX-2: raw_text = title + summary + description + content + body; summary without title', () => {
    const {event} = normalizeItem(
      input({title: 'T', payload: {body: 'B', content: 'C', summary: 'S', description: 'D', instruction: 'I', areaDesc: 'A'}}),
    );
    expect(event.raw_text).toBe('T S D C B');
    expect(event.summary).toBe('S D C B');
  });

  it('TX-3: empty parts skipped; RSS summary and content often repeat', () => {
    const {event} = normalizeItem(input({title: '', payload: {summary: 'Same', content: 'Same', description: ''}}));
    expect(event.raw_text).toBe('Same Same');
    expect(event.summary).toBe('Same Same');
  });

  it('TX-4: NWS text is headline + description (instruction and areaDesc excluded)', () => {
    const {event} = normalizeItem(nwsInput());
    expect(event.raw_text.startsWith('Severe Thunderstorm Warning issued May 21')).toBe(true);
    expect(event.raw_text).toContain('The National Weather Service in Des Moines');
    expect(event.raw_text).not.toContain('interior room');
    expect(event.summary.startsWith('SVRDMX')).toBe(true);
  });
});

function nwsInput(overrides: Record<string, unknown> = {}): NormalizeInput {
  const payload = {
    '@id': 'https://api.weather.gov/alerts/urn:oid:2.49.0.1.840.0.25f7.001.1',
    id: 'urn:oid:2.49.0.1.840.0.25f7.001.1',
    areaDesc: 'Audubon, IA; Calhoun, IA;  Carroll, IA ;',
    geocode: {SAME: ['019009', '019025', '019027'], UGC: ['IAC009', 'IAC025', 'IAC027']},
    affectedZones: ['https://api.weather.gov/zones/county/IAC009', 'https://api.weather.gov/zones/county/IAC025'],
    references: [
      {'@id': 'https://api.weather.gov/alerts/urn:oid:X', identifier: 'urn:oid:X', sender: 'w-nws.webmaster@noaa.gov', sent: '2024-05-21T14:00:00-05:00'},
    ],
    sent: '2024-05-21T14:30:00-05:00',
    effective: '2024-05-21T14:30:00-05:00',
    onset: '2024-05-21T14:30:00.250-05:00',
    expires: '2024-05-21T15:15:00-05:00',
    ends: 'date:now +2447 seconds',
    status: 'Actual',
    messageType: 'Update',
    severity: 'Severe',
    certainty: 'Observed',
    urgency: 'Immediate',
    event: 'Severe Thunderstorm Warning',
    senderName: 'NWS Des Moines IA',
    headline: 'Severe Thunderstorm Warning issued May 21 at 2:30PM CDT until May 21 at 3:15PM CDT by NWS Des Moines IA',
    description: 'SVRDMX\n\nThe National Weather Service in Des Moines  has issued a\n\n* Severe Thunderstorm Warning for...',
    instruction: 'For your protection move to an interior room on the lowest floor of a\nbuilding.',
    parameters: {AWIPSidentifier: ['SVRDMX'], VTEC: ['/O.CON.KDMX.SV.W.0106.240521T1930Z-240521T2015Z/']},
    geometry: {type: 'Polygon', coordinates: [[[-95.3, 42.05], [-95.22, 41.61], [-95.1, 41.7], [-95.3, 42.05]]]},
    ...overrides,
  };
  return input(
    {
      canonical_id: payload.id as string,
      title: payload.headline as string,
      url: payload['@id'] as string,
      published_at: '2024-05-21T19:30:00Z',
      payload,
    },
    {sourceId: 'nws-us', sourceType: 'nws_alerts', tier: 'global', sourceConfig: {...CONFIG, trust_tier: 3, geo: {country: 'US'}}},
  );
}

describe('NWS fields (domain.md §6.4)', () => {
  it('NWS-N-1: codes, area parts, VTEC, references, sender, status, instants', () => {
    const {event, diagnostics} = normalizeItem(nwsInput());
    expect(event.type).toBeNull();
    expect(event.nws).toEqual({
      status: 'Actual',
      message_type: 'Update',
      event: 'Severe Thunderstorm Warning',
      headline: event.title,
      severity: 'Severe',
      urgency: 'Immediate',
      certainty: 'Observed',
      references: ['urn:oid:X'],
      ugc: ['IAC009', 'IAC025', 'IAC027'],
      same: ['019009', '019025', '019027'],
      area_desc: ['Audubon, IA', 'Calhoun, IA', 'Carroll, IA'],
      affected_zones: ['https://api.weather.gov/zones/county/IAC009', 'https://api.weather.gov/zones/county/IAC025'],
      vtec: ['/O.CON.KDMX.SV.W.0106.240521T1930Z-240521T2015Z/'],
      sender_name: 'NWS Des Moines IA',
      sent_at: '2024-05-21T19:30:00Z',
    });
    expect(event.published_at).toBe('2024-05-21T19:30:00Z');
    expect(event.event_time).toBe('2024-05-21T19:30:00Z');
    expect(event.effective_at).toBe('2024-05-21T19:30:00Z');
    expect(event.onset_at).toBe('2024-05-21T19:30:00.250000Z');
    expect(event.expires_at).toBe('2024-05-21T20:15:00Z');
    expect(event.ends_at).toBeNull();
    expect(diagnostics.map((d) => [d.code, d.details?.field])).toEqual([['DATE_UNPARSEABLE', 'ends']]);
    expect(event.geometry).toEqual({type: 'Polygon', coordinates: [[[-95.3, 42.05], [-95.22, 41.61], [-95.1, 41.7], [-95.3, 42.05]]]});
    // TS hint: payload areaDesc before the national source's geo; reference: just "US" (P-2)
    expect(event.location_hint).toBe('Audubon, IA; Calhoun, IA;  Carroll, IA ;');
    expect(event.location_hint_ref).toBe('US');
  });

  it('NWS-N-2: CAP-style shapes (space-separated codes, FIPS6, parameter list, reference triples)', () => {
    const {event} = normalizeItem(
      nwsInput({
        geocode: {FIPS6: '041071 041053', UGC: 'orz004 ORZ004'},
        parameters: [{valueName: 'VTEC', value: '/O.EXT.KPQR.FA.W.0001.000000T0000Z-141106T0000Z/'}],
        references: 'w-nws.webmaster@noaa.gov,urn:oid:A,2014-11-05T10:00:00-08:00 w-nws.webmaster@noaa.gov,urn:oid:B,2014-11-05T11:00:00-08:00',
        affectedZones: undefined,
      }),
    );
    expect(event.nws?.same).toEqual(['041071', '041053']);
    expect(event.nws?.ugc).toEqual(['ORZ004']);
    expect(event.nws?.vtec).toEqual(['/O.EXT.KPQR.FA.W.0001.000000T0000Z-141106T0000Z/']);
    expect(event.nws?.references).toEqual(['urn:oid:A', 'urn:oid:B']);
    expect(event.nws?.affected_zones).toEqual([]);
  });

  it('NWS-N-3: type_ref by text; the NWS type comes from the pack (shipped-types.test.ts)', () => {
    const {event} = normalizeItem(nwsInput({headline: 'Test message', description: 'Quarterly earnings'}));
    expect(event.type).toBeNull();
    expect(event.type_ref).toBe('OTHER');
  });

  it('NWS-N-4: non-NWS sources have nws = null', () => {
    expect(normalizeItem(input({title: 'x'})).event.nws).toBeNull();
  });
});

describe('ids, hashes, trust', () => {
  it('EV-1: event id from canonical id, else from the content hash', () => {
    const withId = normalizeItem(input({canonical_id: 'guid-1', title: 'A'})).event;
    expect(withId.event_id).toBe(eventId('src', 'guid-1'));
    const noId = normalizeItem(input({title: 'A', payload: {summary: 's'}})).event;
    expect(noId.canonical_id).toBeNull();
    expect(noId.event_id).toBe(eventId('src', noId.content_hash));
  });

  it('CH-1: the stored content hash = SHA-256 of canonical JSON of {canonical_id, title, url, payload}', () => {
    const c: RawItemCandidate = {
      canonical_id: 'rss-1',
      title: 'Alert One',
      url: 'https://example.com/alerts/1',
      published_at: '2024-01-01T12:00:00Z',
      payload: {title: 'Alert One', summary: 'First alert summary.', link: 'https://example.com/alerts/1'},
    };
    expect(contentHashOf(c)).toBe(artifactHash({canonical_id: 'rss-1', title: 'Alert One', url: 'https://example.com/alerts/1', payload: c.payload}));
    // RAW-1 (domain.md §6.2): the reference form of the same fields
    expect(contentHashRef(c)).toBe('dbdf4a95d8bdb9dea004fe4f75d68f478219bf80b985fe1a622a8ec51b1bea93');
  });

  it('CH-2: a feed re-stamping published_at does not make new content; the item id basis without a guid is that hash', () => {
    const base: RawItemCandidate = {canonical_id: null, title: 'T', url: null, published_at: null, payload: {summary: 'x'}};
    expect(contentHashOf({...base, published_at: '2024-01-01T00:00:00Z'})).toBe(contentHashOf(base));
    expect(normalizeItem(input(base)).event.event_id).toBe(eventId('src', contentHashOf(base)));
  });

  it('CH-3: python json.dumps form (ASCII escapes, sorted keys, ", " and ": ")', () => {
    expect(pythonJsonDumpsSorted({b: 'é\u007f😀', a: [1, null, true]})).toBe('{"a": [1, null, true], "b": "\\u00e9\\u007f\\ud83d\\ude00"}');
  });


  it('TR-1: trust fields copied as integers; invalid values throw', () => {
    const {event} = normalizeItem(input({title: 'x'}, {sourceConfig: {trust_tier: 1, classification_floor: 2, weighting_bias: -1}}));
    expect([event.trust_tier, event.classification_floor, event.weighting_bias]).toEqual([1, 2, -1]);
    expect(() => normalizeItem(input({title: 'x'}, {sourceConfig: {...CONFIG, trust_tier: 4}}))).toThrow(/trust_tier/);
    expect(() => normalizeItem(input({title: 'x'}, {sourceConfig: {...CONFIG, weighting_bias: 0.5}}))).toThrow(/weighting_bias/);
    expect(() => normalizeItem(input({title: 'x'}, {sourceConfig: {...CONFIG, classification_floor: 3}}))).toThrow(/classification_floor/);
  });

  it('PV-1: payload values JSON cannot hold are coerced with a diagnostic', () => {
    const {event, diagnostics} = normalizeItem(input({title: 'x', payload: {n: Number.NaN, u: undefined, list: [1, undefined]}}, {contentHash: 'b'.repeat(64)}));
    expect(event.payload).toEqual({n: 'NaN', list: [1, null]});
    expect(diagnostics.map((d) => d.code)).toEqual(['PAYLOAD_VALUE_COERCED']);
  });

  it('TM-1: published_at canonicalized; no-offset values assumed UTC with an info diagnostic', () => {
    const r = normalizeItem(input({title: 'x', published_at: '2024-01-15T12:00:00-05:00'}));
    expect(r.event.published_at).toBe('2024-01-15T17:00:00Z');
    const r2 = normalizeItem(input({title: 'x', payload: {expires: '2024-01-15T12:00:00'}}));
    expect(r2.event.expires_at).toBe('2024-01-15T12:00:00Z');
    expect(r2.diagnostics.map((d) => [d.code, d.severity])).toEqual([['DATE_ASSUMED_UTC', 'info']]);
  });

  it('DET-1: deterministic: same input → identical canonical event', () => {
    const a = canonicalJson(normalizeItem(nwsInput()).event);
    const b = canonicalJson(normalizeItem(nwsInput()).event);
    expect(a).toBe(b);
  });
});

describe('adapter-parsed NWS instants', () => {
  it('NWS-N-5: <field>_at from the adapter wins over the raw field; null means "no date" without a new diagnostic', () => {
    const {event, diagnostics} = normalizeItem(
      nwsInput({
        sent: 'Tue, 21 May 2024 14:30:00 CDT',
        sent_at: '2024-05-21T19:30:00Z',
        effective_at: '2024-05-21T19:30:00Z',
        onset_at: null,
        expires_at: '2024-05-21T20:15:00Z',
        ends: 'date:now +2447 seconds',
        ends_at: null,
      }),
    );
    expect(event.nws?.sent_at).toBe('2024-05-21T19:30:00Z');
    expect(event.onset_at).toBeNull();
    expect(event.ends_at).toBeNull();
    expect(event.expires_at).toBe('2024-05-21T20:15:00Z');
    expect(diagnostics).toEqual([]);
  });
});
