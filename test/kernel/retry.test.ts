import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {type AttemptOutcome, retryDelayMs, type RetryPolicy, runWithRetry} from '../../src/kernel/retry.js';

const POLICY: RetryPolicy = {maxAttempts: 4, baseMs: 1000, factor: 2, maxDelayMs: 60_000, jitter: 0.5};

/** Virtual time: sleeping only records the wait and advances the clock. */
function virtualSleeper() {
  const sleeps: number[] = [];
  let now = 0;
  return {
    sleeps,
    elapsed: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** An attempt function that plays back `script` (one outcome per attempt) and counts calls. */
function scripted<T>(script: AttemptOutcome<T>[]) {
  const calls: number[] = [];
  return {
    calls,
    attempt: async (n: number) => {
      calls.push(n);
      return script[Math.min(n, script.length) - 1];
    },
  };
}

describe('retryDelayMs (sinks.md §5)', () => {
  // Expected values computed outside TypeScript (Python hashlib) from the spec's formula.
  it.each([
    [POLICY, 's1', 'dk-1', 1, 568],
    [POLICY, 's1', 'dk-1', 2, 2086],
    [POLICY, 's1', 'dk-1', 3, 5926],
    [POLICY, 's1', 'dk-1', 10, 74_255],
    [{...POLICY, jitter: 0}, 's1', 'dk-1', 4, 8000],
    [{maxAttempts: 3, baseMs: 250, factor: 3, maxDelayMs: 5000, jitter: 0.25}, '42', 'slack:alert-7', 2, 896],
  ])('vector %#: seed %s key %s attempt %i → %i ms', (policy, seed, key, attempt, expected) => {
    expect(retryDelayMs(policy, seed, key, attempt)).toBe(expected);
  });

  it('is the same on every call, and differs by seed, key and attempt', () => {
    const a = [1, 2, 3, 4].map((n) => retryDelayMs(POLICY, 'seed', 'key', n));
    const b = [1, 2, 3, 4].map((n) => retryDelayMs(POLICY, 'seed', 'key', n));
    expect(a).toEqual(b);
    expect(retryDelayMs(POLICY, 'seed', 'key', 1)).not.toBe(retryDelayMs(POLICY, 'seed2', 'key', 1));
    expect(retryDelayMs(POLICY, 'seed', 'key', 1)).not.toBe(retryDelayMs(POLICY, 'seed', 'key2', 1));
  });

  it('stays within the jitter bounds of the capped exponential delay (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({min: 1, max: 10_000}),
        fc.double({min: 1, max: 4, noNaN: true}),
        fc.integer({min: 1, max: 600_000}),
        fc.double({min: 0, max: 1, noNaN: true}),
        fc.string(),
        fc.string(),
        fc.integer({min: 1, max: 40}),
        (baseMs, factor, maxDelayMs, jitter, seed, key, attempt) => {
          const policy = {maxAttempts: 50, baseMs, factor, maxDelayMs, jitter};
          const exponential = Math.min(maxDelayMs, baseMs * factor ** (attempt - 1));
          const d = retryDelayMs(policy, seed, key, attempt);
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(Math.floor(exponential * (1 - jitter)));
          expect(d).toBeLessThanOrEqual(Math.ceil(exponential * (1 + jitter)));
        },
      ),
    );
  });

  it('without jitter grows monotonically up to the cap and stays there (property)', () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 10_000}), fc.double({min: 1, max: 4, noNaN: true}), fc.integer({min: 1, max: 600_000}), (baseMs, factor, maxDelayMs) => {
        const policy = {maxAttempts: 50, baseMs, factor, maxDelayMs, jitter: 0};
        const delays = Array.from({length: 30}, (_, i) => retryDelayMs(policy, 's', 'k', i + 1));
        for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
        for (const d of delays) expect(d).toBeLessThanOrEqual(Math.round(maxDelayMs));
      }),
    );
  });
});

