import {resolveKnownId} from '../kernel/id-lookup.js';
import type {Store} from './db.js';

/**
 * Ids a user names on the command line, looked up before any work: an id that names nothing
 * is exit 2 with a did-you-mean over the known ids, never an empty (green) selection.
 */

/** Every run group that wrote a RunRecord in this home. */
export function knownRunGroupIds(store: Store): string[] {
  return (store.db.prepare('SELECT DISTINCT run_group_id FROM run_records ORDER BY run_group_id').all() as {run_group_id: string}[]).map((r) => r.run_group_id);
}

/** Every stored alert (incident) id. */
export function knownAlertIds(store: Store): string[] {
  return (store.db.prepare('SELECT alert_id FROM incidents ORDER BY alert_id').all() as {alert_id: string}[]).map((r) => r.alert_id);
}

export function alertExists(store: Store, alertId: string): boolean {
  return store.db.prepare('SELECT 1 FROM incidents WHERE alert_id = ?').get(alertId) !== undefined;
}

/** Source ids that raw items were stored under (sources since removed from the config included). */
export function storedSourceIds(store: Store): string[] {
  return (store.db.prepare('SELECT DISTINCT source_id FROM raw_items ORDER BY source_id').all() as {source_id: string}[]).map((r) => r.source_id);
}

/** A run group id (or a unique prefix of at least 8 characters, as the status line prints it). */
export function requireRunGroup(store: Store, given: string, givenAs = '--run'): string {
  return resolveKnownId(given, knownRunGroupIds(store), {
    code: 'RUN_GROUP_NOT_FOUND',
    what: 'run group',
    given_as: givenAs,
    where: "in this home's RunRecords",
    list_hint: 'run groups are printed in each status line (`run 1a2b3c4d`) and under run_records/',
    min_prefix: 8,
  });
}

export function requireAlert(store: Store, given: string, givenAs: string): string {
  if (alertExists(store, given)) return given;
  return resolveKnownId(given, knownAlertIds(store), {
    code: 'ALERT_NOT_FOUND',
    what: 'alert',
    given_as: givenAs,
    where: 'in this home',
    list_hint: 'list the stored alerts with `hardstop alerts list`',
  });
}

/** A source id of config/sources.yaml (and, with a store, of stored raw items). */
export function requireSource(configured: readonly string[], given: string, givenAs: string, store?: Store): string {
  const known = new Set(configured);
  if (store) for (const id of storedSourceIds(store)) known.add(id);
  return resolveKnownId(given, known, {
    code: 'SOURCE_UNKNOWN',
    what: 'source',
    given_as: givenAs,
    where: store ? 'in config/sources.yaml or the stored items' : 'in config/sources.yaml',
    list_hint: known.size ? `known sources: ${[...known].join(', ')}` : 'add one to config/sources.yaml',
  });
}

/** The network ids a command can filter alerts by: the table that holds them and the alert scope key that names them. */
const NETWORK_IDS = {
  facility: {code: 'FACILITY_UNKNOWN', table: 'facilities', column: 'facility_id', scope: '$.facilities', csv: 'network/facilities.csv'},
  lane: {code: 'LANE_UNKNOWN', table: 'lanes', column: 'lane_id', scope: '$.lanes', csv: 'network/lanes.csv'},
} as const;

export type NetworkIdKind = keyof typeof NETWORK_IDS;

/** Ids of one kind in the network and in the scopes of stored alerts (an id since removed from the network included). */
export function knownNetworkIds(store: Store, kind: NetworkIdKind): string[] {
  const k = NETWORK_IDS[kind];
  const sql = `SELECT ${k.column} AS id FROM ${k.table} UNION SELECT s.value FROM incidents i, json_each(i.scope_json, '${k.scope}') s ORDER BY 1`;
  return (store.db.prepare(sql).all() as {id: string}[]).map((r) => r.id);
}

/** A facility or lane id of the network (or of a stored alert's scope). */
export function requireNetworkId(store: Store, kind: NetworkIdKind, given: string, givenAs: string): string {
  const k = NETWORK_IDS[kind];
  return resolveKnownId(given, knownNetworkIds(store, kind), {
    code: k.code,
    what: kind,
    given_as: givenAs,
    where: 'in the network or the stored alerts',
    list_hint: `load the network with \`hardstop ingest\`; its ${k.table} are ${k.csv}`,
  });
}
