import type {EpochMicros} from '../kernel/time.js';
import {parseIsoInstant} from '../kernel/time.js';
import type {DeliveryLedger, DeliveryReason, DeliveryRow} from '../store/ledger/delivery-ledger.js';
import type {BundleAlert, BundleView} from './bundle-alert.js';
import type {SinkConfig} from './config/model.js';
import {alertRoot, deliveryKey, selectRoute} from './route.js';

export type PlanAction = 'create' | 'update' | 'skip: delivered' | 'skip: no route' | 'skip: before first push window' | 'resolve in-doubt';

/** One alert version of the bundle, for one sink, after the select and dedup stages. */
export interface PlanEntry {
  alert: BundleAlert;
  deliveryKey: string;
  routeId: string | null;
  action: PlanAction;
  /** Ledger reason of a delivery to make (create/update), else null. */
  reason: DeliveryReason | null;
  /** Why, in words, when the action alone does not say it. */
  note: string | null;
}

export interface SinkPlan {
  sink: SinkConfig;
  entries: PlanEntry[];
  /** Rows a dead push left in `sending`: resolved before anything else is sent. */
  inDoubt: DeliveryRow[];
}

export interface PlanOptions {
  now: EpochMicros;
  /** Webhook sinks on an empty ledger skip alert versions decided longer ago than this. */
  firstPushWindowMicros: EpochMicros;
}

function decidedAt(a: BundleAlert): EpochMicros | null {
  const t = a.last_seen_utc ?? a.first_seen_utc;
  return t === null ? null : (parseIsoInstant(t)?.micros ?? null);
}

/** Dedup stage for one routed alert version: what the ledger already knows decides. */
function dedup(sink: SinkConfig, alert: BundleAlert, key: string, ledger: DeliveryLedger | null): Pick<PlanEntry, 'action' | 'reason' | 'note'> {
  const row = ledger?.get(sink.id, alert.alert_id, alert.version);
  if (row && row.delivery_key !== key) {
    return {action: 'skip: delivered', reason: null, note: `version ${alert.version} was already planned with other content (version_hash changed); not sent again`};
  }
  if (row?.state === 'delivered' || row?.state === 'delivered_unconfirmed') return {action: 'skip: delivered', reason: null, note: row.state === 'delivered_unconfirmed' ? 'delivered (unconfirmed)' : null};
  if (row?.state === 'sending') return {action: 'resolve in-doubt', reason: row.reason, note: 'a previous push died during this request'};
  if (row) return {action: row.reason === 'first_notification' ? 'create' : 'update', reason: row.reason, note: `retry: was ${row.state}${row.last_error_code ? ` (${row.last_error_code})` : ''}`};
  const previous = ledger?.previousDelivered(sink.id, alert.alert_id, alert.version);
  return previous ? {action: 'update', reason: 'alert_updated', note: `delivered before at version ${previous.version}`} : {action: 'create', reason: 'first_notification', note: null};
}

/** Select → dedup for one sink: every alert version of the bundle gets an action and a reason. */
export function planSink(sink: SinkConfig, bundle: BundleView, ledger: DeliveryLedger | null, opts: PlanOptions): SinkPlan {
  const firstPush = sink.type === 'slack' && sink.mode === 'webhook' && (ledger === null || ledger.isEmptyFor(sink.id));
  const entries = bundle.alerts.map((alert): PlanEntry => {
    const key = deliveryKey(sink.id, alert.alert_id, alert.version, alert.version_hash);
    const route = selectRoute(sink, alertRoot(alert));
    if (!route) return {alert, deliveryKey: key, routeId: null, action: 'skip: no route', reason: null, note: null};
    if (firstPush) {
      const at = decidedAt(alert);
      if (at === null || at < opts.now - opts.firstPushWindowMicros) {
        return {alert, deliveryKey: key, routeId: route.id, action: 'skip: before first push window', reason: null, note: 'the ledger is empty: older alert versions are not posted to a webhook'};
      }
    }
    return {alert, deliveryKey: key, routeId: route.id, ...dedup(sink, alert, key, ledger)};
  });
  return {sink, entries, inDoubt: ledger?.rowsInStates(['sending'], sink.id) ?? []};
}
