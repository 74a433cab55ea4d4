import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {RUNBOOK_CHECK_IDS, runbookRef} from '../../src/app/runbook.js';
import {LINEAR_ERROR_NAMES} from '../../src/sinks/linear/linear-errors.js';
import {SLACK_ERROR_NAMES} from '../../src/sinks/slack/slack-errors.js';
import {ROOT, runCli, tempHome} from '../helpers/cli.js';

const runbook = readFileSync(join(ROOT, 'docs', 'RUNBOOK.md'), 'utf8');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchors = new Set(
  [...runbook.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
    m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N} -]/gu, '')
      .replace(/ /g, '-'),
  ),
);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('docs/RUNBOOK.md', () => {
  it('every doctor check points at a section that exists', () => {
    const sourceIds = new Set(filesUnder(join(ROOT, 'src', 'app')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bid: '([a-z-]+)', title:/g)].map((m) => m[1])));
    for (const id of [...sourceIds, ...RUNBOOK_CHECK_IDS]) {
      const anchor = runbookRef(id).split('#')[1];
      expect(anchors.has(anchor), `check ${id} → #${anchor}`).toBe(true);
    }
    for (const id of sourceIds) expect(RUNBOOK_CHECK_IDS, `check ${id} has a runbook section`).toContain(id);
  });

  it('names every Slack and Linear error name Hardstop can show', () => {
    for (const name of [...SLACK_ERROR_NAMES, ...LINEAR_ERROR_NAMES]) expect(runbook, name).toContain(`\`${name}\``);
  });

  it('names every error code the sinks, bundle, ledger and RunRecord checks raise', () => {
    const codes = new Set(
      filesUnder(join(ROOT, 'src')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/['`]((?:SINK|LEDGER|BUNDLE|RUNRECORD|RUN_RECORD|DB|REPLAY)_[A-Z_]+)['`]/g)].map((m) => m[1])),
    );
    const missing = [...codes].filter((c) => !runbook.includes(`\`${c}\``)).sort();
    expect(missing).toEqual([]);
  });

  it('doctor prints the runbook section of each failed check (text and --json)', () => {
    const home = tempHome('hardstop-runbook-');
    const text = runCli(['doctor', '--home', home]);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('runbook: docs/RUNBOOK.md#configuration');
    const json = runCli(['doctor', '--home', home, '--json']);
    const checks = (JSON.parse(json.stdout) as {checks: {id: string; status: string; runbook?: string}[]}).checks;
    expect(checks.find((c) => c.id === 'config')).toMatchObject({status: 'fail', runbook: 'docs/RUNBOOK.md#configuration'});
    expect(checks.find((c) => c.id === 'node')?.runbook).toBeUndefined();
  });
});
