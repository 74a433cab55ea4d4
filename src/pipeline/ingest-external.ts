import {join} from 'node:path';
import type {Home} from '../config/home.js';
import type {RuntimeConfig} from '../config/runtime.js';
import {writeFileAtomic} from '../kernel/atomic-file.js';
import {artifactHash} from '../kernel/canonical-json.js';
import {timePhase} from '../kernel/phase-timings.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {OperatorTrace, RunGroup} from '../kernel/run-group.js';
import {batchRef} from '../kernel/run-record.js';
import {MICROS_PER_HOUR, type EpochMicros} from '../kernel/time.js';
import type {NetworkSnapshot} from '../model/network.js';
import type {SuppressRule} from '../rules/model.js';
import type {CompiledRulePack} from '../rules/pack.js';
import type {ResolvedSource} from '../sources/config.js';
import type {Store} from '../store/db.js';
import {DecisionsRepo, type PendingRawItem, pendingRawItemKeys, pendingRawItemsByIds} from '../store/decisions-repo.js';
import {setRawItemStatus} from '../store/raw-items-repo.js';
import type {RulePackSnapshot} from '../store/rule-snapshots-repo.js';
import {ReplayRepo} from '../store/replay-repo.js';
import {insertSourceRun} from '../store/source-runs-repo.js';
import {buildAlertVersion} from './alert.js';
import {CandidateIncidents, resolveIncident} from './correlate.js';
import {ChunkDecider, type DecideWorkerOptions} from './decide-ahead.js';
import {portableSource} from './decide-worker-protocol.js';
import {type DecidedItem, decideForWriter, type WriteStamp} from './decided-item.js';
import {contextTablesOf, instantOf} from './rule-context.js';
import type {DecisionEnv} from './decide.js';
import {evidenceDirOf, presentEvidenceFiles} from './evidence-files.js';
import {versionBatchRefs} from './version-batch-refs.js';

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
  /** The rule files `pack` was compiled from: a decide worker rebuilds the pack from them. Without them every item is decided in this thread. */
  rulesSnapshot?: RulePackSnapshot;
}

