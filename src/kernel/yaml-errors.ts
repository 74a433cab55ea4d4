import type {LineCounter, YAMLError} from 'yaml';
import type {Diagnostic} from './diagnostic.js';

/**
 * Turns the `yaml` package's parse errors into the one diagnostic an operator needs. After the
 * first structural error the parser recovers badly (one list item moved to column 1 yields a
 * dozen errors, some on blank lines), so only the first error is reported; the others are
 * counted. Indentation mistakes — recognised from the error codes (BAD_INDENT, TAB_AS_INDENT,
 * a block sequence or a mapping read as a multi-line implicit key) — are located at the
 * mis-indented line, not at the key before it, and compared with the line they should align with.
 */
export function yamlErrorDiagnostics(errors: readonly YAMLError[], text: string, lineCounter: LineCounter, file: string): Diagnostic[] {
  if (errors.length === 0) return [];
  const sorted = [...errors].sort((a, b) => a.pos[0] - b.pos[0]);
  // A duplicate key does not derail the parser: each one before the first other error is real.
  const duplicates = sorted.findIndex((e) => e.code !== 'DUPLICATE_KEY');
  const leading = duplicates < 0 ? sorted.slice(0, -1) : sorted.slice(0, duplicates);
  const out = leading.map((e) => syntaxDiagnostic(e, text, lineCounter, file, ''));
  const first = sorted[leading.length];
  const later = sorted.length - leading.length - 1;
  const more = later > 0 ? ` (${later} more YAML error(s) after it not shown: they usually follow from this one)` : '';
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const cause = indentationCause(first, sorted, text, lineCounter);
  if (cause) {
    const d = indentationDiagnostic(cause, lines, file);
    return [...out, {...d, hint: `${d.hint}${more}`, details: {yaml_code: first.code, later_errors: later}}];
  }
  return [...out, {...syntaxDiagnostic(first, text, lineCounter, file, more), details: {yaml_code: first.code, later_errors: later}}];
}

function syntaxDiagnostic(e: YAMLError, text: string, lineCounter: LineCounter, file: string, more: string): Diagnostic {
  const at = lineCounter.linePos(contentOffset(text, e.pos[0]));
  return {code: 'YAML_SYNTAX', severity: 'error', message: e.message.split('\n')[0], hint: `${syntaxHint(e)}${more}`, file, line: at.line, col: at.col};
}

type Cause = {line: number; kind: 'tab' | 'indent' | 'no-dash'};

/** The mis-indented line (1-based) when the first error is an indentation mistake. */
function indentationCause(first: YAMLError, all: readonly YAMLError[], text: string, lc: LineCounter): Cause | null {
  const lineAt = (offset: number) => lc.linePos(offset).line;
  // The error may sit on the whitespace or the comment lines before the mis-indented line.
  const startOfContent = () => {
    const line = lineAt(contentOffset(text, first.pos[0]));
    return /^\s*#/.test(text.split('\n')[line - 1] ?? '') ? (nextContentLine(text, line) ?? line) : line;
  };
  switch (first.code) {
    case 'TAB_AS_INDENT':
      return {line: lineAt(first.pos[0]), kind: 'tab'};
    case 'BAD_INDENT':
      // Unclosed flow collections and block-scalar indicators are reported as BAD_INDENT too.
      return /^All (mapping|sequence|collection) items/.test(first.message) ? {line: startOfContent(), kind: 'indent'} : null;
    case 'MISSING_CHAR':
      return /Sequence item without - indicator/.test(first.message) ? {line: startOfContent(), kind: 'no-dash'} : null;
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY': {
      if (/block sequence may not be used as an implicit map key/.test(first.message)) return {line: startOfContent(), kind: 'indent'};
      // A value that runs on into a more-indented line becomes a key spanning lines (the
      // multi-line key error); the culprit is the next line with content. On one line it is a
      // ": " in a value.
      const spread = all.find((e) => e.code === 'MULTILINE_IMPLICIT_KEY' && e.pos[0] === first.pos[0]);
      if (!spread || lineAt(spread.pos[1]) <= lineAt(spread.pos[0])) return null;
      const next = nextContentLine(text, lineAt(first.pos[0]));
      return next === undefined ? null : {line: next, kind: 'indent'};
    }
    default:
      return null;
  }
}

/** The first line after `line` (1-based) that is neither blank nor a comment. */
function nextContentLine(text: string, line: number): number | undefined {
  const lines = text.split('\n');
  for (let i = line; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t !== '' && !t.startsWith('#')) return i + 1;
  }
  return undefined;
}

/** The first non-blank character at or after `offset`, else the last one before it (never a blank line). */
function contentOffset(text: string, offset: number): number {
  for (let i = offset; i < text.length; i++) if (!/\s/.test(text[i])) return i;
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) if (!/\s/.test(text[i])) return i;
  return Math.min(offset, text.length);
}

function syntaxHint(e: YAMLError): string {
  if (e.code === 'BLOCK_AS_IMPLICIT_KEY') return 'a value containing ": " must be quoted, or written as a block scalar (key: >- with the text on the next lines)';
  if (e.code === 'MISSING_CHAR' && /Implicit map keys/.test(e.message)) return 'a key needs a colon and a space before its value (key: value)';
  if (/^Flow (sequence|mapping)/.test(e.message)) return 'close the [ or { (flow collections end with ] or }), or indent its continuation lines further than its key'
  if (e.code === 'DUPLICATE_KEY') return 'each key may appear once in a mapping: remove or rename one';
  return 'fix the YAML syntax at this position (quoting, a missing colon, an unclosed [ or {)';
}

