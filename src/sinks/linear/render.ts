import type {BundleAlert} from '../bundle-alert.js';
import type {LinearSinkConfig} from '../config/model.js';
import type {DeliveryItem} from '../notifier.js';
import {changesSince, parseFacts} from '../what-changed.js';
import {linearAttachmentUrl, linearCommentId, linearIssueId} from './linear-ids.js';

/** Linear's title limit. */
export const TITLE_MAX = 255;
/** How many facilities, lanes or shipments a description lists before "+N more". */
const LIST_MAX = 50;

export const MANAGED_NOTICE = 'Managed by Hardstop: edits to title, description and priority are overwritten on the next update.';

/** What one Linear delivery writes (sinks.md §7): all of it derived from the alert entry and the sink. */
export interface LinearRendered {
  issueId: string;
  commentId: string;
  attachmentUrl: string;
  title: string;
  /** The description without its delivery footer (the footer needs the remote issue's opener). */
  body: string;
  priority: number;
  /** The comment a later version adds: what changed. */
  comment: string;
  attachment: {title: string; subtitle: string; metadata: {correlation_key: string; alert_id: string; version: number; evidence_hash: string; delivery_key: string}};
}

function clip(text: string, max: number): string {
  return [...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`;
}

/** `total`: how many are linked in all (the bundle may carry fewer shipments than are linked). */
function list(label: string, ids: string[], total = ids.length): string {
  if (ids.length === 0) return `- **${label}:** none`;
  const shown = ids.slice(0, LIST_MAX).map((id) => `\`${id}\``).join(', ');
  const more = total - Math.min(ids.length, LIST_MAX);
  return `- **${label}:** ${shown}${more > 0 ? ` +${more} more` : ''}`;
}

export function linearTitle(a: BundleAlert): string {
  return clip(`[${a.classification_label}] ${a.summary.replace(/\s+/g, ' ').trim()}`, TITLE_MAX);
}

export function linearBody(a: BundleAlert, bundleManifestHash: string): string {
  const lines = [
    `**${a.classification_label}** alert \`${a.alert_id}\` (version ${a.version}, ${a.update_count} update${a.update_count === 1 ? '' : 's'})`,
    '',
    a.summary,
    '',
    `- **Impact score:** ${a.impact_score ?? '—'}`,
    `- **Source:** ${a.source_id ?? 'unknown'}${a.tier ? ` (source tier: ${a.tier})` : ''}`,
    `- **First seen:** ${a.first_seen_utc} · **last seen:** ${a.last_seen_utc}`,
    `- **Correlation key:** \`${a.correlation_key}\``,
    list('Facilities', a.facilities),
    list('Lanes', a.lanes),
    list('Shipments', a.shipments, a.shipments_truncated ? a.shipments_total_linked : a.shipments.length),
  ];
  if (a.rationale.length) lines.push('', '**Why this score**', ...a.rationale.map((r) => `- ${r}`));
  lines.push('', `Evidence \`${a.evidence.hash}\` · bundle manifest \`${bundleManifestHash}\``);
  return lines.join('\n');
}

/**
 * The footer names the delivery that opened the issue and the one that last wrote it, so a
 * push that lost its ledger can tell from the issue itself whether its own create already
 * happened (then it must not comment).
 */
export function linearDescription(body: string, openedBy: string | null, updatedBy: string): string {
  return `${body}\n\n---\n${MANAGED_NOTICE}\nHardstop delivery: opened-by ${openedBy ?? 'unknown'} updated-by ${updatedBy}`;
}

const FOOTER = /Hardstop delivery: opened-by (\S+) updated-by (\S+)\s*$/;

export function parseFooter(description: string | null | undefined): {openedBy: string | null; updatedBy: string | null} {
  const m = FOOTER.exec(description ?? '');
  if (!m) return {openedBy: null, updatedBy: null};
  return {openedBy: m[1] === 'unknown' ? null : m[1], updatedBy: m[2]};
}

export function linearComment(item: DeliveryItem, a: BundleAlert): string {
  const before = parseFacts(item.correlationRow?.facts_json ?? item.previous?.facts_json);
  const changes = before ? changesSince(before, a) : [];
  const what = changes.length ? changes.map((c) => `- ${c}`).join('\n') : '- a new version with the same classification, score and facilities';
  return `Hardstop: alert \`${a.alert_id}\` version ${a.version} (${a.classification_label}, impact score ${a.impact_score ?? '—'})\n\n${what}`;
}

/** Render stage of the Linear notifier: pure. */
export function renderLinear(sink: LinearSinkConfig, item: DeliveryItem): LinearRendered {
  const a = item.alert;
  if (item.kind !== 'alert' || !a) throw new Error(`delivery ${item.deliveryKey}: Linear sinks deliver alert versions only`);
  return {
    issueId: item.correlationRow?.linear_issue_id ?? linearIssueId(sink.id, sink.teamId, a.correlation_key),
    commentId: linearCommentId(item.deliveryKey),
    attachmentUrl: linearAttachmentUrl(sink.linkBaseUrl, a.correlation_key),
    title: linearTitle(a),
    body: linearBody(a, item.bundleManifestHash),
    priority: sink.priority[a.classification] ?? 0,
    comment: linearComment(item, a),
    attachment: {
      title: `Hardstop alert ${a.alert_id}`,
      subtitle: `version ${a.version} · ${a.classification_label}`,
      metadata: {correlation_key: a.correlation_key, alert_id: a.alert_id, version: a.version, evidence_hash: a.evidence.hash, delivery_key: item.deliveryKey},
    },
  };
}
