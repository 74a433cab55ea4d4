import {describe, expect, it} from 'vitest';
import {
  applyQuality,
  computeQualityCap,
  DEFAULT_QUALITY_THRESHOLDS,
  detectHighImpactKeywords,
  type CapInput,
  type QualityInput,
  type ScoringFactorFlags,
} from '../../src/pipeline/quality.js';
import {pyFixed2, pyFloatRepr} from '../../src/pipeline/pytext.js';
import fc from 'fast-check';
import {
  confidenceScore,
  confidenceScoreBp,
  confidenceScoreRef,
  formatBasisPoints,
  type LinkConfidences,
} from '../../src/pipeline/confidence.js';
import {reasoningLines, reasoningTexts, referenceReasoning} from '../../src/pipeline/reasoning.js';

const POLICY_A = {...DEFAULT_QUALITY_THRESHOLDS, allow_quality_override_floor: false};
const NO_FACTORS: ScoringFactorFlags = {criticality: false, lane_volume: false, priority_shipments: false};
const NO_KW = {has_high_impact_keyword: false, keywords: []};

describe('§7.1 high-impact keyword detector (K vectors)', () => {
  const cases: Array<[string, string, string[]]> = [
    ['K-1', 'Fire sale at warehouse', []],
    ['K-2', 'Fire at warehouse facility', ['FIRE']],
    ['K-3', 'Strike price increased', []],
    ['K-4', 'Strike at PLANT-01 facility', ['STRIKE']],
    ['K-5', 'Spill in Chicago, IL', ['SPILL']],
    ['K-6', 'SPILL reported\nat the PLANT', []],
    ['K-7', 'Campfire ban lifted in Boise, Idaho', ['FIRE']],
    ['K-8', 'Workers on strike at port', ['STRIKE']],
    ['K-9', 'Shutdown on 12/05/2024', ['SHUTDOWN']],
    ['K-10', 'Spill at plant; plant spill', ['SPILL', 'SPILL']],
  ];
  for (const [id, text, expected] of cases) {
    it(`${id}: ${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => {
      const r = detectHighImpactKeywords(text);
      expect(r.keywords).toEqual(expected);
      expect(r.has_high_impact_keyword).toBe(expected.length > 0);
    });
  }

  it('K-11: "later on the same line" crosses \\r (Python `.`), not \\n', () => {
    expect(detectHighImpactKeywords('SPILL reported\rat the PLANT').keywords).toEqual(['SPILL']);
    expect(detectHighImpactKeywords('SPILL reported\u2028at the PLANT').keywords).toEqual(['SPILL']);
  });

  it('K-12: word boundaries are Unicode (Python \\b): DC inside a word does not count', () => {
    expect(detectHighImpactKeywords('Strike at ÉDC').keywords).toEqual([]);
    expect(detectHighImpactKeywords('Strike at DC').keywords).toEqual(['STRIKE']);
    expect(detectHighImpactKeywords('SHUT  DOWN of the terminal').keywords).toEqual(['CLOSURE']);
    expect(detectHighImpactKeywords('Explosion at refinery').keywords).toEqual(['FIRE']);
    expect(detectHighImpactKeywords('Refinery explosion sale').keywords).toEqual([]);
  });

  it('K-13: the three location signals', () => {
    expect(detectHighImpactKeywords('strike, Ohio').location_signal).toBe(false); // lower-case word before the comma
    expect(detectHighImpactKeywords('Toledo,OH strike').keywords).toEqual(['STRIKE']);
    expect(detectHighImpactKeywords('closure near facility-9').keywords).toEqual(['CLOSURE']);
    expect(detectHighImpactKeywords('explosion 1-2-24').keywords).toEqual(['EXPLOSION']);
    expect(detectHighImpactKeywords('explosion 1-2-2024x').keywords).toEqual([]);
  });
});

function cap(over: Partial<CapInput>): number {
  return computeQualityCap({
    facilities: ['F-1'],
    lanes: [],
    shipments: [],
    link_confidence: {},
    facility_provenance: null,
    impact_score: 0,
    trust_tier: 2,
    factors: NO_FACTORS,
    high_impact: NO_KW,
    ...over,
  }).cap;
}

describe('§7.3 cap vectors Q-1..Q-11', () => {
  const kw = {has_high_impact_keyword: true, keywords: ['SPILL']};
  const crit = {...NO_FACTORS, criticality: true};
  const critVol = {...crit, lane_volume: true};
  const cases: Array<[string, Partial<CapInput>, number]> = [
    ['Q-1 none / score 5 / keyword / trust 3', {facilities: [], impact_score: 5, high_impact: kw, trust_tier: 3}, 0],
    ['Q-2 0.45 AMBIGUOUS / score 6 / trust 3', {link_confidence: {facility: 0.45}, facility_provenance: 'CITY_STATE_AMBIGUOUS', impact_score: 6, trust_tier: 3}, 0],
    [
      'Q-3 0.55 AMBIGUOUS, lanes 0.75 / score 5 / criticality / trust 3',
      {link_confidence: {facility: 0.55, lanes: 0.75}, lanes: ['LANE-1'], facility_provenance: 'CITY_STATE_AMBIGUOUS', impact_score: 5, factors: crit, trust_tier: 3},
      1,
    ],
    ['Q-4 0.55 AMBIGUOUS / score 2 / trust 2', {link_confidence: {facility: 0.55}, facility_provenance: 'CITY_STATE_AMBIGUOUS', impact_score: 2}, 0],
    ['Q-5 0.95 ID / score 5 / criticality + volume', {link_confidence: {facility: 0.95}, facility_provenance: 'FACILITY_ID_EXACT', impact_score: 5, factors: critVol}, 2],
    ['Q-6 0.95 / score 5 / criticality', {link_confidence: {facility: 0.95}, impact_score: 5, factors: crit}, 2],
    ['Q-7 0.95 / score 4 / criticality', {link_confidence: {facility: 0.95}, impact_score: 4, factors: crit}, 1],
    ['Q-8 0.70 CITY_STATE / score 4', {link_confidence: {facility: 0.7}, facility_provenance: 'CITY_STATE', impact_score: 4}, 1],
    ['Q-9 0.65 / score 3 / trust 1', {link_confidence: {facility: 0.65}, impact_score: 3, trust_tier: 1}, 0],
    ['Q-10 0.65 / score 3 / trust 2', {link_confidence: {facility: 0.65}, impact_score: 3}, 1],
    ['Q-11 missing / CITY_STATE / score 4', {link_confidence: {}, facility_provenance: 'CITY_STATE', impact_score: 4}, 0],
  ];
  for (const [name, over, expected] of cases) {
    it(`${name} → cap ${expected}`, () => expect(cap(over)).toBe(expected));
  }

  it('reason codes per branch (§7.6)', () => {
    const code = (over: Partial<CapInput>): string =>
      computeQualityCap({facilities: ['F'], lanes: [], shipments: [], link_confidence: {}, impact_score: 0, trust_tier: 2, factors: NO_FACTORS, high_impact: NO_KW, ...over}).code;
    expect(code({facilities: []})).toBe('CAP_NO_LINKS');
    expect(code({link_confidence: {facility: 0.45}, facility_provenance: 'CITY_STATE_AMBIGUOUS'})).toBe('CAP_AMBIGUOUS_LOW_CONF');
    expect(code({link_confidence: {facility: 0.5}, facility_provenance: 'CITY_STATE_AMBIGUOUS', trust_tier: 3, impact_score: 6})).toBe('CAP_AMBIGUOUS_COMPENSATED');
    expect(code({link_confidence: {facility: 0.5}, facility_provenance: 'CITY_STATE_AMBIGUOUS', trust_tier: 3})).toBe('CAP_AMBIGUOUS_INSUFFICIENT');
    expect(code({link_confidence: {facility: 0.95}, factors: {criticality: true, lane_volume: false, priority_shipments: true}})).toBe('CAP_HIGH_CONF_FACTORS');
    expect(code({link_confidence: {facility: 0.95}, high_impact: {has_high_impact_keyword: true, keywords: ['FIRE']}, impact_score: 5})).toBe(
      'CAP_HIGH_CONF_SINGLE_FACTOR_HIGH_SCORE',
    );
    expect(code({link_confidence: {facility: 0.95}})).toBe('CAP_HIGH_CONF_INSUFFICIENT');
    expect(code({link_confidence: {facility: 0.6}})).toBe('CAP_MEDIUM_CONF');
    expect(code({link_confidence: {facility: 0.6}, trust_tier: 1})).toBe('CAP_MEDIUM_CONF_LOW_TRUST');
    expect(code({link_confidence: {facility: 0.59}})).toBe('CAP_LOW_CONF');
  });

  it('compensators: shipments ≥ 0.60, several facilities, score ≥ 6', () => {
    const amb = {link_confidence: {facility: 0.5, shipments: 0.6}, facility_provenance: 'CITY_STATE_AMBIGUOUS'};
    expect(cap({...amb, shipments: ['S1'], facilities: ['A', 'B']})).toBe(1);
    expect(cap({...amb, shipments: [], facilities: ['A', 'B']})).toBe(0);
    expect(cap({...amb, facilities: ['A', 'B'], impact_score: 6})).toBe(1);
  });

  it('reference texts (Python formatting of confidences and thresholds)', () => {
    const r = (over: Partial<CapInput>): string =>
      computeQualityCap({facilities: ['F'], lanes: [], shipments: [], link_confidence: {}, impact_score: 0, trust_tier: 2, factors: NO_FACTORS, high_impact: NO_KW, ...over}).reason.text;
    expect(r({facilities: [], high_impact: {has_high_impact_keyword: true, keywords: ['SPILL', 'FIRE']}})).toBe(
      'No network links found; high-impact keyword detected (SPILL, FIRE) but requires network match for higher classification',
    );
    expect(r({facilities: [], trust_tier: 1, high_impact: {has_high_impact_keyword: true, keywords: ['SPILL']}})).toBe('No network links found');
    expect(r({link_confidence: {facility: 0.45}, facility_provenance: 'CITY_STATE_AMBIGUOUS'})).toBe(
      'Ambiguous facility match (confidence 0.45 < 0.5) without sufficient evidence',
    );
    expect(r({link_confidence: {facility: 0.55, lanes: 0.75}, lanes: ['L'], facility_provenance: 'CITY_STATE_AMBIGUOUS', trust_tier: 3})).toBe(
      'Ambiguous facility match (confidence 0.55) compensated by: high-trust source, strong lane links - capped at classification 1',
    );
    expect(r({link_confidence: {facility: 0.95}, factors: {criticality: true, lane_volume: true, priority_shipments: false}})).toBe(
      'High facility confidence (0.95 >= 0.7) with 2 high-impact factors',
    );
    expect(r({link_confidence: {facility: 0.85}})).toBe(
      'High facility confidence (0.85) but insufficient high-impact factors (0 found, requires 2+ for classification 2)',
    );
    expect(r({link_confidence: {facility: 0.65}, trust_tier: 1})).toBe(
      'Medium facility confidence (0.65 >= 0.6) but low trust tier (1) - insufficient for classification 1',
    );
    expect(r({link_confidence: {facility: 0.2}})).toBe('Low facility confidence (0.20 < 0.6) without sufficient compensating factors');
  });

  it('pyFixed2 / pyFloatRepr match Python', () => {
    expect([0.125, 0.375, 0.625, 0.875, 0.45, 0.7, 0.6849999999999999, 0, 1].map(pyFixed2)).toEqual([
      '0.12', '0.38', '0.62', '0.88', '0.45', '0.70', '0.68', '0.00', '1.00',
    ]);
    expect([0.5, 0.6, 1, 0.65].map(pyFloatRepr)).toEqual(['0.5', '0.6', '1.0', '0.65']);
  });
});

function q(over: Partial<QualityInput>, thresholds = DEFAULT_QUALITY_THRESHOLDS) {
  return applyQuality(
    {
      title: '',
      raw_text: '',
      facilities: ['F-X'],
      lanes: [],
      shipments: [],
      link_confidence: {},
      facility_provenance: null,
      impact_score: 0,
      trust_tier: 2,
      factors: NO_FACTORS,
      base_classification: 0,
      classification_floor: 0,
      ...over,
    },
    thresholds,
  );
}

describe('§7.4 cap and floor through the builder (Q-12..Q-17)', () => {
  it('Q-12: Policy A; linked by id, crit 8, trust 3, floor 0, score 4 → class 1; TS prints no floor line', () => {
    const r = q(
      {
        title: 'Strike continues at F-X',
        raw_text: 'Strike continues at F-X',
        link_confidence: {facility: 0.95},
        facility_provenance: 'FACILITY_ID_EXACT',
        factors: {criticality: true, lane_volume: false, priority_shipments: false},
        impact_score: 4,
        base_classification: 2,
        trust_tier: 3,
      },
      POLICY_A,
    );
    expect(r.cap.cap).toBe(1);
    expect(r.cap.high_impact_factors_count).toBe(1);
    expect(r.classification).toBe(1);
    expect(r.floor_reason).toBeNull();
    expect(r.reasons.map((e) => e.code)).toEqual(['CAP_HIGH_CONF_INSUFFICIENT']);
    expect(r.reference_lines.at(-1)).toBe('Source policy minimum enforced: 0 (overrides quality cap of 1)');
    expect(r.quality_validation.applied_policy).toBe('A');
  });

  it('Q-13: Policy B; name link 0.85, no factors, score 1, trust 3, floor 1 → class 1 raised', () => {
    const r = q({link_confidence: {facility: 0.85}, facility_provenance: 'FACILITY_NAME_SUBSTRING', impact_score: 1, base_classification: 0, trust_tier: 3, classification_floor: 1});
    expect([r.cap.cap, r.classification]).toEqual([1, 1]);
    expect(r.floor_reason?.code).toBe('FLOOR_RAISED');
    expect(r.floor_reason?.text).toBe('Source policy minimum: 1 (raised from quality-capped 0)');
    expect(r.reference_lines).toEqual(['Source policy minimum: 1 (raised from quality-capped 0)']);
  });

  it('Q-14: Policy B; as Q-13 with trust 2 and floor 2 → class 1; TS says the cap limited it', () => {
    const r = q({link_confidence: {facility: 0.85}, facility_provenance: 'FACILITY_NAME_SUBSTRING', impact_score: 1, base_classification: 0, trust_tier: 2, classification_floor: 2});
    expect(r.classification).toBe(1);
    expect(r.floor_reason).toMatchObject({code: 'FLOOR_RAISED', params: {floor: 2, from: 0, to: 1, cap: 1, limited_by_cap: true}});
    expect(r.floor_reason?.text).toBe('Source policy minimum 2 raised the class from quality-capped 0 to 1 (limited by quality cap 1)');
    expect(r.reference_lines).toEqual(['Source policy minimum: 2 (raised from quality-capped 0)']);
  });

  it('Q-15: Policy B; confidence 0.20 CITY_STATE, trust 3, floor 1 → class 0, floor blocked', () => {
    const r = q({link_confidence: {facility: 0.2}, facility_provenance: 'CITY_STATE', trust_tier: 3, classification_floor: 1, impact_score: 3, base_classification: 1});
    expect([r.cap.cap, r.classification]).toEqual([0, 0]);
    expect(r.reasons.map((e) => e.code)).toEqual(['CAP_LOW_CONF', 'FLOOR_BLOCKED_BY_CAP']);
    expect(r.floor_reason?.text).toBe('Source policy minimum 1 not applied above quality cap 0');
  });

  it('Q-16: Policy A; city/state 0.70, trust 1, floor 2, score 0 → class 2, cap 1, policy A', () => {
    const r = q({link_confidence: {facility: 0.7}, facility_provenance: 'CITY_STATE', trust_tier: 1, classification_floor: 2, impact_score: 0, base_classification: 0}, POLICY_A);
    expect([r.classification, r.cap.cap, r.quality_validation.applied_policy]).toEqual([2, 1, 'A']);
    expect(r.floor_reason?.code).toBe('FLOOR_OVERRIDES_CAP');
    expect(r.floor_reason?.text).toBe('Source policy minimum enforced: 2 (overrides quality cap of 1)');
  });

  it('Q-17: Policy A; unlinked, floor 1 → class 1', () => {
    const r = q({facilities: [], classification_floor: 1}, POLICY_A);
    expect([r.classification, r.cap.cap]).toEqual([1, 0]);
    expect(r.floor_reason?.code).toBe('FLOOR_OVERRIDES_CAP');
  });

  it('Q-18 (TS): Policy A floor raising within the cap is FLOOR_RAISED', () => {
    const r = q({link_confidence: {facility: 0.95}, classification_floor: 1, base_classification: 0}, POLICY_A);
    expect([r.classification, r.cap.cap]).toEqual([1, 1]);
    expect(r.floor_reason).toMatchObject({code: 'FLOOR_RAISED', text: 'Source policy minimum enforced: 1 (raised from 0)'});
  });

  it('§7.5 quality_validation metadata (integers only)', () => {
    const r = q({link_confidence: {facility: 0.85}, facility_provenance: 'FACILITY_NAME_SUBSTRING', impact_score: 1, trust_tier: 3, classification_floor: 1});
    expect(r.quality_validation).toEqual({
      max_allowed_classification: 1,
      high_impact_factors_count: 0,
      facility_confidence_bp: 8500,
      facility_provenance: 'FACILITY_NAME_SUBSTRING',
      applied_policy: 'B',
      cap_reason_code: 'CAP_HIGH_CONF_INSUFFICIENT',
      floor_reason_code: 'FLOOR_RAISED',
    });
    const missing = q({facilities: []});
    expect(missing.quality_validation.facility_confidence_bp).toBe(0);
    expect(missing.quality_validation.facility_provenance).toBe('');
  });

  it('cap reasons appear only when the cap lowered the class', () => {
    expect(q({link_confidence: {facility: 0.95}, base_classification: 1}).reasons).toEqual([]);
    expect(q({link_confidence: {facility: 0.95}, base_classification: 2}).reasons.map((e) => e.code)).toEqual(['CAP_HIGH_CONF_INSUFFICIENT']);
  });

  it('Policy B invariant: final class never exceeds the cap; Policy A: never below the floor', () => {
    for (let c0 = 0; c0 <= 2; c0++) {
      for (let floor = 0; floor <= 2; floor++) {
        for (const F of [0, 0.45, 0.65, 0.95]) {
          const b = q({link_confidence: {facility: F}, base_classification: c0, classification_floor: floor});
          expect(b.classification).toBeLessThanOrEqual(b.cap.cap);
          expect(b.classification).toBeGreaterThanOrEqual(Math.min(c0, b.cap.cap));
          const a = q({link_confidence: {facility: F}, base_classification: c0, classification_floor: floor}, POLICY_A);
          expect(a.classification).toBeGreaterThanOrEqual(floor);
        }
      }
    }
  });
});

describe('§9.3 confidence score (CS vectors)', () => {
  const cases: Array<[string, LinkConfidences, number, number, string]> = [
    // [id, inputs, reference float (as computed), stored basis points, display]
    ['CS-1', {facility: 0.7, lanes: 0.7, shipments: 0.6}, 0.6849999999999999, 6850, '0.6850'],
    ['CS-2', {facility: 0.95, lanes: 0.7, shipments: 0.6}, 0.8349999999999999, 8350, '0.8350'],
    ['CS-3', {facility: 0.85, lanes: 0.7, shipments: 0.6}, 0.775, 7750, '0.7750'],
    ['CS-4', {facility: 0.85}, 0.51, 5100, '0.5100'],
    ['CS-5', {facility: 0.95}, 0.57, 5700, '0.5700'],
    ['CS-6', {}, 0.0, 0, '0.0000'],
  ];
  for (const [id, conf, ref, bp, text] of cases) {
    it(`${id}: ref ${ref}, stored ${bp} bp`, () => {
      expect(confidenceScoreRef(conf)).toBe(ref);
      expect(confidenceScore(conf)).toEqual({confidence_score_bp: bp, confidence_score_text: text});
    });
  }

  it('CS-7: lanes only → L × 0.5; null counts as missing', () => {
    expect(confidenceScoreRef({lanes: 0.7, facility: null})).toBe(0.35);
    expect(confidenceScoreBp({lanes: 0.7, facility: null})).toBe(3500);
    expect(confidenceScoreBp({lanes: 0.0001})).toBe(1); // half up
  });

  it('basis points stay within one of the rounded reference float (property)', () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 10000}), fc.integer({min: 0, max: 10000}), fc.integer({min: 0, max: 10000}), (f, l, s) => {
        const conf = {facility: f / 10000, lanes: l / 10000, shipments: s / 10000};
        const bp = confidenceScoreBp(conf);
        expect(Number.isInteger(bp)).toBe(true);
        expect(Math.abs(bp - confidenceScoreRef(conf) * 10000)).toBeLessThanOrEqual(0.5 + 1e-6);
      }),
    );
  });

  it('formatBasisPoints', () => {
    expect([0, 1, 10000, 6850].map(formatBasisPoints)).toEqual(['0.0000', '0.0001', '1.0000', '0.6850']);
  });
});

describe('§9.2 reasoning lines', () => {
  it('RS-1: base lines, then cap reasons (only when the cap lowered), then the floor line', () => {
    const r = q({link_confidence: {facility: 0.85}, facility_provenance: 'FACILITY_NAME_SUBSTRING', impact_score: 5, base_classification: 2, classification_floor: 0});
    const lines = reasoningLines({
      eventType: 'SPILL',
      classification: r.classification,
      impactScore: 5,
      cap: r.cap.cap,
      capReasons: r.cap_reasons,
      floorReason: r.floor_reason,
    });
    expect(reasoningTexts(lines)).toEqual([
      'Event type: SPILL',
      'Classification: 1 (from network_impact_score=5, quality_cap=1)',
      'Scope derived from network entity matching.',
      'High facility confidence (0.85) but insufficient high-impact factors (0 found, requires 2+ for classification 2)',
    ]);
    expect(lines.map((l) => l.code)).toEqual(['EVENT_TYPE', 'CLASSIFICATION', 'SCOPE_FROM_NETWORK', 'CAP_HIGH_CONF_INSUFFICIENT']);
    expect(lines[1].params).toEqual({classification: 1, impact_score: 5, quality_cap: 1});
  });

  it('RS-2: no network data', () => {
    const lines = reasoningLines({eventType: 'WEATHER', classification: 1, impactScore: null, cap: 0, capReasons: [], floorReason: null});
    expect(reasoningTexts(lines)[1]).toBe('Classification: 1 (from severity_guess (no network data))');
    expect(lines[1].code).toBe('CLASSIFICATION_NO_NETWORK');
  });

  it('RS-3 (Q-12): reference lines keep the misleading Policy A floor line; TS lines omit it', () => {
    const r = q(
      {
        title: 'Strike continues at F-X',
        raw_text: 'Strike continues at F-X',
        link_confidence: {facility: 0.95},
        factors: {criticality: true, lane_volume: false, priority_shipments: false},
        impact_score: 4,
        base_classification: 2,
        trust_tier: 3,
      },
      POLICY_A,
    );
    const ts = reasoningTexts(
      reasoningLines({eventType: 'STRIKE', classification: r.classification, impactScore: 4, cap: r.cap.cap, capReasons: r.reasons, floorReason: null}),
    );
    const ref = referenceReasoning({eventType: 'STRIKE', classification: r.classification, impactScore: 4, cap: r.cap.cap, qualityReferenceLines: r.reference_lines});
    expect(ref.at(-1)).toBe('Source policy minimum enforced: 0 (overrides quality cap of 1)');
    expect(ts.some((l) => l.startsWith('Source policy'))).toBe(false);
    expect(ref.slice(0, -1)).toEqual(ts);
  });
});
