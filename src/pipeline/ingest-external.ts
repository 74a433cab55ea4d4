import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import type {Home} from '../config/home.js';
import type {RuntimeConfig} from '../config/runtime.js';
import {writeFileAtomic} from '../kernel/atomic-file.js';
import {artifactHash, canonicalJson, sha256Hex} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {OperatorTrace, RunGroup} from '../kernel/run-group.js';
import {batchRef} from '../kernel/run-record.js';
import {MICROS_PER_HOUR, type EpochMicros} from '../kernel/time.js';
import type {NetworkSnapshot, Shipment} from '../network/model.js';
import {NetworkIndex} from '../network/network-index.js';
import type {SuppressRule} from '../rules/model.js';
import type {CompiledRulePack} from '../rules/pack.js';
import type {ResolvedSource} from '../sources/config.js';
import type {Store} from '../store/db.js';
import {DecisionsRepo, type PendingRawItem, pendingRawItems} from '../store/decisions-repo.js';
import {setRawItemStatus} from '../store/raw-items-repo.js';
import {insertSourceRun} from '../store/source-runs-repo.js';
import {buildAlertVersion} from './alert.js';
import {CandidateIncidents, findExistingIncident} from './correlate.js';
import {type CanonicalEvent, storedEventJson} from './event.js';
import {instantOf} from './rule-context.js';
import {decideItem, type DecisionEnv, type ItemDecision} from './decide.js';
import type {LinkResult} from './link.js';

export const INGEST_EXTERNAL_OPERATOR = 'hardstop.ingest@1.0.0';

/** Items committed per IMMEDIATE transaction (each item in its own savepoint inside it). */
export const ITEMS_PER_TRANSACTION = 256;

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

/**
 * The link result as stored with the event: what was linked, how (paths, confidences,
 * provenance, notes). The raw mentions and per-path evidence are left out: they can be
 * hundreds of kilobytes for a county alert, and replay and explain recompute them.
 */
function storedLink(link: LinkResult): Omit<LinkResult, 'mentions' | 'facility_evidence'> {
  const {mentions: _mentions, facility_evidence: _evidence, ...rest} = link;
  return rest;
}

function eventRowOf(event: CanonicalEvent, link: LinkResult | null, suppressed: boolean, decidedAt: string, runGroupId: string) {
  const eventJson = storedEventJson(event);
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
    link_json: link ? canonicalJson(storedLink(link)) : null,
    suppressed: (suppressed ? 1 : 0) as 0 | 1,
    decided_at: decidedAt,
    run_group_id: runGroupId,
  };
}

