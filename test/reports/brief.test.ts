import {describe, expect, it} from 'vitest';
import {canonicalJson} from '../../src/kernel/canonical-json.js';
import {PinnedClock} from '../../src/kernel/clock.js';
import type {Mode} from '../../src/kernel/exit-status.js';
import {RunGroup} from '../../src/kernel/run-group.js';
import type {RunRecord} from '../../src/kernel/run-record.js';
import {MICROS_PER_HOUR, parseIsoInstant} from '../../src/kernel/time.js';
import {type BriefV2Options, buildBriefV2} from '../../src/reports/brief-v2/build.js';
import type {BriefModelV2} from '../../src/reports/brief-v2/model.js';
import {runBriefV2Operator} from '../../src/reports/brief-v2/operator.js';
import {escapeMarkdown, renderBriefMarkdown} from '../../src/reports/brief-v2/render-markdown.js';
import {renderBriefText, wrapLine} from '../../src/reports/brief-v2/render-text.js';
import {visibleWidth} from '../../src/present/colour.js';
import {renderBriefJson, renderBriefV2} from '../../src/reports/brief-v2/render.js';
import {addAlert, addEvent, addRawItem, addSourceRun, addSuppression, memoryStore, OUT24_EVIDENCE, RG, source} from './fixture.js';

const at = (t: string) => parseIsoInstant(t)!.micros;
const NOW = at('2025-12-29T17:00:00Z');
const H24 = 24 * MICROS_PER_HOUR;
type Store = ReturnType<typeof memoryStore>;

function opts(over: Partial<BriefV2Options> = {}): BriefV2Options {
  return {
    now: NOW,
    sinceMicros: H24,
    includeClass0: false,
    limit: 20,
    runGroupId: RG,
    mode: 'strict',
    configHash: 'c'.repeat(64),
    hardstopVersion: '0.1.0',
    sources: [],
    ...over,
  };
}

function brief(store: Store | undefined, over: Partial<BriefV2Options> = {}): BriefModelV2 {
  return buildBriefV2(store, opts(over)).model;
}

function group(mode: Mode = 'strict'): {group: RunGroup; records: RunRecord[]} {
  const records: RunRecord[] = [];
  const g = new RunGroup({command: 'test', args: {}, clock: new PinnedClock(NOW), mode, configHash: 'c'.repeat(64), version: '0.1.0', sink: {write: (r) => void records.push(r)}});
  return {group: g, records};
}

/** A store with every kind of content the brief shows. */
function richStore(): Store {
  const store = memoryStore();
  store.db
    .prepare("INSERT INTO facilities (facility_id, name, type, city, state, lat, lon) VALUES ('DC-1', 'Memphis DC', 'DC', 'Memphis', 'TN', 35.15, -90.05), ('PL-2', 'Plant | Two', 'PLANT', 'Avon', 'IN', NULL, NULL)")
    .run();
  addAlert(store, {
    alertId: 'A-UPD',
    classification: 2,
    impact: 9,
    summary: 'Fire *and* flood at [DC] <b> | # > x',
    tier: 'regional',
    versions: 3,
    facilities: ['PL-2', 'DC-1'],
    lanes: ['L-2', 'L-1'],
    shipments: ['S2', 'S1'],
    shipmentsTotal: 10,
    rationale: ['+2: Facility criticality_score >= 7 (DC-1=8) [rules/score.yaml:14]', '+1: Trust tier 3 bonus'],
  });
  addAlert(store, {alertId: 'A-NEW', classification: 1, impact: 2, tier: 'continental', facilities: ['GHOST-9']});
  addAlert(store, {alertId: 'A-ZERO', classification: 0, impact: 0, tier: 'local'});
  for (const [i, rule] of ['r-b', 'r-a', 'r-a'].entries()) {
    addRawItem(store, {rawId: `raw-s${i}`, sourceId: 'src-a', status: 'SUPPRESSED', title: `Test alert ${i}`});
    addEvent(store, {eventId: `ev-s${i}`, rawId: `raw-s${i}`, sourceId: 'src-a', suppressed: true});
    addSuppression(store, `ev-s${i}`, `raw-s${i}`, 'src-a', [rule], `2025-12-29T16:0${i}:00Z`);
  }
  addSourceRun(store, 'src-a', 'FETCH', '2025-12-29T16:00:00Z');
  addSourceRun(store, 'src-a', 'INGEST', '2025-12-29T16:00:00Z', {items_processed: 16, items_suppressed: 3});
  return store;
}

