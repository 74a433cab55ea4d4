import {FUNCTIONS} from './functions.js';

const BEGIN = '<!-- functions: generated from src/rules/functions.ts by scripts/doc-tables.js -->';
const END = '<!-- end of functions -->';

/** Markdown cells: a `|` inside a cell (even in code) must be escaped. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The function table of docs/RULES.md: one row per built-in, in registry order. */
export function functionTableMarkdown(): string {
  const rows = [...FUNCTIONS.values()].map((f) => `| \`${cell(f.sig)}\` | ${cell(f.doc)} |`);
  return ['| Function | Result |', '|---|---|', ...rows].join('\n');
}

/**
 * docs/RULES.md with its generated function table replaced by the registry's. Throws when the
 * markers are missing, so a hand edit that drops them cannot pass unnoticed.
 */
export function withFunctionTable(rulesMd: string): string {
  const a = rulesMd.indexOf(BEGIN);
  const b = rulesMd.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/RULES.md lacks the markers ${BEGIN} … ${END}`);
  return `${rulesMd.slice(0, a + BEGIN.length)}\n${functionTableMarkdown()}\n${rulesMd.slice(b)}`;
}
