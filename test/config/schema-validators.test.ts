import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {schemaValidatorModules} from '../../scripts/schema-validators.js';
import {ROOT} from '../helpers/cli.js';

describe('generated schema validators', () => {
  it.each(schemaValidatorModules().map((m) => [m.path, m.text]))('%s is what scripts/schema-validators.ts generates from the current schema', (path, text) => {
    const current = readFileSync(join(ROOT, path), 'utf8');
    // A mismatch: run `npx tsx scripts/schema-validators.ts` and commit the result.
    expect(current === text).toBe(true);
  });
});
