import {createHash} from 'node:crypto';
import pRetry, {AbortError} from 'p-retry';

/**
 * The one retry schedule (sinks.md §5), shared by the fetcher and the sinks. The delay before
 * retry `attempt` is a pure function of (seed, key, attempt) so a replay waits exactly the same;
 * p-retry counts the attempts, but its own timers and randomization are off — every wait goes
 * through the injected sleeper, so tests run in virtual time.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (≥ 1). */
  maxAttempts: number;
  baseMs: number;
  factor: number;
  /** Cap on the exponential part, before jitter. */
  maxDelayMs: number;
  /** ± fraction of the exponential delay, 0 ≤ jitter ≤ 1. */
  jitter: number;
}

export type Sleeper = (ms: number) => Promise<void>;

export type AttemptOutcome<T> =
  | {kind: 'ok'; value: T}
  | {kind: 'retryable'; cause: string; retryAfterMs?: number}
  | {kind: 'terminal'; cause: string};

/** One wait between two attempts, as recorded: `attempt` is the attempt that failed. */
export interface RetryWait {
  attempt: number;
  delayMs: number;
  cause: string;
  retryAfterMs?: number;
}

export interface RetryRun<T> {
  outcome: AttemptOutcome<T>;
  attempts: number;
  waits: RetryWait[];
}

/** `u` in [0, 1): the first 8 bytes of SHA-256(`seed|key|attempt`), big-endian, ÷ 2^64. */
function unitFraction(seed: string, key: string, attempt: number): number {
  const digest = createHash('sha256').update(`${seed}|${key}|${attempt}`).digest();
  return Number(digest.readBigUInt64BE(0)) / 2 ** 64;
}

/**
 * Delay after failed attempt `attempt` (≥ 1): `min(maxDelayMs, baseMs·factor^(attempt−1)) ·
 * (1 − jitter + 2·jitter·u)`, rounded to whole milliseconds.
 */
export function retryDelayMs(policy: RetryPolicy, seed: string, key: string, attempt: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseMs * policy.factor ** (attempt - 1));
  const u = unitFraction(seed, key, attempt);
  return Math.round(exponential * (1 - policy.jitter + 2 * policy.jitter * u));
}

/** Carries a non-ok outcome through p-retry, which only understands thrown errors. */
class OutcomeSignal<T> extends Error {
  constructor(readonly outcome: Exclude<AttemptOutcome<T>, {kind: 'ok'}>) {
    super(outcome.cause);
  }
}

/**
 * Runs `attempt` until it is ok, terminal, out of attempts, or the next wait would pass
 * `deadlineMs`; each of those ends with the last outcome (never a throw). An exception thrown by
 * `attempt` itself is a bug, not an outcome, and propagates. `elapsedMs` measures the time since
 * the start for the deadline; without it the waits so far are the elapsed time.
 */
export async function runWithRetry<T>(
  opts: {policy: RetryPolicy; seed: string; key: string; sleeper: Sleeper; deadlineMs?: number; elapsedMs?: () => number},
  attempt: (n: number) => Promise<AttemptOutcome<T>>,
): Promise<RetryRun<T>> {
  const {policy, seed, key, sleeper, deadlineMs} = opts;
  const waits: RetryWait[] = [];
  const elapsed = opts.elapsedMs ?? (() => waits.reduce((sum, w) => sum + w.delayMs, 0));
  let attempts = 0;
  try {
    const value = await pRetry(
      async (n) => {
        attempts = n;
        const outcome = await attempt(n);
        if (outcome.kind === 'ok') return outcome.value;
        if (outcome.kind === 'terminal') throw new AbortError(new OutcomeSignal(outcome));
        throw new OutcomeSignal(outcome);
      },
      {
        retries: Math.max(0, policy.maxAttempts - 1),
        minTimeout: 0,
        randomize: false,
        // Called only when a retry is left: the wait happens here, through the sleeper.
        shouldRetry: async ({error, attemptNumber}) => {
          if (!(error instanceof OutcomeSignal) || error.outcome.kind !== 'retryable') return false;
          const {cause, retryAfterMs} = error.outcome;
          const delayMs = Math.max(retryDelayMs(policy, seed, key, attemptNumber), retryAfterMs ?? 0);
          if (deadlineMs !== undefined && elapsed() + delayMs > deadlineMs) return false;
          waits.push({attempt: attemptNumber, delayMs, cause, ...(retryAfterMs === undefined ? {} : {retryAfterMs})});
          await sleeper(delayMs);
          return true;
        },
      },
    );
    return {outcome: {kind: 'ok', value}, attempts, waits};
  } catch (err) {
    if (err instanceof OutcomeSignal) return {outcome: err.outcome as AttemptOutcome<T>, attempts, waits};
    throw err;
  }
}
