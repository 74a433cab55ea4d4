import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {formatInstant, instantOf} from '../../src/kernel/time.js';
import {getAlertDetail} from '../../src/reports/alerts.js';
import {Store} from '../../src/store/db.js';
import {insertSourceRun} from '../../src/store/source-runs-repo.js';
import {homeFrom} from '../helpers/home-templates.js';

describe('alerts show: the source summary reads the newest runs of the alert\'s source', () => {
  it('equals the summary over the whole history, newest by instant even within one second', () => {
    const home = homeFrom('demo-decided', 'hardstop-alert-source-');
    const store = Store.open(join(home, 'hardstop.db'));
    const {alert_id: alertId, source_id: sourceId} = store.db.prepare('SELECT alert_id, source_id FROM incidents WHERE source_id IS NOT NULL ORDER BY alert_id LIMIT 1').get() as {
      alert_id: string;
      source_id: string;
    };
    // Twelve later fetches of the source in one second: the whole second sorts after its
    // fractions as text ('…00Z' > '…00.5Z'), so only the instants give the newest.
    const base = instantOf('2030-01-01T00:00:00Z')!;
    for (let i = 0; i < 12; i++) {
      const at = formatInstant(base + [500_000, 0, 250_000][i % 3] + (i >= 9 ? 1_000_000 : 0));
      insertSourceRun(store, {
        run_id: `later-${i}`,
        run_group_id: `later-${i}`,
        source_id: sourceId,
        phase: i % 4 === 3 ? 'INGEST' : 'FETCH',
        run_at: at,
        status: i % 5 === 0 ? 'FAILURE' : 'SUCCESS',
        status_code: 200 + i,
        error: null,
        duration_ms: 1,
        items_fetched: i,
        items_new: i,
        items_processed: i,
        bytes_downloaded: 1,
        diagnostics: {},
      });
    }
    const all = (phase: string) =>
      (store.db.prepare('SELECT rowid, * FROM source_runs WHERE source_id = ? AND phase = ?').all(sourceId, phase) as {rowid: number; run_at: string; status: string; status_code: number | null; items_new: number; items_processed: number; items_suppressed: number; items_alerts_touched: number}[]).sort(
        (a, b) => instantOf(b.run_at)! - instantOf(a.run_at)! || b.rowid - a.rowid,
      );
    const fetches = all('FETCH').slice(0, 10);
    const counted = fetches.filter((r) => r.status !== 'SKIPPED');
    const ingest = all('INGEST')[0];
    expect(getAlertDetail(store, alertId).source_runs_summary).toEqual({
      source_id: sourceId,
      last_success_utc: counted.find((r) => r.status === 'SUCCESS')?.run_at ?? null,
      success_rate: counted.filter((r) => r.status === 'SUCCESS').length / counted.length,
      last_status_code: fetches[0].status_code,
      last_items_new: fetches[0].items_new,
      last_ingest: {run_at: ingest.run_at, items_processed: ingest.items_processed, items_suppressed: ingest.items_suppressed, items_alerts_touched: ingest.items_alerts_touched},
    });
    store.close();
  });
});
