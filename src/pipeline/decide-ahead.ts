import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {BlockingWorker} from '../kernel/blocking-worker.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {compiledModuleUrl} from '../kernel/package-root.js';
import {addWorkerPhase, timePhase} from '../kernel/phase-timings.js';
import type {PendingRawItem} from '../store/decisions-repo.js';
import type {DecidedItem} from './decided-item.js';
import type {DecideAnswer, DecideRequest, DecideWorkerData, DecideWorkerMode} from './decide-worker-protocol.js';

export const WORKER_MIN_ITEMS = 512;

/** Chunks the worker may have been given beyond the one being written (a bounded queue). */
const CHUNKS_AHEAD = 2;

/**
 * The worker's young generation (V8's default is 16–32 MiB). Deciding makes much short-lived
 * garbage; a smaller nursery collects it more often and kept the peak RSS of a 10,000-item run
 * about 40 MiB lower (docs/BENCHMARK.md).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/** A worker that answers nothing for this long is given up (the thread died without a word). */
const DEFAULT_STALL_MS = 60_000;

export interface DecideWorkerOptions {
  mode: DecideWorkerMode;
  /** The worker script (default: decide-worker.js beside this module). */
  script?: URL;
  stallMs?: number;
}

/** What the chunk decider needs of the run. */
export interface ChunkInputs {
  /** Number of chunks, written in order 0, 1, … */
  count: number;
  /** Number of items in all chunks. */
  items: number;
  /** Reads chunk k's pending raw items. */
  read(k: number): PendingRawItem[];
  /** Decides items in this thread. */
  decideHere(items: readonly PendingRawItem[]): DecidedItem[];
  /** The worker's inputs, built when a worker is started. */
  workerData(): DecideWorkerData;
  /** The worker is ready: this thread will only decide what the worker cannot. */
  onWorkerReady(): void;
}

const DEFAULT_SCRIPT = compiledModuleUrl('pipeline/decide-worker.js');

/**
 * Hands out each chunk's decisions in order, decided in a worker thread while the writer
 * writes the previous chunk, or in this thread. Decisions are pure, so where they are made
 * does not change them; correlation and writes stay with the caller, in chunk order.
 *
 * In `auto` mode this thread decides chunks itself until the worker has set up (compiling the
 * pack, indexing the network), then hands it up to CHUNKS_AHEAD chunks at a time. A worker
 * that fails, exits or stalls is stopped and its chunks are decided here, with a
 * DECIDE_WORKER_FAILED warning: nothing is lost and the run does not hang.
 */
export class ChunkDecider {
  readonly diagnostics: Diagnostic[] = [];
  private worker: BlockingWorker<DecideRequest, DecideAnswer> | null = null;
  private ready = false;
  private next = 0;
  private nextPost = 0;
  /** Chunks given to the worker and not yet handed out, with their items. */
  private readonly posted = new Map<number, PendingRawItem[]>();
  private readonly answers = new Map<number, DecidedItem[]>();
  private readonly stallMs: number;

  constructor(
    private readonly inputs: ChunkInputs,
    private readonly opts: DecideWorkerOptions,
  ) {
    this.stallMs = opts.stallMs ?? DEFAULT_STALL_MS;
    const wanted = opts.mode === 'always' || (opts.mode === 'auto' && inputs.items >= WORKER_MIN_ITEMS);
    if (!wanted || inputs.count === 0) return;
    const script = opts.script ?? DEFAULT_SCRIPT;
    // Run from the TypeScript sources (tests), there is no compiled worker script to start.
    if (!existsSync(fileURLToPath(script))) {
      if (opts.mode === 'always') throw new Error(`decide worker script ${fileURLToPath(script)} is missing (run \`npm run build\`)`);
      return;
    }
    try {
      this.worker = new BlockingWorker(script, inputs.workerData(), {maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB});
    } catch (err) {
      this.stop(`it could not be started: ${(err as Error).message}`);
      return;
    }
    if (opts.mode === 'always') this.awaitReady();
  }

  /** The next chunk's items and decisions. */
  nextChunk(): {items: PendingRawItem[]; decided: DecidedItem[]} {
    const k = this.next++;
    if (this.worker) this.feed(k);
    const posted = this.posted.get(k);
    this.posted.delete(k);
    const decided = posted ? this.answerFor(k) : null;
    if (decided) return {items: posted!, decided};
    const items = posted ?? this.inputs.read(k);
    return {items, decided: timePhase('decide', () => this.inputs.decideHere(items))};
  }

  /** Stops the worker (call once the run is done or has failed). */
  close(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  /** Takes what the worker has answered and gives it the chunks after k, up to CHUNKS_AHEAD. */
  private feed(k: number): void {
    while (this.worker) {
      const a = this.worker.receive(0);
      if (a.kind === 'timeout') break;
      this.take(a);
    }
    if (!this.worker || !this.ready) return;
    // In `auto` mode this thread is about to decide chunk k itself if the worker has not got it.
    this.nextPost = Math.max(this.nextPost, this.opts.mode === 'always' ? k : k + 1);
    for (; this.nextPost <= k + CHUNKS_AHEAD && this.nextPost < this.inputs.count; this.nextPost++) {
      const items = this.inputs.read(this.nextPost);
      this.posted.set(this.nextPost, items);
      this.worker.post({chunk: this.nextPost, items});
    }
  }

  /** Chunk k's decisions from the worker, waiting for them; null when the worker stopped before deciding it. */
  private answerFor(k: number): DecidedItem[] | null {
    while (this.worker && !this.answers.has(k)) this.take(timePhase('decide_wait', () => this.worker!.receive(this.stallMs)));
    const decided = this.answers.get(k) ?? null;
    this.answers.delete(k);
    return decided;
  }

  private awaitReady(): void {
    while (this.worker && !this.ready) this.take(timePhase('decide_wait', () => this.worker!.receive(this.stallMs)));
  }

  private take(a: ReturnType<BlockingWorker<DecideRequest, DecideAnswer>['receive']>): void {
    if (a.kind === 'timeout') return this.stop(`no answer within ${this.stallMs} ms`);
    if (a.kind === 'exit') return this.stop(`the worker thread exited with code ${a.code}`);
    const m = a.message;
    if (m.kind === 'failed') return this.stop(m.message);
    if (m.kind === 'ready') {
      this.ready = true;
      addWorkerPhase('decide_setup', m.setupMs);
      this.inputs.onWorkerReady();
      return;
    }
    addWorkerPhase('decide', m.busyMs);
    this.answers.set(m.chunk, m.decided);
  }

  private stop(reason: string): void {
    this.close();
    this.diagnostics.push({
      code: 'DECIDE_WORKER_FAILED',
      severity: 'warning',
      message: `the decide worker stopped (${reason}); the remaining items were decided in the main thread, with the same results`,
      hint: 'decisions are unaffected; if this repeats, set HARDSTOP_DECIDE_WORKER=never and report it',
    });
  }
}
