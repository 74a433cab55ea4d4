import {copyFileSync, cpSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseJsonOutput, ROOT, runCli} from '../helpers/cli.js';
import {homeFrom} from '../helpers/home-templates.js';

const NOW = '2025-12-29T17:00:00Z';
const WEEK_LATER = '2026-01-05T17:00:00Z';

describe('issue 20 finding 17: stale sources are called stale; warning counts are per item', {timeout: 300_000}, () => {
  it('doctor and sources health say "stale" with the hours since the last success, not "near their failure budget"', () => {
    const home = homeFrom('init', 'hardstop-stale-');
    cpSync(join(ROOT, 'fixtures', 'demo', 'home'), home, {recursive: true});
    expect(runCli(['fetch', '--home', home, '--now', NOW, '--since', '7d']).code).toBeLessThanOrEqual(1);

    const doctor = runCli(['doctor', '--home', home, '--now', WEEK_LATER]);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/\[WARN\] Source health +3 source\(s\) stale \(no successful fetch within 48 h\): demo_nws_alerts \(168 h\), demo_industry_news \(168 h\), demo_port_notices \(168 h\)/);
    expect(doctor.stderr).toContain('warning SOURCE_STALE: source demo_nws_alerts is stale: no successful fetch for 168 h (threshold 48 h)');
    expect(doctor.stdout + doctor.stderr).not.toMatch(/near (its|their) failure budget/);

    const health = runCli(['sources', 'health', '--home', home, '--now', WEEK_LATER]);
    expect(health.code).toBe(1);
    expect(health.stdout).toMatch(/^demo_nws_alerts +G +75 .* 168h .* WATCH \(stale\)$/m);
    expect(health.stderr).toContain('warning SOURCES_STALE: 3 source(s) stale (no successful fetch within 48 h)');
    expect(health.stderr).not.toContain('SOURCES_WATCH');
    // Two days later nothing is stale: no stale wording, no warning.
    const fresh = runCli(['doctor', '--home', home, '--now', '2025-12-30T17:00:00Z']);
    expect(fresh.stdout + fresh.stderr).not.toMatch(/source\(s\) stale|STALE|\(stale\)/);
  });

  it('a 48-item feed with several unparseable dates per item counts the values and the items they are in (was "and 237 more")', () => {
    const home = homeFrom('init', 'hardstop-dates-');
    copyFileSync(join(ROOT, 'fixtures', 'corpus', 'nws_alerts_json', 'nws_alerts_active_area_IA_tornado_flood_dates_templated.json'), join(home, 'feeds.json'));
    writeFileSync(
      join(home, 'config', 'sources.yaml'),
      'version: 1\ndefaults: {user_agent: "hardstop-test (test@example.org)", max_items: 500}\ntiers:\n  global:\n    - {id: nws_ia, type: nws_alerts, tier: global, url: "file://feeds.json"}\n',
    );
    const r = runCli(['sources', 'test', 'nws_ia', '--home', home, '--now', NOW, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const out = parseJsonOutput(r) as {result: {items_fetched: number}; diagnostics: {code: string; message: string; details: {count: number; items: number}}[]};
    const items = out.result.items_fetched;
    expect(items).toBe(48);
    const d = out.diagnostics.find((x) => x.code === 'DATE_UNPARSEABLE')!;
    expect(d.details.items).toBe(items);
    expect(d.details.count).toBeGreaterThan(items);
    expect(d.message).toMatch(new RegExp(`; the item keeps no date \\(${d.details.count} of this kind in ${items} item\\(s\\)\\)$`));
    expect(d.message).not.toContain('more like it');
  });
});