export interface IngestOptions {
  sourceId?: string;
  /** Only items fetched at or after this instant. */
  sinceMicros?: EpochMicros;
  limit?: number;
  noSuppress?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Where items are decided (default `auto`: a worker thread for runs of 512 items and more). */
  decideWorker?: DecideWorkerOptions;
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
export function processingOrder<T extends Pick<PendingRawItem, 'published_at' | 'source_id' | 'canonical_id' | 'raw_id'>>(items: readonly T[]): T[] {
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

type SourceTally = IngestCounts & {suppression_reason_counts: Record<string, number>; errors: string[]};
type Ref = {id: string; hash: string};

/** Everything the item loop counts and names: counts per source and in all, and the RunRecord refs. */
class IngestTally {
  readonly counts = zeroCounts();
  readonly perSource = new Map<string, SourceTally>();
  readonly diagnostics: Diagnostic[] = [];
  readonly evidenceFiles: string[] = [];
  /** Refs of the per-item artifacts the store cannot name by run group; alert versions and their evidence are read back from the store. */
  readonly refs = {raw: [] as Ref[], events: [] as Ref[], suppressions: [] as Ref[]};

  constructor(sources: readonly ResolvedSource[]) {
    for (const s of sources) this.perSource.set(s.id, {...zeroCounts(), suppression_reason_counts: {}, errors: []});
  }

  /** One more for a counter of the source and of the total. */
  count(sc: SourceTally, key: keyof IngestCounts): void {
    sc[key]++;
    this.counts[key]++;
  }
}

/**
 * The decision pipeline over every pending raw item: normalize → link → suppress → score →
 * classify → quality → correlate → alert version + evidence. One transaction per item (event,
 * link result, verdict or alert version, evidence payload, raw-item status); evidence files
 * are written after commit as regenerable copies. One INGEST SourceRun per enabled source.
 */
export function ingestExternal(deps: IngestDeps, group: RunGroup, trace: OperatorTrace, opts: IngestOptions = {}): IngestSummary {
  const enabled = deps.sources.filter((s) => s.enabled && (!opts.sourceId || s.id === opts.sourceId));
  const tally = new IngestTally(enabled);
  const run = new IngestRun(deps, group, enabled, tally, Boolean(opts.noSuppress));
  const items = selectPendingItems(deps.store, run.sourceById, opts, tally.diagnostics);
  // Evidence files are written on demand; a run only keeps the ones already present current.
  const evidenceDir = evidenceDirOf(deps.home.outputDir);
  const present = items.length > 0 ? presentEvidenceFiles(deps.home.outputDir) : new Set<string>();
  const decider = run.chunkDecider(items, opts.decideWorker ?? {mode: 'auto'});
  // Commits skip the fsync during the item loop: an OS crash could roll back the last commits,
  // which leaves their items NEW for the next run.
  try {
    deps.store.withRelaxedSync(() => {
      let done = 0;
      for (let start = 0; start < items.length; start += ITEMS_PER_TRANSACTION) {
        const {items: chunk, decided} = decider.nextChunk();
        for (const f of run.commitChunk(chunk, decided)) if (present.has(f.name)) tally.evidenceFiles.push(writeEvidenceFile(evidenceDir, f.name, f.content));
        for (let k = 0; k < chunk.length; k++) opts.onProgress?.(++done, items.length);
      }
    });
  } finally {
    decider.close();
  }
  tally.diagnostics.push(...decider.diagnostics);
  writeIngestSourceRuns(deps.store, group, run.decidedAt, enabled, tally);
  traceIngest(trace, group, deps.pack, tally, versionBatchRefs(new ReplayRepo(deps.store), group.id));
  return {counts: tally.counts, perSource: tally.perSource, evidenceFiles: tally.evidenceFiles, diagnostics: tally.diagnostics};
}

/**
 * The raw ids of the pending raw items of the enabled sources in processing order, cut by
 * `--since` and `--limit`. Items of sources that are not enabled stay pending, with an info
 * diagnostic. Only the ids are kept for the run: chunks read their items when they are decided.
 */
function selectPendingItems(store: Store, sourceById: ReadonlyMap<string, ResolvedSource>, opts: IngestOptions, diagnostics: Diagnostic[]): string[] {
  let items = processingOrder(pendingRawItemKeys(store));
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
  return items.map((it) => it.raw_id);
}

function writeEvidenceFile(dir: string, name: string, content: string): string {
  const file = join(dir, name);
  writeFileAtomic(file, content);
  return file;
}

/**
 * Decides and commits items, chunk by chunk.
 *
 * Items are committed in chunks of ITEMS_PER_TRANSACTION: one IMMEDIATE transaction per
 * chunk, and inside it one SAVEPOINT per item, so each item is still all-or-nothing (its event,
 * verdict or alert version + evidence payload, and raw-item status land together or not at
 * all). A crash (SIGKILL) loses only the uncommitted chunk, whose raw items are still NEW and
 * are decided again by the next run; nothing committed is lost. Evidence files are written
 * after their chunk commits, as regenerable copies. Item k+1 sees item k's incident through the
 * chunk's CandidateIncidents, so correlation sees every earlier item exactly as with per-item
 * commits.
 */
class IngestRun {
  readonly sourceById: Map<string, ResolvedSource>;
  private readonly store: Store;
  private readonly repo: DecisionsRepo;
  private env_: DecisionEnv | null = null;
  private readonly now: EpochMicros;
  /** The decision time of every item and of the INGEST SourceRuns. */
  readonly decidedAt: string;
  private readonly itemTx: <T>(fn: () => T) => T;

  constructor(
    private readonly deps: IngestDeps,
    private readonly group: RunGroup,
    enabled: readonly ResolvedSource[],
    private readonly tally: IngestTally,
    private readonly noSuppress: boolean,
  ) {
    this.store = deps.store;
    this.repo = new DecisionsRepo(deps.store);
    this.now = group.clock.now();
    this.decidedAt = group.clock.nowText();
    this.sourceById = new Map(enabled.map((s) => [s.id, s]));
    this.itemTx = deps.store.savepoints();
  }

  private get stamp(): WriteStamp {
    return {decidedAt: this.decidedAt, runGroupId: this.group.id};
  }

  /** The decision tables, built on first use: a run with nothing pending never indexes the network. */
  private get env(): DecisionEnv {
    const {network, config, pack, sourceRules} = this.deps;
    return (this.env_ ??= {tables: contextTablesOf(network, config, this.now), pack, sourceRules, noSuppress: this.noSuppress});
  }

  /**
   * Where the chunks of `rawIds` are decided: a decide worker when the mode and the run's size
   * call for one and the pack's rule files are at hand, else this thread.
   */
  chunkDecider(rawIds: readonly string[], opts: DecideWorkerOptions): ChunkDecider {
    const snapshot = this.deps.rulesSnapshot;
    if (!snapshot && opts.mode === 'always') throw new Error('a decide worker needs the rule files the pack was compiled from (IngestDeps.rulesSnapshot)');
    const count = Math.ceil(rawIds.length / ITEMS_PER_TRANSACTION);
    return new ChunkDecider(
      {
        count,
        items: rawIds.length,
        read: (k) => pendingRawItemsByIds(this.store, rawIds.slice(k * ITEMS_PER_TRANSACTION, (k + 1) * ITEMS_PER_TRANSACTION)),
        decideHere: (chunk) => chunk.map((item) => decideForWriter(item, this.sourceById.get(item.source_id)!, this.env, this.stamp)),
        workerData: () => {
          const {deps} = this;
          return {
            rules: snapshot!,
            expect: {packHash: deps.pack.hash, sourceRuleIds: [...deps.sourceRules].map(([id, rules]) => [id, rules.map((r) => r.id)])},
            // Every source, as the writer's per-source rules were compiled over all of them.
            sources: deps.sources.map(portableSource),
            network: deps.network,
            config: deps.config,
            now: this.now,
            noSuppress: this.noSuppress,
            stamp: this.stamp,
          };
        },
        // The worker decides from here on: this thread's tables (the network index) can go.
        onWorkerReady: () => (this.env_ = null),
      },
      snapshot ? opts : {...opts, mode: 'never'},
    );
  }

  /** Commits a decided chunk in one transaction and returns the evidence files to write. */
  commitChunk(chunk: readonly PendingRawItem[], decided: readonly DecidedItem[]): {name: string; content: string}[] {
    // Correlation reads the chunk's candidate incidents with one query inside the transaction.
    const files: {name: string; content: string}[] = [];
    timePhase('write', () => this.store.write(() => {
      const incidents = this.candidatesFor(decided);
      for (let i = 0; i < chunk.length; i++) {
        const file = this.commitOne(chunk[i], decided[i], incidents);
        if (file) files.push(file);
      }
    }));
    return files;
  }

  private candidatesFor(decisions: readonly DecidedItem[]): CandidateIncidents {
    const keys = new Set<string>();
    let limit = 0;
    for (const d of decisions) {
      if (d.kind !== 'alert') continue;
      keys.add(d.correlation.key);
      for (const k of d.correlation.follow) keys.add(k);
      limit = Math.max(limit, d.correlation.max_candidates);
    }
    return new CandidateIncidents(this.repo.correlationCandidates([...keys], limit));
  }

  /** Commits one item's decision in its own savepoint; a failure marks the raw item FAILED. Returns its evidence file, if any. */
  private commitOne(item: PendingRawItem, d: DecidedItem, incidents: CandidateIncidents): {name: string; content: string} | null {
    const source = this.sourceById.get(item.source_id)!;
    const sc = this.tally.perSource.get(source.id)!;
    this.tally.refs.raw.push({id: `raw-item:${item.source_id}:${item.raw_id}`, hash: item.content_hash});
    try {
      for (const x of d.diagnostics) this.tally.diagnostics.push({...x, details: {...x.details, raw_id: item.raw_id}});
      if (d.kind === 'failed') throw new Error(d.message);
      if (d.kind === 'suppressed') {
        this.commitSuppressed(item, source, d, sc);
        return null;
      }
      return this.commitAlert(item, d, incidents, sc);
    } catch (err) {
      this.commitFailure(item, (err as Error).message ?? String(err), sc);
      return null;
    }
  }

  private commitSuppressed(item: PendingRawItem, source: ResolvedSource, d: Extract<DecidedItem, {kind: 'suppressed'}>, sc: SourceTally): void {
    const {eventRow, primary} = d;
    const auditRow = {
      event_id: eventRow.event_id,
      raw_id: item.raw_id,
      source_id: source.id,
      decided_at: this.decidedAt,
      rule_pack_hash: this.deps.pack.hash,
      primary_rule_id: primary.rule_id,
      primary_reason_code: primary.reason_code,
      matches_json: d.matchesJson,
      run_group_id: this.group.id,
    };
    const created = this.itemTx(() => {
      const c = this.repo.insertEvent(eventRow);
      this.repo.insertSuppressionAudit(auditRow);
      setRawItemStatus(this.store, item.raw_id, 'SUPPRESSED', null, this.decidedAt, this.group.id);
      return c;
    });
    if (created) this.tally.count(sc, 'events_created');
    this.tally.count(sc, 'processed');
    this.tally.count(sc, 'suppressed');
    const reason = primary.reason_code || primary.rule_id || 'unknown';
    sc.suppression_reason_counts[reason] = (sc.suppression_reason_counts[reason] ?? 0) + 1;
    this.tally.refs.events.push({id: eventRow.event_id, hash: eventRow.event_hash});
    this.tally.refs.suppressions.push({id: `suppression:${eventRow.event_id}`, hash: artifactHash(auditRow)});
  }

  /** Correlates with the open incidents, writes the new alert version, and returns its evidence file. */
  private commitAlert(item: PendingRawItem, d: Extract<DecidedItem, {kind: 'alert'}>, incidents: CandidateIncidents, sc: SourceTally): {name: string; content: string} {
    const {eventRow, event, link, score, classify, quality, correlation} = d;
    const eventTime = instantOf(event.event_time) ?? this.now;
    const match = resolveIncident((key) => incidents.candidates(key, correlation.max_candidates), correlation, eventTime);
    const existing = match?.incident ?? null;
    const build = buildAlertVersion({
      followUp: match?.followUp ?? false,
      event,
      link,
      rawItem: {raw_id: item.raw_id, fetched_at: item.fetched_at, published_at: item.published_at, url: item.url},
      score,
      classify,
      quality,
      correlation,
      existing,
      decidedAt: this.decidedAt,
      runGroupId: this.group.id,
      windowHours: Math.round(correlation.window_micros / MICROS_PER_HOUR),
      pinned: this.group.mode === 'strict',
    });
    const created = this.itemTx(() => {
      const c = this.repo.insertEvent(eventRow);
      this.repo.writeVersion(build.incident, build.version);
      setRawItemStatus(this.store, item.raw_id, 'NORMALIZED', null, this.decidedAt, this.group.id);
      return c;
    });
    incidents.record(build.incident);
    if (created) this.tally.count(sc, 'events_created');
    this.tally.count(sc, 'processed');
    this.tally.count(sc, existing ? 'alerts_updated' : 'alerts_created');
    this.tally.refs.events.push({id: event.event_id, hash: eventRow.event_hash});
    return {name: build.evidenceFile, content: build.version.evidence_json};
  }

  private commitFailure(item: PendingRawItem, message: string, sc: SourceTally): void {
    this.itemTx(() => setRawItemStatus(this.store, item.raw_id, 'FAILED', message.slice(0, 1000), this.decidedAt, this.group.id));
    sc.errors.push(message);
    this.tally.count(sc, 'failed');
    this.tally.count(sc, 'processed');
    this.tally.diagnostics.push({code: 'INGEST_ITEM_FAILED', severity: 'warning', message: `${item.source_id} ${item.raw_id}: ${message}`, details: {raw_id: item.raw_id}});
  }
}

/** One INGEST SourceRun per enabled source, in one transaction. */
function writeIngestSourceRuns(store: Store, group: RunGroup, runAt: string, enabled: readonly ResolvedSource[], tally: IngestTally): void {
  store.write(() => {
    for (const s of enabled) {
      const c = tally.perSource.get(s.id)!;
      insertSourceRun(store, {
        run_group_id: group.id,
        source_id: s.id,
        phase: 'INGEST',
        run_at: runAt,
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
}

/** What the RunRecord names: the raw items and rules read, the events, verdicts, versions and evidence written. */
function traceIngest(trace: OperatorTrace, group: RunGroup, pack: CompiledRulePack, tally: IngestTally, written: ReturnType<typeof versionBatchRefs>): void {
  const {refs} = tally;
  trace.input(batchRef('RawItemBatch', group.id, refs.raw, 'raw-items/v1'));
  trace.input({id: `rule-pack:${pack.hash.slice(0, 16)}`, kind: 'RulePack', hash: pack.hash});
  // Each compiled file by content: the store keeps its exact text (rule_file_texts), so replay
  // and `rules show --run` rebuild this very pack after the files are edited.
  for (const f of pack.files) trace.input({id: `rule-file:${f.path}`, kind: 'RuleFile', hash: f.sha256});
  trace.output(batchRef('SignalCanonical', group.id, refs.events, 'signals/v1'));
  trace.output(batchRef('SuppressionVerdict', group.id, refs.suppressions, 'suppression-audit/v1'));
  trace.output(written.versions);
  trace.output(written.evidence);
  trace.report(...tally.diagnostics);
}
