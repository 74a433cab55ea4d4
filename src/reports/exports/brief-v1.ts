/**
 * The brief v1 read model (outputs.md §2) that `export brief` carries as its `data` (§4.2),
 * with the TS fixes of §9: final tie-breaker by id (R-12), unrecognised tiers counted as
 * unknown (R-11), class-0 alerts always counted (R-10), evidence of the listed alert version
 * (R-13), and no wall-clock value anywhere (R-4: `generated_at_utc` is the newest alert time or
 * null). The window and selection are brief v2's (one implementation).
 */
import {type EpochMicros, formatInstant} from '../../kernel/time.js';
import {verifyIncidentEvidence} from '../../pipeline/evidence.js';
import type {Store} from '../../store/db.js';
import {AlertSummaries, suppressedCounts, VersionPayloads} from '../../store/read-models-repo.js';
import {actionOf, instantMicros, prefixOf, rollup, sinceText, type WindowAlert, windowAlerts} from '../brief-v2/build.js';
import {BRIEF_TOP_LIMIT, byText, type CorrelationAction, tierGroup} from '../brief-v2/model.js';

export const BRIEF_V1_READ_MODEL_VERSION = 'brief.v1';

/** §2.4 alert entry. */
export interface BriefV1Entry {
  alert_id: string;
  classification: number;
  impact_score: number | null;
  summary: string;
  correlation: {key: string; action: CorrelationAction; alert_id: string};
  scope: {facilities: string[]; lanes: string[]; shipments: string[]; shipments_total_linked: number; shipments_truncated: boolean};
  first_seen_utc: string;
  last_seen_utc: string;
  update_count: number;
  tier: string | null;
  trust_tier: number | null;
  /** The incident-evidence payload of the listed version; unverified payloads gain two keys (§2.4). */
  evidence_summary: Record<string, unknown> | null;
}

export interface BriefV1Model {
  read_model_version: typeof BRIEF_V1_READ_MODEL_VERSION;
  /** The newest last_seen (else first_seen) of the listed alerts; null when none is listed. */
  generated_at_utc: string | null;
  window: {since: string; since_hours: number};
  counts: {new: number; updated: number; impactful: number; relevant: number; interesting: number};
  tier_counts: {global: number; regional: number; local: number; unknown: number};
  top: BriefV1Entry[];
  updated: BriefV1Entry[];
  created: BriefV1Entry[];
  suppressed: {count: number; by_rule: {rule_id: string; count: number}[]; by_source: {source_id: string; count: number}[]};
  suppressed_legacy: {total_queried: number; limit_applied: number};
}

export interface BriefV1Options {
  now: EpochMicros;
  sinceMicros: EpochMicros;
  includeClass0: boolean;
  limit: number;
}

function listOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function parse(json: string | null | undefined): Record<string, unknown> | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function entryOf(w: WindowAlert, summaries: AlertSummaries, payloads: VersionPayloads): BriefV1Entry {
  const r = summaries.get(w.row.alert_id);
  if (!r) throw new Error(`export brief: alert ${w.row.alert_id} vanished while the brief was read`);
  const v = payloads.get(r.alert_id, r.current_version);
  const scope = parse(payloads.scope(r.alert_id)) ?? {};
  const shipments = listOf(scope.shipments);
  let evidence: Record<string, unknown> | null = v ? parse(v.evidence_json) : null;
  if (evidence && v) {
    const check = verifyIncidentEvidence(evidence, {strict: true});
    if (!check.verified || check.stored !== v.evidence_hash) evidence = {...evidence, artifact_hash_verified: false, artifact_hash_expected: check.expected};
  }
  return {
    alert_id: r.alert_id,
    classification: r.classification,
    impact_score: r.impact_score,
    summary: r.summary,
    correlation: {key: r.correlation_key ?? '', action: actionOf(w.row), alert_id: r.alert_id},
    scope: {
      facilities: listOf(scope.facilities),
      lanes: listOf(scope.lanes),
      shipments,
      shipments_total_linked: typeof scope.shipments_total_linked === 'number' ? scope.shipments_total_linked : shipments.length,
      shipments_truncated: scope.shipments_truncated === true,
    },
    first_seen_utc: r.first_seen,
    last_seen_utc: r.last_seen,
    update_count: r.update_count ?? 0,
    tier: r.tier,
    trust_tier: r.trust_tier,
    evidence_summary: evidence,
  };
}

