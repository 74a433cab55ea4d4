import type {Diagnostic} from '../kernel/diagnostic.js';
import type {OperatorTrace, RunGroup} from '../kernel/run-group.js';
import {batchRef} from '../kernel/run-record.js';
import {instantOf, type EpochMicros} from '../kernel/time.js';
import type {CompiledRulePack} from '../rules/pack.js';
import type {ResolvedSource} from '../sources/config.js';
import type {Store} from '../store/db.js';
import {type PendingRawItem, pendingRawItemKeys} from '../store/decisions-repo.js';
import {ReplayRepo} from '../store/replay-repo.js';
import {insertSourceRun} from '../store/source-runs-repo.js';
import type {IngestDeps, IngestOptions} from './ingest-deps.js';
import {type IngestCounts, IngestTally, type SourceTally} from './ingest-tally.js';
import {versionBatchRefs} from './version-batch-refs.js';

export const INGEST_EXTERNAL_OPERATOR = 'hardstop.ingest@1.0.0';

export interface IngestSummary {
  counts: IngestCounts;
  perSource: Map<string, SourceTally>;
  evidenceFiles: string[];
  diagnostics: Diagnostic[];
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

/**
 * The decision pipeline over every pending raw item: normalize → link → suppress → score →
 * classify → quality → correlate → alert version + evidence. One transaction per item (event,
 * link result, verdict or alert version, evidence payload, raw-item status); evidence files
 * are written after commit as regenerable copies. One INGEST SourceRun per enabled source.
 */
export async function ingestExternal(deps: IngestDeps, group: RunGroup, trace: OperatorTrace, opts: IngestOptions = {}): Promise<IngestSummary> {
  const enabled = deps.sources.filter((s) => s.enabled && (!opts.sourceId || s.id === opts.sourceId));
  const tally = new IngestTally(enabled);
  const clock = {now: group.clock.now(), decidedAt: group.clock.nowText()};
  const sourceById = new Map(enabled.map((s) => [s.id, s]));
  const items = selectPendingItems(deps.store, sourceById, opts, tally.diagnostics);
  if (items.length > 0) {
    const {decideAndCommit} = await import('./ingest-items.js');
    decideAndCommit(deps, group, clock, sourceById, tally, items, opts);
  }
  writeIngestSourceRuns(deps.store, group, clock.decidedAt, enabled, tally);
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
