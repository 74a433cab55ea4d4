import {monotonicMs} from '../kernel/clock.js';
import {seededRandom} from '../kernel/ids.js';

/**
 * The fetcher's only way to wait. Production uses timers and the monotonic clock; tests
 * inject a virtual one whose `sleep` just advances `now`, so spacing is verified without
 * real waiting.
 */
export interface FetchClock {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realSleeper: FetchClock = {
  now: () => monotonicMs(),
  sleep: (ms) => (ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms))),
};

/** A virtual clock for tests and dry runs: sleeping advances time instantly. */
export class VirtualSleeper implements FetchClock {
  readonly sleeps: number[] = [];
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
  }
  /** Advances time as if work had taken `ms`. */
  advance(ms: number): void {
    this.t += ms;
  }
}

/** One planned wait, as recorded in SourceRun diagnostics and (best-effort) the RunRecord. */
export interface PlannedDelay {
  host: string;
  /** Total wait before the request (spacing + jitter), milliseconds, rounded. */
  wait_ms: number;
  /** The jitter part of the wait. */
  jitter_ms: number;
}

/**
 * Per-host minimum interval between requests (operations.md §4.3): the first request to a
 * host never waits; a later one waits `(interval − elapsed) + U(0, jitter)` when it comes too
 * early. Jitter comes from a PRNG seeded with `seed`, so the same seed and the same timings
 * give the same delays. Strict mode passes `jitterSeconds = 0`.
 */
export class HostRateLimiter {
  private readonly last = new Map<string, number>();
  private readonly rng: () => number;
  readonly delays: PlannedDelay[] = [];

  constructor(
    private readonly minIntervalSeconds: number,
    private readonly jitterSeconds: number,
    readonly seed: number,
    private readonly sleeper: FetchClock,
  ) {
    this.rng = seededRandom(seed);
  }

  /** Waits as needed, then marks the host as just requested. */
  async acquire(host: string): Promise<PlannedDelay> {
    const now = this.sleeper.now();
    const prev = this.last.get(host);
    let wait = 0;
    let jitter = 0;
    if (prev !== undefined) {
      const elapsed = now - prev;
      const interval = this.minIntervalSeconds * 1000;
      if (elapsed < interval) {
        jitter = this.jitterSeconds > 0 ? this.rng() * this.jitterSeconds * 1000 : 0;
        wait = interval - elapsed + jitter;
      }
    }
    if (wait > 0) await this.sleeper.sleep(wait);
    this.last.set(host, this.sleeper.now());
    const delay = {host, wait_ms: Math.round(wait), jitter_ms: Math.round(jitter)};
    this.delays.push(delay);
    return delay;
  }
}

/** Longest Retry-After honoured (operations.md §4.4), and the fetcher's cap on a retry wait. */
export const RETRY_AFTER_CAP_MS = 60_000;

/**
 * `Retry-After` in milliseconds (delta-seconds only; an HTTP date is ignored because it would
 * tie the wait to the wall clock), capped at 60 s. Null when absent or unusable.
 */
export function retryAfterMs(value: string | undefined | null): number | null {
  if (!value) return null;
  const m = /^\s*(\d+)\s*$/.exec(value);
  if (!m) return null;
  return Math.min(Number(m[1]) * 1000, RETRY_AFTER_CAP_MS);
}
