import type {DeliveryKind, DeliveryReason, DeliveryRow, RemoteHandle} from '../store/ledger/delivery-ledger.js';
import type {BundleAlert} from './bundle-alert.js';
import type {SinkConfig} from './config/model.js';

/** A remote error as the operator sees it: the service's own error name, verbatim, and a hint. */
export interface RemoteError {
  /** e.g. `channel_not_found`, `rate_limited`, `http_500`, `timeout`, `InvalidInputLinearError`. */
  name: string;
  /** Secret-free description (URLs redacted). */
  message: string;
  hint: string;
  /** The request may have taken effect (timeout, reset after sending): look before sending again. */
  ambiguous?: boolean;
}

/** What one attempt of a notifier ended with (sinks.md §5): the pipeline maps it to ledger states. */
export type SendOutcome =
  | {kind: 'delivered'; handle: RemoteHandle; /** What was done instead of the planned action. */ fallback?: string}
  | {kind: 'retryable'; error: RemoteError; retryAfterMs?: number}
  | {kind: 'terminal'; error: RemoteError};

/** How a delivery left `sending` by a dead process is settled (sinks.md §4). */
export type InDoubtResolution =
  | {kind: 'found'; handle: RemoteHandle}
  | {kind: 'absent'}
  /** The remote side cannot be asked (Slack webhook): the sink's `in_doubt` policy decides. */
  | {kind: 'unknowable'}
  | {kind: 'error'; error: RemoteError; retryable: boolean};

/** The summary of one push for one sink (counts, new vs updated, blocked sources, the list). */
export interface DigestContent {
  bundleManifestHash: string;
  generatedAt: string;
  /** 1-based part and the number of parts: a long list is split into several messages. */
  part: number;
  parts: number;
  counts: {byClassification: Record<string, number>; created: number; updated: number; total: number};
  blockedSources: string[];
  alerts: {alert_id: string; version: number; classification: number; label: string; summary: string; action: 'create' | 'update'}[];
}

/** Everything a notifier needs to render and send one delivery. */
export interface DeliveryItem {
  sink: SinkConfig;
  kind: DeliveryKind;
  deliveryKey: string;
  reason: DeliveryReason;
  /** The alert version (kind `alert`). */
  alert: BundleAlert | null;
  /** The digest part (kind `digest`). */
  digest: DigestContent | null;
  /** The newest delivered earlier version of the same alert: the message to edit, the facts to compare. */
  previous: DeliveryRow | null;
  /** The newest delivered row of the same correlation key (one Linear issue per key). */
  correlationRow: DeliveryRow | null;
  /** Sent again after an unconfirmed attempt: the message says so. */
  resend: boolean;
  bundleManifestHash: string;
}

/**
 * One notifier per sink type and mode (one file each). The pipeline owns ordering, the ledger,
 * retries and pacing; a notifier only renders, sends one attempt, settles in-doubt rows and
 * answers `sinks test`. It never throws for a remote failure: every outcome is typed.
 */
export interface Notifier<M = unknown> {
  readonly sink: SinkConfig;
  /** Whether the pipeline should send a digest before the alert messages of a push. */
  readonly wantsDigest: boolean;
  /** Pure: the message(s) of one delivery, every size limit already enforced. */
  render(item: DeliveryItem): M;
  /** One attempt. */
  send(message: M, item: DeliveryItem, attempt: number): Promise<SendOutcome>;
  /** `previous`: the newest delivered earlier version of the same alert (its message may hold the answer). */
  resolveInDoubt(row: DeliveryRow, previous: DeliveryRow | null): Promise<InDoubtResolution>;
  /**
   * A lost (empty) ledger: the deliveries the remote side already holds, by delivery key, from
   * `sinceSeconds` (epoch) on. Absent when the remote side cannot be searched (webhooks).
   */
  recoverRecent?(sinceSeconds: number): Promise<{kind: 'ok'; found: Map<string, RemoteHandle>} | {kind: 'error'; error: RemoteError}>;
  /** `sinks test`: one clearly marked test message, or a read-only check of the credentials. */
  test(at: string): Promise<SendOutcome>;
}
