import {describe, expect, it} from 'vitest';
import type {Store} from '../../src/store/db.js';
import {alertRanks, suppressedCounts, suppressedItems} from '../../src/store/read-models-repo.js';
import {plansOf} from '../helpers/query-plans.js';

describe('window reads follow the window, not the history (migration 006)', () => {
  it.each([
    ['alerts first or last seen in the window (brief, alerts list)', (s: Store) => alertRanks(s, {fromPrefix: '2025-01-01T00:00:00'}), /incidents_(last|first)_seen/],
    ['suppression counts of the window (brief)', (s: Store) => suppressedCounts(s, '2025-01-01T00:00:00'), /suppression_audit_decided_at/],
    ['suppressed items of the window (brief)', (s: Store) => suppressedItems(s, '2025-01-01T00:00:00'), /suppression_audit_decided_at/],
  ])('%s: an index range, never a scan of the table', (_name, read, index) => {
    const plans = plansOf(read);
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) {
      expect(plan.join(' | ')).toMatch(index);
      expect(plan.filter((d) => /^SCAN (i|a)\b/.test(d))).toEqual([]);
    }
  });
});
