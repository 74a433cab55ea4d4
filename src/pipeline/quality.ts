/**
 * Quality caps and classification floors (pipeline.md §7).
 *
 * Pure functions: the thresholds come from `hardstop.config.yaml` → `alert_quality`
 * (domain.md §10.1) and are passed in; the scoring stage passes structured factor flags
 * (§7.2: never found by searching breakdown text).
 *
 * Every decision carries a structured reason code (§7.6) and a display text. Cap texts are the
 * reference's wording (they are accurate); floor texts state what actually changed the class
 * (P-19), and `reference_lines` keeps the reference's lines for parity reports.
 *
 * Hashed metadata avoids non-integral floats: `quality_validation.facility_confidence_bp` is
 * the facility confidence in integer basis points (0.70 → 7000) instead of the reference's
 * float `facility_confidence`.
 */
import {PY_B_END, PY_B_START, PY_D, PY_W, PY_WS, pyFixed2, pyFloatRepr} from './pytext.js';
import type {ReasonEntry} from './reasoning.js';

// ---------------------------------------------------------------------------------------
// Thresholds

export interface QualityThresholds {
  min_confidence_class_1: number;
  min_confidence_class_2: number;
  min_confidence_ambiguous: number;
  /** true = Policy B (cap is authoritative), false = Policy A (floor overrides the cap). */
  allow_quality_override_floor: boolean;
}

export const DEFAULT_QUALITY_THRESHOLDS: Readonly<QualityThresholds> = Object.freeze({
  min_confidence_class_1: 0.6,
  min_confidence_class_2: 0.7,
  min_confidence_ambiguous: 0.5,
  allow_quality_override_floor: true,
});

/** Pack constants of §7.6 that are not configurable. */
export const QUALITY_CONSTANTS = Object.freeze({
  compensating_lane_confidence: 0.7,
  compensating_shipment_confidence: 0.6,
  compensating_impact_score: 6,
  single_factor_class_2_score: 5,
  ambiguous_provenance: 'CITY_STATE_AMBIGUOUS',
});

// ---------------------------------------------------------------------------------------
// §7.1 High-impact keyword detector (reference parity, Python regex semantics)

const N1 = 'PLANT|FACILITY|WAREHOUSE|PORT|TERMINAL|REFINERY|DC';
const N2 = `${N1}|RAIL|TRUCK|CARRIER`;
const SPILL_W = 'SPILL|LEAK';
const STRIKE_W = 'STRIKE|WALKOUT';
const CLOSURE_W = `CLOSURE|CLOSED|SHUTDOWN|SHUT${PY_WS}+DOWN`;
const FIRE_W = 'FIRE|EXPLOSION';
/** "any characters except newline" (Python `.`; JavaScript's `.` also stops at \r, U+2028, U+2029). */
const ANY = '[^\\n]*';

const word = (alternatives: string): string => `${PY_B_START}(?:${alternatives})${PY_B_END}`;
const NOT_SALE = `(?!${PY_WS}+SALE)`;

/**
 * The eight patterns of §7.1 in order, with the label each appends, and a cheap substring
 * prefilter per keyword group (a pattern can only match when one of its keyword literals
 * occurs in the upper-cased text; `SHUT` covers `SHUT<ws>DOWN`).
 */
const SPILL_LIT = ['SPILL', 'LEAK'];
const STRIKE_LIT = ['STRIKE', 'WALKOUT'];
const CLOSURE_LIT = ['CLOSURE', 'CLOSED', 'SHUT'];
const FIRE_LIT = ['FIRE', 'EXPLOSION'];
const HIGH_IMPACT_PATTERNS: ReadonlyArray<readonly [RegExp, string, readonly string[]]> = [
  [new RegExp(`${word(SPILL_W)}${ANY}${word(N1)}`, 'u'), 'SPILL', SPILL_LIT],
  [new RegExp(`${word(N1)}${ANY}${word(SPILL_W)}`, 'u'), 'SPILL', SPILL_LIT],
  [new RegExp(`${word(STRIKE_W)}${ANY}${word(N2)}`, 'u'), 'STRIKE', STRIKE_LIT],
  [new RegExp(`${word(N2)}${ANY}${word(STRIKE_W)}`, 'u'), 'STRIKE', STRIKE_LIT],
  [new RegExp(`${word(CLOSURE_W)}${ANY}${word(N1)}`, 'u'), 'CLOSURE', CLOSURE_LIT],
  [new RegExp(`${word(N1)}${ANY}${word(CLOSURE_W)}`, 'u'), 'CLOSURE', CLOSURE_LIT],
  [new RegExp(`${word(FIRE_W)}${NOT_SALE}${ANY}${word(N1)}`, 'u'), 'FIRE', FIRE_LIT],
  [new RegExp(`${word(N1)}${ANY}${word(FIRE_W)}${NOT_SALE}`, 'u'), 'FIRE', FIRE_LIT],
];

