import {cpSync, existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {runCli, tempHome} from '../helpers/cli.js';
import {pipelineDigests} from '../helpers/digests.js';
import {GOLDEN_DIR, GOLDEN_NOW} from '../helpers/golden.js';
import {templateHome} from '../helpers/home-templates.js';

/**
 * A deciding command reuses the last passing rule check of the same files and build
 * (cache/rule-check.json) and compiles the pack only when an item is to be decided. What it
 * records and decides must be exactly what a command that compiles records and decides.
 */
const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, {recursive: true, force: true});
});

/** The golden network and sources after `ingest`, built once; each test changes a copy. */
let ingested = '';
beforeAll(() => {
  ingested = join(tempHome('hardstop-rule-check-'), 'home');
  cpSync(templateHome('init'), ingested, {recursive: true});
  cpSync(join(GOLDEN_DIR, 'network'), join(ingested, 'network'), {recursive: true, force: true});
  cpSync(join(GOLDEN_DIR, 'home'), ingested, {recursive: true, force: true});
  const ingest = runCli(['ingest', '--home', ingested, '--now', GOLDEN_NOW]);
  expect(ingest.code, ingest.stderr).toBe(0);
});

function goldenHome(): string {
  const home = tempHome('hardstop-rule-check-');
  homes.push(home);
  cpSync(ingested, home, {recursive: true});
  return home;
}

const cacheFile = (home: string) => join(home, 'cache', 'rule-check.json');

function step(home: string, args: string[], codes = [0]) {
  const r = runCli([...args, '--home', home, '--now', GOLDEN_NOW]);
  expect(codes, `${args.join(' ')}: ${r.stderr}`).toContain(r.code);
  return r;
}

describe('rule check cache', () => {
  it('a command that finds the check cached records and decides what a compiling one does', () => {
    const [cached, compiling] = [goldenHome(), goldenHome()];
    for (const home of [cached, compiling]) {
      // Nothing pending: the check is made and kept, the pack is known by identity.
      step(home, ['ingest-external']);
      expect(existsSync(cacheFile(home))).toBe(true);
      step(home, ['fetch', '--since', '7d']);
    }
    rmSync(cacheFile(compiling));
    // Items pending: the cached home compiles late, the other at the start; then a no-op run.
    for (const home of [cached, compiling]) {
      step(home, ['ingest-external']);
      step(home, ['run', '--since', '7d']);
    }
    const a = pipelineDigests(cached);
    const b = pipelineDigests(compiling);
    expect(a.counts.alerts).toBeGreaterThan(0);
    expect(a.digests).toEqual(b.digests);
  });

  it('reports the cached warnings again and checks an edited rule file anew', () => {
    const home = goldenHome();
    const scoring = join(home, 'rules', 'supply-chain', 'scoring.yaml');
    const original = readFileSync(scoring, 'utf8');
    writeFileSync(scoring, original.replace('lists:\n', 'lists:\n  never_used_here: [A]\n'));
    const first = step(home, ['run', '--since', '7d'], [1]);
    expect(first.stderr).toMatch(/RULE_UNUSED_LIST.*never_used_here/);
    const again = step(home, ['run', '--since', '7d'], [1]);
    expect(again.stderr).toBe(first.stderr);
    writeFileSync(scoring, original);
    const fixed = step(home, ['run', '--since', '7d']);
    expect(fixed.stderr).not.toMatch(/RULE_UNUSED_LIST/);
  });

  it('treats a damaged cache file as absent and replaces it', () => {
    const home = goldenHome();
    step(home, ['run', '--since', '7d']);
    writeFileSync(cacheFile(home), '{"key": "not this one"');
    const r = step(home, ['run', '--since', '7d']);
    expect(r.stdout).toMatch(/Run status: HEALTHY/);
    expect(JSON.parse(readFileSync(cacheFile(home), 'utf8')).pack_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
