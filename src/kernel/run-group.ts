import type {Clock} from './clock.js';
import {monotonicMs} from './clock.js';
import {type Diagnostic, toRecordDiagnostic} from './diagnostic.js';
import {HardstopError} from './errors.js';
import type {Mode} from './exit-status.js';
import {randomRunId, uuidFromBasis} from './ids.js';
import {type ArtifactRef, type BestEffortInfo, type RunCost, type RunRecord, recordHash, runGroupRef} from './run-record.js';

/** Where finished records go (database row + file). Implemented by the store layer. */
export interface RecordSink {
  write(record: RunRecord, timings: {duration_ms: number; cpu_ms: number; memory_bytes: number}): void;
}

export interface RunGroupOptions {
  /** The command that opened the group, e.g. `ingest`. */
  command: string;
  /** Resolved run inputs (home-relative paths, --since, --limit ...), part of the strict id basis. */
  args: Record<string, unknown>;
  clock: Clock;
  mode: Mode;
  configHash: string;
  version: string;
  sink: RecordSink;
  /** Adapter and pack versions, reported in best-effort records. */
  inputsVersion?: string;
}

/** What an operator tells the runner while it works: refs, diagnostics, byte counts. */
export class OperatorTrace {
  readonly inputs: ArtifactRef[] = [];
  readonly outputs: ArtifactRef[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly notes = new Set<string>();
  bytesIn = 0;
  bytesOut = 0;
  seed?: number;

  input(...refs: ArtifactRef[]): void {
    this.inputs.push(...refs);
  }
  output(...refs: ArtifactRef[]): void {
    this.outputs.push(...refs);
  }
  report(...diags: Diagnostic[]): void {
    this.diagnostics.push(...diags);
  }
  /** Names a nondeterministic factor (`jitter`, `network`, ...) for best-effort records. */
  note(factor: string): void {
    this.notes.add(factor);
  }
}

/**
 * A run group: every operator execution of one command invocation. Each execution gets
 * exactly one RunRecord, on success and on failure, numbered by `seq` and hash-chained.
 */
export class RunGroup {
  readonly id: string;
  readonly records: RunRecord[] = [];
  private readonly opts: RunGroupOptions;
  private lastHash: string | undefined;
  private reserved: {operatorId: string; seq: number; runId: string} | undefined;

  constructor(opts: RunGroupOptions) {
    this.opts = opts;
    this.id =
      opts.mode === 'strict'
        ? uuidFromBasis({command: opts.command, now: opts.clock.nowText(), config_hash: opts.configHash, args: opts.args})
        : randomRunId();
  }

  get mode(): Mode {
    return this.opts.mode;
  }
  get clock(): Clock {
    return this.opts.clock;
  }
  get configHash(): string {
    return this.opts.configHash;
  }

  private runIdFor(operatorId: string, seq: number): string {
    const r = this.reserved;
    if (r && r.operatorId === operatorId && r.seq === seq) return r.runId;
    return this.opts.mode === 'strict' ? uuidFromBasis({run_group_id: this.id, seq, operator_id: operatorId}) : randomRunId();
  }

  /**
   * The run id the next execution of `operatorId` will get, for an operator that names its own
   * record inside its output (an export bundle's manifest); the record then uses exactly this id.
   */
  nextRunId(operatorId: string): string {
    const seq = this.records.length + 1;
    const r = this.reserved;
    if (r && r.operatorId === operatorId && r.seq === seq) return r.runId;
    this.reserved = {operatorId, seq, runId: this.runIdFor(operatorId, seq)};
    return this.reserved.runId;
  }

  async run<T>(operatorId: string, work: (trace: OperatorTrace) => Promise<T> | T): Promise<T> {
    const seq = this.records.length + 1;
    const trace = new OperatorTrace();
    const startedAt = this.opts.clock.nowText();
    const t0 = monotonicMs();
    const cpu0 = process.cpuUsage();
    let failure: unknown;
    let result: T | undefined;
    try {
      result = await work(trace);
    } catch (err) {
      failure = err;
    }
    const timings = {
      duration_ms: Math.max(0, Math.round(monotonicMs() - t0)),
      cpu_ms: Math.round((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1000),
      memory_bytes: process.memoryUsage().rss,
    };
    const errors = trace.diagnostics.filter((d) => d.severity === 'error');
    if (failure !== undefined) {
      if (failure instanceof HardstopError) errors.push(...failure.diagnostics.filter((d) => d.severity === 'error'));
      else errors.push({code: 'INTERNAL_ERROR', severity: 'error', message: (failure as Error)?.message ?? String(failure)});
    }
    const record = this.buildRecord(operatorId, seq, startedAt, trace, errors, timings);
    this.records.push(record);
    this.lastHash = recordHash(record);
    this.opts.sink.write(record, timings);
    if (failure !== undefined) throw failure;
    return result as T;
  }

  private buildRecord(
    operatorId: string,
    seq: number,
    startedAt: string,
    trace: OperatorTrace,
    errors: Diagnostic[],
    timings: {duration_ms: number; cpu_ms: number; memory_bytes: number},
  ): RunRecord {
    const strict = this.opts.mode === 'strict';
    const runId = this.runIdFor(operatorId, seq);
    const cost: RunCost = {bytes_in: trace.bytesIn, bytes_out: trace.bytesOut};
    if (!strict) Object.assign(cost, timings);
    const record: RunRecord = {
      run_id: runId,
      operator_id: operatorId,
      mode: this.opts.mode,
      started_at: startedAt,
      ended_at: this.opts.clock.nowText(),
      config_hash: this.opts.configHash,
      input_refs: [runGroupRef(this.id), ...trace.inputs],
      output_refs: trace.outputs,
      warnings: trace.diagnostics.filter((d) => d.severity === 'warning').map(toRecordDiagnostic),
      errors: errors.map(toRecordDiagnostic),
      cost,
      run_group_id: this.id,
      seq,
      hardstop_version: this.opts.version,
    };
    if (this.lastHash) record.prev_record_hash = this.lastHash;
    if (!strict) {
      const notes = new Set(['random_ids', ...trace.notes]);
      if (!this.opts.clock.pinned) notes.add('wall_clock');
      const be: BestEffortInfo = {notes: [...notes].sort().join(','), inputs_version: this.opts.inputsVersion ?? `hardstop@${this.opts.version}`};
      if (trace.seed !== undefined) be.seed = trace.seed;
      record.best_effort = be;
    }
    return record;
  }
}
