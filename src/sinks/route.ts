import {sha256Hex} from '../kernel/canonical-json.js';
import {parseIsoInstant} from '../kernel/time.js';
import type {BundleAlert} from './bundle-alert.js';
import type {RouteConfig, SinkConfig} from './config/model.js';

/** `delivery_key` of sinks.md §4: first 32 hex of SHA-256 of `sink | alert | version | version_hash`. */
export function deliveryKey(sinkId: string, alertId: string, version: number, versionHash: string): string {
  return sha256Hex(`${sinkId}|${alertId}|${version}|${versionHash}`).slice(0, 32);
}

/** The `alert` root a route condition sees: the entry, with its instants in the rule language's form. */
export function alertRoot(alert: BundleAlert): Record<string, unknown> {
  const instant = (t: string | null) => (t === null ? null : (parseIsoInstant(t)?.micros ?? null));
  return {...alert, first_seen_utc: instant(alert.first_seen_utc), last_seen_utc: instant(alert.last_seen_utc)};
}

/** Select stage: the first route of the sink whose condition holds (file order), or null. */
export function selectRoute(sink: SinkConfig, root: Record<string, unknown>): RouteConfig | null {
  for (const r of sink.routes) if (r.condition.test(root)) return r;
  return null;
}
