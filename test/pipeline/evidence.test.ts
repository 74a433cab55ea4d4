import {compareCodePoints} from '../../src/kernel/text.js';
import {createHash} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {canonicalJson} from '../../src/kernel/canonical-json.js';
import {
  buildIncidentEvidence,
  evidenceBaseName,
  evidenceFileContent,
  evidenceFileName,
  evidenceTimeText,
  sanitizeEvidenceBaseName,
  serializeIncidentEvidence,
  verifyIncidentEvidence,
  type EvidenceInput,
} from '../../src/pipeline/evidence.js';

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

// outputs.md §5.4: the exact hashed texts (canonical JSON without artifact_hash).
const IE1_TEXT =
  '{"artifact_version":"incident-evidence.v1","correlation_key":"SPILL|DC-01|LANE-1","determinism_mode":"live","generated_at_utc":"2024-05-02T00:00:00Z","inputs":{"alert_id":"ALERT-XYZ","event":{"event_id":"EVT-TEST-001","event_type":"SPILL","observed_at_utc":"2024-05-02T00:00:00Z","title":"Chemical spill at DC-01"},"existing_alert":{"alert_id":"ALERT-XYZ","last_seen_utc":"2024-04-30T12:00:00Z","root_event_ids":["EVT-OLD-1"]}},"kind":"IncidentEvidence","merge_reasons":[{"code":"CORRELATION_KEY_MATCH","details":{"correlation_key":"SPILL|DC-01|LANE-1"},"matched":true,"message":"Correlation key matched existing alert"},{"code":"TEMPORAL_OVERLAP","details":{"existing_last_seen_utc":"2024-04-30T12:00:00Z","window_hours":168},"matched":true,"message":"Existing alert seen within 168h window"},{"code":"SHARED_FACILITIES","details":{"shared":["DC-01"]},"matched":true,"message":"Shared facilities: DC-01"},{"code":"SHARED_LANES","details":{"shared":["LANE-1"]},"matched":true,"message":"Shared lanes: LANE-1"}],"merge_summary":["Correlation key matched existing alert","Existing alert seen within 168h window","Shared facilities: DC-01","Shared lanes: LANE-1"],"overlap":{"facilities":["DC-01"],"lanes":["LANE-1"]},"scope":{"existing":{"facilities":["DC-01"],"lanes":["LANE-1"],"shipments":["SHIP-001"]},"incoming":{"facilities":["DC-01","PLANT-02"],"lanes":["LANE-1"],"shipments":[]}},"window_hours":168}';
const IE2_TEXT =
  '{"artifact_version":"incident-evidence.v1","correlation_key":"SAFETY|PLANT-01|LANE-001","determinism_context":{"run_id":"demo-golden-run.v1","seed":"demo-pinned-seed.v1","timestamp_utc":"2025-12-29T17:00:00Z"},"determinism_mode":"pinned","generated_at_utc":"2025-12-29T17:00:00Z","inputs":{"alert_id":"ALERT-20251229-d31a370b","event":{"event_id":"EVT-DEMO-0001","event_type":"SAFETY_AND_OPERATIONS","observed_at_utc":"2025-12-29T17:00:00Z","title":"Hydrochloric acid spill at Avon chemical plant"},"existing_alert":{"alert_id":null,"last_seen_utc":null,"root_event_ids":[]}},"kind":"IncidentEvidence","merge_reasons":[],"merge_summary":[],"overlap":{"facilities":[],"lanes":[]},"scope":{"existing":{"facilities":[],"lanes":[],"shipments":[]},"incoming":{"facilities":["PLANT-01"],"lanes":["LANE-001","LANE-002","LANE-003"],"shipments":["SHP-1001","SHP-1002","SHP-1005","SHP-1004","SHP-1003","SHP-1006"]}},"window_hours":168}';

const IE1_INPUT: EvidenceInput = {
  alertId: 'ALERT-XYZ',
  correlationKey: 'SPILL|DC-01|LANE-1',
  event: {event_id: 'EVT-TEST-001', event_type: 'SPILL', title: 'Chemical spill at DC-01', event_time: '2024-05-02T00:00:00Z'},
  incoming: {facilities: ['DC-01', 'PLANT-02'], lanes: ['LANE-1'], shipments: []},
  existing: {
    alert_id: 'ALERT-XYZ',
    last_seen: '2024-04-30T12:00:00Z',
    root_event_ids: ['EVT-OLD-1'],
    scope: {facilities: ['DC-01'], lanes: ['LANE-1'], shipments: ['SHIP-001']},
  },
  windowHours: 168,
  fallbackTime: '2030-01-01T00:00:00Z',
  determinismMode: 'live',
};