/** §2 over the store (undefined = no database yet: an empty brief). One read transaction. */
export function buildBriefV1(store: Store | undefined, opts: BriefV1Options): BriefV1Model {
  const read = () => {
    const start = opts.now - opts.sinceMicros;
    const window = store ? windowAlerts(store, start, opts.now) : [];
    const listed = opts.includeClass0 ? window : window.filter((w) => w.row.classification !== 0);
    const tierCounts = {global: 0, regional: 0, local: 0, unknown: 0};
    for (const w of listed) tierCounts[tierGroup(w.row.tier)]++;
    const counts = {
      new: listed.filter((w) => actionOf(w.row) === 'CREATED').length,
      updated: listed.filter((w) => actionOf(w.row) === 'UPDATED').length,
      impactful: window.filter((w) => w.row.classification === 2).length,
      relevant: window.filter((w) => w.row.classification === 1).length,
      interesting: window.filter((w) => w.row.classification === 0).length,
    };
    const cache = new Map<string, BriefV1Entry>();
    const summaries = store ? new AlertSummaries(store) : undefined;
    const payloads = store ? new VersionPayloads(store) : undefined;
    const entry = (w: WindowAlert) => {
      if (!cache.has(w.row.alert_id)) cache.set(w.row.alert_id, entryOf(w, summaries!, payloads!));
      return cache.get(w.row.alert_id)!;
    };
    const top = window
      .filter((w) => w.row.classification === 2)
      .slice(0, BRIEF_TOP_LIMIT)
      .map((w, i) => ({e: entry(w), i}))
      .sort((a, b) => (b.e.impact_score ?? 0) - (a.e.impact_score ?? 0) || a.i - b.i)
      .map((x) => x.e);
    const updated = listed.filter((w) => actionOf(w.row) === 'UPDATED').slice(0, opts.limit).map(entry);
    const created = listed.filter((w) => actionOf(w.row) === 'CREATED').slice(0, opts.limit).map(entry);
    const byRule = new Map<string, number>();
    const bySource = new Map<string, number>();
    let count = 0;
    for (const s of store ? suppressedCounts(store, prefixOf(start)) : []) {
      const t = instantMicros(s.decided_at);
      if (t === null || t < start || t > opts.now) continue;
      count += s.n;
      byRule.set(s.primary_rule_id, (byRule.get(s.primary_rule_id) ?? 0) + s.n);
      bySource.set(s.source_id, (bySource.get(s.source_id) ?? 0) + s.n);
    }
    const times = [...top, ...updated, ...created].map((e) => instantMicros(e.last_seen_utc) ?? instantMicros(e.first_seen_utc)).filter((t): t is number => t !== null);
    const model: BriefV1Model = {
      read_model_version: BRIEF_V1_READ_MODEL_VERSION,
      generated_at_utc: times.length ? formatInstant(Math.max(...times)) : null,
      window: sinceText(opts.sinceMicros),
      counts,
      tier_counts: tierCounts,
      top,
      updated,
      created,
      suppressed: {
        count,
        by_rule: rollup(byRule).map((x) => ({rule_id: x.id, count: x.count})),
        by_source: rollup(bySource).map((x) => ({source_id: x.id, count: x.count})),
      },
      suppressed_legacy: {total_queried: counts.impactful + counts.relevant + (opts.includeClass0 ? counts.interesting : 0), limit_applied: opts.limit},
    };
    return model;
  };
  return store ? store.read(read) : read();
}

/** Distinct evidence hashes the brief lists (the export manifest's `artifact_hashes`). */
export function briefV1ArtifactHashes(m: BriefV1Model): string[] {
  const hashes = new Set<string>();
  for (const e of [...m.top, ...m.updated, ...m.created]) {
    const h = e.evidence_summary?.artifact_hash;
    if (typeof h === 'string') hashes.add(h);
  }
  return [...hashes].sort(byText);
}