/** `Capitalized, XX` or `Capitalized, Capitalized` in the original-case text. */
const LOCATION_SIGNAL_RE = new RegExp(`${PY_B_START}[A-Z][a-z]+,${PY_WS}*(?:[A-Z]{2}|[A-Z][a-z]+)${PY_B_END}`, 'u');
/** `PLANT-`, `DC-`, `FACILITY-` followed by word characters, in the upper-cased text. */
const FACILITY_ID_SIGNAL_RE = new RegExp(`${PY_B_START}(?:PLANT-|DC-|FACILITY-)${PY_W}+${PY_B_END}`, 'u');
/** Date-like token: 1–2 digits, / or -, 1–2 digits, / or -, 2–4 digits, on word boundaries. */
const DATE_SIGNAL_RE = new RegExp(`${PY_B_START}${PY_D}{1,2}[/-]${PY_D}{1,2}[/-]${PY_D}{2,4}${PY_B_END}`, 'u');

const STANDALONE_KEYWORDS = ['SPILL', 'STRIKE', 'CLOSURE', 'SHUTDOWN', 'FIRE', 'EXPLOSION'] as const;

export interface HighImpactResult {
  has_high_impact_keyword: boolean;
  /** Labels in detection order; a label can appear twice (pattern hits), vector K-10. */
  keywords: string[];
  location_signal: boolean;
}

/** §7.1 on `text` (the caller passes `title + " " + raw_text`). */
export function detectHighImpactKeywords(text: string): HighImpactResult {
  const upper = text.toUpperCase();
  const keywords: string[] = [];
  for (const [re, label, literals] of HIGH_IMPACT_PATTERNS) {
    if (literals.some((l) => upper.includes(l)) && re.test(upper)) keywords.push(label);
  }
  const location_signal =
    LOCATION_SIGNAL_RE.test(text) || FACILITY_ID_SIGNAL_RE.test(upper) || DATE_SIGNAL_RE.test(text);
  if (location_signal) {
    for (const kw of STANDALONE_KEYWORDS) if (upper.includes(kw) && !keywords.includes(kw)) keywords.push(kw);
  }
  return {has_high_impact_keyword: keywords.length > 0, keywords, location_signal};
}

/** The detector's input text: `title + " " + raw_text` (§7.1). */
export function highImpactText(title: string, rawText: string): string {
  return `${title} ${rawText}`;
}

// ---------------------------------------------------------------------------------------
// §7.2 factors and §7.3 cap

/** Structured factor flags from the scoring result (§7.2, rows 1–3 of §5.2). */
export interface ScoringFactorFlags {
  criticality: boolean;
  lane_volume: boolean;
  priority_shipments: boolean;
}

export interface LinkConfidenceInput {
  facility?: number | null;
  lanes?: number | null;
  shipments?: number | null;
}

export interface CapInput {
  facilities: readonly string[];
  lanes: readonly string[];
  shipments: readonly string[];
  link_confidence: LinkConfidenceInput;
  facility_provenance?: string | null;
  impact_score: number;
  trust_tier: number;
  factors: ScoringFactorFlags;
  high_impact: Pick<HighImpactResult, 'has_high_impact_keyword' | 'keywords'>;
}

export type CapCode =
  | 'CAP_NO_LINKS'
  | 'CAP_AMBIGUOUS_LOW_CONF'
  | 'CAP_AMBIGUOUS_COMPENSATED'
  | 'CAP_AMBIGUOUS_INSUFFICIENT'
  | 'CAP_HIGH_CONF_FACTORS'
  | 'CAP_HIGH_CONF_SINGLE_FACTOR_HIGH_SCORE'
  | 'CAP_HIGH_CONF_INSUFFICIENT'
  | 'CAP_MEDIUM_CONF'
  | 'CAP_MEDIUM_CONF_LOW_TRUST'
  | 'CAP_LOW_CONF';

