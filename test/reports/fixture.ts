import {artifactHash, canonicalJson, sha256Hex} from '../../src/kernel/canonical-json.js';
import {buildIncidentEvidence, verifyIncidentEvidence} from '../../src/pipeline/evidence.js';
import type {ResolvedSource} from '../../src/sources/config.js';
import {Store} from '../../src/store/db.js';
import {insertSourceRun, type NewSourceRun} from '../../src/store/source-runs-repo.js';

export const RG = '11111111-1111-8111-8111-111111111111';

/** A migrated in-memory store. */
export function memoryStore(): Store {
  const s = Store.open(':memory:');
  s.migrate();
  return s;
}

export interface ItemSpec {
  rawId: string;
  sourceId?: string;
  canonicalId?: string | null;
  fetchedAt?: string;
  title?: string;
  status?: 'NEW' | 'NORMALIZED' | 'SUPPRESSED' | 'FAILED';
  tier?: string;
}

export function addRawItem(store: Store, it: ItemSpec): void {
  store.db
    .prepare(
      `INSERT INTO raw_items (raw_id, source_id, tier, fetched_at, published_at, canonical_id, url, title, payload_json, content_hash, trust_tier, status, error, run_group_id)
       VALUES (?, ?, ?, ?, NULL, ?, NULL, ?, '{}', ?, 2, ?, NULL, ?)`,
    )
    .run(
      it.rawId,
      it.sourceId ?? 'src-a',
      it.tier ?? 'global',
      it.fetchedAt ?? '2025-12-29T16:00:00Z',
      it.canonicalId === undefined ? `guid:${it.rawId}` : it.canonicalId,
      it.title ?? `title ${it.rawId}`,
      sha256Hex(it.rawId),
      it.status ?? 'NORMALIZED',
      RG,
    );
}

export interface EventSpec {
  eventId: string;
  rawId: string;
  sourceId?: string;
  facilities?: string[];
  paths?: Record<string, string>;
  suppressed?: boolean;
  decidedAt?: string;
  runGroupId?: string;
  title?: string;
}

