import {describe, expect, it} from 'vitest';
import {canonicalJson} from '../../src/kernel/canonical-json.js';
import {MICROS_PER_HOUR, parseIsoInstant} from '../../src/kernel/time.js';
import {buildBrief, type BriefModel} from '../../src/reports/brief.js';
import {escapeMarkdown, renderBrief, wrapLine} from '../../src/reports/render-brief.js';
import {addAlert, addEvent, addRawItem, addSuppression, memoryStore, OUT24_EVIDENCE} from './fixture.js';

const at = (t: string) => parseIsoInstant(t)!.micros;
const NOW = at('2025-12-29T17:00:00Z');
const H24 = 24 * MICROS_PER_HOUR;

function brief(store: ReturnType<typeof memoryStore>, over: Partial<{sinceMicros: number; includeClass0: boolean; limit: number; now: number}> = {}): BriefModel {
  return buildBrief(store, {now: NOW, sinceMicros: H24, includeClass0: false, limit: 20, ...over});
}

describe('brief v1 read model', () => {
  it('OUT-1: counts, tier counts and sections over the whole window', () => {
    const store = memoryStore();
    for (let i = 0; i < 45; i++) addAlert(store, {alertId: `A-${String(i).padStart(2, '0')}`, classification: 2, impact: 100 - i, tier: 'global'});
    addAlert(store, {alertId: 'U-1', classification: 1, impact: 1, tier: 'regional', versions: 2});
    const m = brief(store);
    expect(m.counts).toEqual({new: 45, updated: 1, impactful: 45, relevant: 1, interesting: 0});
    expect(m.tier_counts).toEqual({global: 45, regional: 1, local: 0, unknown: 0});
    expect(m.updated.map((e) => e.alert_id)).toEqual(['U-1']);
    expect(m.updated[0].correlation).toEqual({key: 'CLOSURE|U-1', action: 'UPDATED', alert_id: 'U-1'});
    expect(m.created).toHaveLength(20);
    expect(m.created[0].alert_id).toBe('A-00');
    expect(m.suppressed_legacy).toEqual({total_queried: 46, limit_applied: 20});
    expect(m.top.map((e) => e.impact_score)).toEqual([100, 99]);
  });

  it('OUT-2/OUT-3: impact order, top re-sorted, identical on a second query; ties broken by alert id', () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'B', classification: 2, impact: 5});
    addAlert(store, {alertId: 'A', classification: 2, impact: 10});
    addAlert(store, {alertId: 'D', classification: 1, impact: 3});
    addAlert(store, {alertId: 'C', classification: 1, impact: 3});
    const m = brief(store);
    expect(m.created.map((e) => e.alert_id)).toEqual(['A', 'B', 'C', 'D']);
    expect(m.top.map((e) => e.alert_id)).toEqual(['A', 'B']);
    expect(canonicalJson(brief(store))).toBe(canonicalJson(m));
  });

  it('OUT-4: 7d is reported as 168h; the window ends at the run clock', () => {
    const m = brief(memoryStore(), {sinceMicros: 7 * 24 * MICROS_PER_HOUR});
    expect(m.window).toEqual({since: '168h', since_hours: 168, start: '2025-12-22T17:00:00Z', end: '2025-12-29T17:00:00Z'});
    expect(m.generated_at_utc).toBe('2025-12-29T17:00:00Z');
  });

  it('OUT-6 (TS, R-10): class-0 alerts are counted and reported as hidden; quiet day still renders', () => {
    const store = memoryStore();
    for (let i = 0; i < 10; i++) addAlert(store, {alertId: `Z-${i}`, classification: 0, impact: 1});
    const m = brief(store);
    expect(m.counts).toEqual({new: 0, updated: 0, impactful: 0, relevant: 0, interesting: 10});
    expect(m.hidden).toEqual({class0: 10});
    expect(m.tier_counts.global).toBe(0);
    const md = renderBrief(m, 'md');
    expect(md).toContain('## Quiet Day');
    expect(md).toContain('- **Hidden:** 10 class-0 alert(s) not listed (pass --include-class0 to list them)');
    const withZero = brief(store, {includeClass0: true});
    expect(withZero.counts.new).toBe(10);
    expect(withZero.hidden.class0).toBe(0);
    expect(withZero.suppressed_legacy.total_queried).toBe(10);
  });

  it('window: alerts outside [now − since, now] are left out; first or last sighting counts', () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'OLD', classification: 2, impact: 9, firstSeen: '2025-12-01T00:00:00Z', lastSeen: '2025-12-02T00:00:00Z'});
    addAlert(store, {alertId: 'RECENT-LAST', classification: 2, impact: 8, firstSeen: '2025-12-01T00:00:00Z', lastSeen: '2025-12-29T10:00:00Z'});
    addAlert(store, {alertId: 'EDGE', classification: 1, impact: 1, firstSeen: '2025-12-28T17:00:00Z', lastSeen: '2025-12-28T17:00:00Z'});
    addAlert(store, {alertId: 'FUTURE', classification: 2, impact: 9, firstSeen: '2025-12-30T00:00:00Z', lastSeen: '2025-12-30T00:00:00Z'});
    addAlert(store, {alertId: 'FRACTION', classification: 1, impact: 1, firstSeen: '2025-12-28T16:59:59.5Z', lastSeen: '2025-12-28T16:59:59.999999Z'});
    const ids = brief(store).created.map((e) => e.alert_id);
    expect(ids).toEqual(['RECENT-LAST', 'EDGE']);
  });

  it('R-11: unrecognised tiers are counted and grouped as Unknown', () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'X', classification: 2, impact: 3, tier: 'continental'});
    addAlert(store, {alertId: 'Y', classification: 2, impact: 2, tier: null});
    const m = brief(store);
    expect(m.tier_counts).toEqual({global: 0, regional: 0, local: 0, unknown: 2});
    const md = renderBrief(m, 'md');
    expect(md).toContain('### Unknown\n\n- **[2][?]** Alert X (T2)');
  });

  it('suppressed: counts by primary rule and source in the window, ties by id, top 5', () => {
    const store = memoryStore();
    const add = (n: number, rule: string, source: string, decidedAt = '2025-12-29T16:00:00Z') => {
      for (let i = 0; i < n; i++) {
        const id = `${rule}-${source}-${i}-${decidedAt}`;
        addRawItem(store, {rawId: `raw-${id}`, sourceId: source, status: 'SUPPRESSED'});
        addEvent(store, {eventId: `ev-${id}`, rawId: `raw-${id}`, sourceId: source, suppressed: true});
        addSuppression(store, `ev-${id}`, `raw-${id}`, source, [rule], decidedAt);
      }
    };
    add(3, 'r-b', 's1');
    add(3, 'r-a', 's2');
    add(1, 'r-c', 's1');
    add(5, 'r-old', 's1', '2025-12-01T00:00:00Z');
    for (const r of ['r-d', 'r-e', 'r-f']) add(1, r, 's3');
    const m = brief(store);
    expect(m.suppressed.count).toBe(10);
    expect(m.suppressed.by_rule).toEqual([
      {rule_id: 'r-a', count: 3},
      {rule_id: 'r-b', count: 3},
      {rule_id: 'r-c', count: 1},
      {rule_id: 'r-d', count: 1},
      {rule_id: 'r-e', count: 1},
    ]);
    expect(m.suppressed.by_source).toEqual([
      {source_id: 's1', count: 4},
      {source_id: 's2', count: 3},
      {source_id: 's3', count: 3},
    ]);
    expect(renderBrief(m, 'md')).toContain('- **Suppressed:** 10 (top: r-a=3, r-b=3, r-c=1)');
  });

  it('OUT-7: edited evidence is flagged, keeps its stored hash, and renders as UNVERIFIED', () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'T', classification: 2, impact: 5, evidence: {...OUT24_EVIDENCE, window_hours: 24}});
    const m = brief(store);
    const ev = m.created[0].evidence_summary!;
    expect(ev.artifact_hash).toBe(OUT24_EVIDENCE.artifact_hash);
    expect(ev.artifact_hash_verified).toBe(false);
    expect(ev.artifact_hash_expected).toMatch(/^[0-9a-f]{64}$/);
    expect(ev.artifact_hash_expected).not.toBe(OUT24_EVIDENCE.artifact_hash);
    expect(renderBrief(m, 'md')).toContain('  - Evidence (UNVERIFIED): artifact 8ab0c3c0');
  });
});

