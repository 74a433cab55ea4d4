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

export interface AlertBuildInput {
  event: CanonicalEvent;
  link: LinkResult;
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
export function buildAlertVersion(input: AlertBuildInput): AlertBuild {
  const {event, link, existing, correlation} = input;
  const followUp = Boolean(input.followUp && existing?.correlation_key);
  const key = followUp ? existing!.correlation_key! : correlation.key;
  const incomingScope: AlertScope = {
    facilities: link.facilities,
    lanes: link.lanes,
    shipments: link.shipments,
    shipments_total_linked: link.shipments_total_linked,
    shipments_truncated: link.shipments_truncated,
  };
  const eventTime = event.event_time;
  const alertId = existing ? existing.alert_id : makeAlertId(eventTime, key, event.event_id, input.decidedAt);
  const action: 'CREATED' | 'UPDATED' = existing ? 'UPDATED' : 'CREATED';
  const oldScope = existing ? parseScope(existing.scope_json) : null;
  const scope = mergeScope(oldScope, incomingScope);
  const newClass = input.quality.classification;
  const policyBCap = input.quality.quality_validation.applied_policy === 'B' ? input.quality.cap.cap : null;
  const classification = existing ? mergeClassification(existing.classification, newClass, policyBCap) : newClass;
  const firstSeenCandidate = input.rawItem.fetched_at ?? input.rawItem.published_at ?? eventTime ?? input.decidedAt;
  const firstSeen = existing ? earlierInstant(existing.first_seen, firstSeenCandidate) : firstSeenCandidate;
  const lastEventTime = existing ? laterInstant(existing.last_event_time, eventTime) : eventTime;
  const rootIds = existing ? [...new Set([...(JSON.parse(existing.root_event_ids_json) as string[]), event.event_id])].sort() : [event.event_id];
  const version = existing ? existing.current_version + 1 : 1;

  const {payload: evidenceCore, json: evidenceJson} = serializeIncidentEvidence({
    alertId,
    correlationKey: key,
    event: {event_id: event.event_id, event_type: event.type, title: event.title, event_time: eventTime, published_at: event.published_at},
    incoming: {facilities: link.facilities, lanes: link.lanes, shipments: link.shipments},
    existing: existing
      ? {
          alert_id: existing.alert_id,
          last_seen: existing.last_event_time ?? existing.last_seen,
          root_event_ids: JSON.parse(existing.root_event_ids_json) as string[],
          scope: oldScope,
        }
      : null,
    windowHours: input.windowHours,
    fallbackTime: input.decidedAt,
    determinismMode: input.pinned ? 'pinned' : 'live',
  });
  const evidenceFile = `${evidenceFileName(alertId, event.event_id, key)}`;
  const reasoning = reasoningLines({
    eventType: event.type,
    classification: newClass,
    impactScore: input.score.score,
    cap: input.quality.cap.cap,
    capReasons: input.quality.cap_reasons,
    floorReason: input.quality.floor_reason,
  });
  const correlationNote = followUp
    ? `Follow-up joined existing alert_id=${alertId} (key=${key}; own key=${correlation.key})`
    : existing ? `Correlated to existing alert_id=${alertId} via key=${key}` : `Created new correlated alert via key=${key}`;
  const conf = confidenceScore(link.link_confidence);
  // Keys in code-unit order at every level: canonicalJson then writes the document without
  // building a sorted copy (AlertDocument lists the fields by meaning).
  const document: AlertDocument = {
    alert_id: alertId,
    classification,
    confidence_score_bp: conf.confidence_score_bp,
    correlation: followUp ? {action, follow_up: true, key, rule_id: correlation.rule_id} : {action, key, rule_id: correlation.rule_id},
    decided_at: input.decidedAt,
    evidence: {
      diagnostics: {
        impact_score: input.score.score,
        impact_score_breakdown: input.score.breakdown,
        impact_score_rationale: {
          base: input.score.base,
          capped: input.score.capped,
          classification_rule: {file: input.classify.file, line: input.classify.line, rule_id: input.classify.rule_id},
          contributions: input.score.contributions.map((c) => ({add: c.add, file: c.file, line: c.line, rationale: c.rationale, rule_id: c.rule_id})),
          flags: input.score.flags,
          raw: input.score.raw,
        },
        link_confidence: link.link_confidence,
        link_provenance: link.link_provenance,
        quality_validation: input.quality.quality_validation,
        shipments_total_linked: scope.shipments_total_linked,
        shipments_truncated: scope.shipments_truncated,
      },
      incident_evidence: {
        artifact_hash: evidenceCore.artifact_hash,
        artifact_path: `output/incidents/${evidenceFile}`,
        merge_reasons: evidenceCore.merge_reasons,
        merge_summary: evidenceCore.merge_summary,
      },
      linking_notes: dedupeKeepFirst([...renderLinkingNotes(link.linking_notes), correlationNote, ...evidenceCore.merge_summary]),
    },
    first_seen: firstSeen,
    impact_score: input.score.score,
    last_event_time: lastEventTime,
    last_seen: input.decidedAt,
    latest_event_id: event.event_id,
    model_version: ALERT_MODEL_VERSION,
    reasoning,
    recommended_actions: RECOMMENDED_ACTIONS,
    risk_type: existing ? existing.risk_type : event.type,
    root_event_id: existing ? existing.first_event_id : event.event_id,
    root_event_ids: rootIds,
    scope,
    source: {id: event.source_id, raw_id: input.rawItem.raw_id, tier: event.tier, trust_tier: event.trust_tier, url: event.url},
    status: existing ? 'UPDATED' : 'OPEN',
    summary: event.title,
    update_count: existing ? existing.update_count + 1 : 0,
    version,
  };
  const alertJson = canonicalJson(document);
  const incident: IncidentRow = {
    alert_id: alertId,
    correlation_key: key,
    first_event_id: document.root_event_id,
    first_seen: firstSeen,
    last_seen: input.decidedAt,
    last_event_time: lastEventTime,
    current_version: version,
    classification,
    impact_score: input.score.score,
    risk_type: document.risk_type,
    summary: event.title,
    status: document.status,
    source_id: event.source_id,
    tier: event.tier,
    trust_tier: event.trust_tier,
    update_count: document.update_count,
    root_event_ids_json: JSON.stringify(rootIds),
    scope_json: canonicalJson(scope),
  };
  const versionRow: AlertVersionRow = {
    alert_id: alertId,
    version,
    event_id: event.event_id,
    correlation_action: action,
    classification,
    impact_score: input.score.score,
    decided_at: input.decidedAt,
    alert_json: alertJson,
    alert_hash: sha256Hex(alertJson),
    evidence_json: evidenceJson,
    evidence_hash: evidenceCore.artifact_hash,
    run_group_id: input.runGroupId,
  };
  return {document, incident, version: versionRow, evidence: evidenceCore, evidenceFile};
}
