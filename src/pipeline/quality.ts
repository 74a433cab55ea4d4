/**
 * Quality caps and classification floors (pipeline.md §7).
 *
 * The cap is chosen by the rule pack's `quality:` table (rules/supply-chain/quality.yaml,
 * §7.6) and passed in; the id of the row that chose it is the cap's reason code. This module
 * detects high-impact keywords (§7.1), counts factors from the scoring stage's structured
 * flags (§7.2: never found by searching breakdown text), applies cap and floor under Policy A
 * or B (§7.4, `hardstop.config.yaml` → `alert_quality`) and builds the metadata (§7.5). Floor
 * texts state what actually changed the class (P-19).
 *
 * Hashed metadata avoids non-integral floats: `quality_validation.facility_confidence_bp` is
 * the facility confidence in integer basis points (0.70 → 7000) instead of the reference's
 * float `facility_confidence`.
 */
import type {QualityResult as PackQualityResult} from '../rules/model.js';
import {PY_B_END, PY_B_START, PY_D, PY_W, PY_WS} from './pytext.js';
import type {ReasonEntry} from './reasoning.js';

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
// §7.2 factors, §7.4 cap and floor, §7.5 metadata

/** Structured factor flags from the scoring result (§7.2, rows 1–3 of §5.2). */
export interface ScoringFactorFlags {
  criticality: boolean;
  lane_volume: boolean;
  priority_shipments: boolean;
}

/** Missing or null confidence counts as 0.0 (§7.3). */
function conf(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Integer basis points of a confidence in [0, 1] (0.70 → 7000). */
export function basisPoints(value: number): number {
  return Math.round(value * 10000);
}

function countHighImpactFactors(factors: ScoringFactorFlags, hasKeyword: boolean): number {
  return [factors.criticality, factors.lane_volume, factors.priority_shipments, hasKeyword].filter(Boolean).length;
}

export type FloorCode = 'FLOOR_RAISED' | 'FLOOR_BLOCKED_BY_CAP' | 'FLOOR_OVERRIDES_CAP';

export interface QualityValidation {
  max_allowed_classification: number;
  high_impact_factors_count: number;
  /** Facility confidence in integer basis points (missing = 0). */
  facility_confidence_bp: number;
  /** "" when missing. */
  facility_provenance: string;
  applied_policy: 'A' | 'B';
  cap_reason_code: string;
  floor_reason_code: FloorCode | null;
}

/** `alert_quality.allow_quality_override_floor`: true = Policy B (the cap is authoritative), false = Policy A (the floor overrides the cap). */
export interface FloorPolicy {
  allow_quality_override_floor: boolean;
}

export interface QualityInput {
  /** `link_confidence.facility`; missing counts as 0.0. */
  facility_confidence?: number | null;
  facility_provenance?: string | null;
  factors: ScoringFactorFlags;
  /** The §7.1 detector's result: a keyword counts as a factor (§7.2). */
  high_impact: Pick<HighImpactResult, 'has_high_impact_keyword'>;
  /** Class from the score thresholds (§6). */
  base_classification: number;
  classification_floor: number;
  /** The cap chosen by the rule pack's `quality:` table (`CompiledRulePack.quality`). */
  pack_cap: PackQualityResult;
}

export interface CapResult {
  cap: number;
  /** The id of the pack quality row that chose the cap (CAP_NONE when no row did). */
  code: string;
  reason: ReasonEntry;
  high_impact_factors_count: number;
}

export interface QualityResult {
  /** Final class after cap and floor. */
  classification: number;
  cap: CapResult;
  /** The cap's reason when the cap lowered the class, else empty. */
  cap_reasons: ReasonEntry[];
  /** What the floor did, if anything. */
  floor_reason: ReasonEntry | null;
  quality_validation: QualityValidation;
}

/** The pack's quality row as a CapResult: its id is the reason code, its text the reason. */
function capFromPack(input: QualityInput): CapResult {
  const p = input.pack_cap;
  const code = p.rule_id ?? 'CAP_NONE';
  const factors = countHighImpactFactors(input.factors, input.high_impact.has_high_impact_keyword);
  const params: ReasonEntry['params'] = {
    cap: p.cap,
    facility_confidence_bp: basisPoints(conf(input.facility_confidence)),
    facility_provenance: input.facility_provenance ?? '',
    high_impact_factors: factors,
  };
  if (p.file !== undefined) params.rule_file = p.file;
  if (p.line !== undefined) params.rule_line = p.line;
  return {cap: p.cap, code, reason: {code, params, text: p.reason ?? `Quality cap ${p.cap} (${code})`}, high_impact_factors_count: factors};
}

interface FloorOutcome {
  classification: number;
  floor_reason: ReasonEntry | null;
}

/** Policy B: the cap is authoritative; the floor raises the capped class at most up to the cap. */
function floorPolicyB(c1: number, floor: number, cap: number): FloorOutcome {
  const c = Math.min(Math.max(c1, floor), cap);
  const params = {cap, floor, from: c1};
  if (c > c1) {
    const limited = c < floor;
    const text = limited
      ? `Source policy minimum ${floor} raised the class from quality-capped ${c1} to ${c} (limited by quality cap ${cap})`
      : `Source policy minimum: ${floor} (raised from quality-capped ${c1})`;
    return {classification: c, floor_reason: {code: 'FLOOR_RAISED', params: {...params, limited_by_cap: limited, to: c}, text}};
  }
  if (floor > cap) {
    const text = `Source policy minimum ${floor} not applied above quality cap ${cap}`;
    return {classification: c, floor_reason: {code: 'FLOOR_BLOCKED_BY_CAP', params: {...params, to: c}, text}};
  }
  return {classification: c, floor_reason: null};
}

/** Policy A: the floor is final and may exceed the cap; it is named only when it changed the class (not the reference's Q-12 line). */
function floorPolicyA(c1: number, floor: number, cap: number): FloorOutcome {
  const c = Math.max(c1, floor);
  const params = {cap, floor, from: c1};
  if (c === c1) return {classification: c, floor_reason: null};
  if (c > cap) {
    const text = `Source policy minimum enforced: ${floor} (overrides quality cap of ${cap})`;
    return {classification: c, floor_reason: {code: 'FLOOR_OVERRIDES_CAP', params: {...params, to: c}, text}};
  }
  const text = `Source policy minimum enforced: ${floor} (raised from ${c1})`;
  return {classification: c, floor_reason: {code: 'FLOOR_RAISED', params: {...params, limited_by_cap: false, to: c}, text}};
}

/** §7.4 and §7.5: the pack's cap, the floor and the metadata for one alert build. */
export function applyQuality(input: QualityInput, policy: FloorPolicy): QualityResult {
  const cap = capFromPack(input);
  const c1 = Math.min(input.base_classification, cap.cap);
  const applyFloor = policy.allow_quality_override_floor ? floorPolicyB : floorPolicyA;
  const {classification, floor_reason} = applyFloor(c1, input.classification_floor, cap.cap);
  return {
    classification,
    cap,
    cap_reasons: c1 !== input.base_classification ? [cap.reason] : [],
    floor_reason,
    quality_validation: {
      applied_policy: policy.allow_quality_override_floor ? 'B' : 'A',
      cap_reason_code: cap.code,
      facility_confidence_bp: basisPoints(conf(input.facility_confidence)),
      facility_provenance: input.facility_provenance ?? '',
      floor_reason_code: floor_reason ? (floor_reason.code as FloorCode) : null,
      high_impact_factors_count: cap.high_impact_factors_count,
      max_allowed_classification: cap.cap,
    },
  };
}
