import {cpSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {ROOT, runCli, tempHome} from '../helpers/cli.js';
import {CASES, decidedHome, NOW} from './diff-cases.js';

/*
 * `rules diff` shares large windows with worker threads. HARDSTOP_RULES_DIFF_THREADS forces the
 * split on the 13-item history, so slices cut across runs and incidents: every thread count must
 * give the single-thread report byte for byte, and a failing worker no report at all.
 */

// Cases that differ only in a policy flag decide the same items: one of each change is enough here.
const DISTINCT_CHANGES = CASES.filter((c, i) => CASES.findIndex((d) => String(d.change) === String(c.change)) === i);
// The merge case cuts incidents across slices: it also runs as text and on three threads.
const MERGE = CASES.find((c) => c.name.startsWith('a correlation key that merges'))!;

describe('rules diff on several threads', () => {
  let base: string;
  beforeAll(() => {
    base = decidedHome();
  });
  const copy = () => {
    const h = tempHome('hardstop-rules-diff-threads-');
    cpSync(base, h, {recursive: true});
    return h;
  };
  const diff = (home: string, format: string, threads: string, env: Record<string, string> = {}, flags: string[] = []) =>
    runCli(['rules', 'diff', '--home', home, '--now', NOW, '--format', format, ...flags], {env: {HARDSTOP_RULES_DIFF_THREADS: threads, ...env}});

  it.each(DISTINCT_CHANGES)('$name: the same report on 1 and 2 threads', (c) => {
    const home = copy();
    c.change(home);
    const one = diff(home, 'json', '1', {}, c.flags);
    expect(one.code, one.stderr).toBe(c.exit);
    const two = diff(home, 'json', '2', {}, c.flags);
    expect({code: two.code, stdout: two.stdout, stderr: two.stderr}).toEqual({code: one.code, stdout: one.stdout, stderr: one.stderr});
  });

  it('a merge across slices: the same text report on 1 and 2 threads and the same JSON on 3', () => {
    const home = copy();
    MERGE.change(home);
    const same = (format: string, threads: string) => {
      const one = diff(home, format, '1', {}, MERGE.flags);
      const r = diff(home, format, threads, {}, MERGE.flags);
      expect(one.code, one.stderr).toBe(MERGE.exit);
      expect({code: r.code, stdout: r.stdout, stderr: r.stderr}, `${format} on ${threads} threads`).toEqual({code: one.code, stdout: one.stdout, stderr: one.stderr});
    };
    same('text', '2');
    same('json', '3');
  });

  it.each(['throw', 'exit'])('a worker that fails (%s) stops the diff: exit 2, a clear error, no report', (fault) => {
    const r = diff(copy(), 'json', '2', {NODE_OPTIONS: `--import ${join(ROOT, 'test/helpers/worker-fault.mjs')}`, HARDSTOP_TEST_WORKER_FAULT: fault});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('RULES_DIFF_WORKER_FAILED');
    expect(r.stderr).toMatch(fault === 'throw' ? /worker thread failed: injected worker fault/ : /worker thread exited \(code 7\) before returning its items/);
    expect(r.stderr).toContain('HARDSTOP_RULES_DIFF_THREADS=1');
    expect(r.stdout).not.toContain('items_compared');
    expect(r.stdout).toMatch(/^BROKEN \(exit 2\)/);
  });

  it('rejects a thread count that is not a number', () => {
    const r = diff(copy(), 'json', 'many');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CONFIG_ENV_INVALID');
    expect(r.stderr).toContain('HARDSTOP_RULES_DIFF_THREADS');
  });
});
