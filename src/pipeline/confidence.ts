/**
 * Alert confidence score (pipeline.md §9.3).
 *
 * Formula (F, L, S = facility, lanes, shipments link confidences, missing = 0):
 * F > 0: F·0.6 + L·0.25 + S·0.15; else L > 0: L·0.5; else 0.
 *
 * Representation: hashed artifacts never hold the float. The stored value is
 * `confidence_score_bp`, an integer in basis points computed in integer arithmetic from the
 * inputs' basis points (each input rounded to the nearest basis point first), rounding the
 * result half up. Display text is the basis points with exactly four decimals (`0.6850`).
 * `confidenceScoreRef` computes the reference's binary float exactly (vectors CS-1..CS-6),
 * for parity reports only.
 */
import {basisPoints} from './quality.js';

export interface LinkConfidences {
  facility?: number | null;
  lanes?: number | null;
  shipments?: number | null;
}

function c(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** The reference's float, operation for operation. */
export function confidenceScoreRef(conf: LinkConfidences): number {
  const F = c(conf.facility);
  const L = c(conf.lanes);
  const S = c(conf.shipments);
  if (F > 0) return F * 0.6 + L * 0.25 + S * 0.15;
  if (L > 0) return L * 0.5;
  return 0.0;
}

/** The stored score: integer basis points 0..10000. */
export function confidenceScoreBp(conf: LinkConfidences): number {
  const F = basisPoints(c(conf.facility));
  const L = basisPoints(c(conf.lanes));
  const S = basisPoints(c(conf.shipments));
  // F·0.6 + L·0.25 + S·0.15 = (60F + 25L + 15S) / 100, exact in integers; round half up.
  if (F > 0) return Math.floor((60 * F + 25 * L + 15 * S + 50) / 100);
  if (L > 0) return Math.floor((L + 1) / 2);
  return 0;
}

/** Basis points as a decimal with four places: 6850 → "0.6850". */
export function formatBasisPoints(bp: number): string {
  const sign = bp < 0 ? '-' : '';
  const abs = Math.abs(bp);
  return `${sign}${Math.floor(abs / 10000)}.${String(abs % 10000).padStart(4, '0')}`;
}

export interface ConfidenceScore {
  /** Integer basis points: the value stored and hashed. */
  confidence_score_bp: number;
  /** Display text, four decimals. */
  confidence_score_text: string;
}

export function confidenceScore(conf: LinkConfidences): ConfidenceScore {
  const bp = confidenceScoreBp(conf);
  return {confidence_score_bp: bp, confidence_score_text: formatBasisPoints(bp)};
}
