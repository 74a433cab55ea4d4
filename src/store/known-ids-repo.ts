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

/** Facility ids of the network and of the scopes of stored alerts (a facility since removed included). */
export function knownFacilityIds(store: Store): string[] {
  return (
    store.db
      .prepare("SELECT facility_id AS id FROM facilities UNION SELECT s.value FROM incidents i, json_each(i.scope_json, '$.facilities') s ORDER BY 1")
      .all() as {id: string}[]
  ).map((r) => r.id);
}

/** Lane ids of the network and of the scopes of stored alerts. */
export function knownLaneIds(store: Store): string[] {
  return (
    store.db.prepare("SELECT lane_id AS id FROM lanes UNION SELECT s.value FROM incidents i, json_each(i.scope_json, '$.lanes') s ORDER BY 1").all() as {id: string}[]
  ).map((r) => r.id);
}

/** A facility id of the network (or of a stored alert's scope). */
export function requireFacility(store: Store, given: string, givenAs: string): string {
  return resolveKnownId(given, knownFacilityIds(store), {
    code: 'FACILITY_UNKNOWN',
    what: 'facility',
    given_as: givenAs,
    where: 'in the network or the stored alerts',
    list_hint: 'load the network with `hardstop ingest`; its facilities are network/facilities.csv',
  });
}

/** A lane id of the network (or of a stored alert's scope). */
export function requireLane(store: Store, given: string, givenAs: string): string {
  return resolveKnownId(given, knownLaneIds(store), {
    code: 'LANE_UNKNOWN',
    what: 'lane',
    given_as: givenAs,
    where: 'in the network or the stored alerts',
    list_hint: 'load the network with `hardstop ingest`; its lanes are network/lanes.csv',
  });
}