const IE2_INPUT: EvidenceInput = {
  alertId: 'ALERT-20251229-d31a370b',
  correlationKey: 'SAFETY|PLANT-01|LANE-001',
  event: {
    event_id: 'EVT-DEMO-0001',
    event_type: 'SAFETY_AND_OPERATIONS',
    title: 'Hydrochloric acid spill at Avon chemical plant',
    event_time: '2025-12-29T17:00:00Z',
  },
  incoming: {
    facilities: ['PLANT-01'],
    lanes: ['LANE-001', 'LANE-002', 'LANE-003'],
    shipments: ['SHP-1001', 'SHP-1002', 'SHP-1005', 'SHP-1004', 'SHP-1003', 'SHP-1006'],
  },
  existing: null,
  fallbackTime: '2030-01-01T00:00:00Z',
  determinismMode: 'pinned',
  determinismContext: {seed: 'demo-pinned-seed.v1', timestamp_utc: '2025-12-29T17:00:00Z', run_id: 'demo-golden-run.v1'},
};

describe('incident evidence vectors (pipeline.md §10.6, outputs.md OUT-23/24)', () => {
  it('IE-1 / OUT-23: UPDATED payload, four matched reasons, hash fa14545b…f666', () => {
    const p = buildIncidentEvidence(IE1_INPUT);
    expect(p.merge_reasons.map((r) => [r.code, r.matched])).toEqual([
      ['CORRELATION_KEY_MATCH', true],
      ['TEMPORAL_OVERLAP', true],
      ['SHARED_FACILITIES', true],
      ['SHARED_LANES', true],
    ]);
    expect(p.merge_summary).toEqual([
      'Correlation key matched existing alert',
      'Existing alert seen within 168h window',
      'Shared facilities: DC-01',
      'Shared lanes: LANE-1',
    ]);
    expect(p.overlap).toEqual({facilities: ['DC-01'], lanes: ['LANE-1']});
    const {artifact_hash, ...rest} = p;
    expect(canonicalJson(rest)).toBe(IE1_TEXT);
    expect(Buffer.byteLength(IE1_TEXT)).toBe(1405);
    expect(artifact_hash).toBe('fa14545b1401b747dadb8b72959a227bb00e9012f813ecddf1414ffbf502f666');
  });

  it('IE-2 / OUT-24: pinned demo CREATED payload, hash 8ab0c3c0…8f0f, file name and size', () => {
    const p = buildIncidentEvidence(IE2_INPUT);
    expect(p.merge_reasons).toEqual([]);
    expect(p.merge_summary).toEqual([]);
    expect(p.overlap).toEqual({facilities: [], lanes: []});
    const {artifact_hash, ...rest} = p;
    expect(canonicalJson(rest)).toBe(IE2_TEXT);
    expect(Buffer.byteLength(IE2_TEXT)).toBe(925);
    expect(artifact_hash).toBe('8ab0c3c00fbd4e65164c8fed8e193452e8109b029958d38c41756d41c0968f0f');
    expect(evidenceFileName(p.inputs.alert_id, 'EVT-DEMO-0001', p.correlation_key)).toBe(
      'ALERT-20251229-d31a370b__EVT-DEMO-0001__SAFETY_PLANT-01_LANE-001.json',
    );
    expect(Buffer.byteLength(evidenceFileContent(p))).toBe(1008);
  });

  it('IE-3: any CREATED alert → no reasons, empty summary, existing {null, null, []}', () => {
    const p = buildIncidentEvidence({...IE1_INPUT, existing: null});
    expect(p.merge_reasons).toEqual([]);
    expect(p.merge_summary).toEqual([]);
    expect(p.inputs.existing_alert).toEqual({alert_id: null, last_seen_utc: null, root_event_ids: []});
    expect(p.scope.existing).toEqual({facilities: [], lanes: [], shipments: []});
    expect(p.determinism_context).toBeUndefined();
  });

  it('IE-4: merge_summary changed after hashing → verification fails', () => {
    const p = buildIncidentEvidence(IE1_INPUT);
    expect(verifyIncidentEvidence({...p}, {strict: true})).toMatchObject({verified: true, problem: null});
    const tampered = {...p, merge_summary: [...p.merge_summary, 'injected']};
    const v = verifyIncidentEvidence(tampered, {strict: false});
    expect(v.verified).toBe(false);
    expect(v.problem).toBe('HASH_MISMATCH');
    expect(v.expected).not.toBe(v.stored);
  });

  it('IE-5: payload without artifact_hash → reference/best-effort verified, TS strict fails', () => {
    const {artifact_hash: _h, ...rest} = buildIncidentEvidence(IE1_INPUT);
    expect(verifyIncidentEvidence(rest, {strict: false}).verified).toBe(true);
    expect(verifyIncidentEvidence(rest, {strict: true})).toMatchObject({verified: false, problem: 'HASH_MISSING'});
  });

  it('IE-6: temporal overlap — outside the window, unparseable and null last_seen → not matched', () => {
    const at = (last: string | null, time = '2024-05-02T00:00:00Z') =>
      buildIncidentEvidence({...IE1_INPUT, event: {...IE1_INPUT.event, event_time: time}, existing: {...IE1_INPUT.existing!, last_seen: last}})
        .merge_reasons[1];
    expect(at('2024-04-25T00:00:00Z').matched).toBe(true); // exactly 168 h
    expect(at('2024-04-24T23:59:59Z').matched).toBe(false);
    expect(at('2024-05-10T00:00:00Z').matched).toBe(true); // earlier event: negative difference
    expect(at('garbage').matched).toBe(false);
    expect(at(null).matched).toBe(false);
    expect(at(null).details).toEqual({existing_last_seen_utc: null, window_hours: 168});
  });

  it('IE-7: no shared ids → "No shared …" messages, not in the summary; overlap sorted in code-point order', () => {
    const p = buildIncidentEvidence({
      ...IE1_INPUT,
      incoming: {facilities: ['Z-1', 'B-2', 'A-3', '😀', '\uffff'], lanes: ['L-9'], shipments: []},
      existing: {...IE1_INPUT.existing!, scope: {facilities: ['\uffff', '😀', 'A-3', 'Z-1'], lanes: ['L-1'], shipments: []}},
    });
    expect(p.overlap.facilities).toEqual(['A-3', 'Z-1', '\uffff', '😀']);
    expect(p.merge_reasons[3]).toMatchObject({message: 'No shared lanes', matched: false, details: {shared: []}});
    expect(p.merge_summary).not.toContain('No shared lanes');
  });

  it('IE-8: generated_at_utc = event time, else published, else the run clock; canonical text', () => {
    const t = (event_time: string | null, published_at: string | null) =>
      buildIncidentEvidence({...IE1_INPUT, event: {...IE1_INPUT.event, event_time, published_at}}).generated_at_utc;
    expect(t(null, '2024-05-01T00:00:00+00:00')).toBe('2024-05-01T00:00:00Z');
    expect(t(null, null)).toBe('2030-01-01T00:00:00Z');
    expect(evidenceTimeText('not a date+00:00')).toBe('not a dateZ');
    expect(evidenceTimeText('2024-05-01T00:00:00.500000+00:00')).toBe('2024-05-01T00:00:00.500000Z');
  });

  it('IE-9: live mode never records a determinism context; window must be an integer', () => {
    expect(buildIncidentEvidence({...IE2_INPUT, determinismMode: 'live'}).determinism_context).toBeUndefined();
    expect(() => buildIncidentEvidence({...IE1_INPUT, windowHours: 1.5})).toThrow(RangeError);
  });

  it('the one-pass serialization is the canonical JSON of the payload, and it verifies', () => {
    for (const input of [IE1_INPUT, IE2_INPUT, {...IE1_INPUT, existing: null}, {...IE2_INPUT, determinismMode: 'live' as const}]) {
      const {payload, json} = serializeIncidentEvidence(input);
      expect(json).toBe(canonicalJson(payload));
      expect(json).toBe(evidenceFileContent(payload));
      expect(verifyIncidentEvidence(JSON.parse(json), {strict: true}).verified).toBe(true);
    }
  });
});

