import {canonicalJson, sha256Hex} from '../kernel/canonical-json.js';
import type {ClassifyResult, CorrelationResult, ScoreResult} from '../rules/model.js';
import type {AlertVersionRow, IncidentRow} from '../store/decisions-repo.js';
import {confidenceScore} from './confidence.js';
import {type AlertScope, earlierInstant, laterInstant, mergeClassification, mergeScope, parseScope} from './correlate.js';
import type {CanonicalEvent} from './event.js';
import {evidenceFileName, type IncidentEvidencePayload, serializeIncidentEvidence} from './evidence.js';
import {alertId as makeAlertId} from './ids.js';
import {type LinkResult, renderLinkingNotes} from './link.js';
import type {QualityResult} from './quality.js';
import {type ReasonEntry, reasoningLines} from './reasoning.js';

export const ALERT_MODEL_VERSION = 'hardstop-ts-v1';

const RECOMMENDED_ACTIONS = [
  {
    description: 'Verify status with responsible operator or facility.',
    due_within_hours: 4,
    id: 'ACT-VERIFY',
    owner_role: 'Operations / Supply Chain',
  },
];

/** The alert document: the committed projection of an incident at one version. */
export interface AlertDocument {
  alert_id: string;
  version: number;
  status: 'OPEN' | 'UPDATED';
  risk_type: string;
  classification: number;
  impact_score: number;
  confidence_score_bp: number;
  summary: string;
  root_event_id: string;
  root_event_ids: string[];
  latest_event_id: string;
  /** `follow_up`: the item joined the incident through a follow key of its correlate rule (absent otherwise). */
  correlation: {key: string; rule_id: string; action: 'CREATED' | 'UPDATED'; follow_up?: true};
  first_seen: string;
  last_seen: string;
  last_event_time: string | null;
  update_count: number;
  scope: AlertScope;
  source: {id: string; tier: string; trust_tier: number; raw_id: string; url: string | null};
  reasoning: ReasonEntry[];
  recommended_actions: typeof RECOMMENDED_ACTIONS;
  evidence: {
    diagnostics: {
      link_confidence: LinkResult['link_confidence'];
      link_provenance: LinkResult['link_provenance'];
      impact_score: number;
      impact_score_breakdown: string[];
      impact_score_rationale: {
        contributions: {rule_id: string; file: string; line: number; add: number; rationale: string}[];
        base: number;
        raw: number;
        capped: ScoreResult['capped'];
        flags: string[];
        classification_rule: {rule_id: string; file: string; line: number};
      };
      quality_validation: QualityResult['quality_validation'];
      shipments_total_linked: number;
      shipments_truncated: boolean;
    };
    linking_notes: string[];
    incident_evidence: {artifact_hash: string; artifact_path: string; merge_reasons: IncidentEvidencePayload['merge_reasons']; merge_summary: string[]};
  };
  decided_at: string;
  model_version: string;
}

/** The fields of the event an alert version is built from. */
export type AlertEvent = Pick<CanonicalEvent, 'event_id' | 'type' | 'title' | 'event_time' | 'published_at' | 'source_id' | 'tier' | 'trust_tier' | 'url'>;

/** The fields of the link result an alert version is built from (not the mentions or per-path evidence). */
export type AlertLink = Pick<LinkResult, 'facilities' | 'lanes' | 'shipments' | 'shipments_total_linked' | 'shipments_truncated' | 'link_confidence' | 'link_provenance' | 'linking_notes'>;

export interface AlertBuildInput {
  event: AlertEvent;
  link: AlertLink;
  rawItem: {raw_id: string; fetched_at: string; published_at: string | null; url: string | null};
  score: ScoreResult;
  classify: ClassifyResult;
  quality: QualityResult;
  correlation: CorrelationResult;
  existing: IncidentRow | null;
  /** The item joins `existing` through a follow key: the incident keeps its own key. */
  followUp?: boolean;
  /** The run clock (canonical text). */
  decidedAt: string;
  runGroupId: string;
  windowHours: number;
  pinned: boolean;
}

export interface AlertBuild {
  document: AlertDocument;
  incident: IncidentRow;
  version: AlertVersionRow;
  evidence: IncidentEvidencePayload;
  evidenceFile: string;
}

function dedupeKeepFirst(lines: readonly string[]): string[] {
  return [...new Set(lines)];
}

/**
 * Builds the next alert version of an incident from one event's decision: pure, no writes.
 * The caller stores `incident` and `version` in one transaction and writes the evidence file
 * after commit.
 */
