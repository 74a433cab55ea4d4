import {monotonicMs} from '../kernel/clock.js';
import type {Sleeper} from '../kernel/retry.js';

/**
 * All waiting of a push (retry delays, pacing) and its elapsed time for the deadline. The real
 * one sleeps; the virtual one only advances its own clock, so tests and the bench run retry
 * storms in virtual time.
 */
export interface Waiter {
  readonly sleep: Sleeper;
  /** Milliseconds since the push started. */
  elapsedMs(): number;
  /** Total milliseconds waited through `sleep`. */
  readonly waitedMs: number;
}

export function realWaiter(): Waiter {
  const start = monotonicMs();
  const w = {
    waitedMs: 0,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        w.waitedMs += ms;
        setTimeout(resolve, ms);
      }),
    elapsedMs: () => monotonicMs() - start,
  };
  return w;
}

export function virtualWaiter(): Waiter {
  const w = {
    waitedMs: 0,
    sleep: async (ms: number) => {
      w.waitedMs += ms;
    },
    elapsedMs: () => w.waitedMs,
  };
  return w;
}