describe('evidence file name sanitizer (§10.4, FN and OUT vectors)', () => {
  const cases: Array<[string, string, string]> = [
    ['FN-1', 'ALERT-20251229-d31a370b__EVT-DEMO-0001__SAFETY_PLANT-01_LANE-001', 'ALERT-20251229-d31a370b__EVT-DEMO-0001__SAFETY_PLANT-01_LANE-001'],
    [
      'FN-2',
      'ALERT-URL__https://alerts.example.test/feed/item/123__SPILL_DC-01_LANE-1',
      'ALERT-URL__https_alerts.example.test_feed_item_123__SPILL_DC-01_LANE-1__e3ecd0cd01cabbe3',
    ],
    ['FN-3', 'ALERT-COLLIDE__a/b__SPILL_DC-01_NONE', 'ALERT-COLLIDE__a_b__SPILL_DC-01_NONE__5f1dc14645ffe987'],
    ['FN-4', 'ALERT-COLLIDE__a_b__SPILL_DC-01_NONE', 'ALERT-COLLIDE__a_b__SPILL_DC-01_NONE'],
    [
      'FN-5',
      'ALERT-COLLIDE__a_b__SPILL_DC-01_NONE__5f1dc14645ffe987',
      'ALERT-COLLIDE__a_b__SPILL_DC-01_NONE__5f1dc14645ffe987__ada37e4bbb0aefe9',
    ],
    ['FN-6', '', 'incident-evidence__e3b0c44298fc1c14'],
    ['OUT-17', 'ALERT-1__EVT-1__SPILL_A_B', 'ALERT-1__EVT-1__SPILL_A_B'],
    ['OUT-18', 'ALERT-1__http://x.com/a?b=1__RECALL_NONE_NONE', 'ALERT-1__http_x.com_a_b=1__RECALL_NONE_NONE__1fbbd147f3784d7e'],
    ['OUT-19', '..__', 'incident-evidence__20067348e064e558'],
    ['OUT-20', '', 'incident-evidence__e3b0c44298fc1c14'],
    ['OUT-21', 'ok__0123456789abcdef', 'ok__0123456789abcdef__a47b2bdf50491430'],
    ['OUT-22', 'a'.repeat(300), `${'a'.repeat(232)}__9835fa6bf4e20a9b`],
  ];
  for (const [id, base, expected] of cases) {
    it(`${id}: ${JSON.stringify(base.length > 60 ? `${base.slice(0, 60)}…` : base)}`, () => {
      expect(sanitizeEvidenceBaseName(base)).toBe(expected);
    });
  }

  it('OUT-22: 250 bytes exactly', () => {
    expect(Buffer.byteLength(sanitizeEvidenceBaseName('a'.repeat(300)))).toBe(250);
  });

  it('FN-7: a 436-character URL event id → ≤ 255 bytes with .json, ends with the digest, stable', () => {
    const eventId = `https://alerts.example.test/feed/${'item/'.repeat(80)}123`;
    expect(eventId.length).toBe(436);
    const key = 'SPILL|DC-01|LANE-1';
    const name = evidenceFileName('ALERT-20240502-0123456789abcdef', eventId, key);
    const base = evidenceBaseName('ALERT-20240502-0123456789abcdef', eventId, key);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name.endsWith(`__${sha(base).slice(0, 16)}.json`)).toBe(true);
    expect(evidenceFileName('ALERT-20240502-0123456789abcdef', eventId, key)).toBe(name);
  });

  it('property: result is safe ASCII, ≤ 250 bytes, deterministic; unchanged only when already safe', () => {
    fc.assert(
      fc.property(
        fc.string({unit: fc.constantFrom('a', 'Z', '0', '9', 'f', '.', '_', '=', '-', '/', ':', '|', ' ', 'é', '😀', '\u0000'), maxLength: 400}),
        (base) => {
        const n = sanitizeEvidenceBaseName(base);
        expect(n).toMatch(/^[A-Za-z0-9._=-]+$/);
        expect(Buffer.byteLength(n)).toBeLessThanOrEqual(250);
        expect(n.startsWith('.')).toBe(false);
        expect(sanitizeEvidenceBaseName(base)).toBe(n);
        // unchanged names are only those that were already safe
        if (n === base) expect(/__[0-9a-f]{16}$/.test(base)).toBe(false);
        },
      ),
    );
  });

  it('compareCodePoints orders astral characters after U+FFFF', () => {
    expect(['😀', '\uffff', 'a'].sort(compareCodePoints)).toEqual(['a', '\uffff', '😀']);
  });
});
