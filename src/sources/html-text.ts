/**
 * Deterministic HTML → plain text reduction for feed bodies (RSS description / content:encoded,
 * Atom html and xhtml constructs, FSIS summaries). The rule, also stated in docs/FEEDS.md:
 *
 *   1. Comments `<!-- … -->` are dropped; `<![CDATA[ … ]]>` contributes its content as text.
 *   2. `<script>`, `<style>` and `<template>` elements are dropped with their content.
 *   3. Every other tag is removed. Tags of block-level or line-breaking elements (p, div, br,
 *      li, h1–h6, tr, td, th, blockquote, pre, hr, table, ul, ol, dl, dt, dd, section, article,
 *      header, footer, aside, nav, figure, figcaption, main, address) become one space so that
 *      words on either side stay apart; inline tags (a, b, i, span, img, …) vanish.
 *      A `<` that does not start a tag (not followed by a letter, `/`, `!` or `?`, or never
 *      closed by `>`) is kept as text.
 *   4. Character references in the remaining text are decoded with the `entities` package's
 *      strict HTML5 decoder (named references need their `;`; numeric ones are decoded).
 *   5. Whitespace (any Unicode white space, including the no-break space) collapses to a single
 *      ASCII space and the result is trimmed. The output is one line; empty input gives ''.
 *
 * Attribute values (alt, title, href) are not part of the text.
 */
import {decodeHTMLStrict} from 'entities';

const DROP_WITH_CONTENT = new Set(['script', 'style', 'template']);

const BLOCK = new Set([
  'p', 'div', 'br', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'td', 'th', 'blockquote', 'pre', 'hr',
  'table', 'thead', 'tbody', 'tfoot', 'ul', 'ol', 'dl', 'dt', 'dd', 'section', 'article', 'header', 'footer',
  'aside', 'nav', 'figure', 'figcaption', 'main', 'address', 'caption', 'body', 'html', 'title',
]);

function isNameStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Longer "tags" are treated as text; bounds the work per `<`. */
const MAX_TAG_LENGTH = 2048;

/** Index of the `>` that closes a tag starting at `start` (quotes respected), or -1. */
function tagEnd(html: string, start: number): number {
  let quote = 0;
  const limit = Math.min(html.length, start + MAX_TAG_LENGTH);
  for (let i = start + 1; i < limit; i++) {
    const c = html.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) {
      // A quote opens an attribute value only right after `=`.
      const prev = html.charCodeAt(i - 1);
      if (prev === 61) quote = c;
    } else if (c === 62) {
      return i;
    } else if (c === 60 && i > start + 1) {
      // A new `<` before `>`: the first one was not a tag.
      return -1;
    }
  }
  return -1;
}

/** Lower-case element name of a tag body like `p class=x` or `/div`. */
function tagName(html: string, start: number, end: number): {name: string; closing: boolean} {
  let i = start + 1;
  let closing = false;
  if (html.charCodeAt(i) === 47) {
    closing = true;
    i++;
  }
  let j = i;
  while (j < end) {
    const c = html.charCodeAt(j);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 47 || c === 62) break;
    j++;
  }
  const raw = html.slice(i, j).toLowerCase();
  const colon = raw.indexOf(':');
  return {name: colon >= 0 ? raw.slice(colon + 1) : raw, closing};
}

/** True for the UTF-16 code units that the regular expression class `\s` matches. */
function isWhiteSpaceCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** True when collapsing would change nothing: no white space but single inner ASCII spaces. */
function isCollapsed(text: string): boolean {
  let afterSpace = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (afterSpace) return false;
      afterSpace = true;
    } else {
      if (isWhiteSpaceCode(c)) return false;
      afterSpace = false;
    }
  }
  return !afterSpace || text.length === 0;
}

/** Collapses runs of white space to one space and trims (most feed text needs no change, checked without a regex). */
export function collapseWhitespace(text: string): string {
  return isCollapsed(text) ? text : text.replace(/\s+/g, ' ').trim();
}

/** Reduces an HTML fragment to one line of plain text (rule above). */
export function htmlToText(html: string): string {
  // Without markup or references only step 5 applies (most feed titles and summaries).
  if (html.indexOf('<') < 0 && html.indexOf('&') < 0) return collapseWhitespace(html);
  const out: string[] = [];
  let textStart = 0;
  let i = 0;
  const n = html.length;
  const flushText = (end: number) => {
    if (end > textStart) out.push(decodeHTMLStrict(html.slice(textStart, end)));
  };
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    const next = html.charCodeAt(lt + 1);
    if (html.startsWith('<!--', lt)) {
      flushText(lt);
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? n : close + 3;
      textStart = i;
      continue;
    }
    if (html.startsWith('<![CDATA[', lt)) {
      flushText(lt);
      const close = html.indexOf(']]>', lt + 9);
      out.push(html.slice(lt + 9, close < 0 ? n : close));
      i = close < 0 ? n : close + 3;
      textStart = i;
      continue;
    }
    const startsTag = isNameStart(next) || next === 33 || next === 63 || (next === 47 && isNameStart(html.charCodeAt(lt + 2)));
    if (!startsTag) {
      i = lt + 1;
      continue;
    }
    const end = tagEnd(html, lt);
    if (end < 0) {
      i = lt + 1;
      continue;
    }
    flushText(lt);
    i = end + 1;
    textStart = i;
    if (next === 33 || next === 63) continue; // <!doctype …>, <?pi …?>
    const {name, closing} = tagName(html, lt, end);
    if (!closing && DROP_WITH_CONTENT.has(name)) {
      const closeRe = new RegExp(`</${name}\\s*>`, 'gi');
      closeRe.lastIndex = i;
      const m = closeRe.exec(html);
      i = m ? m.index + m[0].length : n;
      textStart = i;
      out.push(' ');
      continue;
    }
    if (BLOCK.has(name)) out.push(' ');
  }
  flushText(n);
  return collapseWhitespace(out.join(''));
}
