import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {grammarDiagramsHtml, grammarEbnf} from '../../src/rules/grammar.js';

describe('grammar/ is generated from the parser', () => {
  it('grammar/expression.ebnf is not stale (regenerate: npm run build && node scripts/grammar.js)', () => {
    expect(readFileSync('grammar/expression.ebnf', 'utf8')).toBe(grammarEbnf());
  });
  it('grammar/diagrams.html is not stale (regenerate: npm run build && node scripts/grammar.js)', () => {
    expect(readFileSync('grammar/diagrams.html', 'utf8')).toBe(grammarDiagramsHtml());
  });
});
