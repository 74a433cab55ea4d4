import {describe, expect, it} from 'vitest';
import {Store} from '../../src/store/db.js';
import {iterateDecisionRows} from '../../src/store/read-models-repo.js';
import {countDecidedItemsSince, decidedItemsSince} from '../../src/store/rule-diff-repo.js';
import {plansOf} from '../helpers/query-plans.js';

describe('events(raw_id) is gone (migration 008): no read of events needs it', () => {
  it.each([
    ['decided items since (rules diff)', (s: Store) => decidedItemsSince(s, '2025-01-01', null)],
    ['their count', (s: Store) => countDecidedItemsSince(s, '2025-01-01', null)],
    ['the decisions export', (s: Store) => [...iterateDecisionRows(s)]],
  ])('%s: joins to raw items go through their own key', (_name, read) => {
    const plans = plansOf(read).map((p) => p.join(' | '));
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) {
      expect(plan).not.toMatch(/events_raw/);
      if (/\br\b/.test(plan)) expect(plan).toMatch(/SEARCH r USING (COVERING )?INDEX sqlite_autoindex_raw_items_1 \(raw_id=\?\)/);
    }
  });

  it('a migrated store has no such index', () => {
    const store = Store.open(':memory:');
    store.migrate();
    expect(store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name").all()).toEqual([
      {name: 'events_source'},
      {name: 'sqlite_autoindex_events_1'},
    ]);
    store.close();
  });
});
