import {canonicalJson, sha256Hex} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {ClassifyResult, CorrelationResult, ScoreResult} from '../rules/model.js';
import type {ResolvedSource} from '../sources/config.js';
import type {EventRow} from '../store/decisions-repo.js';
import type {AlertEvent, AlertLink} from './alert.js';
import {decideItem, type DecisionEnv, type DecisionItem} from './decide.js';
import {type CanonicalEvent, storedEventJson} from './event.js';
import type {LinkResult} from './link.js';
import type {QualityResult} from './quality.js';

/** The run's stamp on every row it writes. */
export interface WriteStamp {
  decidedAt: string;
  runGroupId: string;
}

/**
 * What the writer needs of one item's decision, everything that does not depend on incidents
 * already computed: the event row serialized and hashed, the suppression matches serialized,
 * and for an alert the fields its version is built from. It is what a decide worker hands
 * across threads, so it leaves out the rule context, the event payload and the link mentions
 * and per-path evidence. Only warnings and errors are kept of the decision's diagnostics.
 */
export type DecidedItem =
  | {kind: 'failed'; message: string; diagnostics: Diagnostic[]}
  | {kind: 'suppressed'; diagnostics: Diagnostic[]; eventRow: EventRow; primary: {rule_id: string; reason_code: string}; matchesJson: string}
  | {
      kind: 'alert';
      diagnostics: Diagnostic[];
      eventRow: EventRow;
      event: AlertEvent;
      link: AlertLink;
      score: ScoreResult;
      classify: ClassifyResult;
      quality: QualityResult;
      correlation: CorrelationResult;
    };

/**
 * The link result as stored with the event: what was linked, how (paths, confidences,
 * provenance, notes). The raw mentions and per-path evidence are left out: they can be
 * hundreds of kilobytes for a county alert, and replay and explain recompute them.
 */
function storedLink(link: LinkResult): Omit<LinkResult, 'mentions' | 'facility_evidence'> {
  const {mentions: _mentions, facility_evidence: _evidence, ...rest} = link;
  return rest;
}

function eventRowOf(event: CanonicalEvent, link: LinkResult, suppressed: boolean, stamp: WriteStamp): EventRow {
  const eventJson = storedEventJson(event);
  return {
    event_id: event.event_id,
    raw_id: event.raw_id,
    source_id: event.source_id,
    canonical_id: event.canonical_id,
    event_type: event.type,
    event_time: event.event_time,
    title: event.title,
    event_json: eventJson,
    event_hash: sha256Hex(eventJson),
    link_json: canonicalJson(storedLink(link)),
    suppressed: suppressed ? 1 : 0,
    decided_at: stamp.decidedAt,
    run_group_id: stamp.runGroupId,
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Decides one item (`decideItem`) and prepares what its writes need. Pure: the same item,
 * source, environment and stamp give the same result in any thread. An item that cannot be
 * decided or serialized is `failed` with the error's message (the writer marks it FAILED).
 */
export function decideForWriter(item: DecisionItem, source: ResolvedSource, env: DecisionEnv, stamp: WriteStamp): DecidedItem {
  let d;
  try {
    d = decideItem(item, source, env);
  } catch (err) {
    return {kind: 'failed', message: messageOf(err), diagnostics: []};
  }
  const diagnostics = d.diagnostics.filter((x) => x.severity !== 'info');
  try {
    const {event, link} = d;
    if (d.kind === 'suppressed') {
      const primary = d.verdict.primary!;
      const matchesJson = canonicalJson(d.verdict.matches);
      return {kind: 'suppressed', diagnostics, eventRow: eventRowOf(event, link, true, stamp), primary: {rule_id: primary.rule_id, reason_code: primary.reason_code}, matchesJson};
    }
    return {
      kind: 'alert',
      diagnostics,
      eventRow: eventRowOf(event, link, false, stamp),
      event: {
        event_id: event.event_id,
        type: event.type,
        title: event.title,
        event_time: event.event_time,
        published_at: event.published_at,
        source_id: event.source_id,
        tier: event.tier,
        trust_tier: event.trust_tier,
        url: event.url,
      },
      link: {
        facilities: link.facilities,
        lanes: link.lanes,
        shipments: link.shipments,
        shipments_total_linked: link.shipments_total_linked,
        shipments_truncated: link.shipments_truncated,
        link_confidence: link.link_confidence,
        link_provenance: link.link_provenance,
        linking_notes: link.linking_notes,
      },
      score: d.score,
      classify: d.classify,
      quality: d.quality,
      correlation: d.correlation,
    };
  } catch (err) {
    return {kind: 'failed', message: messageOf(err), diagnostics};
  }
}
