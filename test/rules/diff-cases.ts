import {cpSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect} from 'vitest';
import {initHome as writeHome} from '../../src/app/init-home.js';
import {ROOT, runCli, tempHome} from '../helpers/cli.js';

/*
 * The fixed stored history of the `rules diff` suites and the rule changes they make to it:
 * test/rules/diff.test.ts asserts each change's report, diff-threads.test.ts that every thread
 * count gives that report byte for byte.
 */

export const NOW = '2025-12-29T17:00:00Z';
export const SCORING = 'rules/supply-chain/scoring.yaml';
export const SUPPRESSION = 'rules/supply-chain/suppression.yaml';
const CORRELATION = 'rules/supply-chain/correlation.yaml';

/** The fixed stored history: the demo network and feeds decided once (13 items, 9 incidents). */
export function decidedHome(): string {
  const home = tempHome('hardstop-rules-diff-');
  writeHome(home, {force: false});
  cpSync(join(ROOT, 'fixtures/demo/home'), home, {recursive: true});
  expect(runCli(['ingest', '--home', home, '--now', NOW]).code).toBe(0);
  const run = runCli(['run', '--home', home, '--now', NOW, '--since', '7d']);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return home;
}

export function edit(home: string, file: string, from: string | RegExp, to: string): void {
  const path = join(home, file);
  const before = readFileSync(path, 'utf8');
  const after = before.replace(from, to);
  expect(after, `${file}: ${String(from)} not found`).not.toBe(before);
  writeFileSync(path, after);
}

export const NEW_SUPPRESS_RULE = `suppress:
  - id: acid_spills
    reason_code: ACID
    when: event.title icontains "acid spill"

`;

export interface Case {
  name: string;
  change: (home: string) => void;
  flags?: string[];
  exit: number;
  /** event id → change kinds, exactly. */
  changed: Record<string, string[]>;
  failing: number;
  rules?: string[];
  incidents?: {kind: string; items: string[]}[];
}

const STRIKES = ['EVT-19be488ea38bce9f', 'EVT-bb0f4c79e6ca45d3'];
const NWS = ['EVT-52cad61a0521a841', 'EVT-d31dd845de98b623', 'EVT-fbdbb3a7ef608804'];
const CRITICAL = ['EVT-06989c66cf4c42d8', 'EVT-4cded23d0b056a66', 'EVT-52cad61a0521a841', 'EVT-58293c837df8b933', 'EVT-c164845a8f0ea0a2', 'EVT-f099881ecdcb0092', 'EVT-f892d6de787da789', 'EVT-fbdbb3a7ef608804'];
const ALERTS = [...CRITICAL, ...STRIKES, 'EVT-d31dd845de98b623'].sort();
const kinds = (ids: string[], k: string[]) => Object.fromEntries(ids.map((id) => [id, k]));

export const CASES: Case[] = [
  {name: 'unchanged rules', change: () => {}, exit: 0, changed: {}, failing: 0},
  {
    name: 'a new suppress rule',
    change: (h) => edit(h, SUPPRESSION, /^suppress:\n/m, NEW_SUPPRESS_RULE.replace('suppress:\n', 'suppress:\n') + '  # shipped rules\n'),
    exit: 1,
    changed: kinds(['EVT-4cded23d0b056a66', 'EVT-58293c837df8b933'], ['suppress']),
    failing: 2,
    rules: ['acid_spills'],
  },
  {
    name: 'a removed suppress rule',
    change: (h) => edit(h, SUPPRESSION, /  - id: global_test_alerts\n(    .*\n)+\n/, ''),
    exit: 1,
    changed: kinds(['EVT-266e5486be35b061'], ['suppress']),
    failing: 1,
    rules: ['global_test_alerts'],
  },
  {
    name: 'a score modifier +1',
    change: (h) => edit(h, SCORING, 'when: trust_tier == 3\n    add: 1\n', 'when: trust_tier == 3\n    add: 2\n'),
    exit: 1,
    changed: kinds(NWS, ['score']),
    failing: 3,
    rules: ['trust_tier_bonus'],
  },
  {
    name: 'a score modifier +1 under --max-score-delta 2 (points)',
    change: (h) => edit(h, SCORING, 'when: trust_tier == 3\n    add: 1\n', 'when: trust_tier == 3\n    add: 2\n'),
    flags: ['--max-score-delta', '2'],
    exit: 0,
    changed: kinds(NWS, ['score']),
    failing: 0,
  },
  {
    name: 'a score modifier of +10 %',
    change: (h) => edit(h, SCORING, '\ntests:', '  - id: ten_percent_uplift\n    phase: modifier\n    add: score * 0.1\n    rationale: ten percent uplift\n\ntests:'),
    exit: 1,
    changed: kinds(ALERTS, ['score']),
    failing: 11,
    rules: ['ten_percent_uplift'],
  },
  {
    name: 'a score modifier of +10 % under --max-score-delta 10%',
    change: (h) => edit(h, SCORING, '\ntests:', '  - id: ten_percent_uplift\n    phase: modifier\n    add: score * 0.1\n    rationale: ten percent uplift\n\ntests:'),
    flags: ['--max-score-delta', '10%'],
    exit: 0,
    changed: kinds(ALERTS, ['score']),
    failing: 0,
  },
  {
    name: 'a correlation key that merges two incidents (not in the default --fail-on)',
    change: (h) => edit(h, CORRELATION, 'key: [bucket, facility_part, lane_part, content_part]', 'key: [bucket, facility_part, lane_part]'),
    exit: 0,
    changed: kinds([...STRIKES, ...NWS], ['correlation']),
    failing: 0,
    incidents: [{kind: 'merge', items: STRIKES}],
  },
  {
    name: 'a correlation key that merges two incidents, --fail-on correlation',
    change: (h) => edit(h, CORRELATION, 'key: [bucket, facility_part, lane_part, content_part]', 'key: [bucket, facility_part, lane_part]'),
    flags: ['--fail-on', 'suppress,class,score,correlation'],
    exit: 1,
    changed: kinds([...STRIKES, ...NWS], ['correlation']),
    failing: 5,
    incidents: [{kind: 'merge', items: STRIKES}],
  },
];
