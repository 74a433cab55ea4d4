import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {AppContext} from '../../src/app/context.js';

/** A minimal Hardstop home with the given sources.yaml text (and optional runtime YAML). */
export function makeHome(sourcesYaml: string, runtimeYaml = 'version: 1\n'): string {
  const home = mkdtempSync(join(tmpdir(), 'hardstop-sources-'));
  mkdirSync(join(home, 'config'), {recursive: true});
  writeFileSync(join(home, 'hardstop.config.yaml'), runtimeYaml);
  writeFileSync(join(home, 'config', 'sources.yaml'), sourcesYaml);
  return home;
}

export function writeSources(home: string, sourcesYaml: string): void {
  writeFileSync(join(home, 'config', 'sources.yaml'), sourcesYaml);
}

export function context(home: string, now: string, opts: {bestEffort?: boolean} = {}): AppContext {
  return AppContext.create({home, now, 'best-effort': opts.bestEffort}, {});
}