describe('brief renderers', () => {
  function demoStore() {
    const store = memoryStore();
    addAlert(store, {
      alertId: 'ALERT-20251229-d31a370b',
      classification: 2,
      impact: 7,
      summary: 'Hydrochloric acid spill at Avon chemical plant',
      key: 'SAFETY|PLANT-01|LANE-001',
      tier: null,
      trust: 2,
      firstSeen: '2026-11-25T09:44:09.792102Z',
      lastSeen: '2026-11-25T09:44:09.792102Z',
      facilities: ['PLANT-01'],
      lanes: ['LANE-001', 'LANE-002', 'LANE-003'],
      shipments: ['SHP-1001', 'SHP-1002', 'SHP-1005', 'SHP-1004', 'SHP-1003', 'SHP-1006'],
      evidence: OUT24_EVIDENCE,
    });
    return store;
  }

  it('Markdown: the §2.6 example layout (TS instants in Z form, one final newline)', () => {
    const m = buildBrief(demoStore(), {now: at('2026-11-25T10:00:00Z'), sinceMicros: 87600 * MICROS_PER_HOUR, includeClass0: false, limit: 20});
    expect(renderBrief(m, 'md')).toBe(
      [
        '# Hardstop Daily Brief — 2026-11-25 (since 87600h)',
        '',
        '## Summary',
        '',
        '- **New:** 1 | **Updated:** 0',
        '- **Impactful (2):** 1 | **Relevant (1):** 0 | **Interesting (0):** 0',
        '- **Tier:** Unknown 1',
        '',
        '## Top Impact',
        '',
        '### Unknown',
        '',
        '- **[2][?]** Hydrochloric acid spill at Avon chemical plant (T2)',
        '  - **Key:** SAFETY|PLANT-01|LANE-001',
        '  - Facilities: PLANT-01 | Lanes: LANE-001, LANE-002, LANE-003 | Shipments: 6',
        '  - **Last seen:** 2026-11-25T09:44:09.792102Z | **Updates:** 0',
        '  - Evidence: artifact 8ab0c3c0',
        '',
        '## New Alerts',
        '',
        '### Unknown',
        '',
        '- **[2][?]** Hydrochloric acid spill at Avon chemical plant (T2)',
        '  - Evidence: artifact 8ab0c3c0',
        '',
      ].join('\n'),
    );
  });

  it('Markdown: updated entries, merge summaries, +k more, shipments shown/total, DRAFT_ONLY banner, escaping', () => {
    const store = memoryStore();
    addAlert(store, {
      alertId: 'U',
      classification: 2,
      impact: 9,
      summary: 'Fire *and* flood at [DC] <b>',
      tier: 'regional',
      trust: 0,
      versions: 3,
      facilities: ['F1', 'F2', 'F3', 'F4', 'F5'],
      shipments: ['S1', 'S2'],
      shipmentsTotal: 10,
    });
    addAlert(store, {alertId: 'L', classification: 1, impact: 2, tier: 'local', versions: 2});
    const m = buildBrief(store, {now: NOW, sinceMicros: H24, includeClass0: false, limit: 20, publication: {state: 'DRAFT_ONLY', readiness_state: 'BROKEN', reasons: ['source x BLOCKED', 'rules invalid']}});
    const md = renderBrief(m, 'md');
    expect(md.startsWith('# Hardstop Daily Brief — 2025-12-29 (since 24h)\n\n> **DRAFT_ONLY** — not authoritative: source x BLOCKED; rules invalid\n\n## Summary\n')).toBe(true);
    expect(md).toContain('- **Tier:** Regional 1 | Local 1\n');
    expect(md).toContain(
      [
        '- **[2][R]** Fire \\*and\\* flood at \\[DC\\] \\<b>',
        '  - **Key:** CLOSURE|U',
        '  - Facilities: F1, F2, F3 (+2 more) | Shipments: 2/10',
        '  - **Last seen:** 2025-12-29T16:30:00Z | **Updates:** 2',
        '  - Evidence: Correlation key matched existing alert; Existing alert seen within 168h window; Shared facilities: F1, F2, F3, F4, F5',
        '',
      ].join('\n'),
    );
    expect(md).toContain(
      [
        '## Updated Alerts',
        '',
        '### Regional',
        '',
        '- **[2][R]** Fire \\*and\\* flood at \\[DC\\] \\<b> — Updates: 2',
        '  - Evidence: Correlation key matched existing alert; Existing alert seen within 168h window; Shared facilities: F1, F2, F3, F4, F5',
        '',
        '### Local',
        '',
        '- **[1][L]** Alert L (T2) — Updates: 1',
      ].join('\n'),
    );
    expect(md).not.toContain('## New Alerts');
    expect(md.endsWith('\n') && !md.endsWith('\n\n')).toBe(true);
  });

  it('JSON: JCS key order, 2-space indent, UTF-8 unescaped, one final newline; model round-trips', () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'Ü', classification: 2, impact: 1, summary: 'Zürich — 東京'});
    const m = brief(store);
    const text = renderBrief(m, 'json');
    expect(text).toContain('"summary": "Zürich — 東京"');
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text) as BriefModel;
    expect(canonicalJson(parsed)).toBe(canonicalJson(m));
    expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
    expect(parsed.read_model_version).toBe('brief.v1');
    expect(Object.keys(parsed.created[0]).sort()).toEqual(
      ['alert_id', 'classification', 'correlation', 'evidence_summary', 'first_seen_utc', 'impact_score', 'last_seen_utc', 'scope', 'summary', 'tier', 'trust_tier', 'update_count', 'version'].sort(),
    );
  });

  it('text: no Markdown markup, at most 100 columns, same facts', () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'W', classification: 2, impact: 4, summary: `Very long summary ${'word '.repeat(40)}end`, facilities: ['F1']});
    const text = renderBrief(brief(store), 'text');
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
    expect(text).not.toMatch(/\*\*|^#/m);
    expect(text).toContain('Hardstop Daily Brief — 2025-12-29 (since 24h)');
    expect(text).toContain('New: 1 | Updated: 0');
    expect(text).toContain('* [2][G] Very long summary word');
    expect(text).toContain('end (T2)');
  });

  it('helpers: escapeMarkdown and wrapLine', () => {
    expect(escapeMarkdown('a_b*c`d\\e\nf')).toBe('a\\_b\\*c\\`d\\\\e f');
    expect(wrapLine('  ' + 'x'.repeat(250), 100).every((l) => l.length <= 100)).toBe(true);
    expect(wrapLine('short')).toEqual(['short']);
  });
});
