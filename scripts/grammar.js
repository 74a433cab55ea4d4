#!/usr/bin/env node
// Regenerates grammar/expression.ebnf and grammar/diagrams.html from the compiled parser
// (run `npm run build` first). test/rules/grammar.test.ts fails when these files are stale.
import {mkdirSync, writeFileSync, existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'rules', 'grammar.js');
if (!existsSync(built)) {
  console.error('dist/rules/grammar.js is missing: run `npm run build` first');
  process.exit(2);
}
const {grammarEbnf, grammarDiagramsHtml} = await import(built);
mkdirSync(join(root, 'grammar'), {recursive: true});
writeFileSync(join(root, 'grammar', 'expression.ebnf'), grammarEbnf());
writeFileSync(join(root, 'grammar', 'diagrams.html'), grammarDiagramsHtml());
console.log('wrote grammar/expression.ebnf and grammar/diagrams.html');
