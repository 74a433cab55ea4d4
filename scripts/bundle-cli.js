#!/usr/bin/env node
// Bundles the CLI after `tsc`: each command and hook of dist/ becomes one entry of dist/cli/,
// with the code they share in dist/cli/chunks/ and the pure-JS libraries inlined. A start
// then resolves and compiles a few dozen files instead of ~140 ES modules and ~100 CommonJS
// ones (yaml alone is 72), which is most of a no-op run's start-up (issue 19).
//
// Kept external: oclif (bin/run.js has loaded it already), the native modules, and the sink
// and browser clients, which only `sinks` and the brief's browser test load, lazily, and
// iconv-lite, whose codepage tables (0.5 MB) it requires only when a feed needs one; inlined,
// they would be compiled at every start.
// Worker threads run dist/'s unbundled modules (see kernel/package-root.ts).
import {readdirSync, rmSync} from 'node:fs';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const EXTERNAL = ['@oclif/core', 'better-sqlite3', 'zstd-napi', '@linear/sdk', '@slack/web-api', '@slack/webhook', 'playwright-core', 'iconv-lite'];

const entries = ['commands', 'hooks'].flatMap((dir) =>
  readdirSync(join(dist, dir), {recursive: true})
    .filter((f) => f.endsWith('.js') && !f.endsWith('base-command.js'))
    .sort()
    .map((f) => join(dist, dir, f)),
);

// `run` is the command cron starts every few minutes, usually to find nothing new: it is built on
// its own, so that everything it always needs is one file (its lazily imported parts stay
// chunks). Sharing chunks with the other commands split it into ~40 files, and each costs a
// resolve, a read and a link: 15–20 ms of a 0.3 s run.
const SELF_CONTAINED = [join(dist, 'commands', 'run.js')];
const shared = entries.filter((e) => !SELF_CONTAINED.includes(e));

// A fresh output: a chunk or command left by an earlier build would be loaded or listed.
rmSync(join(dist, 'cli'), {recursive: true, force: true});
const options = {
  outbase: dist,
  outdir: join(dist, 'cli'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // Inlined CommonJS libraries call require(); ES modules have none of their own.
  banner: {js: "import {createRequire as __hardstopCreateRequire} from 'node:module'; const require = __hardstopCreateRequire(import.meta.url);"},
  // Names operators see are strings, never a class's own name, so a class the bundler renames
  // (`_Store`) shows only in a stack trace; keepNames would cost a call per closure created,
  // 0.2 s of a 10,000-item run.
  keepNames: false,
  legalComments: 'none',
  logLevel: 'warning',
};
await Promise.all([
  build({...options, entryPoints: shared, chunkNames: 'chunks/[name]-[hash]'}),
  ...SELF_CONTAINED.map((entry) => build({...options, entryPoints: [entry], chunkNames: `chunks/${relative(dist, entry).replace(/[/\\]/g, '-').replace(/\.js$/, '')}/[name]-[hash]`})),
]);
console.error(`dist/cli: ${entries.length} entries bundled from ${relative(root, dist)}/`);
