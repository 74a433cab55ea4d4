import {beforeAll, describe, expect, it} from 'vitest';
import {parseJsonOutput, runCli} from '../helpers/cli.js';
import {GOLDEN_NOW} from '../helpers/golden.js';
import {homeFrom} from '../helpers/home-templates.js';

/** The golden home after its run: NWS alerts linked to facilities, lanes and shipments. */
let home = '';
let stormAlert = '';
beforeAll(() => {
  home = homeFrom('golden', 'hardstop-explain-');
  const list = parseJsonOutput(runCli(['alerts', 'list', '--home', home, '--now', GOLDEN_NOW, '--json'])) as {alerts: {alert_id: string; summary: string; source: {id: string}}[]};
  stormAlert = list.alerts.find((a) => a.source.id === 'golden_nws' && a.summary.startsWith('Winter Storm Warning'))!.alert_id;
}, 300_000);

describe('issue 20 finding 15: rules explain --alert shows the path that decided', {timeout: 300_000}, () => {
  const explainAlert = (...flags: string[]) => runCli(['rules', 'explain', '--alert', stormAlert, '--home', home, '--now', GOLDEN_NOW, ...flags]);

  it('text: the result, the deciding rules, one count line for what was not evaluated, the NWS payload once', () => {
    const r = explainAlert();
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(200);
    expect(r.stdout.length).toBeLessThan(16_000);
    for (const deciding of [
      'types: nws_weather (rules/supply-chain/types.yaml:',
      'score: facility_criticality (rules/supply-chain/scoring.yaml:',
      'classify: impactful (rules/supply-chain/classification.yaml:',
      'quality: CAP_HIGH_CONF_FACTORS (rules/supply-chain/quality.yaml:',
      'correlate: supply_chain_key (rules/supply-chain/correlation.yaml:',
    ]) expect(r.stdout).toContain(deciding);
    expect(r.stdout).toMatch(/^score: 6 \(base \d+\)$/m);
    expect(r.stdout).toMatch(/^ {2}\+2: Facility criticality_score >= 7 \(PLANT-02=9\) {4}\[facility_criticality rules\/supply-chain\/scoring\.yaml:\d+\]$/m);
    expect(r.stdout).toMatch(/^final class: 2$/m);
    // What did not decide is counted, never traced line by line.
    expect(r.stdout).not.toContain('(not evaluated)');
    expect(lines.filter((l) => l.includes('not evaluated'))).toHaveLength(2);
    expect(r.stdout).toMatch(/^\d+ rule\(s\) not evaluated \(an earlier row decided their section, or the item was suppressed\)$/m);
    expect(r.stdout).toMatch(/^score: \d+ evaluated without effect: .*many_priority_shipments/m);
    // The NWS payload: shown once, shortened, then referred to by name.
    expect(r.stdout.match(/"message_type":"Update"/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/event\.nws {2}→ {2}\$v1 = \{"status":"Actual",.*… \(\d+ chars\)/);
    expect(r.stdout).toMatch(/event\.nws {2}→ {2}\$v1 /);
  });

  it('--verbose gives the full trace; the default is a fraction of it', () => {
    const compact = explainAlert();
    const full = explainAlert('--verbose');
    expect(full.code, full.stderr).toBe(0);
    for (const section of ['types', 'suppress', 'score', 'classify', 'quality', 'correlate']) expect(full.stdout).toContain(`\n== ${section} ==\n`);
    expect(full.stdout).toContain('(not evaluated)');
    expect(full.stdout).toMatch(/^final class: 2$/m);
    expect(compact.stdout.length * 4).toBeLessThan(full.stdout.length);
  });

  it('--json holds each long value once in a values table the trees refer to; --verbose --json the full trace', () => {
    const r = explainAlert('--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBeLessThan(100_000);
    const out = parseJsonOutput(r) as {
      detail: string;
      final_classification: number;
      rules: {section: string; rule_id: string}[];
      values: Record<string, unknown>;
      not_evaluated_rules: number;
      without_effect: Record<string, string[]>;
    };
    expect(out.detail).toBe('compact');
    expect(out.final_classification).toBe(2);
    expect(out.rules.map((x) => `${x.section}:${x.rule_id}`)).toEqual(expect.arrayContaining(['types:nws_weather', 'score:facility_criticality', 'classify:impactful', 'correlate:supply_chain_key']));
    expect(out.not_evaluated_rules).toBeGreaterThan(0);
    expect(out.without_effect.suppress).toContain('nws_not_actual');
    const nws = Object.entries(out.values).find(([, v]) => (v as {message_type?: string}).message_type === 'Update');
    expect(nws).toBeDefined();
    expect(r.stdout.split('"message_type": "Update"')).toHaveLength(2);
    expect(r.stdout).toContain(`"$ref": "${nws![0]}"`);
    const full = explainAlert('--json', '--verbose');
    const fullOut = parseJsonOutput(full) as {detail: string; rules: unknown[]; final_classification: number};
    expect(fullOut.detail).toBe('full');
    expect(fullOut.final_classification).toBe(2);
    expect(fullOut.rules.length).toBeGreaterThan(out.rules.length + out.not_evaluated_rules);
    expect(r.stdout.length * 4).toBeLessThan(full.stdout.length);
  });

  it('rules explain --event prints the same compact view with the final class', () => {
    const r = runCli(['rules', 'explain', '--event', 'examples/strike.json', '--home', home]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('types: strike_headline (rules/supply-chain/types.yaml:');
    expect(r.stdout).toMatch(/^final class: 0 \(class \d capped at 0 by CAP_NO_LINKS\)$|^final class: 0$/m);
    expect(r.stdout).not.toContain('(not evaluated)');
  });
});
