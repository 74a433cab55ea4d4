import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {canonicalJson} from '../../src/kernel/canonical-json.js';
import {RUNTIME_DEFAULTS} from '../../src/config/runtime.js';
import {
  confidenceScore,
  confidenceScoreBp,
  confidenceScoreRef,
  formatBasisPoints,
  type LinkConfidences,
} from '../../src/pipeline/confidence.js';
import {applyQuality, detectHighImpactKeywords, highImpactText, type FloorPolicy, type QualityResult} from '../../src/pipeline/quality.js';
import {reasoningLines, reasoningTexts} from '../../src/pipeline/reasoning.js';
import {loadRulePack} from '../../src/rules/loader.js';
import type {QualityResult as PackCap} from '../../src/rules/model.js';
import {emptyContext, type RuleContext} from '../../src/rules/schema.js';
import {ROOT} from '../helpers/cli.js';

const POLICY_A: FloorPolicy = {allow_quality_override_floor: false};
const POLICY_B: FloorPolicy = {allow_quality_override_floor: true};
const AMBIGUOUS = 'CITY_STATE_AMBIGUOUS';

/** The shipped pack: its `quality:` table (rules/supply-chain/quality.yaml) is the §7.3 cap. */
const PACK = (() => {
  const r = loadRulePack('rules/supply-chain', {cwd: ROOT});
  if (!r.pack) throw new Error(`shipped pack does not compile: ${JSON.stringify(r.diagnostics)}`);
  return r.pack;
})();

type Flag = 'criticality' | 'lane_volume' | 'priority_shipments';

/** The inputs of a §7.7 vector: what the pack's quality rows read. Absent confidences are missing. */
interface Vector {
  /** Linked facilities (default 1), lanes and shipments (default 0). */
  facilities?: number;
  lanes?: number;
  shipments?: number;
  facility_conf?: number;
  lane_conf?: number;
  shipment_conf?: number;
  provenance?: string;
  score: number;
  trust: number;
  /** Factor flags set by the score rules (§7.2). */
  flags?: Flag[];
  /** Labels of the §7.1 detector. */
  keywords?: string[];
  /** Overrides of `alert_quality` (default RUNTIME_DEFAULTS). */
  config?: Partial<RuleContext['config']>;
}

const ids = (prefix: string, n: number): string[] => Array.from({length: n}, (_, i) => `${prefix}-${i + 1}`);

/** The context decide.ts hands to `pack.quality`, reduced to what a vector specifies. */
function ruleContext(v: Vector): RuleContext {
  const empty = emptyContext();
  return {
    ...empty,
    source: {...empty.source, trust_tier: v.trust},
    facilities: ids('F', v.facilities ?? 1).map((id) => ({id, name: null, type: null, city: null, state: null, criticality: null})),
    lanes: ids('LANE', v.lanes ?? 0).map((id) => ({id, origin: null, dest: null, mode: null, volume: null})),
    shipments: ids('SHP', v.shipments ?? 0).map((id) => ({id, lane_id: null, status: null, priority: null, eta: null, qty: null})),
    link: {
      ...empty.link,
      facility_confidence: v.facility_conf ?? null,
      lane_confidence: v.lane_conf ?? null,
      shipment_confidence: v.shipment_conf ?? null,
      provenance: v.provenance ?? null,
      ambiguous: v.provenance === AMBIGUOUS,
    },
    config: {...RUNTIME_DEFAULTS.alert_quality, ...v.config},
    score: v.score,
    flags: [...(v.flags ?? [])],
    quality: {high_impact_keywords: [...(v.keywords ?? [])]},
  };
}

const packCap = (v: Vector): PackCap => PACK.quality(ruleContext(v));

