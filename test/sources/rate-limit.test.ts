import {describe, expect, it} from 'vitest';
import {seedFrom} from '../../src/kernel/ids.js';
import {retryDelayMs} from '../../src/kernel/retry.js';
import {FETCH_RETRY_SCHEDULE} from '../../src/sources/fetcher.js';
import {HostRateLimiter, retryAfterMs, VirtualSleeper} from '../../src/sources/rate-limit.js';

describe('per-host rate limiting with an injected clock', () => {
  it('the first request to a host never waits; later ones are spaced by the interval', async () => {
    const sleeper = new VirtualSleeper(1000);
    const rl = new HostRateLimiter(2, 0, 42, sleeper);
    const a1 = await rl.acquire('a.example');
    const b1 = await rl.acquire('b.example');
    expect(a1.wait_ms).toBe(0);
    expect(b1.wait_ms).toBe(0);
    sleeper.advance(500); // 0.5 s of work
    const a2 = await rl.acquire('a.example');
    expect(a2.wait_ms).toBe(1500);
    const t2 = sleeper.now();
    sleeper.advance(3000); // long enough: no wait
    const a3 = await rl.acquire('a.example');
    expect(a3.wait_ms).toBe(0);
    expect(sleeper.now() - t2).toBe(3000);
    expect(sleeper.sleeps).toEqual([1500]);
  });

  it('requests to one host are never closer than the interval', async () => {
    const sleeper = new VirtualSleeper();
    const rl = new HostRateLimiter(2, 1, 7, sleeper);
    const starts: number[] = [];
    for (let i = 0; i < 6; i++) {
      await rl.acquire('h');
      starts.push(sleeper.now());
      sleeper.advance(100);
    }
    for (let i = 1; i < starts.length; i++) {
      const gap = starts[i] - starts[i - 1];
      expect(gap).toBeGreaterThanOrEqual(2000);
      expect(gap).toBeLessThanOrEqual(3000);
    }
  });

  it('the jitter sequence is identical for the same seed and differs for another', async () => {
    const run = async (seed: number) => {
      const sleeper = new VirtualSleeper();
      const rl = new HostRateLimiter(2, 1, seed, sleeper);
      for (let i = 0; i < 8; i++) await rl.acquire('h');
      return rl.delays.map((d) => d.jitter_ms);
    };
    const seed = seedFrom('rg-123');
    expect(seed).toBe(835109288); // OPS-23
    const a = await run(seed);
    const b = await run(seed);
    expect(a).toEqual(b);
    expect(a[0]).toBe(0);
    expect(a.slice(1).some((j) => j > 0)).toBe(true);
    expect(await run(seed + 1)).not.toEqual(a);
  });

  it('strict mode (jitter 0) plans exactly the interval', async () => {
    const sleeper = new VirtualSleeper();
    const rl = new HostRateLimiter(2, 0, 1, sleeper);
    for (let i = 0; i < 4; i++) await rl.acquire('h');
    expect(sleeper.sleeps).toEqual([2000, 2000, 2000]);
    expect(rl.delays.every((d) => d.jitter_ms === 0)).toBe(true);
  });
});

describe('retry backoff', () => {
  const backoffMs = (seed: number, sourceId: string, attempt: number) => retryDelayMs({maxAttempts: 3, ...FETCH_RETRY_SCHEDULE}, String(seed), sourceId, attempt);

  it('is the kernel schedule, a pure function of (seed, source, attempt): 1–1.5 s, then 2–3 s', () => {
    expect(backoffMs(5, 'src', 1)).toBe(backoffMs(5, 'src', 1));
    expect(backoffMs(5, 'src', 1)).toBeGreaterThanOrEqual(1000);
    expect(backoffMs(5, 'src', 1)).toBeLessThanOrEqual(1500);
    expect(backoffMs(5, 'src', 2)).toBeGreaterThanOrEqual(2000);
    expect(backoffMs(5, 'src', 2)).toBeLessThanOrEqual(3000);
    const others = [backoffMs(6, 'src', 1), backoffMs(5, 'other', 1), backoffMs(7, 'x', 1)];
    expect(new Set([backoffMs(5, 'src', 1), ...others]).size).toBeGreaterThan(1);
  });

  it('Retry-After: delta seconds only, capped at 60 s', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs('3600')).toBe(60_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });
});
