import {cpSync, existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {initHome as writeHome} from '../../src/app/init-home.js';
import {ROOT, runCli, tempHome} from '../helpers/cli.js';

const NOW = '2025-12-29T17:00:00Z';

describe('HARDSTOP_PHASE_TIMINGS (the bench\'s phase split, issue 19)', () => {
  it('a run appends one line with startup, inputs, fetch, decide, write and brief; without the variable nothing is written', () => {
    const home = tempHome('hardstop-phases-');
    writeHome(home, {force: false});
    cpSync(join(ROOT, 'fixtures/demo/home'), home, {recursive: true});
    const file = join(home, 'phases.jsonl');
    expect(runCli(['ingest', '--home', home, '--now', NOW]).code).toBe(0);
    expect(existsSync(file)).toBe(false);
    const r = runCli(['run', '--home', home, '--now', NOW, '--since', '7d'], {env: {HARDSTOP_PHASE_TIMINGS: file}});
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as {command: string; phases_ms: Record<string, number>; total_ms: number});
    expect(lines).toHaveLength(1);
    expect(lines[0].command).toBe('run');
    expect(Object.keys(lines[0].phases_ms).sort()).toEqual(['brief', 'decide', 'fetch', 'inputs', 'startup', 'write']);
    const sum = Object.values(lines[0].phases_ms).reduce((a, b) => a + b, 0);
    for (const v of Object.values(lines[0].phases_ms)) expect(v).toBeGreaterThan(0);
    expect(lines[0].total_ms).toBeGreaterThanOrEqual(sum);
  });
});
