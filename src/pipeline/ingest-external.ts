import {mkdirSync, renameSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Home} from '../config/home.js';
import type {RuntimeConfig} from '../config/runtime.js';
import {artifactHash, canonicalJson, sha256Hex} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {OperatorTrace, RunGroup} from '../kernel/run-group.js';
import {batchRef} from '../kernel/run-record.js';
import {MICROS_PER_HOUR, type EpochMicros} from '../kernel/time.js';
import type {NetworkSnapshot, Shipment} from '../network/model.js';
import {NetworkIndex} from '../network/network-index.js';
import {ringFromCapPolygon, ringsFromGeoJson} from '../network/geo/polygon.js';
import type {SuppressRule} from '../rules/model.js';
import type {CompiledRulePack} from '../rules/pack.js';
import type {ResolvedSource} from '../sources/config.js';
import type {RawItemCandidate} from '../sources/types.js';
import type {Store} from '../store/db.js';
import {DecisionsRepo, type PendingRawItem, pendingRawItems} from '../store/decisions-repo.js';
import {setRawItemStatus} from '../store/raw-items-repo.js';
import {insertSourceRun} from '../store/source-runs-repo.js';
import {buildAlertVersion} from './alert.js';
import {findExistingIncident} from './correlate.js';
import type {CanonicalEvent} from './event.js';
import {evidenceFileContent, type IncidentEvidencePayload} from './evidence.js';
import {linkEvent, type LinkResult} from './link.js';
import {normalizeItem} from './normalize.js';
import {applyQuality} from './quality.js';
import {buildRuleContext, instantOf, type ContextTables} from './rule-context.js';

export const INGEST_EXTERNAL_OPERATOR = 'hardstop.ingest@1.0.0';

export interface IngestDeps {
  store: Store;
  home: Home;
  config: RuntimeConfig;
  sources: readonly ResolvedSource[];
  pack: CompiledRulePack;
  /** Compiled per-source suppression rules by source id. */
  sourceRules: ReadonlyMap<string, readonly SuppressRule[]>;
  network: NetworkSnapshot;
}

