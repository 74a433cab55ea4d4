#!/usr/bin/env node
// Runs Hardstop end to end on the bundled demo data, offline, in a fresh home:
//   npm run demo                 # a new temporary home
//   npm run demo -- /some/dir    # a given (empty or new) folder
import {spawnSync} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'run.js');
const demo = join(root, 'fixtures', 'demo');
// The demo's pinned clock: every run of the demo produces the same ids and hashes.
const NOW = process.env.HARDSTOP_DEMO_NOW ?? '2025-12-29T17:00:00Z';

const given = process.argv[2];
const home = given ? resolve(given) : mkdtempSync(join(tmpdir(), 'hardstop-demo-'));
if (given) {
  mkdirSync(home, {recursive: true});
  if (readdirSync(home).length > 0) {
    console.error(`demo: ${home} is not empty; pass a new or empty folder`);
    process.exit(2);
  }
}

// What a user types from this folder to do the same: `hardstop` is not on the PATH of a
// source checkout, `npx hardstop` runs this package's own bin.
const command = (args) => `npx hardstop ${[...args, '--home', home].join(' ')}`;

function step(title, args, {allow = [0]} = {}) {
  console.log(`\n$ ${command(args)}`);
  const r = spawnSync(process.execPath, [bin, ...args, '--home', home], {stdio: 'inherit', env: {...process.env, NO_COLOR: '1'}});
  if (!allow.includes(r.status)) {
    console.error(`demo: step "${title}" failed with exit ${r.status}`);
    process.exit(r.status ?? 2);
  }
  return r.status;
}

console.log(`Hardstop demo — home: ${home} (clock pinned at ${NOW})`);
step('init', ['init']);
// The demo reads bundled feed files through file:// sources instead of the live feeds.
if (existsSync(join(demo, 'home'))) cpSync(join(demo, 'home'), home, {recursive: true, force: true});
step('ingest network', ['ingest', '--now', NOW]);
step('doctor', ['doctor', '--now', NOW]);
step('run the pipeline', ['run', '--since', '7d', '--now', NOW]);
step('list alerts', ['alerts', 'list', '--now', NOW]);
const bundle = join(home, 'out', 'bundle');
step('export bundle', ['export', 'bundle', '--out', bundle, '--since', '7d', '--now', NOW]);
// What the (disabled) example Slack sink would send for this bundle; plan sends nothing.
step('sinks plan', ['sinks', 'plan', '--bundle', bundle, '--sink', 'ops-slack', '--now', NOW]);
console.log(`\nDemo finished. Explore it from ${resolve(root)}:`);
for (const args of [['doctor'], ['alerts', 'list'], ['sources', 'health']]) console.log(`  ${command([...args, '--now', NOW])}`);