describe('runWithRetry', () => {
  it('an ok first attempt neither waits nor retries', async () => {
    const clock = virtualSleeper();
    const s = scripted<string>([{kind: 'ok', value: 'done'}]);
    const run = await runWithRetry({policy: POLICY, seed: 's', key: 'k', sleeper: clock.sleep}, s.attempt);
    expect(run).toEqual({outcome: {kind: 'ok', value: 'done'}, attempts: 1, waits: []});
    expect(clock.sleeps).toEqual([]);
  });

  it('retries retryable outcomes on the schedule, through the sleeper, and records each wait', async () => {
    const clock = virtualSleeper();
    const s = scripted<string>([
      {kind: 'retryable', cause: 'HTTP 503'},
      {kind: 'retryable', cause: 'timeout'},
      {kind: 'ok', value: 'v'},
    ]);
    const run = await runWithRetry({policy: POLICY, seed: 's', key: 'k', sleeper: clock.sleep}, s.attempt);
    const d1 = retryDelayMs(POLICY, 's', 'k', 1);
    const d2 = retryDelayMs(POLICY, 's', 'k', 2);
    expect(run.outcome).toEqual({kind: 'ok', value: 'v'});
    expect(run.attempts).toBe(3);
    expect(run.waits).toEqual([
      {attempt: 1, delayMs: d1, cause: 'HTTP 503'},
      {attempt: 2, delayMs: d2, cause: 'timeout'},
    ]);
    expect(clock.sleeps).toEqual([d1, d2]);
    expect(s.calls).toEqual([1, 2, 3]);
  });

  it('two runs with the same seed and key wait exactly the same', async () => {
    const once = async () => {
      const clock = virtualSleeper();
      const s = scripted<never>([{kind: 'retryable', cause: 'x'}]);
      await runWithRetry({policy: POLICY, seed: 'same', key: 'key', sleeper: clock.sleep}, s.attempt);
      return clock.sleeps;
    };
    const first = await once();
    expect(first).toHaveLength(3);
    expect(await once()).toEqual(first);
  });

  it('stops after maxAttempts with the last retryable outcome and no wait after it', async () => {
    const clock = virtualSleeper();
    const s = scripted<never>([{kind: 'retryable', cause: 'HTTP 500'}]);
    const run = await runWithRetry({policy: {...POLICY, maxAttempts: 3}, seed: 's', key: 'k', sleeper: clock.sleep}, s.attempt);
    expect(run.outcome).toEqual({kind: 'retryable', cause: 'HTTP 500'});
    expect(run.attempts).toBe(3);
    expect(run.waits.map((w) => w.attempt)).toEqual([1, 2]);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('honours retryAfterMs when it is longer than the schedule, and the schedule when it is shorter', async () => {
    const clock = virtualSleeper();
    const s = scripted<string>([
      {kind: 'retryable', cause: 'HTTP 429', retryAfterMs: 30_000},
      {kind: 'retryable', cause: 'HTTP 429', retryAfterMs: 1},
      {kind: 'ok', value: 'v'},
    ]);
    const run = await runWithRetry({policy: POLICY, seed: 's', key: 'k', sleeper: clock.sleep}, s.attempt);
    const d2 = retryDelayMs(POLICY, 's', 'k', 2);
    expect(run.waits).toEqual([
      {attempt: 1, delayMs: 30_000, cause: 'HTTP 429', retryAfterMs: 30_000},
      {attempt: 2, delayMs: d2, cause: 'HTTP 429', retryAfterMs: 1},
    ]);
    expect(clock.elapsed()).toBe(30_000 + d2);
  });

  it('a terminal outcome is never retried', async () => {
    const clock = virtualSleeper();
    const s = scripted<never>([{kind: 'terminal', cause: 'HTTP 404'}]);
    const run = await runWithRetry({policy: POLICY, seed: 's', key: 'k', sleeper: clock.sleep}, s.attempt);
    expect(run).toEqual({outcome: {kind: 'terminal', cause: 'HTTP 404'}, attempts: 1, waits: []});
    expect(s.calls).toEqual([1]);
    expect(clock.sleeps).toEqual([]);
  });

  it('a terminal outcome after retries ends the run with that outcome', async () => {
    const clock = virtualSleeper();
    const s = scripted<never>([
      {kind: 'retryable', cause: 'HTTP 502'},
      {kind: 'terminal', cause: 'invalid_auth'},
    ]);
    const run = await runWithRetry({policy: POLICY, seed: 's', key: 'k', sleeper: clock.sleep}, s.attempt);
    expect(run.outcome).toEqual({kind: 'terminal', cause: 'invalid_auth'});
    expect(run.attempts).toBe(2);
    expect(run.waits).toHaveLength(1);
  });

  it('a wait that would pass the deadline is not taken: the last outcome comes back', async () => {
    const clock = virtualSleeper();
    const s = scripted<never>([{kind: 'retryable', cause: 'HTTP 500'}]);
    const d1 = retryDelayMs(POLICY, 's', 'k', 1);
    const d2 = retryDelayMs(POLICY, 's', 'k', 2);
    // Room for the first wait, not for the second.
    const run = await runWithRetry(
      {policy: POLICY, seed: 's', key: 'k', sleeper: clock.sleep, deadlineMs: d1 + d2 - 1, elapsedMs: clock.elapsed},
      s.attempt,
    );
    expect(run.outcome).toEqual({kind: 'retryable', cause: 'HTTP 500'});
    expect(run.attempts).toBe(2);
    expect(clock.sleeps).toEqual([d1]);
  });

  it('the deadline counts the waits so far when no elapsed clock is given, and a long retryAfter passes it', async () => {
    const clock = virtualSleeper();
    const s = scripted<never>([{kind: 'retryable', cause: 'ratelimited', retryAfterMs: 120_000}]);
    const run = await runWithRetry({policy: POLICY, seed: 's', key: 'k', sleeper: clock.sleep, deadlineMs: 60_000}, s.attempt);
    expect(run.attempts).toBe(1);
    expect(run.waits).toEqual([]);
    expect(clock.sleeps).toEqual([]);
  });

  it('an exception thrown by the attempt itself propagates (a bug, not an outcome)', async () => {
    const clock = virtualSleeper();
    const boom = async (): Promise<AttemptOutcome<never>> => {
      throw new Error('boom');
    };
    await expect(runWithRetry({policy: POLICY, seed: 's', key: 'k', sleeper: clock.sleep}, boom)).rejects.toThrow('boom');
    expect(clock.sleeps).toEqual([]);
  });

  it('maxAttempts 1 never retries', async () => {
    const clock = virtualSleeper();
    const s = scripted<never>([{kind: 'retryable', cause: 'x'}]);
    const run = await runWithRetry({policy: {...POLICY, maxAttempts: 1}, seed: 's', key: 'k', sleeper: clock.sleep}, s.attempt);
    expect(run.attempts).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });
});