export function buildAlertVersion(given: AlertBuildInput): AlertBuild {
  const input = underIncidentKey(given);
  const merged = mergeIntoIncident(input);
  const evidence = buildIncidentEvidence(input, merged);
  const document = alertDocument(input, merged, evidence);
  const alertJson = canonicalJson(document);
  const versionRow: AlertVersionRow = {
    alert_id: merged.alertId,
    version: merged.version,
    event_id: input.event.event_id,
    correlation_action: merged.action,
    classification: merged.classification,
    impact_score: input.score.score,
    decided_at: input.decidedAt,
    alert_json: alertJson,
    alert_hash: sha256Hex(alertJson),
    evidence_json: evidence.json,
    evidence_hash: evidence.payload.artifact_hash,
    run_group_id: input.runGroupId,
  };
  return {document, incident: incidentRow(input, merged, document), version: versionRow, evidence: evidence.payload, evidenceFile: evidence.file};
}

/** The incident after this event: a new one, or the existing one with scope, class, times and roots merged. */
interface MergedIncident {
  alertId: string;
  action: 'CREATED' | 'UPDATED';
  version: number;
  /** The existing incident's scope (null for a new incident). */
  oldScope: AlertScope | null;
  scope: AlertScope;
  classification: number;
  firstSeen: string;
  lastEventTime: string | null;
  rootIds: string[];
}

function mergeIntoIncident(input: AlertBuildInput): MergedIncident {
  const {event, link, existing, correlation} = input;
  const incomingScope: AlertScope = {
    facilities: link.facilities,
    lanes: link.lanes,
    shipments: link.shipments,
    shipments_total_linked: link.shipments_total_linked,
    shipments_truncated: link.shipments_truncated,
  };
  const eventTime = event.event_time;
  const oldScope = existing ? parseScope(existing.scope_json) : null;
  const newClass = input.quality.classification;
  const policyBCap = input.quality.quality_validation.applied_policy === 'B' ? input.quality.cap.cap : null;
  const firstSeenCandidate = input.rawItem.fetched_at ?? input.rawItem.published_at ?? eventTime ?? input.decidedAt;
  return {
    alertId: existing ? existing.alert_id : makeAlertId(eventTime, correlation.key, event.event_id, input.decidedAt),
    action: existing ? 'UPDATED' : 'CREATED',
    version: existing ? existing.current_version + 1 : 1,
    oldScope,
    scope: mergeScope(oldScope, incomingScope),
    classification: existing ? mergeClassification(existing.classification, newClass, policyBCap) : newClass,
    firstSeen: existing ? earlierInstant(existing.first_seen, firstSeenCandidate) : firstSeenCandidate,
    lastEventTime: existing ? laterInstant(existing.last_event_time, eventTime) : eventTime,
    rootIds: existing ? [...new Set([...(JSON.parse(existing.root_event_ids_json) as string[]), event.event_id])].sort() : [event.event_id],
  };
}

/** The incident-evidence payload (why this event joined or opened the incident), its JSON and file name. */
function buildIncidentEvidence(input: AlertBuildInput, merged: MergedIncident): {payload: IncidentEvidencePayload; json: string; file: string} {
  const {event, link, existing, correlation} = input;
  const {payload, json} = serializeIncidentEvidence({
    alertId: merged.alertId,
    correlationKey: correlation.key,
    event: {event_id: event.event_id, event_type: event.type, title: event.title, event_time: event.event_time, published_at: event.published_at},
    incoming: {facilities: link.facilities, lanes: link.lanes, shipments: link.shipments},
    existing: existing
      ? {
          alert_id: existing.alert_id,
          last_seen: existing.last_event_time ?? existing.last_seen,
          root_event_ids: JSON.parse(existing.root_event_ids_json) as string[],
          scope: merged.oldScope,
        }
      : null,
    windowHours: input.windowHours,
    fallbackTime: input.decidedAt,
    determinismMode: input.pinned ? 'pinned' : 'live',
  });
  return {payload, json, file: evidenceFileName(merged.alertId, event.event_id, correlation.key)};
}

