import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TestProject} from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this `vitest run` keeps its home templates (test/helpers/home-templates.ts). */
    homeTemplatesDir: string;
  }
}

/**
 * vitest globalSetup: one folder per run for the home templates, removed at the end. The
 * templates themselves are built on first use, so a run that needs none builds none.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'hardstop-templates-'));
  project.provide('homeTemplatesDir', dir);
  return () => rmSync(dir, {recursive: true, force: true});
}