export function addEvent(store: Store, e: EventSpec): void {
  const link = {facilities: e.facilities ?? [], facility_paths: e.paths ?? {}, lanes: [], shipments: [], mentions: [{big: 'x'.repeat(50)}]};
  const eventJson = canonicalJson({event_id: e.eventId});
  store.db
    .prepare(
      `INSERT INTO events (event_id, raw_id, source_id, canonical_id, event_type, event_time, title, event_json, event_hash, link_json, suppressed, decided_at, run_group_id)
       VALUES (?, ?, ?, NULL, 'CLOSURE', '2025-12-29T15:00:00Z', ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      e.eventId,
      e.rawId,
      e.sourceId ?? 'src-a',
      e.title ?? `event ${e.eventId}`,
      eventJson,
      sha256Hex(eventJson),
      canonicalJson(link),
      e.suppressed ? 1 : 0,
      e.decidedAt ?? '2025-12-29T16:30:00Z',
      e.runGroupId ?? RG,
    );
}

export function addSuppression(store: Store, eventId: string, rawId: string, sourceId: string, ruleIds: string[], decidedAt = '2025-12-29T16:30:00Z'): void {
  store.db
    .prepare(
      `INSERT INTO suppression_audit (event_id, raw_id, source_id, decided_at, rule_pack_hash, primary_rule_id, primary_reason_code, matches_json, run_group_id)
       VALUES (?, ?, ?, ?, 'pack', ?, 'TEST_ALERT', ?, ?)`,
    )
    .run(eventId, rawId, sourceId, decidedAt, ruleIds[0], canonicalJson(ruleIds.map((r) => ({rule_id: r, reason_code: 'TEST_ALERT', note: '', scope: 'global'}))), RG);
}

export interface AlertSpec {
  alertId: string;
  classification: number;
  impact: number;
  summary?: string;
  key?: string;
  tier?: string | null;
  trust?: number | null;
  sourceId?: string;
  firstSeen?: string;
  lastSeen?: string;
  facilities?: string[];
  lanes?: string[];
  shipments?: string[];
  shipmentsTotal?: number;
  /** Number of versions (1 = CREATED only). */
  versions?: number;
  /** Evidence payload of the current version (default: built from the spec). */
  evidence?: Record<string, unknown>;
  /** The scoring trace lines of every version (`evidence.diagnostics.impact_score_breakdown`). */
  rationale?: string[];
}

/**
 * Writes an alert with `versions` versions; each version has its own event and raw item
 * (`<alertId>-e<v>`), and the projection points at the last one.
 */
export function addAlert(store: Store, a: AlertSpec): void {
  const n = a.versions ?? 1;
  const key = a.key ?? `CLOSURE|${a.alertId}`;
  const scope = {
    facilities: a.facilities ?? [],
    lanes: a.lanes ?? [],
    shipments: a.shipments ?? [],
    shipments_total_linked: a.shipmentsTotal ?? (a.shipments ?? []).length,
    shipments_truncated: (a.shipmentsTotal ?? 0) > (a.shipments ?? []).length,
  };
  const firstSeen = a.firstSeen ?? '2025-12-29T16:00:00Z';
  const lastSeen = a.lastSeen ?? '2025-12-29T16:30:00Z';
  const rootIds: string[] = [];
  for (let v = 1; v <= n; v++) {
    const eventId = `${a.alertId}-e${v}`;
    rootIds.push(eventId);
    addRawItem(store, {rawId: `raw-${eventId}`, sourceId: a.sourceId ?? 'src-a', canonicalId: `guid-${eventId}`});
    addEvent(store, {eventId, rawId: `raw-${eventId}`, sourceId: a.sourceId ?? 'src-a', facilities: scope.facilities});
  }
  const doc = (v: number) => ({
    alert_id: a.alertId,
    version: v,
    classification: a.classification,
    impact_score: a.impact,
    summary: a.summary ?? `Alert ${a.alertId}`,
    correlation: {key, rule_id: 'corr', action: v === 1 ? 'CREATED' : 'UPDATED'},
    scope,
    first_seen: firstSeen,
    last_seen: lastSeen,
    update_count: v - 1,
    reasoning: [{code: 'X', params: {}, text: `Event type: CLOSURE (v${v})`}],
    evidence: {diagnostics: {impact_score: a.impact, impact_score_breakdown: a.rationale ?? []}, linking_notes: [`linked v${v}`]},
    root_event_ids: rootIds.slice(0, v),
    source: {id: a.sourceId ?? 'src-a', tier: a.tier === undefined ? 'global' : a.tier},
  });
  const lastDoc = doc(n);
  store.db
    .prepare(
      `INSERT INTO incidents (alert_id, correlation_key, first_event_id, first_seen, last_seen, last_event_time, current_version, classification, impact_score, risk_type, summary, status, source_id, tier, trust_tier, update_count, root_event_ids_json, scope_json, alert_json)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, 'CLOSURE', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      a.alertId,
      key,
      rootIds[0],
      firstSeen,
      lastSeen,
      n,
      a.classification,
      a.impact,
      lastDoc.summary,
      n > 1 ? 'UPDATED' : 'OPEN',
      a.sourceId ?? 'src-a',
      a.tier === undefined ? 'global' : a.tier,
      a.trust === undefined ? 2 : a.trust,
      n - 1,
      JSON.stringify(rootIds),
      canonicalJson(scope),
      canonicalJson(lastDoc),
    );
  for (let v = 1; v <= n; v++) {
    const evidence =
      v === n && a.evidence
        ? a.evidence
        : buildIncidentEvidence({
            alertId: a.alertId,
            correlationKey: key,
            event: {event_id: rootIds[v - 1], event_type: 'CLOSURE', title: 't', event_time: '2025-12-29T15:00:00Z'},
            incoming: {facilities: scope.facilities, lanes: scope.lanes, shipments: scope.shipments},
            existing: v === 1 ? null : {alert_id: a.alertId, last_seen: '2025-12-29T15:00:00Z', root_event_ids: rootIds.slice(0, v - 1), scope},
            fallbackTime: '2025-12-29T16:30:00Z',
            determinismMode: 'pinned',
          });
    const evidenceHashValue = typeof evidence.artifact_hash === 'string' ? evidence.artifact_hash : verifyIncidentEvidence(evidence as Record<string, unknown>, {strict: false}).expected;
    store.db
      .prepare(
        `INSERT INTO alert_versions (alert_id, version, event_id, correlation_action, classification, impact_score, decided_at, alert_json, alert_hash, evidence_json, evidence_hash, run_group_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        a.alertId,
        v,
        rootIds[v - 1],
        v === 1 ? 'CREATED' : 'UPDATED',
        a.classification,
        a.impact,
        lastSeen,
        canonicalJson(doc(v)),
        artifactHash(doc(v)),
        canonicalJson(evidence),
        evidenceHashValue,
        RG,
      );
  }
}

/** The OUT-24 incident-evidence payload (pinned demo), with its artifact hash. */
export const OUT24_EVIDENCE = {
  artifact_version: 'incident-evidence.v1',
  correlation_key: 'SAFETY|PLANT-01|LANE-001',
  determinism_context: {run_id: 'demo-golden-run.v1', seed: 'demo-pinned-seed.v1', timestamp_utc: '2025-12-29T17:00:00Z'},
  determinism_mode: 'pinned',
  generated_at_utc: '2025-12-29T17:00:00Z',
  inputs: {
    alert_id: 'ALERT-20251229-d31a370b',
    event: {event_id: 'EVT-DEMO-0001', event_type: 'SAFETY_AND_OPERATIONS', observed_at_utc: '2025-12-29T17:00:00Z', title: 'Hydrochloric acid spill at Avon chemical plant'},
    existing_alert: {alert_id: null, last_seen_utc: null, root_event_ids: []},
  },
  kind: 'IncidentEvidence',
  merge_reasons: [],
  merge_summary: [],
  overlap: {facilities: [], lanes: []},
  scope: {
    existing: {facilities: [], lanes: [], shipments: []},
    incoming: {facilities: ['PLANT-01'], lanes: ['LANE-001', 'LANE-002', 'LANE-003'], shipments: ['SHP-1001', 'SHP-1002', 'SHP-1005', 'SHP-1004', 'SHP-1003', 'SHP-1006']},
  },
  window_hours: 168,
  artifact_hash: '8ab0c3c00fbd4e65164c8fed8e193452e8109b029958d38c41756d41c0968f0f',
};

/** A minimal configured source (source health, gating). */
export function source(id: string, over: Partial<ResolvedSource> = {}): ResolvedSource {
  return {
    id,
    type: 'rss',
    tier: 'regional',
    url: `file:///feeds/${id}.xml`,
    enabled: true,
    trust_tier: 2,
    classification_floor: 0,
    weighting_bias: 0,
    tags: [],
    geo: {} as ResolvedSource['geo'],
    max_items: 50,
    timeout_seconds: 20,
    user_agent: 'test',
    max_bytes: 1_000_000,
    adapter_version: 'test',
    suppress: null,
    position: {file: 'config/sources.yaml', line: 1, col: 1},
    order: 0,
    ...over,
  };
}

/** A FETCH or INGEST source run. */
export function addSourceRun(store: Store, sourceId: string, phase: 'FETCH' | 'INGEST', runAt: string, over: Partial<NewSourceRun> = {}): void {
  insertSourceRun(store, {
    run_group_id: `${RG}-${runAt}`,
    source_id: sourceId,
    phase,
    run_at: runAt,
    status: 'SUCCESS',
    status_code: 200,
    error: null,
    duration_ms: 10,
    items_fetched: 5,
    items_new: 5,
    bytes_downloaded: 100,
    diagnostics: {},
    ...over,
  });
}