function alertDocument(input: AlertBuildInput, merged: MergedIncident, evidence: {payload: IncidentEvidencePayload; file: string}): AlertDocument {
  const {event, link, existing, correlation} = input;
  const reasoning = reasoningLines({
    eventType: event.type,
    classification: input.quality.classification,
    impactScore: input.score.score,
    cap: input.quality.cap.cap,
    capReasons: input.quality.cap_reasons,
    floorReason: input.quality.floor_reason,
  });
  const correlationNote = input.followUp
    ? `Follow-up joined existing alert_id=${merged.alertId} (key=${correlation.key}; own key=${(input as {ownKey?: string}).ownKey})`
    : existing ? `Correlated to existing alert_id=${merged.alertId} via key=${correlation.key}` : `Created new correlated alert via key=${correlation.key}`;
  const conf = confidenceScore(link.link_confidence);
  // Keys in code-unit order at every level: canonicalJson then writes the document without
  // building a sorted copy (AlertDocument lists the fields by meaning).
  return {
    alert_id: merged.alertId,
    classification: merged.classification,
    confidence_score_bp: conf.confidence_score_bp,
    correlation: input.followUp
      ? {action: merged.action, follow_up: true, key: correlation.key, rule_id: correlation.rule_id}
      : {action: merged.action, key: correlation.key, rule_id: correlation.rule_id},
    decided_at: input.decidedAt,
    evidence: {
      diagnostics: decisionDiagnostics(input, merged.scope),
      incident_evidence: {
        artifact_hash: evidence.payload.artifact_hash,
        artifact_path: `output/incidents/${evidence.file}`,
        merge_reasons: evidence.payload.merge_reasons,
        merge_summary: evidence.payload.merge_summary,
      },
      linking_notes: dedupeKeepFirst([...renderLinkingNotes(link.linking_notes), correlationNote, ...evidence.payload.merge_summary]),
    },
    first_seen: merged.firstSeen,
    impact_score: input.score.score,
    last_event_time: merged.lastEventTime,
    last_seen: input.decidedAt,
    latest_event_id: event.event_id,
    model_version: ALERT_MODEL_VERSION,
    reasoning,
    recommended_actions: RECOMMENDED_ACTIONS,
    risk_type: existing ? existing.risk_type : event.type,
    root_event_id: existing ? existing.first_event_id : event.event_id,
    root_event_ids: merged.rootIds,
    scope: merged.scope,
    source: {id: event.source_id, raw_id: input.rawItem.raw_id, tier: event.tier, trust_tier: event.trust_tier, url: event.url},
    status: existing ? 'UPDATED' : 'OPEN',
    summary: event.title,
    update_count: existing ? existing.update_count + 1 : 0,
    version: merged.version,
  };
}

/**
 * A follow-up joins its incident under the incident's key (the key every later item of the
 * story uses); its own key is kept for the linking note. Anything else is built as given.
 */
function underIncidentKey(input: AlertBuildInput): AlertBuildInput & {ownKey?: string} {
  const key = input.existing?.correlation_key;
  if (!input.followUp || !key) return {...input, followUp: false};
  return {...input, correlation: {...input.correlation, key}, ownKey: input.correlation.key};
}

/** How the decision was reached: link confidence, the score with each contributing rule, the quality check. */
function decisionDiagnostics(input: AlertBuildInput, scope: AlertScope): AlertDocument['evidence']['diagnostics'] {
  const {score, classify, link} = input;
  return {
    impact_score: score.score,
    impact_score_breakdown: score.breakdown,
    impact_score_rationale: {
      base: score.base,
      capped: score.capped,
      classification_rule: {file: classify.file, line: classify.line, rule_id: classify.rule_id},
      contributions: score.contributions.map((c) => ({add: c.add, file: c.file, line: c.line, rationale: c.rationale, rule_id: c.rule_id})),
      flags: score.flags,
      raw: score.raw,
    },
    link_confidence: link.link_confidence,
    link_provenance: link.link_provenance,
    quality_validation: input.quality.quality_validation,
    shipments_total_linked: scope.shipments_total_linked,
    shipments_truncated: scope.shipments_truncated,
  };
}

function incidentRow(input: AlertBuildInput, merged: MergedIncident, document: AlertDocument): IncidentRow {
  const {event} = input;
  return {
    alert_id: merged.alertId,
    correlation_key: input.correlation.key,
    first_event_id: document.root_event_id,
    first_seen: merged.firstSeen,
    last_seen: input.decidedAt,
    last_event_time: merged.lastEventTime,
    current_version: merged.version,
    classification: merged.classification,
    impact_score: input.score.score,
    risk_type: document.risk_type,
    summary: event.title,
    status: document.status,
    source_id: event.source_id,
    tier: event.tier,
    trust_tier: event.trust_tier,
    update_count: document.update_count,
    root_event_ids_json: JSON.stringify(merged.rootIds),
    scope_json: canonicalJson(merged.scope),
  };
}