function writeEvidenceFile(dir: string, name: string, content: string): string {
  const file = join(dir, name);
  writeFileAtomic(file, content);
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
  const env: DecisionEnv = {tables: {index, shipmentsById, config, now}, pack, sourceRules: deps.sourceRules, noSuppress: Boolean(opts.noSuppress)};
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

  // Items are committed in chunks of ITEMS_PER_TRANSACTION: one IMMEDIATE transaction per
  // chunk, and inside it one SAVEPOINT per item, so each item is still all-or-nothing (its event,
  // verdict or alert version + evidence payload, and raw-item status land together or not at
  // all). A crash (SIGKILL) loses only the uncommitted chunk, whose raw items are still NEW and
  // are decided again by the next run; nothing committed is lost. Evidence files are written
  // after their chunk commits, as regenerable copies. Item k+1 sees item k's incident through the
  // chunk's CandidateIncidents, so correlation sees every earlier item exactly as with per-item
  // commits.
  // One transaction function for all items (better-sqlite3 nests it as a SAVEPOINT): creating
  // a wrapper per item cost more than the savepoint itself.
  const inSavepoint = store.db.transaction((fn: () => unknown) => fn());
  const itemTx = <T>(fn: () => T): T => inSavepoint(fn) as T;
  let pendingFiles: {name: string; content: string}[] = [];
  let done = 0;
  // WAL with synchronous=NORMAL during the item loop: a commit no longer waits for fsync (the
  // WAL is synced at checkpoints). Atomicity and consistency are unchanged, and a killed process
  // loses nothing committed (the WAL is in the OS); only an OS crash or power loss could roll
  // back the last commits, which leaves their items NEW for the next run. Restored afterwards.
  const wal = String(store.db.pragma('journal_mode', {simple: true})).toLowerCase() === 'wal';
  const previousSync = wal ? store.db.pragma('synchronous', {simple: true}) : null;
  if (wal) store.db.pragma('synchronous = NORMAL');
  // The evidence folder exists before the first commit, so a run killed between a commit and
  // its file writes leaves a folder the next run can restore files into.
  if (items.length > 0) mkdirSync(evidenceDir, {recursive: true});
  try {
    for (let start = 0; start < items.length; start += ITEMS_PER_TRANSACTION) {
      const chunk = items.slice(start, start + ITEMS_PER_TRANSACTION);
      // Decisions are pure: made before the write lock is taken. Correlation then reads the
      // chunk's candidate incidents with one query inside the transaction.
      const decided = chunk.map((item) => ({item, decision: tryDecide(item)}));
      store.write(() => {
        const incidents = candidatesFor(decided.map((d) => d.decision));
        for (const d of decided) commitOne(d.item, d.decision, incidents);
      });
      for (const f of pendingFiles) evidenceFiles.push(writeEvidenceFile(evidenceDir, f.name, f.content));
      pendingFiles = [];
      for (let k = 0; k < chunk.length; k++) opts.onProgress?.(++done, items.length);
    }
  } finally {
    if (wal) store.db.pragma(`synchronous = ${Number(previousSync)}`);
  }

  function tryDecide(item: PendingRawItem): ItemDecision | Error {
    try {
      return decideItem(item, sourceById.get(item.source_id)!, env);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  function candidatesFor(decisions: readonly (ItemDecision | Error)[]): CandidateIncidents {
    const keys = new Set<string>();
    let limit = 0;
    for (const d of decisions) {
      if (d instanceof Error || d.kind !== 'alert') continue;
      keys.add(d.correlation.key);
      limit = Math.max(limit, d.correlation.max_candidates);
    }
    return new CandidateIncidents(repo.correlationCandidates([...keys], limit));
  }

  function commitOne(item: PendingRawItem, d: ItemDecision | Error, incidents: CandidateIncidents): void {
    const source = sourceById.get(item.source_id)!;
    const sc = perSource.get(source.id)!;
    rawRefs.push({id: `raw-item:${item.source_id}:${item.raw_id}`, hash: item.content_hash});
    try {
      if (d instanceof Error) throw d;
      const {event, link} = d;
      for (const x of d.diagnostics) if (x.severity !== 'info') diagnostics.push({...x, details: {...x.details, raw_id: item.raw_id}});
      if (d.kind === 'suppressed') {
        const primary = d.verdict.primary!;
        const auditRow = {
          event_id: event.event_id,
          raw_id: item.raw_id,
          source_id: source.id,
          decided_at: decidedAt,
          rule_pack_hash: pack.hash,
          primary_rule_id: primary.rule_id,
          primary_reason_code: primary.reason_code,
          matches_json: canonicalJson(d.verdict.matches),
          run_group_id: group.id,
        };
        const eventRow = eventRowOf(event, link, true, decidedAt, group.id);
        const created = itemTx(() => {
          const c = repo.insertEvent(eventRow);
          repo.insertSuppressionAudit(auditRow);
          setRawItemStatus(store, item.raw_id, 'SUPPRESSED', null, decidedAt, group.id);
          return c;
        });
        if (created) {
          sc.events_created++;
          counts.events_created++;
        }
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
      const {score, classify, quality, correlation} = d;
      const eventTime = instantOf(event.event_time) ?? now;
      const existing = findExistingIncident(incidents.candidates(correlation.key, correlation.max_candidates), eventTime, correlation.window_micros);
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
      const created = itemTx(() => {
        const c = repo.insertEvent(eventRow);
        repo.writeVersion(build.incident, build.version);
        setRawItemStatus(store, item.raw_id, 'NORMALIZED', null, decidedAt, group.id);
        return c;
      });
      incidents.record(build.incident);
      if (created) {
        sc.events_created++;
        counts.events_created++;
      }
      pendingFiles.push({name: build.evidenceFile, content: build.version.evidence_json});
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
      itemTx(() => setRawItemStatus(store, item.raw_id, 'FAILED', message.slice(0, 1000), decidedAt, group.id));
      sc.failed++;
      sc.errors.push(message);
      counts.failed++;
      counts.processed++;
      sc.processed++;
      diagnostics.push({code: 'INGEST_ITEM_FAILED', severity: 'warning', message: `${item.source_id} ${item.raw_id}: ${message}`, details: {raw_id: item.raw_id}});
    }
  }

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
  // Each compiled file by content: the store keeps its exact text (rule_file_texts), so replay
  // and `rules show --run` rebuild this very pack after the files are edited.
  for (const f of pack.files) trace.input({id: `rule-file:${f.path}`, kind: 'RuleFile', hash: f.sha256});
  trace.output(batchRef('SignalCanonical', group.id, eventRefs, 'signals/v1'));
  trace.output(batchRef('SuppressionVerdict', group.id, suppressionRefs, 'suppression-audit/v1'));
  trace.output(batchRef('AlertVersion', group.id, versionRefs, 'alert-versions/v1'));
  trace.output(batchRef('IncidentEvidence', group.id, evidenceRefs, 'incident-evidence/v1'));
  trace.report(...diagnostics);
  return {counts, perSource, evidenceFiles, diagnostics};
}