const SOURCES = [source('src-a'), source('src-new', {tier: 'local', order: 1}), source('src-off', {enabled: false, order: 2})];

describe('brief v2 read model (§8.1)', () => {
  it('OUT-1: counts, tier counts and sections over the whole window; top re-sorted by impact', () => {
    const store = memoryStore();
    for (let i = 0; i < 45; i++) addAlert(store, {alertId: `A-${String(i).padStart(2, '0')}`, classification: 2, impact: 100 - i, tier: 'global'});
    addAlert(store, {alertId: 'U-1', classification: 1, impact: 1, tier: 'regional', versions: 2});
    const m = brief(store);
    expect(m.summary.counts).toEqual({new: 45, updated: 1, impactful: 45, relevant: 1, interesting: 0});
    expect(m.summary.tier_counts).toEqual({global: 45, regional: 1, local: 0, unknown: 0});
    expect(m.updated.map((e) => [e.alert_id, e.action, e.version])).toEqual([['U-1', 'UPDATED', 2]]);
    expect(m.created).toHaveLength(20);
    expect(m.top.map((e) => e.impact_score)).toEqual([100, 99]);
  });

  it('OUT-2/OUT-3: canonical order with the alert id tie-breaker (R-12); the same store gives the same model', () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'B', classification: 2, impact: 5});
    addAlert(store, {alertId: 'A', classification: 2, impact: 10});
    addAlert(store, {alertId: 'D', classification: 1, impact: 3});
    addAlert(store, {alertId: 'C', classification: 1, impact: 3});
    const m = brief(store);
    expect(m.created.map((e) => e.alert_id)).toEqual(['A', 'B', 'C', 'D']);
    expect(canonicalJson(brief(store))).toBe(canonicalJson(m));
    expect(m.header.brief_id).toMatch(/^BRIEF-20251229-[0-9a-f]{16}$/);
  });

  it('OUT-4 and the header: 7d is 168h, the window ends at the run clock, brief_id hashes the model', () => {
    const m = brief(memoryStore(), {sinceMicros: 7 * 24 * MICROS_PER_HOUR});
    expect(m.window).toEqual({since: '168h', since_hours: 168, start: '2025-12-22T17:00:00Z', end: '2025-12-29T17:00:00Z'});
    expect(m.header).toMatchObject({generated_at: '2025-12-29T17:00:00Z', run_group_id: RG, run_ids: [], mode: 'strict', operator_version: 'hardstop.brief@2.0.0'});
    const other = brief(memoryStore(), {sinceMicros: 7 * 24 * MICROS_PER_HOUR, configHash: 'd'.repeat(64)});
    expect(other.header.brief_id).not.toBe(m.header.brief_id);
  });

  it('window: creation or last change in [start, end], compared as instants', () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'OLD', classification: 2, impact: 9, firstSeen: '2025-12-01T00:00:00Z', lastSeen: '2025-12-02T00:00:00Z'});
    addAlert(store, {alertId: 'RECENT-LAST', classification: 2, impact: 8, firstSeen: '2025-12-01T00:00:00Z', lastSeen: '2025-12-29T10:00:00Z'});
    addAlert(store, {alertId: 'EDGE', classification: 1, impact: 1, firstSeen: '2025-12-28T17:00:00Z', lastSeen: '2025-12-28T17:00:00Z'});
    addAlert(store, {alertId: 'FUTURE', classification: 2, impact: 9, firstSeen: '2025-12-30T00:00:00Z', lastSeen: '2025-12-30T00:00:00Z'});
    addAlert(store, {alertId: 'FRACTION', classification: 1, impact: 1, firstSeen: '2025-12-28T16:59:59.5Z', lastSeen: '2025-12-28T16:59:59.999999Z'});
    const m = brief(store);
    expect(m.created.map((e) => e.alert_id)).toEqual(['RECENT-LAST', 'EDGE']);
    // RECENT-LAST was created before the window: an ongoing incident.
    expect(m.summary.incidents).toEqual({new: 1, ongoing: 1});
  });

  it('R-10/R-11: class-0 alerts always counted; unrecognised tiers counted as unknown; quiet day says what is hidden', () => {
    const store = memoryStore();
    for (let i = 0; i < 10; i++) addAlert(store, {alertId: `Z-${i}`, classification: 0, impact: 1, tier: 'continental'});
    const m = brief(store);
    expect(m.summary.counts).toEqual({new: 0, updated: 0, impactful: 0, relevant: 0, interesting: 10});
    expect(m.summary.tier_counts).toEqual({global: 0, regional: 0, local: 0, unknown: 0});
    const md = renderBriefMarkdown(m);
    expect(md).toContain('## Quiet Day\n\nNo alerts found for the selected time window.\n\n10 interesting (class 0) alert(s) in the window are not listed; pass --include-class0 to list them.');
    const all = brief(store, {includeClass0: true});
    expect(all.summary.tier_counts.unknown).toBe(10);
    expect(all.created).toHaveLength(10);
    expect(renderBriefMarkdown(all)).toContain('### Unknown');
  });

  it('alert entries: words for labels, sorted scope lists, verbatim rationale, evidence by version; incidents for merged alerts', () => {
    const m = brief(richStore(), {sources: SOURCES});
    const upd = m.top[0];
    expect(upd).toMatchObject({
      alert_id: 'A-UPD',
      action: 'UPDATED',
      version: 3,
      classification_label: 'Impactful',
      facilities: ['DC-1', 'PL-2'],
      lanes: ['L-1', 'L-2'],
      shipments: ['S1', 'S2'],
      shipments_total_linked: 10,
      shipments_truncated: true,
      rationale: ['+2: Facility criticality_score >= 7 (DC-1=8) [rules/score.yaml:14]', '+1: Trust tier 3 bonus'],
      suppression: null,
      evidence: {verified: true, path: null},
    });
    expect(upd.evidence.merge_summary[0]).toBe('Correlation key matched existing alert');
    expect(m.created.map((e) => [e.alert_id, e.classification_label, e.tier])).toEqual([['A-NEW', 'Relevant', 'continental']]);
    expect(m.incidents).toEqual([
      {
        incident_id: 'A-UPD',
        correlation_key: 'CLOSURE|A-UPD',
        root_event_ids: ['A-UPD-e1', 'A-UPD-e2', 'A-UPD-e3'],
        start: '2025-12-29T16:00:00Z',
        end: '2025-12-29T16:30:00Z',
        update_count: 2,
        merge_summary: upd.evidence.merge_summary,
        evidence: {hash: upd.evidence.hash, path: null},
      },
    ]);
    expect(m.facilities).toEqual([
      {facility_id: 'DC-1', name: 'Memphis DC', lat: 35.15, lon: -90.05},
      {facility_id: 'PL-2', name: 'Plant | Two', lat: null, lon: null},
    ]);
  });

  it('suppression: verdict rollups (ties by id) and items newest first; INGEST totals and rate; source health and gating', () => {
    const m = brief(richStore(), {sources: SOURCES});
    expect(m.suppressed.count).toBe(3);
    expect(m.suppressed.by_rule).toEqual([
      {rule_id: 'r-a', count: 2},
      {rule_id: 'r-b', count: 1},
    ]);
    expect(m.suppressed.items.map((i) => [i.raw_id, i.rule_id, i.suppressed_at])).toEqual([
      ['raw-s2', 'r-a', '2025-12-29T16:02:00Z'],
      ['raw-s1', 'r-a', '2025-12-29T16:01:00Z'],
      ['raw-s0', 'r-b', '2025-12-29T16:00:00Z'],
    ]);
    expect(m.summary.suppression).toEqual({suppressed: 3, processed: 16, rate: 0.1875});
    expect(m.summary.sources).toEqual({blocked: [], watch: [], pending: ['src-new']});
    expect(m.source_health.map((h) => [h.source_id, h.state, h.display_state, h.suppression_pct, h.stale_hours])).toEqual([
      ['src-a', 'HEALTHY', 'HEALTHY', 19, 1],
      ['src-new', 'PENDING', 'PENDING', null, null],
    ]);
    expect(m.publication).toEqual({state: 'AUTHORITATIVE', readiness_state: 'READY', reasons: []});
    expect(brief(memoryStore(), {sources: []}).publication).toEqual({state: 'DRAFT_ONLY', readiness_state: 'BROKEN', reasons: ['No sources enabled']});
  });

  it('OUT-7: edited evidence is unverified and makes the brief DRAFT_ONLY', () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'T', classification: 2, impact: 5, evidence: {...OUT24_EVIDENCE, window_hours: 24}});
    const m = brief(store, {sources: SOURCES});
    expect(m.created[0].evidence).toMatchObject({hash: OUT24_EVIDENCE.artifact_hash, verified: false});
    expect(m.publication).toEqual({state: 'DRAFT_ONLY', readiness_state: 'READY', reasons: ['incident evidence failed verification: T']});
    expect(renderBriefMarkdown(m)).toContain('> **DRAFT_ONLY** — not authoritative: incident evidence failed verification: T');
  });

  it('an empty home (no database) is a quiet day', () => {
    const m = brief(undefined, {sources: SOURCES});
    expect(m.summary.counts).toEqual({new: 0, updated: 0, impactful: 0, relevant: 0, interesting: 0});
    expect(m.source_health.map((h) => h.display_state)).toEqual(['PENDING', 'PENDING']);
    expect(renderBriefMarkdown(m)).toContain('## Quiet Day');
  });
});