/** applyQuality as decide.ts calls it, with the cap the pack chose for the vector. */
function decideQuality(v: Vector, c: {base: number; floor: number}, policy: FloorPolicy): QualityResult {
  const flags = new Set(v.flags);
  return applyQuality(
    {
      facility_confidence: v.facility_conf ?? null,
      facility_provenance: v.provenance ?? null,
      factors: {criticality: flags.has('criticality'), lane_volume: flags.has('lane_volume'), priority_shipments: flags.has('priority_shipments')},
      high_impact: {has_high_impact_keyword: (v.keywords ?? []).length > 0},
      base_classification: c.base,
      classification_floor: c.floor,
      pack_cap: packCap(v),
    },
    policy,
  );
}

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

interface CapCase {
  id: string;
  v: Vector;
  cap: number;
  /** The pack row id that chose the cap (§7.6 reason code). */
  code: string;
}

describe('§7.3 cap vectors Q-1..Q-11 through the shipped pack', () => {
  const cases: CapCase[] = [
    {id: 'Q-1 none / score 5 / keyword / trust 3', v: {facilities: 0, score: 5, keywords: ['SPILL'], trust: 3}, cap: 0, code: 'CAP_NO_LINKS'},
    {id: 'Q-2 0.45 AMBIGUOUS / score 6 / trust 3', v: {facility_conf: 0.45, provenance: AMBIGUOUS, score: 6, trust: 3}, cap: 0, code: 'CAP_AMBIGUOUS_LOW_CONF'},
    {
      id: 'Q-3 0.55 AMBIGUOUS, lanes 0.75 / score 5 / criticality / trust 3',
      v: {facility_conf: 0.55, provenance: AMBIGUOUS, lanes: 1, lane_conf: 0.75, score: 5, flags: ['criticality'], trust: 3},
      cap: 1,
      code: 'CAP_AMBIGUOUS_COMPENSATED',
    },
    {id: 'Q-4 0.55 AMBIGUOUS / score 2 / trust 2', v: {facility_conf: 0.55, provenance: AMBIGUOUS, score: 2, trust: 2}, cap: 0, code: 'CAP_AMBIGUOUS_INSUFFICIENT'},
    {
      id: 'Q-5 0.95 ID / score 5 / criticality + volume / trust 2',
      v: {facility_conf: 0.95, provenance: 'FACILITY_ID_EXACT', score: 5, flags: ['criticality', 'lane_volume'], trust: 2},
      cap: 2,
      code: 'CAP_HIGH_CONF_FACTORS',
    },
    {id: 'Q-6 0.95 / score 5 / criticality / trust 2', v: {facility_conf: 0.95, score: 5, flags: ['criticality'], trust: 2}, cap: 2, code: 'CAP_HIGH_CONF_SINGLE_FACTOR_HIGH_SCORE'},
    {id: 'Q-7 0.95 / score 4 / criticality / trust 2', v: {facility_conf: 0.95, score: 4, flags: ['criticality'], trust: 2}, cap: 1, code: 'CAP_HIGH_CONF_INSUFFICIENT'},
    {id: 'Q-8 0.70 CITY_STATE / score 4 / trust 2', v: {facility_conf: 0.7, provenance: 'CITY_STATE', score: 4, trust: 2}, cap: 1, code: 'CAP_HIGH_CONF_INSUFFICIENT'},
    {id: 'Q-9 0.65 / score 3 / trust 1', v: {facility_conf: 0.65, score: 3, trust: 1}, cap: 0, code: 'CAP_MEDIUM_CONF_LOW_TRUST'},
    {id: 'Q-10 0.65 / score 3 / trust 2', v: {facility_conf: 0.65, score: 3, trust: 2}, cap: 1, code: 'CAP_MEDIUM_CONF'},
    {id: 'Q-11 missing / CITY_STATE / score 4 / trust 2', v: {provenance: 'CITY_STATE', score: 4, trust: 2}, cap: 0, code: 'CAP_LOW_CONF'},
  ];
  for (const {id, v, cap, code} of cases) {
    it(`${id} → cap ${cap} (${code})`, () => expect(packCap(v)).toMatchObject({cap, rule_id: code}));
  }
});

