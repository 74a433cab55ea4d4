import type {EpochMicros} from '../kernel/time.js';
import type {CorrelationResult} from '../rules/model.js';
import type {IncidentRow} from '../store/decisions-repo.js';
import {instantOf} from '../kernel/time.js';

/** An incident's stored scope (domain.md §8.3 scope_json). */
export interface AlertScope {
  facilities: string[];
  lanes: string[];
  shipments: string[];
  shipments_total_linked: number;
  shipments_truncated: boolean;
}

/**
 * The incident this event continues, if any: the most recent candidate with the key whose
 * latest event time is within the window of the event's time (pipeline.md §8.2 TS contract:
 * event time, not processing time; instants, not strings).
 */
export function findExistingIncident(candidates: readonly IncidentRow[], eventTime: EpochMicros, windowMicros: number): IncidentRow | null {
  for (const c of candidates) {
    const last = instantOf(c.last_event_time) ?? instantOf(c.last_seen);
    if (last === null) continue;
    if (Math.abs(eventTime - last) <= windowMicros) return c;
  }
  return null;
}

/** The incident an item joins, and whether it joined as a follow-up (through a `follow` key). */
export interface IncidentMatch {
  incident: IncidentRow;
  followUp: boolean;
}

/**
 * Where an item goes: the open incident with its own key in the window; else the open incident
 * of the first follow key that has one (the pack lists follow keys in order of preference);
 * else none (it opens an incident). `lookup` gives the candidates of a key in candidate order:
 * the store's during ingest, the previous version during replay.
 */
export function resolveIncident(lookup: (key: string) => readonly IncidentRow[], correlation: Pick<CorrelationResult, 'key' | 'follow' | 'window_micros'>, eventTime: EpochMicros): IncidentMatch | null {
  const own = findExistingIncident(lookup(correlation.key), eventTime, correlation.window_micros);
  if (own) return {incident: own, followUp: false};
  for (const key of correlation.follow) {
    const c = findExistingIncident(lookup(key), eventTime, correlation.window_micros);
    if (c) return {incident: c, followUp: true};
  }
  return null;
}

/** Candidate order: latest event time first (none last), then alert id (the store's order). */
function candidateOrder(a: IncidentRow, b: IncidentRow): number {
  const x = a.last_event_time;
  const y = b.last_event_time;
  if (x !== y) {
    if (x === null) return 1;
    if (y === null) return -1;
    return x > y ? -1 : 1;
  }
  return a.alert_id < b.alert_id ? -1 : a.alert_id > b.alert_id ? 1 : 0;
}

/**
 * The correlation candidates of one write transaction: the stored projections for a set of
 * keys, loaded with one query, then kept current as the transaction writes versions. Valid
 * only inside that transaction (no other writer can change incidents meanwhile).
 */
export class CandidateIncidents {
  private readonly byKey = new Map<string, IncidentRow[]>();

  constructor(rows: readonly IncidentRow[]) {
    for (const r of rows) this.record(r);
  }

  /** The first `limit` incidents with this key, in candidate order. */
  candidates(key: string, limit: number): IncidentRow[] {
    return (this.byKey.get(key) ?? []).slice(0, limit);
  }

  /** Adds an incident or replaces its projection (same alert id). */
  record(row: IncidentRow): void {
    if (row.correlation_key === null) return;
    const list = (this.byKey.get(row.correlation_key) ?? []).filter((r) => r.alert_id !== row.alert_id);
    list.push(row);
    list.sort(candidateOrder);
    this.byKey.set(row.correlation_key, list);
  }
}

function appendUnique(a: readonly (string | null)[], b: readonly (string | null)[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of [...a, ...b]) {
    if (x === null || seen.has(x)) continue;
    seen.add(x);
    out.push(x);
  }
  return out;
}

export function parseScope(json: string | null | undefined): AlertScope | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as Partial<AlertScope>;
    if (!v || typeof v !== 'object') return null;
    return {
      facilities: Array.isArray(v.facilities) ? v.facilities : [],
      lanes: Array.isArray(v.lanes) ? v.lanes : [],
      shipments: Array.isArray(v.shipments) ? v.shipments : [],
      shipments_total_linked: typeof v.shipments_total_linked === 'number' ? v.shipments_total_linked : (v.shipments?.length ?? 0),
      shipments_truncated: v.shipments_truncated === true,
    };
  } catch {
    return null;
  }
}

/** §8.4: old lists then new, duplicates dropped keeping the first; totals by max; flags by OR. */
export function mergeScope(old: AlertScope | null, incoming: AlertScope): AlertScope {
  if (!old) return incoming;
  const shipments = appendUnique(old.shipments, incoming.shipments);
  return {
    facilities: appendUnique(old.facilities, incoming.facilities),
    lanes: appendUnique(old.lanes, incoming.lanes),
    shipments,
    shipments_total_linked: Math.max(old.shipments_total_linked, incoming.shipments_total_linked, shipments.length),
    shipments_truncated: old.shipments_truncated || incoming.shipments_truncated,
  };
}

/**
 * §8.3: an update keeps the stronger class, then the new event's Policy B quality cap may
 * lower it again (COR-5: a weak follow-up can lower a strong incident; documented default).
 */
export function mergeClassification(old: number, incoming: number, policyBCap: number | null): number {
  const c = Math.max(old, incoming);
  return policyBCap === null ? c : Math.min(c, policyBCap);
}

/** Earlier of two instants given as text; a parseable value wins over an unparseable one. */
export function earlierInstant(a: string, b: string): string {
  const x = instantOf(a);
  const y = instantOf(b);
  if (x !== null && y !== null) return x <= y ? a : b;
  if (x !== null) return a;
  if (y !== null) return b;
  return a <= b ? a : b;
}

export function laterInstant(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  const x = instantOf(a);
  const y = instantOf(b);
  if (x === null) return b;
  if (y === null) return a;
  return x >= y ? a : b;
}
