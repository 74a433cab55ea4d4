import {sha256Hex} from '../../kernel/canonical-json.js';

/** A UUID in version-4 layout from the first 16 bytes of SHA-256(basis) (sinks.md §7). */
function uuidV4Layout(basis: string): string {
  const b = Buffer.from(sha256Hex(basis).slice(0, 32), 'hex');
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The one Linear issue of a (sink, team, correlation key): the same id on every machine and after a lost ledger. */
export function linearIssueId(sinkId: string, teamId: string, correlationKey: string): string {
  return uuidV4Layout(`hardstop-linear|${sinkId}|${teamId}|${correlationKey}`);
}

/** The comment of one delivery (a later alert version): a retried create finds it instead of adding another. */
export function linearCommentId(deliveryKey: string): string {
  return uuidV4Layout(`hardstop-linear-comment|${deliveryKey}`);
}

/** The attachment URL of a correlation key: stable for the key, the second way back to the issue. */
export function linearAttachmentUrl(linkBaseUrl: string, correlationKey: string): string {
  const tag = sha256Hex(correlationKey).slice(0, 16);
  return `${linkBaseUrl.replace(/\/+$/, '')}/alerts/${tag}`;
}
