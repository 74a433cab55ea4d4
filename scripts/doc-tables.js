#!/usr/bin/env node
// Regenerates the tables of docs/ that come from a registry in src/ (run `npm run build`
// first): the function table of docs/RULES.md from src/rules/functions.ts.
// test/rules/functions.test.ts fails when the table is stale.
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'rules', 'reference-docs.js');
if (!existsSync(built)) {
  console.error('dist/rules/reference-docs.js is missing: run `npm run build` first');
  process.exit(2);
}
const {withFunctionTable} = await import(built);
const path = join(root, 'docs', 'RULES.md');
writeFileSync(path, withFunctionTable(readFileSync(path, 'utf8')));
console.log('wrote the function table of docs/RULES.md');