export interface IngestOptions {
  sourceId?: string;
  /** Only items fetched at or after this instant. */
  sinceMicros?: EpochMicros;
  limit?: number;
  noSuppress?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** What happened to each item: the decisions export reads the same facts from the store. */
export interface IngestCounts {
  processed: number;
  suppressed: number;
  events_created: number;
  alerts_created: number;
  alerts_updated: number;
  failed: number;
}

export interface IngestSummary {
  counts: IngestCounts;
  perSource: Map<string, IngestCounts & {suppression_reason_counts: Record<string, number>; errors: string[]}>;
  evidenceFiles: string[];
  diagnostics: Diagnostic[];
}

function zeroCounts(): IngestCounts {
  return {processed: 0, suppressed: 0, events_created: 0, alerts_created: 0, alerts_updated: 0, failed: 0};
}

/**
 * Deterministic processing order (pipeline.md §0.2): event time ascending (items without a
 * time last), then source id, then canonical id (else raw id).
 */
export function processingOrder(items: readonly PendingRawItem[]): PendingRawItem[] {
  const keyed = items.map((it) => ({it, t: instantOf(it.published_at)}));
  keyed.sort((a, b) => {
    if (a.t !== b.t) {
      if (a.t === null) return 1;
      if (b.t === null) return -1;
      return a.t - b.t;
    }
    if (a.it.source_id !== b.it.source_id) return a.it.source_id < b.it.source_id ? -1 : 1;
    const x = a.it.canonical_id ?? a.it.raw_id;
    const y = b.it.canonical_id ?? b.it.raw_id;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return keyed.map((k) => k.it);
}

/** The NWS part of the link input: codes, zones, sender and the alert polygons. */
function nwsLinkInput(event: CanonicalEvent) {
  const nws = event.nws!;
  const capPolygons = Array.isArray(event.payload.polygon) ? event.payload.polygon : [];
  const polygons = [
    ...ringsFromGeoJson(event.geometry),
    ...capPolygons.flatMap((p) => {
      const ring = typeof p === 'string' ? ringFromCapPolygon(p) : null;
      return ring ? [ring] : [];
    }),
  ];
  return {area_desc: nws.area_desc, ugc: nws.ugc, same: nws.same, affected_zones: nws.affected_zones, sender_name: nws.sender_name, polygons};
}

function candidateOf(item: PendingRawItem): RawItemCandidate {
  return {
    canonical_id: item.canonical_id,
    title: item.title,
    url: item.url,
    published_at: item.published_at,
    payload: JSON.parse(item.payload_json) as Record<string, unknown>,
  };
}

function eventRowOf(event: CanonicalEvent, link: LinkResult | null, suppressed: boolean, decidedAt: string, runGroupId: string) {
  const eventJson = canonicalJson(event);
  return {
    event_id: event.event_id,
    raw_id: event.raw_id,
    source_id: event.source_id,
    canonical_id: event.canonical_id,
    event_type: event.type,
    event_time: event.event_time,
    title: event.title,
    event_json: eventJson,
    event_hash: sha256Hex(eventJson),
    link_json: link ? canonicalJson(link) : null,
    suppressed: (suppressed ? 1 : 0) as 0 | 1,
    decided_at: decidedAt,
    run_group_id: runGroupId,
  };
}

function writeEvidenceFile(dir: string, name: string, payload: IncidentEvidencePayload): string {
  mkdirSync(dir, {recursive: true});
  const file = join(dir, `${name}.json`);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, evidenceFileContent(payload), 'utf8');
  renameSync(tmp, file);
  return file;
}

/**
 * The decision pipeline over every pending raw item: normalize → link → suppress → score →
 * classify → quality → correlate → alert version + evidence. One transaction per item (event,
 * link result, verdict or alert version, evidence payload, raw-item status); evidence files
 * are written after commit as regenerable copies. One INGEST SourceRun per enabled source.
 */
export function ingestExternal(deps: IngestDeps, group: RunGroup, trace: OperatorTrace, opts: IngestOptions = {}): IngestSummary {
  const {store, config, pack} = deps;
  const now = group.clock.now();
  const decidedAt = group.clock.nowText();
  const repo = new DecisionsRepo(store);
  const index = NetworkIndex.build(deps.network);
  const shipmentsById = new Map<string, Shipment>(deps.network.shipments.map((s) => [s.shipment_id, s]));
  const tables: ContextTables = {index, shipmentsById, config, now};
  const enabled = deps.sources.filter((s) => s.enabled && (!opts.sourceId || s.id === opts.sourceId));
  const sourceById = new Map(enabled.map((s) => [s.id, s]));
  const diagnostics: Diagnostic[] = [];

  let items = processingOrder(pendingRawItems(store));
  const unknownSources = new Set(items.filter((it) => !sourceById.has(it.source_id)).map((it) => it.source_id));
  for (const id of [...unknownSources].sort()) {
    if (opts.sourceId && id !== opts.sourceId) continue;
    diagnostics.push({
      code: 'INGEST_SOURCE_NOT_ENABLED',
      severity: 'info',
      message: `raw items of source "${id}" are pending but the source is not enabled in config/sources.yaml; they stay pending`,
    });
  }
  items = items.filter((it) => sourceById.has(it.source_id));
  if (opts.sinceMicros !== undefined) items = items.filter((it) => (instantOf(it.fetched_at) ?? 0) >= opts.sinceMicros!);
  if (opts.limit !== undefined) items = items.slice(0, opts.limit);

  const perSource = new Map<string, IngestCounts & {suppression_reason_counts: Record<string, number>; errors: string[]}>();
  for (const s of enabled) perSource.set(s.id, {...zeroCounts(), suppression_reason_counts: {}, errors: []});
  const counts = zeroCounts();
  const rawRefs: {id: string; hash: string}[] = [];
  const eventRefs: {id: string; hash: string}[] = [];
  const versionRefs: {id: string; hash: string}[] = [];
  const evidenceRefs: {id: string; hash: string}[] = [];
  const suppressionRefs: {id: string; hash: string}[] = [];
  const evidenceFiles: string[] = [];
  const evidenceDir = join(deps.home.outputDir, 'incidents');
  const windowMicrosDefault = config.correlation.window_hours * MICROS_PER_HOUR;

  items.forEach((item, i) => {
    const source = sourceById.get(item.source_id)!;
    const sc = perSource.get(source.id)!;
    rawRefs.push({id: `raw-item:${item.source_id}:${item.raw_id}`, hash: item.content_hash});
    try {
      const {event, diagnostics: normDiags} = normalizeItem({
        candidate: candidateOf(item),
        sourceId: source.id,
        sourceType: source.type,
        tier: source.tier,
        rawId: item.raw_id,
        sourceConfig: {trust_tier: source.trust_tier, classification_floor: source.classification_floor, weighting_bias: source.weighting_bias, geo: source.geo},
      });
      for (const d of normDiags) if (d.severity !== 'info') diagnostics.push({...d, details: {...d.details, raw_id: item.raw_id}});
      const link = linkEvent(
        {
          title: event.title,
          raw_text: event.raw_text,
          summary: event.summary,
          source_type: source.type,
          nws: event.nws ? nwsLinkInput(event) : undefined,
          now,
        },
        index,
        {
          maxShipments: config.linking.max_shipments,
          shipmentDaysAhead: config.linking.shipment_days_ahead,
          shipmentDaysBack: config.linking.shipment_days_back,
          shipmentWindow: config.linking.shipment_window,
        },
      );
      const ctx = buildRuleContext(event, link, tables, {type: source.type, tags: source.tags});
      const verdict = opts.noSuppress ? null : pack.suppress(ctx, {sourceRules: deps.sourceRules.get(source.id) ?? [], pass: 'all'});
      if (verdict?.suppressed && verdict.primary) {
        const primary = verdict.primary;
        const auditRow = {
          event_id: event.event_id,
          raw_id: item.raw_id,
          source_id: source.id,
          decided_at: decidedAt,
          rule_pack_hash: pack.hash,
          primary_rule_id: primary.rule_id,
          primary_reason_code: primary.reason_code,
          matches_json: canonicalJson(verdict.matches),
          run_group_id: group.id,
        };
        const eventRow = eventRowOf(event, link, true, decidedAt, group.id);
        store.write(() => {
          const created = repo.insertEvent(eventRow);
          repo.insertSuppressionAudit(auditRow);
          setRawItemStatus(store, item.raw_id, 'SUPPRESSED', null, decidedAt, group.id);
          if (created) {
            sc.events_created++;
            counts.events_created++;
          }
        });
        sc.processed++;
        sc.suppressed++;
        counts.processed++;
        counts.suppressed++;
        const reason = primary.reason_code || primary.rule_id || 'unknown';
        sc.suppression_reason_counts[reason] = (sc.suppression_reason_counts[reason] ?? 0) + 1;
        eventRefs.push({id: event.event_id, hash: eventRow.event_hash});
        suppressionRefs.push({id: `suppression:${event.event_id}`, hash: artifactHash(auditRow)});
        return;
      }
      const score = pack.score(ctx);
      const classify = pack.classify(score.score, ctx);
      const quality = applyQuality(
        {
          facilities: link.facilities,
          lanes: link.lanes,
          shipments: link.shipments,
          link_confidence: link.link_confidence,
          facility_provenance: link.link_provenance.facility ?? null,
          impact_score: score.score,
          trust_tier: event.trust_tier,
          factors: {
            criticality: score.flags.includes('criticality'),
            lane_volume: score.flags.includes('lane_volume'),
            priority_shipments: score.flags.includes('priority_shipments'),
          },
          title: event.title,
          raw_text: event.raw_text,
          base_classification: classify.classification,
          classification_floor: event.classification_floor,
        },
        {
          min_confidence_class_1: config.alert_quality.min_confidence_class_1,
          min_confidence_class_2: config.alert_quality.min_confidence_class_2,
          min_confidence_ambiguous: config.alert_quality.min_confidence_ambiguous,
          allow_quality_override_floor: config.alert_quality.allow_quality_override_floor,
        },
      );
      const correlation = pack.correlate(ctx) ?? {
        rule_id: 'builtin:event',
        key: `EVENT|${event.event_id}`,
        parts: [event.event_id],
        window_micros: windowMicrosDefault,
        max_candidates: config.correlation.max_candidates,
      };
      const eventTime = instantOf(event.event_time) ?? now;
      const existing = findExistingIncident(repo.candidates(correlation.key, correlation.max_candidates), eventTime, correlation.window_micros);
      const build = buildAlertVersion({
        event,
        link,
        rawItem: {raw_id: item.raw_id, fetched_at: item.fetched_at, published_at: item.published_at, url: item.url},
        score,
        classify,
        quality,
        correlation,
        existing,
        decidedAt,
        runGroupId: group.id,
        windowHours: Math.round(correlation.window_micros / MICROS_PER_HOUR),
        pinned: group.mode === 'strict',
      });
      const eventRow = eventRowOf(event, link, false, decidedAt, group.id);
      store.write(() => {
        const created = repo.insertEvent(eventRow);
        repo.writeVersion(build.incident, build.version);
        setRawItemStatus(store, item.raw_id, 'NORMALIZED', null, decidedAt, group.id);
        if (created) {
          sc.events_created++;
          counts.events_created++;
        }
      });
      evidenceFiles.push(writeEvidenceFile(evidenceDir, build.evidenceFile, build.evidence));
      sc.processed++;
      counts.processed++;
      if (existing) {
        sc.alerts_updated++;
        counts.alerts_updated++;
      } else {
        sc.alerts_created++;
        counts.alerts_created++;
      }
      eventRefs.push({id: event.event_id, hash: eventRow.event_hash});
      versionRefs.push({id: `alert-version:${build.version.alert_id}@${build.version.version}`, hash: build.version.alert_hash});
      evidenceRefs.push({id: `incident-evidence:${build.version.alert_id}@${build.version.version}`, hash: build.version.evidence_hash});
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      store.write(() => setRawItemStatus(store, item.raw_id, 'FAILED', message.slice(0, 1000), decidedAt, group.id));
      sc.failed++;
      sc.errors.push(message);
      counts.failed++;
      counts.processed++;
      sc.processed++;
      diagnostics.push({code: 'INGEST_ITEM_FAILED', severity: 'warning', message: `${item.source_id} ${item.raw_id}: ${message}`, details: {raw_id: item.raw_id}});
    }
    opts.onProgress?.(i + 1, items.length);
  });

  store.write(() => {
    for (const s of enabled) {
      const c = perSource.get(s.id)!;
      insertSourceRun(store, {
        run_group_id: group.id,
        source_id: s.id,
        phase: 'INGEST',
        run_at: decidedAt,
        status: c.failed > 0 ? 'FAILURE' : 'SUCCESS',
        status_code: null,
        error: c.errors.length ? (c.errors.length === 1 ? c.errors[0] : `${c.errors.length} ingest error(s) during processing: ${c.errors[0]}`) : null,
        duration_ms: null,
        items_fetched: 0,
        items_new: 0,
        items_processed: c.processed,
        items_suppressed: c.suppressed,
        items_events_created: c.events_created,
        items_alerts_touched: c.alerts_created + c.alerts_updated,
        bytes_downloaded: 0,
        diagnostics: {errors: c.failed, suppression_reason_counts: c.suppression_reason_counts},
      });
    }
  });

  trace.input(batchRef('RawItemBatch', group.id, rawRefs, 'raw-items/v1'));
  trace.input({id: `rule-pack:${pack.hash.slice(0, 16)}`, kind: 'RulePack', hash: pack.hash});
  trace.output(batchRef('SignalCanonical', group.id, eventRefs, 'signals/v1'));
  trace.output(batchRef('SuppressionVerdict', group.id, suppressionRefs, 'suppression-audit/v1'));
  trace.output(batchRef('AlertVersion', group.id, versionRefs, 'alert-versions/v1'));
  trace.output(batchRef('IncidentEvidence', group.id, evidenceRefs, 'incident-evidence/v1'));
  trace.report(...diagnostics);
  return {counts, perSource, evidenceFiles, diagnostics};
}
