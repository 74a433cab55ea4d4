import {describe, expect, it} from 'vitest';
import {formatInstant, parseDuration, parseIsoInstant, parseSinceWindow} from '../../src/kernel/time.js';

describe('instants', () => {
  it.each([
    ['T-9', '2024-01-15T12:00:00-05:00', '2024-01-15T17:00:00Z'],
    ['T-10', '2024-01-15T12:00:00.250-05:00', '2024-01-15T17:00:00.250000Z'],
    ['T-11', '2025-12-29T17:00:00+00:00', '2025-12-29T17:00:00Z'],
    ['microseconds kept', '2025-12-23T00:27:07.804867Z', '2025-12-23T00:27:07.804867Z'],
    ['no offset means UTC', '2024-01-01T00:00:00', '2024-01-01T00:00:00Z'],
  ])('%s %s', (_id, input, expected) => {
    const p = parseIsoInstant(input);
    expect(p).not.toBeNull();
    expect(formatInstant(p!.micros)).toBe(expected);
  });

  it('flags assumed UTC and date-only values', () => {
    expect(parseIsoInstant('2024-01-01T00:00:00')?.assumedUtc).toBe(true);
    expect(parseIsoInstant('2024-01-01')?.dateOnly).toBe(true);
  });

  it.each(['date:now -383 seconds', '2024/01/01', '2024-02-30', '2024-13-01T00:00:00Z', ''])('rejects %j', (text) => {
    expect(parseIsoInstant(text)).toBeNull();
  });

  it('formats instants before 1970 correctly', () => {
    expect(formatInstant(-1)).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('T-14 --since 7d', () => {
    const now = parseIsoInstant('2025-12-29T17:00:00Z')!.micros;
    expect(formatInstant(now - parseSinceWindow('7d')!.micros)).toBe('2025-12-22T17:00:00Z');
    expect(parseSinceWindow(' 24H ')?.hours).toBe(24);
  });

  it('T-15 --since 24x is not a window', () => {
    expect(parseSinceWindow('24x')).toBeNull();
  });

  it('durations', () => {
    expect(parseDuration('30m')).toBe(30 * 60 * 1e6);
    expect(parseDuration('7d')).toBe(7 * 24 * 3600 * 1e6);
    expect(parseDuration('7 days')).toBeNull();
  });
});
