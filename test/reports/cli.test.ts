import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {sha256Hex} from '../../src/kernel/canonical-json.js';
import {Store} from '../../src/store/db.js';
import {runCli} from '../helpers/cli.js';
import {homeFrom} from '../helpers/home-templates.js';
import {addAlert, addEvent, addRawItem, addSuppression} from './fixture.js';

const NOW = '--now=2025-12-29T17:00:00Z';

describe('report commands (built CLI)', () => {
  let home: string;
  beforeAll(() => {
    home = homeFrom('init', 'hardstop-reports-');
    const s = Store.open(join(home, 'hardstop.db'));
    s.migrate();
    addAlert(s, {alertId: 'ALERT-1', classification: 2, impact: 5, versions: 2, facilities: ['DC-1']});
    addRawItem(s, {rawId: 'raw-s', status: 'SUPPRESSED', canonicalId: 'urn:s'});
    addEvent(s, {eventId: 'ev-s', rawId: 'raw-s', suppressed: true});
    addSuppression(s, 'ev-s', 'raw-s', 'src-a', ['global_test_alerts']);
    s.close();
  });

  it('brief --format json prints only the model on stdout and records its hash; bad --since exits 2', () => {
    const r = runCli(['brief', '--home', home, NOW, '--format', 'json']);
    expect(r.code).toBe(0);
    const model = JSON.parse(r.stdout) as {summary: {counts: {updated: number}}; suppressed: {count: number}};
    expect(model.summary.counts.updated).toBe(1);
    expect(model.suppressed.count).toBe(1);
    expect(r.stderr).toMatch(/^HEALTHY \(exit 0\) strict run [0-9a-f]{8}/m);
    const runId = /run ([0-9a-f]{8})/.exec(r.stderr)![1];
    const s = Store.open(join(home, 'hardstop.db'), {readonly: true});
    const rec = JSON.parse(
      (s.db.prepare("SELECT record_json FROM run_records WHERE operator_id = 'hardstop.brief@2.0.0' AND run_group_id LIKE ?").get(`${runId}%`) as {record_json: string}).record_json,
    ) as {output_refs: {hash: string; schema: string}[]};
    s.close();
    expect(rec.output_refs[1]).toMatchObject({hash: sha256Hex(r.stdout), schema: 'brief.v2::json'});

    const bad = runCli(['brief', '--home', home, '--since', '24x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('USAGE_BAD_SINCE');
  });

  it('brief on an empty home (no database yet) prints the quiet-day brief and exits 0', () => {
    const empty = homeFrom('init', 'hardstop-empty-');
    const r = runCli(['brief', '--home', empty]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('## Quiet Day\n\nNo alerts found for the selected time window.');
    expect(r.stdout).toMatch(/pending first fetch: .*nws\\_active\\_us/);
    expect(r.stderr).toMatch(/^HEALTHY \(exit 0\)/m);
  });

  it('brief --out writes the file atomically into missing folders (relative to the working directory)', () => {
    const r = runCli(['brief', '--home', home, NOW, '--format', 'html', '--out', 'nested/dir/brief.html'], {cwd: home});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Wrote nested\/dir\/brief\.html \(html\): 0 new, 1 updated/m);
    expect(readFileSync(join(home, 'nested', 'dir', 'brief.html'), 'utf8')).toMatch(/^<!DOCTYPE html>\n/);
  });

  it('export decisions to stdout is pure JSONL; alerts show of an unknown id exits 2', () => {
    const r = runCli(['export', 'decisions', '--home', home, NOW]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as {item_id: string; suppressed: boolean; incident_id: string | null});
    expect(lines.map((l) => [l.item_id, l.suppressed, l.incident_id])).toEqual([
      ['guid-ALERT-1-e1', false, 'ALERT-1'],
      ['guid-ALERT-1-e2', false, 'ALERT-1'],
      ['urn:s', true, null],
    ]);
    // --out is relative to the working directory (issue 20 finding 4).
    const out = runCli(['export', 'decisions', '--home', home, NOW, '--out', 'exports/p.jsonl', '--json'], {cwd: home});
    expect(out.code).toBe(0);
    expect(readFileSync(join(home, 'exports', 'p.jsonl'), 'utf8')).toBe(r.stdout);
    const show = runCli(['alerts', 'show', 'ALERT-9', '--home', home]);
    expect(show.code).toBe(2);
    expect(show.stderr).toContain('ALERT_NOT_FOUND');
    expect(show.stderr).toContain('ALERT-1');
  });
});
