/**
 * Terminal rendering of the brief (§8.2): the Markdown content without markup, at most 100
 * columns, colour only when asked (the command asks as `colourEnabled` of src/present decides).
 */
import {paint, type Tone as Colour, unpainted, visibleWidth} from '../../present/colour.js';
import {type Block, briefDocument, type Inline, type ListItem, type Tone} from './document.js';
import type {BriefModelV2} from './model.js';

export const TEXT_WIDTH = 100;

const COLOUR: Record<Tone, Colour> = {class2: 'red', blocked: 'red', class1: 'yellow', watch: 'yellow', healthy: 'green', class0: 'dim', pending: 'dim'};

function flat(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ');
}

function inline(spans: Inline, color: boolean): string {
  return spans.map((s) => paint(s.tone ? COLOUR[s.tone] : undefined, flat(s.text), color)).join('');
}

/** Word-wraps one line to `width` columns; continuation lines keep the line's indent + 2. */
export function wrapLine(line: string, width = TEXT_WIDTH): string[] {
  if (visibleWidth(line) <= width) return [line];
  const indent = /^ */.exec(line)![0].length;
  const cont = ' '.repeat(Math.min(indent + 2, width - 20));
  const out: string[] = [];
  let cur = ' '.repeat(indent);
  let fresh = true;
  for (let word of line.slice(indent).split(' ')) {
    if (!fresh && visibleWidth(cur) + 1 + visibleWidth(word) > width) {
      out.push(cur);
      cur = cont;
      fresh = true;
    }
    if (!fresh) {
      cur += ` ${word}`;
      continue;
    }
    // A word longer than the line is cut hard (ids and hashes have no spaces).
    while (visibleWidth(cur) + visibleWidth(word) > width) {
      const chars = [...unpainted(word)];
      const room = Math.max(1, width - visibleWidth(cur));
      out.push(cur + chars.slice(0, room).join(''));
      word = chars.slice(room).join('');
      cur = cont;
    }
    cur += word;
    fresh = false;
  }
  out.push(cur);
  return out.map((l) => l.trimEnd());
}

function listLines(items: readonly ListItem[], depth: number, color: boolean): string[] {
  const bullet = depth === 0 ? '* ' : '- ';
  return items.flatMap((it) => [`${'  '.repeat(depth)}${bullet}${inline(it.text, color)}`, ...listLines(it.children ?? [], depth + 1, color)]);
}

function tableLines(header: readonly string[], rows: readonly Inline[][], color: boolean, showHeader: boolean): string[] {
  const plain = rows.map((r) => r.map((c) => inline(c, false)));
  const widths = header.map((h, i) => Math.max(visibleWidth(h), ...plain.map((r) => visibleWidth(r[i] ?? ''))));
  const line = (cells: readonly string[], shown: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? shown[i] : shown[i] + ' '.repeat(widths[i] - visibleWidth(c) + 2))).join('');
  const body = rows.map((r, k) => line(plain[k], r.map((c) => inline(c, color))));
  return showHeader ? [line(header, header), ...body] : body;
}

function blockLines(b: Block, color: boolean): string[] {
  switch (b.kind) {
    case 'h1':
    case 'p':
    case 'banner':
      return [inline(b.text, color)];
    case 'h2': {
      const t = inline(b.text, color);
      return [t, '-'.repeat(Math.min(visibleWidth(t), TEXT_WIDTH))];
    }
    case 'h3':
      return [`${inline(b.text, color)}:`];
    case 'list':
      return listLines(b.items, 0, color);
    case 'table':
      // Two-column tables (the header) read as "Field  value" lines; the others as columns.
      return tableLines(b.header, b.rows, color, b.header[0] !== 'Field');
  }
}

/** Plain text, every line at most 100 columns, one final newline. */
export function renderBriefText(model: BriefModelV2, opts: {color?: boolean} = {}): string {
  const color = opts.color === true;
  return `${briefDocument(model)
    .map((b) => blockLines(b, color).flatMap((l) => wrapLine(l)).join('\n'))
    .join('\n\n')}\n`;
}