describe('§7.3 branches and boundaries beyond the vectors, through the shipped pack', () => {
  const amb = {provenance: AMBIGUOUS, facility_conf: 0.5, trust: 2};
  const cases: CapCase[] = [
    {id: 'ambiguous at exactly CA: trust 3 + score 6 compensate', v: {...amb, trust: 3, score: 6}, cap: 1, code: 'CAP_AMBIGUOUS_COMPENSATED'},
    {id: 'ambiguous, one compensator (trust 3) is not enough', v: {...amb, trust: 3, score: 0}, cap: 0, code: 'CAP_AMBIGUOUS_INSUFFICIENT'},
    {id: 'ambiguous: keyword + several facilities compensate', v: {...amb, facilities: 2, keywords: ['FIRE'], score: 0}, cap: 1, code: 'CAP_AMBIGUOUS_COMPENSATED'},
    {id: 'ambiguous: shipments linked at 0.60 + several facilities', v: {...amb, facilities: 2, shipments: 1, shipment_conf: 0.6, score: 0}, cap: 1, code: 'CAP_AMBIGUOUS_COMPENSATED'},
    {id: 'ambiguous: shipment confidence without linked shipments does not count', v: {...amb, facilities: 2, shipment_conf: 0.6, score: 0}, cap: 0, code: 'CAP_AMBIGUOUS_INSUFFICIENT'},
    {id: 'ambiguous: lanes linked at 0.69 do not count', v: {...amb, trust: 3, lanes: 1, lane_conf: 0.69, score: 0}, cap: 0, code: 'CAP_AMBIGUOUS_INSUFFICIENT'},
    {id: 'high confidence: criticality + priority shipments', v: {facility_conf: 0.95, flags: ['criticality', 'priority_shipments'], score: 0, trust: 2}, cap: 2, code: 'CAP_HIGH_CONF_FACTORS'},
    {id: 'high confidence: the keyword as the single factor, score 5', v: {facility_conf: 0.95, keywords: ['FIRE'], score: 5, trust: 2}, cap: 2, code: 'CAP_HIGH_CONF_SINGLE_FACTOR_HIGH_SCORE'},
    {id: 'high confidence, no factors', v: {facility_conf: 0.95, score: 9, trust: 2}, cap: 1, code: 'CAP_HIGH_CONF_INSUFFICIENT'},
    {id: 'medium at exactly C1, trust 3 + keyword', v: {facility_conf: 0.6, keywords: ['SPILL'], score: 0, trust: 3}, cap: 1, code: 'CAP_MEDIUM_CONF'},
    {id: 'just below C1', v: {facility_conf: 0.59, score: 0, trust: 3}, cap: 0, code: 'CAP_LOW_CONF'},
    {id: 'thresholds come from alert_quality: 0.85 is medium when C2 is 0.90', v: {facility_conf: 0.85, score: 0, trust: 2, config: {min_confidence_class_2: 0.9}}, cap: 1, code: 'CAP_MEDIUM_CONF'},
    {id: 'thresholds come from alert_quality: 0.55 ambiguous passes CA 0.55', v: {...amb, facility_conf: 0.55, score: 0, config: {min_confidence_ambiguous: 0.55}}, cap: 0, code: 'CAP_AMBIGUOUS_INSUFFICIENT'},
  ];
  for (const {id, v, cap, code} of cases) {
    it(`${id} → cap ${cap} (${code})`, () => expect(packCap(v)).toMatchObject({cap, rule_id: code}));
  }

  it('reason texts are the pack rows\' templates (they reach the alert reasoning)', () => {
    const text = (v: Vector) => packCap(v).reason;
    expect(text({facility_conf: 0.45, provenance: AMBIGUOUS, score: 0, trust: 2})).toBe('Ambiguous city/state link with confidence 0.45 below 0.5');
    expect(text({facility_conf: 0.55, provenance: AMBIGUOUS, lanes: 1, lane_conf: 0.75, score: 0, trust: 3})).toBe('Ambiguous link compensated by 2 supporting signals');
    expect(text({facility_conf: 0.95, flags: ['criticality', 'lane_volume'], score: 0, trust: 2})).toBe('High-confidence link with 2 high-impact factors');
    expect(text({facility_conf: 0.95, flags: ['criticality'], score: 5, trust: 2})).toBe('High-confidence link, one factor and impact score 5');
    expect(text({facility_conf: 0.65, score: 0, trust: 2})).toBe('Medium-confidence link (0.65)');
    expect(text({provenance: 'CITY_STATE', score: 0, trust: 2})).toBe('Link confidence 0 below 0.6');
  });
});

