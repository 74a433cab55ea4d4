import {cpSync, existsSync, readlinkSync, rmSync, symlinkSync} from 'node:fs';
import {join} from 'node:path';
import {inject} from 'vitest';
import {initHome} from '../../src/app/init-home.js';
import {ROOT, runCli, tempHome} from './cli.js';
import {GOLDEN_NOW, runGolden} from './golden.js';

/**
 * Homes many tests start from, built once per `vitest run` and copied per test (see
 * docs/TESTING.md): building one costs several CLI processes, copying it a few milliseconds.
 * A template is never changed after it is built; tests change only their copy.
 *
 * - `init`: what `hardstop init` writes.
 * - `ingested`: init after `ingest` (the example network).
 * - `demo-ingested`: init, fixtures/demo/home copied over, `ingest` (the demo's file:// sources, nothing fetched).
 * - `demo-decided`: demo-ingested after `run --since 7d`.
 * - `golden`: the golden run (test/helpers/golden.ts `runGolden`).
 * - `golden-bundle`: golden plus `export bundle --out out/bundle --since 7d --include-class0` (the sink tests' bundle).
 */
export type HomeTemplate = 'init' | 'ingested' | 'demo-ingested' | 'demo-decided' | 'golden' | 'golden-bundle';

/** The clock every template was built with. */
export const TEMPLATE_NOW = GOLDEN_NOW;

/** Where a copy of the `golden-bundle` template has its bundle. */
export const TEMPLATE_BUNDLE = join('out', 'bundle');

function cli(home: string, args: string[]): void {
  const r = runCli([...args, '--home', home]);
  if (r.code !== 0) throw new Error(`hardstop ${args.join(' ')} exited ${r.code} while building a home template\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
}

const BUILD: Record<HomeTemplate, (home: string) => void> = {
  init: (home) => void initHome(home, {force: false}),
  ingested: (home) => {
    cpSync(templateHome('init'), home, {recursive: true});
    cli(home, ['ingest', '--now', TEMPLATE_NOW]);
  },
  'demo-ingested': (home) => {
    cpSync(templateHome('init'), home, {recursive: true});
    cpSync(join(ROOT, 'fixtures', 'demo', 'home'), home, {recursive: true});
    cli(home, ['ingest', '--now', TEMPLATE_NOW]);
  },
  'demo-decided': (home) => {
    cpSync(templateHome('demo-ingested'), home, {recursive: true});
    cli(home, ['run', '--now', TEMPLATE_NOW, '--since', '7d']);
  },
  golden: (home) => runGolden(home),
  'golden-bundle': (home) => {
    cpSync(templateHome('golden'), home, {recursive: true});
    cli(home, ['export', 'bundle', '--out', join(home, TEMPLATE_BUNDLE), '--since', '7d', '--include-class0', '--now', TEMPLATE_NOW]);
  },
};

const built = new Map<HomeTemplate, string>();

/**
 * The template itself, read-only. Test files run in parallel processes: each may build a
 * missing template in a folder of its own; the first to finish publishes it under its name
 * (a symbolic link, created atomically), the others use that one and drop theirs.
 */
export function templateHome(name: HomeTemplate): string {
  const known = built.get(name);
  if (known) return known;
  const dir = inject('homeTemplatesDir');
  const link = join(dir, name);
  if (!existsSync(link)) {
    const own = `${name}.${process.pid}`;
    BUILD[name](join(dir, own));
    try {
      symlinkSync(own, link);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      rmSync(join(dir, own), {recursive: true, force: true});
    }
  }
  const home = join(dir, readlinkSync(link));
  built.set(name, home);
  return home;
}

/** A fresh copy of a template at a new temporary path (the test's to change). */
export function homeFrom(name: HomeTemplate, prefix = 'hardstop-test-'): string {
  const home = join(tempHome(prefix), 'home');
  cpSync(templateHome(name), home, {recursive: true});
  return home;
}