/** Every string and number scalar of a JSON value, with its path. */
function scalars(v: unknown, path = '$'): [string, string | number][] {
  if (typeof v === 'string' || typeof v === 'number') return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => scalars(x, `${path}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => scalars(x, `${path}.${k}`));
  return [];
}

describe('brief v2 renderers (§8.2)', () => {
  it('Markdown and JSON are content-equivalent: every scalar of the JSON is in the Markdown, and nothing the JSON lacks', () => {
    for (const m of [brief(richStore(), {sources: SOURCES}), brief(richStore(), {sources: SOURCES, includeClass0: true}), brief(undefined, {sources: SOURCES})]) {
      const json = renderBriefJson(m);
      const md = renderBriefMarkdown(m);
      const missing = scalars(JSON.parse(json))
        .filter(([path]) => path !== '$.read_model_version')
        .filter(([, v]) => !md.includes(typeof v === 'number' ? String(v) : escapeMarkdown(v)));
      expect(missing).toEqual([]);
      // The other direction: alert ids, facility ids and hashes in the Markdown all come from the JSON.
      const unescaped = md.replace(/\\(.)/g, '$1');
      for (const token of unescaped.match(/\b(?:A-[A-Z]+|[0-9a-f]{64}|DC-\d|PL-\d|GHOST-\d)\b/g) ?? []) expect(json).toContain(token);
    }
  });

  it('Markdown: header table, lossless entries, escaped user text (R-19), tables, one final newline', () => {
    const md = renderBriefMarkdown(brief(richStore(), {sources: SOURCES}));
    expect(md.startsWith('# Hardstop Daily Brief — 2025-12-29 (since 24h)\n\n| Field | Value |\n|---|---|\n| Brief id | BRIEF-20251229-')).toBe(true);
    expect(md).toContain('- **Impactful (2)** · impact 9 · source tier: regional · trust tier 2 — Fire \\*and\\* flood at \\[DC\\] \\<b\\> \\| \\# \\> x\n');
    expect(md).toContain('  - Facilities: DC-1 (Memphis DC), PL-2 (Plant \\| Two)\n');
    expect(md).toContain('  - Shipments: S1, S2 (10 linked, list truncated)\n');
    expect(md).toContain('  - Rationale:\n    - +2: Facility criticality\\_score \\>= 7 (DC-1=8) \\[rules/score.yaml:14\\]\n');
    expect(md).toContain('### Unknown\n\n- **Relevant (1)** · impact 2 · source tier: continental');
    expect(md).toContain('## Source Health\n\n| Source | Source tier | State | Shown as | Score | Suppressed % | Last success | Stale hours |\n|---|---|---|---|---|---|---|---|\n| src-a | regional | HEALTHY |');
    expect(md.endsWith('|\n') && !md.endsWith('\n\n')).toBe(true);
  });

  it('JSON: JCS key order, 2-space indent, UTF-8 unescaped, one final newline; the model round-trips', () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'Ü', classification: 2, impact: 1, summary: 'Zürich — 東京'});
    const m = brief(store);
    const text = renderBriefJson(m);
    expect(text).toContain('"summary": "Zürich — 東京"');
    expect(text.endsWith('}\n')).toBe(true);
    expect(canonicalJson(JSON.parse(text))).toBe(canonicalJson(m));
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['created', 'facilities', 'header', 'incidents', 'publication', 'read_model_version', 'source_health', 'summary', 'suppressed', 'top', 'updated', 'window']);
  });

  it('text: no markup, at most 100 columns, colour only when asked', () => {
    const store = richStore();
    addAlert(store, {alertId: 'W', classification: 2, impact: 4, summary: `Very long summary ${'word '.repeat(40)}end`, facilities: ['F1']});
    const m = brief(store, {sources: SOURCES});
    const plain = renderBriefText(m);
    for (const line of plain.split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
    expect(plain).not.toMatch(/\*\*|^#|\\_|\u001b/m);
    expect(plain).toContain('New: 2 | Updated: 1');
    expect(plain).toContain('* Impactful (2) · impact 4 · source tier: global · trust tier 2 — Very long summary word');
    const colour = renderBriefText(m, {color: true});
    expect(colour).toContain('\u001b[31mImpactful (2)\u001b[0m');
    expect(colour).toContain('\u001b[32mHEALTHY\u001b[0m');
    for (const line of colour.split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(100);
    expect(colour.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('the same model gives byte-identical output in every format', () => {
    const m = brief(richStore(), {sources: SOURCES});
    for (const f of ['md', 'json', 'html', 'text'] as const) expect(renderBriefV2(m, f)).toBe(renderBriefV2(JSON.parse(renderBriefJson(m)) as BriefModelV2, f));
  });

  it('helpers: escapeMarkdown and wrapLine', () => {
    expect(escapeMarkdown('a_b*c`d\\e\nf|#')).toBe('a\\_b\\*c\\`d\\\\e f\\|\\#');
    expect(wrapLine(`  ${'x'.repeat(250)}`, 100).every((l) => l.length <= 100)).toBe(true);
    expect(wrapLine('short')).toEqual(['short']);
  });
});

