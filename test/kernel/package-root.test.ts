import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {compiledModuleUrl, PACKAGE_ROOT, packageFile} from '../../src/kernel/package-root.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('package root', () => {
  it('is the directory whose package.json names hardstop, whichever folder the module runs from', () => {
    expect(join(PACKAGE_ROOT, '/')).toBe(REPO);
    expect((JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {name: string}).name).toBe('hardstop');
  });

  it('finds the shipped files the commands read', () => {
    for (const parts of [['templates', 'home'], ['rules'], ['data', 'reference', 'counties.json'], ['docs', 'specs', 'run-record.schema.json']]) {
      expect(existsSync(packageFile(...parts)), parts.join('/')).toBe(true);
    }
  });

  it('points worker threads at the compiled, unbundled modules of dist/', () => {
    expect(fileURLToPath(compiledModuleUrl('pipeline/decide-worker.js'))).toBe(join(REPO, 'dist', 'pipeline', 'decide-worker.js'));
  });
});