/** `Strike continues at F-X`, F-X (crit 8) linked by id; F-X is no operational noun, so criticality is the only factor. */
const Q12_TEXT = 'Strike continues at F-X';
const Q12: Vector = {
  facility_conf: 0.95,
  provenance: 'FACILITY_ID_EXACT',
  flags: ['criticality'],
  keywords: detectHighImpactKeywords(highImpactText(Q12_TEXT, Q12_TEXT)).keywords,
  score: 4,
  trust: 3,
};

interface FloorCase {
  id: string;
  v: Vector;
  base: number;
  floor: number;
  policy: FloorPolicy;
  cap: number;
  cap_code: string;
  classification: number;
  /** Reason codes in the order the reasoning lists them: the cap's (when it lowered the class), then the floor's. */
  codes: string[];
  /** The floor's display text, if any. */
  floor_text?: string;
}

describe('§7.4 cap and floor (Q-12..Q-17): the pack\'s cap through applyQuality', () => {
  const nameLink = {facility_conf: 0.85, provenance: 'FACILITY_NAME_SUBSTRING', score: 1};
  const cases: FloorCase[] = [
    {
      // The reference also prints `Source policy minimum enforced: 0 (overrides quality cap of 1)`; TS names only the cap (P-19).
      id: 'Q-12 Policy A; F-X (crit 8) linked by id, trust 3, floor 0, score 4 (class 2) → class 1, no floor line',
      v: Q12,
      base: 2, floor: 0, policy: POLICY_A,
      cap: 1, cap_code: 'CAP_HIGH_CONF_INSUFFICIENT', classification: 1, codes: ['CAP_HIGH_CONF_INSUFFICIENT'],
    },
    {
      id: 'Q-13 Policy B; name link 0.85, no factors, score 1, trust 3, floor 1 → class 1 raised',
      v: {...nameLink, trust: 3},
      base: 0, floor: 1, policy: POLICY_B,
      cap: 1, cap_code: 'CAP_HIGH_CONF_INSUFFICIENT', classification: 1, codes: ['FLOOR_RAISED'],
      floor_text: 'Source policy minimum: 1 (raised from quality-capped 0)',
    },
    {
      id: 'Q-14 Policy B; as Q-13 with trust 2 and floor 2 → class 1, limited by the cap',
      v: {...nameLink, trust: 2},
      base: 0, floor: 2, policy: POLICY_B,
      cap: 1, cap_code: 'CAP_HIGH_CONF_INSUFFICIENT', classification: 1, codes: ['FLOOR_RAISED'],
      floor_text: 'Source policy minimum 2 raised the class from quality-capped 0 to 1 (limited by quality cap 1)',
    },
    {
      id: 'Q-15 Policy B; 0.20 CITY_STATE, trust 3, floor 1, score 3 (class 1) → class 0, floor blocked',
      v: {facility_conf: 0.2, provenance: 'CITY_STATE', score: 3, trust: 3},
      base: 1, floor: 1, policy: POLICY_B,
      cap: 0, cap_code: 'CAP_LOW_CONF', classification: 0, codes: ['CAP_LOW_CONF', 'FLOOR_BLOCKED_BY_CAP'],
      floor_text: 'Source policy minimum 1 not applied above quality cap 0',
    },
    {
      id: 'Q-16 Policy A; city/state 0.70, trust 1, floor 2, score 0 → class 2 over cap 1',
      v: {facility_conf: 0.7, provenance: 'CITY_STATE', score: 0, trust: 1},
      base: 0, floor: 2, policy: POLICY_A,
      cap: 1, cap_code: 'CAP_HIGH_CONF_INSUFFICIENT', classification: 2, codes: ['FLOOR_OVERRIDES_CAP'],
      floor_text: 'Source policy minimum enforced: 2 (overrides quality cap of 1)',
    },
    {
      id: 'Q-17 Policy A; unlinked, floor 1 → class 1',
      v: {facilities: 0, score: 0, trust: 2},
      base: 0, floor: 1, policy: POLICY_A,
      cap: 0, cap_code: 'CAP_NO_LINKS', classification: 1, codes: ['FLOOR_OVERRIDES_CAP'],
      floor_text: 'Source policy minimum enforced: 1 (overrides quality cap of 0)',
    },
    {
      id: 'Q-18 (TS) Policy A; floor raising within the cap is FLOOR_RAISED',
      v: {facility_conf: 0.95, score: 0, trust: 2},
      base: 0, floor: 1, policy: POLICY_A,
      cap: 1, cap_code: 'CAP_HIGH_CONF_INSUFFICIENT', classification: 1, codes: ['FLOOR_RAISED'],
      floor_text: 'Source policy minimum enforced: 1 (raised from 0)',
    },
  ];
  for (const c of cases) {
    it(c.id, () => {
      const r = decideQuality(c.v, c, c.policy);
      expect([r.cap.cap, r.cap.code, r.classification]).toEqual([c.cap, c.cap_code, c.classification]);
      expect([...r.cap_reasons, ...(r.floor_reason ? [r.floor_reason] : [])].map((e) => e.code)).toEqual(c.codes);
      expect(r.floor_reason?.text).toBe(c.floor_text);
      expect(r.quality_validation.applied_policy).toBe(c.policy.allow_quality_override_floor ? 'B' : 'A');
      // Built in canonical key order, so canonical JSON writes them without a sorted copy.
      expect(JSON.stringify(r.quality_validation)).toBe(canonicalJson(r.quality_validation));
      if (r.floor_reason) expect(JSON.stringify(r.floor_reason.params)).toBe(canonicalJson(r.floor_reason.params));
    });
  }

  it('Q-14: the floor entry records that the cap limited it', () => {
    const r = decideQuality({...nameLink, trust: 2}, {base: 0, floor: 2}, POLICY_B);
    expect(r.floor_reason?.params).toEqual({floor: 2, from: 0, cap: 1, to: 1, limited_by_cap: true});
  });
});