describe('brief operator (§8.5)', () => {
  it('records the alert versions and evidence read, the model hash and the rendered bytes', async () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'A', classification: 2, impact: 5, versions: 2});
    const {group: g, records} = group();
    const r = await runBriefV2Operator(store, g, {...opts({sources: SOURCES}), outputs: [{format: 'md', path: null}]});
    expect(records).toHaveLength(1);
    const rec = records[0];
    expect(rec.operator_id).toBe('hardstop.brief@2.0.0');
    const hashes = store.db.prepare('SELECT alert_hash, evidence_hash FROM alert_versions WHERE alert_id = ? AND version = 2').get('A') as {alert_hash: string; evidence_hash: string};
    expect(rec.input_refs.slice(1)).toEqual([
      {id: 'alert-version:A:2', hash: hashes.alert_hash, kind: 'AlertVersion'},
      {id: `incident-evidence:A:${hashes.evidence_hash}`, hash: hashes.evidence_hash, kind: 'IncidentEvidence'},
    ]);
    expect(rec.output_refs.map((o) => [o.id, o.kind, o.schema])).toEqual([
      [`brief-model:${r.model.header.brief_id}`, 'BriefModel', 'brief.v2'],
      ['brief:stdout:md', 'Brief', 'brief.v2::md'],
    ]);
    expect(rec.output_refs[1].bytes).toBe(Buffer.byteLength(r.texts[0]));
    expect(r.model.header.run_group_id).toBe(g.id);
  });

  it('OUT-7 and readiness: strict refuses a DRAFT_ONLY brief (record kept), best-effort publishes it with warnings', async () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'T', classification: 2, impact: 5, evidence: {...OUT24_EVIDENCE, window_hours: 24}});
    const strict = group('strict');
    await expect(runBriefV2Operator(store, strict.group, {...opts({sources: []}), outputs: [{format: 'json', path: null}]})).rejects.toMatchObject({
      code: 'INCIDENT_ARTIFACT_MISMATCH',
      exitCode: 2,
    });
    expect(strict.records[0].errors.map((e) => e.code)).toEqual(['INCIDENT_ARTIFACT_MISMATCH', 'BRIEF_NOT_PUBLISHED']);
    const lax = group('best-effort');
    const r = await runBriefV2Operator(store, lax.group, {...opts({sources: []}), outputs: [{format: 'json', path: null}]});
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['INCIDENT_ARTIFACT_MISMATCH', 'warning'],
      ['BRIEF_DRAFT_ONLY', 'warning'],
    ]);
    expect(r.model.publication.state).toBe('DRAFT_ONLY');
  });
});
