import {createHash} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {alertId, eventId, utcDateStamp} from '../../src/pipeline/ids.js';
import {rawIdOf} from '../../src/store/raw-items-repo.js';

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

describe('eventId / raw id (domain.md §2.2)', () => {
  const cases: Array<[string, string, string]> = [
    ['ID-EVT-1 NWS urn', 'nws-us', 'urn:oid:2.49.0.1.840.0.1234'],
    ['ID-EVT-2 RSS link', 'fda-recalls', 'https://www.fda.gov/recall/123'],
    ['ID-EVT-3 content hash basis', 'local-news', 'a'.repeat(64)],
    ['ID-EVT-4 non-ASCII', 'src-é', 'ïd-😀'],
  ];
  for (const [name, source, basis] of cases) {
    it(`${name}: EVT- + 16 hex of SHA-256(source NUL basis)`, () => {
      const hex = sha(`${source}\u0000${basis}`).slice(0, 16);
      expect(eventId(source, basis)).toBe(`EVT-${hex}`);
      expect(rawIdOf(source, basis, 'unused-hash')).toBe(`RAW-${hex}`);
      expect(rawIdOf(source, null, basis)).toBe(`RAW-${hex}`);
    });
  }

  it('is namespaced by source (P-28): same canonical id from two sources → two ids', () => {
    expect(eventId('a', 'X')).not.toBe(eventId('b', 'X'));
  });

  it('NUL separation prevents ambiguous concatenation', () => {
    expect(eventId('ab', 'c')).not.toBe(eventId('a', 'bc'));
  });

  it('format property', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (s, b) => {
        expect(eventId(s, b)).toMatch(/^EVT-[0-9a-f]{16}$/);
        expect(rawIdOf(s, b, '')).toMatch(/^RAW-[0-9a-f]{16}$/);
      }),
    );
  });
});

describe('alertId (domain.md §2.2)', () => {
  it('ID-ALERT-1: date of the first event time + hash of key NUL root event', () => {
    const hex = sha('SPILL|PLANT-01|LANE-001\u0000EVT-0123456789abcdef').slice(0, 16);
    expect(alertId('2025-12-29T17:00:00Z', 'SPILL|PLANT-01|LANE-001', 'EVT-0123456789abcdef', '2026-01-05T00:00:00Z')).toBe(
      `ALERT-20251229-${hex}`,
    );
  });

  it('ID-ALERT-2: the date is the UTC date of the instant', () => {
    expect(alertId('2025-12-29T23:30:00-05:00', 'k', 'e', '2026-01-05T00:00:00Z')).toMatch(/^ALERT-20251230-/);
  });

  it('ID-ALERT-3: no event time → run clock date', () => {
    expect(alertId(null, 'k', 'e', '2026-01-05T08:00:00Z')).toMatch(/^ALERT-20260105-[0-9a-f]{16}$/);
  });

  it('ID-ALERT-4: unparseable event time → run clock date', () => {
    expect(alertId('date:now -383 seconds', 'k', 'e', '2026-01-05T08:00:00Z')).toMatch(/^ALERT-20260105-/);
  });

  it('ID-ALERT-5: the run clock must be an instant', () => {
    expect(() => alertId(null, 'k', 'e', 'nope')).toThrow(RangeError);
  });

  it('stable: depends only on the inputs', () => {
    const a = alertId('2025-12-29T17:00:00Z', 'k', 'e', '2026-01-01T00:00:00Z');
    expect(alertId('2025-12-29T17:00:00Z', 'k', 'e', '2027-01-01T00:00:00Z')).toBe(a);
    expect(alertId('2025-12-29T17:00:00Z', 'k', 'e2', '2026-01-01T00:00:00Z')).not.toBe(a);
    expect(alertId('2025-12-29T17:00:00Z', 'k2', 'e', '2026-01-01T00:00:00Z')).not.toBe(a);
  });

  it('utcDateStamp', () => {
    expect(utcDateStamp('2024-02-29T00:00:00Z')).toBe('20240229');
    expect(utcDateStamp('x')).toBeNull();
  });
});