export interface CapResult {
  cap: number;
  /** A built-in CapCode, or the id of the pack quality row that chose the cap. */
  code: CapCode | (string & {});
  reason: ReasonEntry;
  high_impact_factors_count: number;
  /** Compensating evidence labels (ambiguous branch only; empty otherwise). */
  compensating: string[];
}

/** Missing or null confidence counts as 0.0 (§7.3). */
function conf(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Integer basis points of a confidence in [0, 1] (0.70 → 7000). */
export function basisPoints(value: number): number {
  return Math.round(value * 10000);
}

export function countHighImpactFactors(factors: ScoringFactorFlags, hasKeyword: boolean): number {
  return [factors.criticality, factors.lane_volume, factors.priority_shipments, hasKeyword].filter(Boolean).length;
}

/** §7.3: the cap and its reason, in the order of the reference. */
export function computeQualityCap(input: CapInput, thresholds: QualityThresholds = DEFAULT_QUALITY_THRESHOLDS): CapResult {
  const C1 = thresholds.min_confidence_class_1;
  const C2 = thresholds.min_confidence_class_2;
  const CA = thresholds.min_confidence_ambiguous;
  const F = conf(input.link_confidence.facility);
  const L = conf(input.link_confidence.lanes);
  const S = conf(input.link_confidence.shipments);
  const provenance = input.facility_provenance ?? '';
  const {has_high_impact_keyword: hasKw, keywords} = input.high_impact;
  const factors = countHighImpactFactors(input.factors, hasKw);
  const trust = input.trust_tier;
  const score = input.impact_score;
  const f2 = pyFixed2(F);
  const kwList = keywords.join(', ');
  const base = {facility_confidence_bp: basisPoints(F), facility_provenance: provenance};

  const result = (cap: number, code: CapCode, text: string, params: ReasonEntry['params'] = {}, compensating: string[] = []): CapResult => ({
    cap,
    code,
    reason: {code, params: {cap, ...base, high_impact_factors: factors, ...params}, text},
    high_impact_factors_count: factors,
    compensating,
  });

  // 1. No facilities
  if (input.facilities.length === 0) {
    const text =
      hasKw && trust >= 2
        ? `No network links found; high-impact keyword detected (${kwList}) but requires network match for higher classification`
        : 'No network links found';
    return result(0, 'CAP_NO_LINKS', text, {keywords: [...keywords]});
  }

  // 2. Ambiguous city/state match
  if (provenance === QUALITY_CONSTANTS.ambiguous_provenance) {
    if (F < CA) {
      return result(
        0,
        'CAP_AMBIGUOUS_LOW_CONF',
        `Ambiguous facility match (confidence ${f2} < ${pyFloatRepr(CA)}) without sufficient evidence`,
        {min_confidence_ambiguous_bp: basisPoints(CA)},
      );
    }
    const compensating: string[] = [];
    if (trust === 3) compensating.push('high-trust source');
    if (hasKw) compensating.push(`high-impact keyword (${kwList})`);
    if (input.lanes.length > 0 && L >= QUALITY_CONSTANTS.compensating_lane_confidence) compensating.push('strong lane links');
    if (input.shipments.length > 0 && S >= QUALITY_CONSTANTS.compensating_shipment_confidence) compensating.push('strong shipment links');
    if (input.facilities.length > 1) compensating.push('multiple facility references');
    if (score >= QUALITY_CONSTANTS.compensating_impact_score) compensating.push('very high impact score');
    if (compensating.length >= 2) {
      return result(
        1,
        'CAP_AMBIGUOUS_COMPENSATED',
        `Ambiguous facility match (confidence ${f2}) compensated by: ${compensating.join(', ')} - capped at classification 1`,
        {compensating: [...compensating]},
        compensating,
      );
    }
    return result(
      0,
      'CAP_AMBIGUOUS_INSUFFICIENT',
      `Ambiguous facility match (confidence ${f2}) with insufficient compensating factors (${compensating.length} found, requires 2+)`,
      {compensating: [...compensating]},
      compensating,
    );
  }

  // 3. High confidence
  if (F >= C2) {
    if (factors >= 2) {
      return result(2, 'CAP_HIGH_CONF_FACTORS', `High facility confidence (${f2} >= ${pyFloatRepr(C2)}) with ${factors} high-impact factors`);
    }
    if (factors === 1 && score >= QUALITY_CONSTANTS.single_factor_class_2_score) {
      return result(
        2,
        'CAP_HIGH_CONF_SINGLE_FACTOR_HIGH_SCORE',
        `High facility confidence (${f2}) with single high-impact factor but very high impact score (${score})`,
        {impact_score: score},
      );
    }
    return result(
      1,
      'CAP_HIGH_CONF_INSUFFICIENT',
      `High facility confidence (${f2}) but insufficient high-impact factors (${factors} found, requires 2+ for classification 2)`,
    );
  }

  // 4. Medium confidence
  if (F >= C1) {
    if (trust === 3 && hasKw) {
      return result(
        1,
        'CAP_MEDIUM_CONF',
        `Medium facility confidence (${f2} >= ${pyFloatRepr(C1)}) compensated by high-trust source and high-impact keyword`,
        {trust_tier: trust},
      );
    }
    if (trust >= 2) {
      return result(1, 'CAP_MEDIUM_CONF', `Medium facility confidence (${f2} >= ${pyFloatRepr(C1)}) with trust tier ${trust}`, {
        trust_tier: trust,
      });
    }
    return result(
      0,
      'CAP_MEDIUM_CONF_LOW_TRUST',
      `Medium facility confidence (${f2} >= ${pyFloatRepr(C1)}) but low trust tier (${trust}) - insufficient for classification 1`,
      {trust_tier: trust},
    );
  }

  // 5. Low confidence
  const strong = trust === 3 && hasKw && score >= 4;
  return result(
    0,
    'CAP_LOW_CONF',
    strong
      ? `Low facility confidence (${f2} < ${pyFloatRepr(C1)}) but strong compensating factors (tier 3, keyword, high impact) - classification 0 only`
      : `Low facility confidence (${f2} < ${pyFloatRepr(C1)}) without sufficient compensating factors`,
    {trust_tier: trust},
  );
}

// ---------------------------------------------------------------------------------------
// §7.4 cap and floor, §7.5 metadata

export type FloorCode = 'FLOOR_RAISED' | 'FLOOR_BLOCKED_BY_CAP' | 'FLOOR_OVERRIDES_CAP';

export interface QualityValidation {
  max_allowed_classification: number;
  high_impact_factors_count: number;
  /** Facility confidence in integer basis points (missing = 0). */
  facility_confidence_bp: number;
  /** "" when missing. */
  facility_provenance: string;
  applied_policy: 'A' | 'B';
  cap_reason_code: CapCode | (string & {});
  floor_reason_code: FloorCode | null;
}

export interface QualityInput extends Omit<CapInput, 'high_impact'> {
  title: string;
  raw_text: string;
  /** Class from the score thresholds (§6). */
  base_classification: number;
  classification_floor: number;
  /** Precomputed §7.1 result; computed from title and raw_text when absent. */
  high_impact?: HighImpactResult;
  /**
   * The cap chosen by the rule pack's `quality:` table (the decision path). Without it the
   * built-in reference cap of §7.3 applies (reference-parity reports and tests).
   */
  pack_cap?: {cap: number; rule_id: string | null; reason: string | null; file?: string; line?: number};
}

export interface QualityResult {
  /** Final class after cap and floor. */
  classification: number;
  /** c0: class from the score. */
  base_classification: number;
  /** c1 = min(c0, cap). */
  capped_classification: number;
  cap: CapResult;
  high_impact: HighImpactResult;
  /** Cap reason (only when the cap lowered the class), then the floor reason (if any). */
  reasons: ReasonEntry[];
  /** The cap's reason when the cap lowered the class, else empty (reasoning.ts `capReasons`). */
  cap_reasons: ReasonEntry[];
  /** The floor's reason (reasoning.ts `floorReason`). */
  floor_reason: ReasonEntry | null;
  /** The reference's quality/floor reasoning lines for the same decision (parity reports). */
  reference_lines: string[];
  quality_validation: QualityValidation;
}

/** A pack quality row as a CapResult: its id is the reason code, its text the reason. */
function capFromPack(input: QualityInput, p: NonNullable<QualityInput['pack_cap']>, high: HighImpactResult): CapResult {
  const code = p.rule_id ?? 'CAP_NONE';
  const factors = countHighImpactFactors(input.factors, high.has_high_impact_keyword);
  const params: ReasonEntry['params'] = {
    cap: p.cap,
    facility_confidence_bp: basisPoints(conf(input.link_confidence.facility)),
    facility_provenance: input.facility_provenance ?? '',
    high_impact_factors: factors,
  };
  if (p.file !== undefined) params.rule_file = p.file;
  if (p.line !== undefined) params.rule_line = p.line;
  return {cap: p.cap, code, reason: {code, params, text: p.reason ?? `Quality cap ${p.cap} (${code})`}, high_impact_factors_count: factors, compensating: []};
}

/** §7.4 and §7.5: cap, floor and metadata for one alert build. */
export function applyQuality(input: QualityInput, thresholds: QualityThresholds = DEFAULT_QUALITY_THRESHOLDS): QualityResult {
  const high_impact = input.high_impact ?? detectHighImpactKeywords(highImpactText(input.title, input.raw_text));
  const cap = input.pack_cap ? capFromPack(input, input.pack_cap, high_impact) : computeQualityCap({...input, high_impact}, thresholds);
  const c0 = input.base_classification;
  const floor = input.classification_floor;
  const capValue = cap.cap;
  const c1 = Math.min(c0, capValue);

  const cap_reasons: ReasonEntry[] = c1 !== c0 ? [cap.reason] : [];
  const reasons: ReasonEntry[] = [...cap_reasons];
  const reference_lines: string[] = cap_reasons.map((r) => r.text);

  let c: number;
  let floor_reason: ReasonEntry | null = null;
  const params = {floor, from: c1, cap: capValue};
  if (thresholds.allow_quality_override_floor) {
    // Policy B: the cap is authoritative; the floor can raise up to the cap.
    c = Math.min(Math.max(c1, floor), capValue);
    if (c > c1) {
      const limited = c < floor;
      floor_reason = {
        code: 'FLOOR_RAISED',
        params: {...params, to: c, limited_by_cap: limited},
        text: limited
          ? `Source policy minimum ${floor} raised the class from quality-capped ${c1} to ${c} (limited by quality cap ${capValue})`
          : `Source policy minimum: ${floor} (raised from quality-capped ${c1})`,
      };
      reference_lines.push(`Source policy minimum: ${floor} (raised from quality-capped ${c1})`);
    } else if (floor > capValue) {
      floor_reason = {
        code: 'FLOOR_BLOCKED_BY_CAP',
        params: {...params, to: c},
        text: `Source policy minimum ${floor} not applied above quality cap ${capValue}`,
      };
      reference_lines.push(floor_reason.text);
    }
  } else {
    // Policy A: the floor is final and may exceed the cap.
    c = Math.max(c1, floor);
    if (c > c1) {
      floor_reason =
        c > capValue
          ? {
              code: 'FLOOR_OVERRIDES_CAP',
              params: {...params, to: c},
              text: `Source policy minimum enforced: ${floor} (overrides quality cap of ${capValue})`,
            }
          : {
              code: 'FLOOR_RAISED',
              params: {...params, to: c, limited_by_cap: false},
              text: `Source policy minimum enforced: ${floor} (raised from ${c1})`,
            };
    }
    // The reference prints this whenever the class changed, even when only the cap changed it.
    if (c !== c0) reference_lines.push(`Source policy minimum enforced: ${floor} (overrides quality cap of ${capValue})`);
  }
  if (floor_reason) reasons.push(floor_reason);

  return {
    classification: c,
    base_classification: c0,
    capped_classification: c1,
    cap,
    high_impact,
    reasons,
    cap_reasons,
    floor_reason,
    reference_lines,
    quality_validation: {
      max_allowed_classification: capValue,
      high_impact_factors_count: cap.high_impact_factors_count,
      facility_confidence_bp: basisPoints(conf(input.link_confidence.facility)),
      facility_provenance: input.facility_provenance ?? '',
      applied_policy: thresholds.allow_quality_override_floor ? 'B' : 'A',
      cap_reason_code: cap.code,
      floor_reason_code: floor_reason ? (floor_reason.code as FloorCode) : null,
    },
  };
}
