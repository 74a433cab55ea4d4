import {cpSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {beforeAll, describe, expect, it} from 'vitest';
import type {RulesDiffReport} from '../../src/pipeline/rule-diff.js';
import {runCli, tempHome} from '../helpers/cli.js';
import {CASES, decidedHome, edit, NEW_SUPPRESS_RULE, NOW, SCORING, SUPPRESSION} from './diff-cases.js';

describe('rules diff over a fixed stored history', () => {
  let base: string;
  beforeAll(() => {
    base = decidedHome();
  });
  const copy = () => {
    const h = tempHome('hardstop-rules-diff-case-');
    cpSync(base, h, {recursive: true});
    return h;
  };

  it.each(CASES)('$name → exit $exit', (c) => {
    const home = copy();
    c.change(home);
    const before = new Database(join(home, 'hardstop.db'), {readonly: true});
    const tables = ['events', 'alert_versions', 'incidents', 'suppression_audit', 'run_records'].map((t) => before.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get());
    before.close();
    const r = runCli(['rules', 'diff', '--home', home, '--now', NOW, '--format', 'json', ...(c.flags ?? [])]);
    expect(r.code, r.stderr).toBe(c.exit);
    const report = JSON.parse(r.stdout) as RulesDiffReport;
    expect(report.items_compared).toBe(13);
    expect(report.items_without_snapshot).toBe(0);
    expect(Object.fromEntries(report.items.map((i) => [i.event_id, i.changes.map((x) => x.kind)]))).toEqual(c.changed);
    expect(report.summary.items_failing).toBe(c.failing);
    if (c.rules) expect(report.summary.by_rule.map((x) => x.rule_id)).toEqual(c.rules);
    expect(report.incidents.map((i) => ({kind: i.kind, items: i.items}))).toEqual(c.incidents ?? []);
    for (const it of report.items) expect(it.trace.length).toBeGreaterThan(0);
    // Never writes decisions (nor records).
    const after = new Database(join(home, 'hardstop.db'), {readonly: true});
    expect(['events', 'alert_versions', 'incidents', 'suppression_audit', 'run_records'].map((t) => after.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get())).toEqual(tables);
    after.close();
  });

  it('names the rule ids on both sides of a suppression flip and traces them', () => {
    const home = copy();
    edit(home, SUPPRESSION, /^suppress:\n/m, NEW_SUPPRESS_RULE);
    const r = runCli(['rules', 'diff', '--home', home, '--now', NOW]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Changed: 2 item(s), 2 failing the gate');
    expect(r.stdout).toContain('suppress: alert → suppressed  [rules: acid_spills]');
    expect(r.stdout).toMatch(/suppress acid_spills \(rules\/supply-chain\/suppression\.yaml:\d+:\d+\)\n\s+recorded: {2}rule absent\n\s+candidate: matched/);
    const md = runCli(['rules', 'diff', '--home', home, '--now', NOW, '--format', 'md']);
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/^## Hardstop rules diff/);
    expect(md.stdout).toContain('| `acid_spills` | 2 |');
  });

  it('a candidate folder with errors: the checker\'s diagnostics with file:line:col, exit 2, nothing computed', () => {
    const home = copy();
    const cwd = tempHome('hardstop-rules-diff-cand-');
    cpSync(join(home, 'rules/supply-chain'), join(cwd, 'candidate'), {recursive: true});
    const f = join(cwd, 'candidate/scoring.yaml');
    writeFileSync(f, readFileSync(f, 'utf8').replace('when: trust_tier == 3', 'when: trust_tier === 3'));
    const r = runCli(['rules', 'diff', '--home', home, '--now', NOW, '--rules', 'candidate'], {cwd});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/candidate\/scoring\.yaml:\d+:\d+/);
    expect(r.stdout).not.toContain('rules diff:');
  });

  it('a candidate folder passed with --rules is compared against the recorded rules', () => {
    const home = copy();
    const cwd = tempHome('hardstop-rules-diff-cand-');
    cpSync(join(home, 'rules/supply-chain'), join(cwd, 'rules/supply-chain'), {recursive: true});
    edit(cwd, 'rules/supply-chain/suppression.yaml', /^suppress:\n/m, NEW_SUPPRESS_RULE);
    const r = runCli(['rules', 'diff', '--home', home, '--now', NOW, '--rules', 'rules/supply-chain', '--json'], {cwd});
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as RulesDiffReport;
    expect(out.candidate.rules).toBe('rules/supply-chain');
    expect(out.items.map((i) => i.event_id).sort()).toEqual(['EVT-4cded23d0b056a66', 'EVT-58293c837df8b933']);
  });

  it('an empty window is an empty diff, exit 0', () => {
    const r = runCli(['rules', 'diff', '--home', copy(), '--now', '2026-06-01T00:00:00Z', '--since', '1d', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as RulesDiffReport;
    expect(out.items_compared).toBe(0);
    expect(out.items).toEqual([]);
  });

  it('items from runs without a snapshot are compared against the current rules, and the report says so', () => {
    const home = copy();
    const db = new Database(join(home, 'hardstop.db'));
    db.prepare('DELETE FROM rule_pack_snapshots').run();
    db.close();
    edit(home, SCORING, 'when: trust_tier == 3\n    add: 1\n', 'when: trust_tier == 3\n    add: 2\n');
    const r = runCli(['rules', 'diff', '--home', home, '--now', NOW]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('13 item(s) come from runs without a rule snapshot: compared against the current rule files');
    expect(r.stdout).toContain('Changed: 0 item(s)');
  });

  it.each([
    [['--fail-on', 'suppress,typo'], 'USAGE_BAD_FAIL_ON'],
    [['--max-score-delta', 'five'], 'USAGE_BAD_SCORE_DELTA'],
    [['--since', '3x'], 'USAGE_BAD_SINCE'],
    [['--format', 'xml'], 'xml'],
  ])('bad flags %j are usage errors (exit 2)', (flags, text) => {
    const r = runCli(['rules', 'diff', '--home', base, '--now', NOW, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(text);
  });
});
