import {type EpochMicros, formatInstant, instantFromDate} from './time.js';

/**
 * The run clock. Every decision reads time from here, never from `Date`. A pinned clock
 * never advances, so strict runs are reproducible; a wall clock exists only for best-effort
 * runs and is declared in their RunRecords.
 */
export interface Clock {
  readonly pinned: boolean;
  now(): EpochMicros;
  nowText(): string;
}

export class PinnedClock implements Clock {
  readonly pinned = true;
  constructor(private readonly instant: EpochMicros) {}
  now(): EpochMicros {
    return this.instant;
  }
  nowText(): string {
    return formatInstant(this.instant);
  }
}

export class WallClock implements Clock {
  readonly pinned = false;
  now(): EpochMicros {
    return instantFromDate(new Date());
  }
  nowText(): string {
    return formatInstant(this.now());
  }
}

/** Reads the wall clock once: the run clock of a strict run started without `--now`. */
export function pinWallClockNow(): PinnedClock {
  return new PinnedClock(instantFromDate(new Date()));
}

/** Monotonic milliseconds for cost accounting in best-effort runs only. */
export function monotonicMs(): number {
  return performance.now();
}