interface Level {
  line: number;
  col: number;
  seq: boolean;
  token: string;
}

const KEY = /^((?:"[^"]*"|'[^']*'|[^\s#'"{[\]},&*!|>%@`-][^#]*?|-[^\s#][^#]*?)):(?:\s|$)/;
const BLOCK_SCALAR_HEADER = /(?:^|[\s:-])[|>][+-]?[1-9]?[+-]?\s*(?:#.*)?$/;

/** Columns (0-based) where a list item (`seq`) or a mapping key starts on a line, and their text. */
function levelsOf(line: string, lineNo: number): {indent: number; levels: Level[]; innermost: number} {
  const indent = line.length - line.trimStart().length;
  const levels: Level[] = [];
  let col = indent;
  let rest = line.slice(indent);
  while (/^-(\s|$)/.test(rest)) {
    levels.push({line: lineNo, col, seq: true, token: rest.replace(/\s+#.*$/, '').trim().slice(0, 40)});
    const skip = 1 + (rest.slice(1).length - rest.slice(1).trimStart().length);
    col += skip;
    rest = rest.slice(skip);
  }
  const key = KEY.exec(rest);
  if (key) levels.push({line: lineNo, col, seq: false, token: `${key[1]}:`});
  return {indent, levels, innermost: col};
}

/** The entries that are still open at `culprit` (1-based), nearest first; block scalar text is skipped. */
function openLevels(lines: readonly string[], culprit: number): Level[] {
  const content: {indent: number; levels: Level[]}[] = [];
  let scalarParent = -1;
  for (let i = 0; i < culprit - 1; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const info = levelsOf(line, i + 1);
    if (scalarParent >= 0 && info.indent > scalarParent) continue;
    scalarParent = -1;
    content.push(info);
    if (BLOCK_SCALAR_HEADER.test(trimmed)) scalarParent = info.levels.length ? info.levels[info.levels.length - 1].col : info.indent;
  }
  const open: Level[] = [];
  let minIndent = Infinity;
  for (let i = content.length - 1; i >= 0 && minIndent > 0; i--) {
    const c = content[i];
    if (c.indent >= minIndent) continue;
    open.push(...[...c.levels].reverse().filter((l) => l.col < minIndent));
    minIndent = c.indent;
  }
  return open;
}

function indentationDiagnostic(cause: Cause, lines: readonly string[], file: string): Diagnostic {
  const text = lines[cause.line - 1] ?? '';
  const here = levelsOf(text, cause.line);
  const col = here.indent + 1;
  if (cause.kind === 'tab') {
    return {
      code: 'YAML_INDENTATION',
      severity: 'error',
      message: 'a tab indents this line',
      hint: 'YAML indents with spaces only: replace the tab with spaces',
      file,
      line: cause.line,
      col: 1,
    };
  }
  const mine = here.levels[0];
  const seq = mine?.seq ?? false;
  const token = mine?.token ?? text.trim().slice(0, 40);
  const open = openLevels(lines, cause.line);
  const position = {file, line: cause.line, col, endLine: cause.line, endCol: col + token.length};
  let best: Level | undefined;
  for (const l of open.filter((o) => o.seq === seq)) if (!best || Math.abs(l.col - here.indent) < Math.abs(best.col - here.indent)) best = l;
  // A key in a list's column is never valid (a list item may sit in a key's column, under it).
  const list = seq ? undefined : open.find((o) => o.seq && o.col === here.indent);
  if (list || (seq && !best)) {
    const other = list ?? open.find((o) => !o.seq && o.col === here.indent);
    if (other) {
      return {
        code: 'YAML_INDENTATION',
        severity: 'error',
        message: seq
          ? `"${token}" (column ${col}) starts a list item among the keys of the mapping of "${other.token}" on line ${other.line}`
          : `"${token}" (column ${col}) is a key among the items of the list of "${other.token}" on line ${other.line}`,
        hint: seq
          ? 'a list goes under a key of its own (key: on the line before it, the items indented below); or remove the "- "'
          : `make it a new list item ("- ${token} …"), or indent it past the "- " to put it inside the item above`,
        ...position,
      };
    }
  }
  const what = seq ? 'items of one list' : 'keys of one mapping';
  const dash = cause.kind === 'no-dash' ? '; if it starts a new list item, begin it with "- "' : '';
  if (!best) {
    return {
      code: 'YAML_INDENTATION',
      severity: 'error',
      message: `"${token}" at column ${col} is not indented like the lines above it`,
      hint: `${what} start in the same column; indent with spaces${dash}`,
      ...position,
    };
  }
  const side = here.indent > best.col ? 'more' : here.indent < best.col ? 'less' : 'differently';
  return {
    code: 'YAML_INDENTATION',
    severity: 'error',
    message: `"${token}" (column ${col}) is indented ${side} than "${best.token}" on line ${best.line} (column ${best.col + 1})`,
    hint: `${what} start in the same column: indent this line like line ${best.line} (column ${best.col + 1})${dash}`,
    ...position,
  };
}
