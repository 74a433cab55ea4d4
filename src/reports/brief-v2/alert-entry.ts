/**
 * The §8.1 alert entry of one stored alert version: read from the version's own document and
 * evidence payload, never rebuilt from the projection or recomputed.
 */
import {verifyIncidentEvidence} from '../../pipeline/evidence.js';
import type {AlertSummaryRow, VersionPayloadRow} from '../../store/read-models-repo.js';
import {type BriefAlertV2, byText, classificationLabel, type CorrelationAction} from './model.js';

type Doc = Record<string, unknown>;

function obj(v: unknown): Doc {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function sortedStrings(v: unknown): string[] {
  return [...new Set(strings(v))].sort(byText);
}

function parseObject(json: string | null | undefined): Doc | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : null;
  } catch {
    return null;
  }
}

/** The version's stored alert document (empty object when unreadable). */
export function versionDocument(v: VersionPayloadRow | undefined): Doc {
  return parseObject(v?.alert_json) ?? {};
}

/**
 * The evidence object of an alert version as the bundle stores it (`alert-evidence.<h>.json`):
 * diagnostics, linking notes, correlation and source of the stored document.
 */
export function alertEvidenceObject(doc: Doc): Doc {
  const ev = obj(doc.evidence);
  return {
    correlation: doc.correlation ?? null,
    diagnostics: ev.diagnostics ?? null,
    linking_notes: strings(ev.linking_notes),
    source: doc.source ?? null,
  };
}

/** Verification of the stored incident-evidence payload of a version (R-14: a missing hash fails). */
export function evidenceVerified(v: VersionPayloadRow): {verified: boolean; payload: Doc | null} {
  const payload = parseObject(v.evidence_json);
  if (!payload) return {verified: false, payload: null};
  const check = verifyIncidentEvidence(payload, {strict: true});
  return {verified: check.verified && check.stored === v.evidence_hash, payload};
}

function actionOf(row: AlertSummaryRow, doc: Doc): CorrelationAction {
  const a = row.correlation_action ?? obj(doc.correlation).action;
  if (a === 'CREATED' || a === 'UPDATED') return a;
  return row.status === 'UPDATED' ? 'UPDATED' : 'CREATED';
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function suppressionOf(doc: Doc): BriefAlertV2['suppression'] {
  const s = obj(doc.suppression);
  return typeof s.rule_id === 'string' ? {rule_id: s.rule_id, reason_code: typeof s.reason_code === 'string' ? s.reason_code : null} : null;
}

/** The entry of the current version of an alert (`v` is that version's stored row). */
export function alertEntryV2(row: AlertSummaryRow, v: VersionPayloadRow): BriefAlertV2 {
  const doc = versionDocument(v);
  const scope = obj(doc.scope);
  const diagnostics = obj(obj(doc.evidence).diagnostics);
  const ie = obj(obj(doc.evidence).incident_evidence);
  const {verified, payload} = evidenceVerified(v);
  const shipments = sortedStrings(scope.shipments);
  return {
    alert_id: row.alert_id,
    correlation_key: row.correlation_key ?? '',
    action: actionOf(row, doc),
    version: v.version,
    classification: row.classification,
    classification_label: classificationLabel(row.classification),
    impact_score: row.impact_score,
    rationale: strings(diagnostics.impact_score_breakdown),
    summary: row.summary,
    tier: row.tier,
    trust_tier: row.trust_tier,
    source_id: row.source_id,
    facilities: sortedStrings(scope.facilities),
    lanes: sortedStrings(scope.lanes),
    shipments,
    shipments_total_linked: num(scope.shipments_total_linked) ?? shipments.length,
    shipments_truncated: scope.shipments_truncated === true,
    first_seen_utc: row.first_seen,
    last_seen_utc: row.last_seen,
    update_count: row.update_count ?? 0,
    suppression: suppressionOf(doc),
    evidence: {
      hash: v.evidence_hash,
      path: typeof ie.artifact_path === 'string' ? ie.artifact_path.split('\\').join('/') : null,
      verified,
      merge_summary: strings(payload?.merge_summary),
    },
  };
}

/** Root event ids of the version's document, sorted. */
export function rootEventIds(doc: Doc): string[] {
  return sortedStrings(doc.root_event_ids);
}
