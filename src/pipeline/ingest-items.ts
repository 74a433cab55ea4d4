import {join} from 'node:path';
import {writeFileAtomic} from '../kernel/atomic-file.js';
import {artifactHash} from '../kernel/canonical-json.js';
import {timePhase} from '../kernel/phase-timings.js';
import type {RunGroup} from '../kernel/run-group.js';
import {instantOf, MICROS_PER_HOUR, type EpochMicros} from '../kernel/time.js';
import type {ResolvedSource} from '../sources/config.js';
import type {Store} from '../store/db.js';
import {DecisionsRepo, type PendingRawItem, pendingRawItemsByIds} from '../store/decisions-repo.js';
import {setRawItemStatus} from '../store/raw-items-repo.js';
import {buildAlertVersion} from './alert.js';
import {CandidateIncidents, resolveIncident} from './correlate.js';
import {ChunkDecider, type DecideWorkerOptions} from './decide-ahead.js';
import {portableSource} from './decide-worker-protocol.js';
import {type DecidedItem, decideForWriter, type WriteStamp} from './decided-item.js';
import type {DecisionEnv} from './decide.js';
import {evidenceDirOf, presentEvidenceFiles} from './evidence-files.js';
import {ITEMS_PER_TRANSACTION, type IngestDeps, type IngestOptions} from './ingest-deps.js';
import type {IngestTally, SourceTally} from './ingest-tally.js';
import {contextTablesOf} from './rule-context.js';

/**
 * Decides and commits the pending items `rawIds` (in processing order). Loaded by
 * `ingestExternal` only when something is pending: a run that decides nothing never loads the
 * decision pipeline.
 */
export function decideAndCommit(
  deps: IngestDeps,
  group: RunGroup,
  clock: {now: EpochMicros; decidedAt: string},
  sourceById: ReadonlyMap<string, ResolvedSource>,
  tally: IngestTally,
  rawIds: readonly string[],
  opts: IngestOptions,
): void {
  const run = new IngestRun(deps, group, clock, sourceById, tally, Boolean(opts.noSuppress));
  // Evidence files are written on demand; a run only keeps the ones already present current.
  const evidenceDir = evidenceDirOf(deps.home.outputDir);
  const present = presentEvidenceFiles(deps.home.outputDir);
  const decider = run.chunkDecider(rawIds, opts.decideWorker ?? {mode: 'auto'});
  // Commits skip the fsync during the item loop: an OS crash could roll back the last commits,
  // which leaves their items NEW for the next run.
  try {
    deps.store.withRelaxedSync(() => {
      let done = 0;
      for (let start = 0; start < rawIds.length; start += ITEMS_PER_TRANSACTION) {
        const {items: chunk, decided} = decider.nextChunk();
        for (const f of run.commitChunk(chunk, decided)) if (present.has(f.name)) tally.evidenceFiles.push(writeEvidenceFile(evidenceDir, f.name, f.content));
        for (let k = 0; k < chunk.length; k++) opts.onProgress?.(++done, rawIds.length);
      }
    });
  } finally {
    decider.close();
  }
  tally.diagnostics.push(...decider.diagnostics);
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
    clock: {now: EpochMicros; decidedAt: string},
    readonly sourceById: ReadonlyMap<string, ResolvedSource>,
    private readonly tally: IngestTally,
    private readonly noSuppress: boolean,
  ) {
    this.store = deps.store;
    this.repo = new DecisionsRepo(deps.store);
    this.now = clock.now;
    this.decidedAt = clock.decidedAt;
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
    // Keys in code-unit order: its artifact hash then needs no sorted copy.
    const auditRow = {
      decided_at: this.decidedAt,
      event_id: eventRow.event_id,
      matches_json: d.matchesJson,
      primary_reason_code: primary.reason_code,
      primary_rule_id: primary.rule_id,
      raw_id: item.raw_id,
      rule_pack_hash: this.deps.pack.hash,
      run_group_id: this.group.id,
      source_id: source.id,
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

