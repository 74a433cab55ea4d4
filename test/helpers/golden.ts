import {cpSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {ROOT, runCli} from './cli.js';
import {pipelineDigests, type PipelineCounts, type PipelineDigests} from './digests.js';

/** The golden run (issue 5 §9): fixtures/golden/ run end to end with a pinned clock. */
export const GOLDEN_DIR = join(ROOT, 'fixtures', 'golden');
export const GOLDEN_NOW = '2025-12-29T17:00:00Z';
export const GOLDEN_SINCE = '7d';
export const EXPECTED_FILE = join(GOLDEN_DIR, 'expected.json');

export interface GoldenExpected {
  now: string;
  since: string;
  digests: PipelineDigests;
  counts: PipelineCounts;
}

/** Where the golden run leaves its brief files (`run --brief-out`) and its export bundle. */
export const GOLDEN_BRIEF_DIR = 'output/briefs';
export const GOLDEN_BUNDLE_DIR = 'bundle';

/**
 * In a fresh (empty) home: `init`, the golden network and home files copied over the
 * templates, `ingest`, `run --since 7d --brief-out output/briefs`, then
 * `export bundle --out bundle --since 7d`, then `evidence materialize` (evidence files are
 * written on demand; their digest pins the materialized copies), all with the pinned clock. Throws with the CLI
 * output when a step fails.
 */
export function runGolden(home: string): void {
  const step = (args: string[]) => {
    const r = runCli([...args, '--home', home]);
    if (r.code !== 0) throw new Error(`hardstop ${args.join(' ')} exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    return r;
  };
  step(['init']);
  cpSync(join(GOLDEN_DIR, 'network'), join(home, 'network'), {recursive: true, force: true});
  cpSync(join(GOLDEN_DIR, 'home'), home, {recursive: true, force: true});
  step(['ingest', '--now', GOLDEN_NOW]);
  step(['run', '--since', GOLDEN_SINCE, '--now', GOLDEN_NOW, '--brief-out', join(home, GOLDEN_BRIEF_DIR)]);
  step(['export', 'bundle', '--out', join(home, GOLDEN_BUNDLE_DIR), '--since', GOLDEN_SINCE, '--now', GOLDEN_NOW]);
  step(['evidence', 'materialize', '--now', GOLDEN_NOW]);
}

export function goldenResult(home: string): GoldenExpected {
  const {digests, counts} = pipelineDigests(home);
  return {now: GOLDEN_NOW, since: GOLDEN_SINCE, digests, counts};
}

export function readExpected(): GoldenExpected {
  return JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')) as GoldenExpected;
}
