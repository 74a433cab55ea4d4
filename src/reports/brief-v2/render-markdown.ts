/**
 * Markdown rendering of the brief (`brief.v2.md`, §8.2): the document tree written as
 * CommonMark with every stored text escaped. Lossless: every scalar of the model is in it.
 */
import {type Block, briefDocument, type Inline, type ListItem} from './document.js';
import type {BriefModelV2} from './model.js';

/**
 * Escapes stored text for inline Markdown: every character that can start emphasis,
 * code, a link, HTML, an entity, a heading, a quote or a table cell gets a backslash; line
 * breaks become spaces so the text stays on its line.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<>|#&~]/g, (c) => `\\${c}`);
}

function inline(spans: Inline): string {
  return spans
    .map((s) => {
      const t = s.data ? escapeMarkdown(s.text) : s.text;
      return s.strong ? `**${t}**` : t;
    })
    .join('');
}

function listLines(items: readonly ListItem[], depth: number): string[] {
  return items.flatMap((it) => [`${'  '.repeat(depth)}- ${inline(it.text)}`, ...listLines(it.children ?? [], depth + 1)]);
}

function blockLines(b: Block): string[] {
  switch (b.kind) {
    case 'h1':
      return [`# ${inline(b.text)}`];
    case 'h2':
      return [`## ${inline(b.text)}`];
    case 'h3':
      return [`### ${inline(b.text)}`];
    case 'p':
      return [inline(b.text)];
    case 'banner':
      return [`> ${inline(b.text)}`];
    case 'list':
      return listLines(b.items, 0);
    case 'table':
      return [
        `| ${b.header.join(' | ')} |`,
        `|${b.header.map(() => '---').join('|')}|`,
        ...b.rows.map((row) => `| ${row.map((cell) => inline(cell)).join(' | ')} |`),
      ];
  }
}

/** Markdown, blocks separated by one blank line, one final newline. */
export function renderBriefMarkdown(model: BriefModelV2): string {
  return `${briefDocument(model)
    .map((b) => blockLines(b).join('\n'))
    .join('\n\n')}\n`;
}
