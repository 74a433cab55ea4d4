import type {DeliveryItem} from '../notifier.js';
import {parseFacts} from '../what-changed.js';
import {alertMessage, digestMessage, limitViolations, updateReply, type SlackMessage} from './blocks.js';

/** Message metadata that makes a post findable after a crash (sinks.md §4, §6.1). */
export interface SlackMetadata {
  event_type: 'hardstop_alert' | 'hardstop_digest' | 'hardstop_test';
  event_payload: {delivery_key: string; alert_id: string; version: number; correlation_key: string | null};
}

/** What one Slack delivery sends: the message, and for an edited alert the thread reply. */
export interface SlackRendered {
  message: SlackMessage;
  reply: SlackMessage | null;
  metadata: SlackMetadata;
}

/** Render stage of both Slack modes. Throws on a broken limit: that is a Hardstop bug, never sent. */
export function renderSlack(item: DeliveryItem): SlackRendered {
  let message: SlackMessage;
  let reply: SlackMessage | null = null;
  if (item.kind === 'digest' && item.digest) {
    message = digestMessage(item.digest);
  } else if (item.alert) {
    message = alertMessage(item.alert, {bundleManifestHash: item.bundleManifestHash, resend: item.resend});
    if (item.previous) reply = updateReply(item.alert, parseFacts(item.previous.facts_json));
  } else {
    throw new Error(`delivery ${item.deliveryKey} has neither an alert nor a digest`);
  }
  for (const m of [message, ...(reply ? [reply] : [])]) {
    const v = limitViolations(m);
    if (v.length) throw new Error(`Slack message for ${item.deliveryKey} breaks Block Kit limits: ${v.join('; ')}`);
  }
  const a = item.alert;
  return {
    message,
    reply,
    metadata: {
      event_type: item.kind === 'digest' ? 'hardstop_digest' : 'hardstop_alert',
      event_payload: {delivery_key: item.deliveryKey, alert_id: a?.alert_id ?? `digest-${item.bundleManifestHash.slice(0, 16)}`, version: a?.version ?? item.digest?.part ?? 1, correlation_key: a?.correlation_key ?? null},
    },
  };
}
