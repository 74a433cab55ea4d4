import {Worker} from 'node:worker_threads';
import {ConfigError, HardstopError} from '../kernel/errors.js';
import {compiledModuleUrl} from '../kernel/package-root.js';
import {addWorkerPhase} from '../kernel/phase-timings.js';
import type {DecidedItemRow} from '../store/rule-diff-repo.js';
import type {ItemOutcome} from './rules-diff-items.js';
import type {RulesDiffOptions} from './rules-diff-inputs.js';

/** `rules diff` could not use a worker thread's share of the items: no report is produced. */
export class RulesDiffError extends HardstopError {}

/** Sets the number of threads (`2` or more splits the window); unset: one. */
export const THREADS_ENV = 'HARDSTOP_RULES_DIFF_THREADS';

/**
 * How many threads recompute `items` items: the variable's value when set (never more than the
 * items), otherwise one. Two threads did not pay on the 2-core machine they were measured on:
 * each thread's half of 10,000 items took about as long as one thread's whole window (same
 * wall time, +40 % CPU, +120 MiB; docs/BENCHMARK.md), so splitting is opt-in.
 */
export function rulesDiffThreads(env: NodeJS.ProcessEnv, items: number): number {
  const set = env[THREADS_ENV];
  if (set !== undefined && set !== '') {
    if (!/^[1-9]\d?$/.test(set)) throw new ConfigError('CONFIG_ENV_INVALID', `${THREADS_ENV}: "${set}" is not a number of threads`, {hint: `set ${THREADS_ENV} to a whole number from 1 to 99, or unset it`});
    return Math.max(1, Math.min(Number(set), items));
  }
  return 1;
}

/** What a worker needs to load the same inputs as the main thread. */
export interface RulesDiffWorkerData {
  home: string;
  now: string;
  bestEffort: boolean;
  env: NodeJS.ProcessEnv;
  opts: RulesDiffOptions;
}

/** The worker's share: items in decision order with the pack hash of each item's run. */
export interface RulesDiffJob {
  rows: DecidedItemRow[];
  packHashes: (string | null)[];
}

export type RulesDiffReply =
  | {kind: 'done'; fingerprint: string; outcomes: ItemOutcome[]; setupMs: number; itemsMs: number}
  | {kind: 'failed'; code: string; message: string; hint?: string};

const WORKER_HINT = 'run `hardstop rules diff` again; if it fails again, set HARDSTOP_RULES_DIFF_THREADS=1 to compute in one thread and report the problem';

/**
 * One worker thread of `rules diff`: it starts loading the inputs at once (while the main thread
 * loads its own), then recomputes the slice it is given. Any way it ends without a result
 * (an error, an exit, a crash) is a RulesDiffError.
 */
export class RulesDiffWorker {
  private readonly worker: Worker;
  private readonly reply: Promise<RulesDiffReply>;

  constructor(data: RulesDiffWorkerData) {
    this.worker = new Worker(compiledModuleUrl('app/rules-diff-worker.js'), {workerData: data});
    this.reply = new Promise<RulesDiffReply>((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', (err) => reject(new RulesDiffError('RULES_DIFF_WORKER_FAILED', `a rules diff worker thread failed: ${err.message}`, {hint: WORKER_HINT, cause: err})));
      this.worker.once('messageerror', (err) => reject(new RulesDiffError('RULES_DIFF_WORKER_FAILED', `a rules diff worker thread sent an unreadable result: ${err.message}`, {hint: WORKER_HINT})));
      this.worker.once('exit', (code) => reject(new RulesDiffError('RULES_DIFF_WORKER_FAILED', `a rules diff worker thread exited (code ${code}) before returning its items`, {hint: WORKER_HINT})));
    });
    // Not awaited when the command stops before handing out work (e.g. a candidate that does not check).
    this.reply.catch(() => {});
  }

  /** Hands the slice over and waits for its outcomes, in the order given; `name` labels its phase timings. */
  async run(job: RulesDiffJob, fingerprint: string, name: string): Promise<ItemOutcome[]> {
    this.worker.postMessage(job);
    const reply = await this.reply;
    if (reply.kind === 'failed') throw new RulesDiffError('RULES_DIFF_WORKER_FAILED', `a rules diff worker thread failed: ${reply.code}: ${reply.message}`, {hint: reply.hint ?? WORKER_HINT});
    if (reply.fingerprint !== fingerprint || reply.outcomes.length !== job.rows.length) {
      throw new RulesDiffError('RULES_DIFF_INPUTS_CHANGED', 'the rule files, sources, configuration or network changed while rules diff was reading them', {
        hint: 'run `hardstop rules diff` again once nothing is editing the home',
      });
    }
    addWorkerPhase(`${name}_setup`, reply.setupMs);
    addWorkerPhase(`${name}_items`, reply.itemsMs);
    return reply.outcomes;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