describe('§7.4 and §7.5 applyQuality', () => {
  const cap = (value: number): PackCap => ({cap: value, rule_id: `CAP_${value}`, reason: `cap ${value}`});
  const input = (c0: number, floor: number, pack_cap: PackCap) => ({
    facility_confidence: 0.85,
    facility_provenance: 'FACILITY_NAME_SUBSTRING',
    factors: {criticality: true, lane_volume: false, priority_shipments: false},
    high_impact: {has_high_impact_keyword: true},
    base_classification: c0,
    classification_floor: floor,
    pack_cap,
  });

  it('§7.5 quality_validation metadata (integers only)', () => {
    expect(applyQuality(input(0, 1, cap(1)), POLICY_B).quality_validation).toEqual({
      max_allowed_classification: 1,
      high_impact_factors_count: 2,
      facility_confidence_bp: 8500,
      facility_provenance: 'FACILITY_NAME_SUBSTRING',
      applied_policy: 'B',
      cap_reason_code: 'CAP_1',
      floor_reason_code: 'FLOOR_RAISED',
    });
    const missing = applyQuality({...input(0, 0, cap(0)), facility_confidence: null, facility_provenance: null}, POLICY_B);
    expect([missing.quality_validation.facility_confidence_bp, missing.quality_validation.facility_provenance]).toEqual([0, '']);
  });

  it('the cap reason is the pack row: its id, text, file and line', () => {
    const r = applyQuality(input(2, 0, {cap: 1, rule_id: 'CAP_X', reason: 'why', file: 'rules/q.yaml', line: 7}), POLICY_B);
    expect(r.cap_reasons).toEqual([
      {
        code: 'CAP_X',
        params: {cap: 1, facility_confidence_bp: 8500, facility_provenance: 'FACILITY_NAME_SUBSTRING', high_impact_factors: 2, rule_file: 'rules/q.yaml', rule_line: 7},
        text: 'why',
      },
    ]);
  });

  it('no quality row held: the pack\'s cap 2 is CAP_NONE', () => {
    const r = applyQuality(input(2, 0, {cap: 2, rule_id: null, reason: null}), POLICY_B);
    expect([r.cap.code, r.cap.reason.text, r.quality_validation.cap_reason_code]).toEqual(['CAP_NONE', 'Quality cap 2 (CAP_NONE)', 'CAP_NONE']);
  });

  it('cap reasons appear only when the cap lowered the class', () => {
    expect(applyQuality(input(1, 0, cap(1)), POLICY_B).cap_reasons).toEqual([]);
    expect(applyQuality(input(2, 0, cap(1)), POLICY_B).cap_reasons.map((e) => e.code)).toEqual(['CAP_1']);
  });

  it('Policy B: final class never exceeds the cap; Policy A: never below the floor', () => {
    for (let c0 = 0; c0 <= 2; c0++) {
      for (let floor = 0; floor <= 2; floor++) {
        for (let value = 0; value <= 2; value++) {
          const b = applyQuality(input(c0, floor, cap(value)), POLICY_B).classification;
          expect(b).toBeLessThanOrEqual(value);
          expect(b).toBeGreaterThanOrEqual(Math.min(c0, value));
          expect(applyQuality(input(c0, floor, cap(value)), POLICY_A).classification).toBeGreaterThanOrEqual(floor);
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
    const r = decideQuality({facility_conf: 0.85, provenance: 'FACILITY_NAME_SUBSTRING', score: 5, trust: 2}, {base: 2, floor: 0}, POLICY_B);
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
      'High-confidence link without enough high-impact factors',
    ]);
    expect(lines.map((l) => l.code)).toEqual(['EVENT_TYPE', 'CLASSIFICATION', 'SCOPE_FROM_NETWORK', 'CAP_HIGH_CONF_INSUFFICIENT']);
    expect(lines[1].params).toEqual({classification: 1, impact_score: 5, quality_cap: 1});
  });

  it('RS-2: no network data', () => {
    const lines = reasoningLines({eventType: 'WEATHER', classification: 1, impactScore: null, cap: 0, capReasons: [], floorReason: null});
    expect(reasoningTexts(lines)[1]).toBe('Classification: 1 (from severity_guess (no network data))');
    expect(lines[1].code).toBe('CLASSIFICATION_NO_NETWORK');
  });

  it('RS-3 (Q-12): the reasoning ends with the cap reason; no misleading Policy A floor line', () => {
    const r = decideQuality(Q12, {base: 2, floor: 0}, POLICY_A);
    const lines = reasoningLines({eventType: 'STRIKE', classification: r.classification, impactScore: 4, cap: r.cap.cap, capReasons: r.cap_reasons, floorReason: r.floor_reason});
    expect(lines.map((l) => l.code).slice(3)).toEqual(['CAP_HIGH_CONF_INSUFFICIENT']);
    expect(reasoningTexts(lines).some((l) => l.startsWith('Source policy'))).toBe(false);
  });
});
