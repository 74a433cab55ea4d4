import {isScalar, type LineCounter, type Node, type Scalar} from 'yaml';

/**
 * Maps each UTF-16 index of a YAML scalar's *value* to the offset in the file text where that
 * character was written, so a diagnostic at "character 17 of the expression" lands on the
 * exact column even inside quoted scalars with escapes, folded plain scalars, and `|` / `>`
 * block scalars with indentation indicators and chomping. The decoders mirror the `yaml`
 * package's own resolvers; the result is cross-checked against the parsed value and dropped
 * (null) if it disagrees, so a mapping is either exact or absent.
 */
export function scalarOffsetMap(node: Scalar, text: string): number[] | null {
  const tok = node.srcToken as
    | {type: string; offset: number; indent: number; source: string; props?: {type: string; offset: number; source: string}[]}
    | undefined;
  if (!tok || typeof node.value !== 'string') return null;
  const out = new Out();
  try {
    switch (tok.type) {
      case 'scalar':
        unfold(tok.source, tok.offset, out, false);
        break;
      case 'single-quoted-scalar':
        unfold(tok.source.slice(1, -1), tok.offset + 1, out, true);
        break;
      case 'double-quoted-scalar':
        doubleQuoted(tok.source, tok.offset, out);
        break;
      case 'block-scalar':
        if (!blockScalar(tok as Required<typeof tok>, out)) return null;
        break;
      default:
        return null;
    }
  } catch {
    return null;
  }
  if (out.value !== node.value) return null;
  const last = out.map.length > 0 ? out.map[out.map.length - 1] + 1 : tok.offset;
  void text;
  return [...out.map, last];
}

class Out {
  value = '';
  map: number[] = [];
  /** Appends `s`; with `step` each character maps to successive offsets, else all to `at`. */
  push(s: string, at: number, step = true): void {
    for (let i = 0; i < s.length; i++) {
      this.value += s[i];
      this.map.push(step ? at + i : at);
    }
  }
}

interface Line {
  start: number;
  end: number;
}

function splitRaw(src: string): Line[] {
  const lines: Line[] = [];
  let i = 0;
  for (;;) {
    const nl = src.indexOf('\n', i);
    if (nl < 0) {
      lines.push({start: i, end: src.length});
      return lines;
    }
    let end = nl;
    if (end > i && src[end - 1] === '\r') end--;
    lines.push({start: i, end});
    i = nl + 1;
  }
}

function isWs(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/** Plain and single-quoted scalars: line folding (and `''` → `'` when quoted). */
function unfold(src: string, base: number, out: Out, quoted: boolean): void {
  const emit = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      if (quoted && src[i] === "'" && src[i + 1] === "'") {
        out.push("'", base + i, false);
        i++;
      } else out.push(src[i], base + i, false);
    }
  };
  const lines = splitRaw(src);
  if (lines.length === 1) {
    emit(0, src.length);
    return;
  }
  const first = lines[0];
  let e = first.end;
  while (e > first.start && isWs(src[e - 1])) e--;
  emit(first.start, e);
  let sep = ' ';
  let sepAt = base + e;
  for (let li = 1; li < lines.length; li++) {
    const l = lines[li];
    let s = l.start;
    while (s < l.end && isWs(src[s])) s++;
    if (li === lines.length - 1) {
      out.push(sep, sepAt, false);
      // The last line keeps trailing text as is (the closing quote or end of token follows).
      let s2 = l.start;
      while (s2 < src.length && isWs(src[s2])) s2++;
      emit(s2, src.length);
      return;
    }
    let en = l.end;
    while (en > s && isWs(src[en - 1])) en--;
    if (s === en) {
      if (sep === '\n') out.push('\n', base + l.start, false);
      else sep = '\n';
      continue;
    }
    out.push(sep, sepAt, false);
    emit(s, en);
    sep = ' ';
    sepAt = base + en;
  }
}

const DQ_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', N: '\u0085', _: '\u00a0',
  L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\', '\t': '\t',
};

function doubleQuoted(source: string, base: number, out: Out): void {
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i];
    if (ch === '\r' && source[i + 1] === '\n') continue;
    if (ch === '\n') {
      let fold = '';
      let j = i;
      let c = source[j + 1];
      while (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        if (c === '\r' && source[j + 2] !== '\n') break;
        if (c === '\n') fold += '\n';
        j++;
        c = source[j + 1];
      }
      out.push(fold || ' ', base + i, false);
      i = j;
    } else if (ch === '\\') {
      const at = base + i;
      let next = source[++i];
      const cc = DQ_ESCAPES[next];
      if (cc) out.push(cc, at, false);
      else if (next === '\n' || (next === '\r' && source[i + 1] === '\n')) {
        if (next === '\r') i++;
        next = source[i + 1];
        while (next === ' ' || next === '\t') next = source[++i + 1];
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const code = parseInt(source.substr(i + 1, length), 16);
        out.push(String.fromCodePoint(code), at, false);
        i += length;
      } else {
        out.push(source.substr(i - 1, 2), at);
      }
    } else if (ch === ' ' || ch === '\t') {
      const wsStart = i;
      let next = source[i + 1];
      while (next === ' ' || next === '\t') next = source[++i + 1];
      if (next !== '\n' && !(next === '\r' && source[i + 2] === '\n')) out.push(source.slice(wsStart, i + 1), base + wsStart);
    } else {
      out.push(ch, base + i);
    }
  }
}

function blockScalar(
  tok: {offset: number; indent: number; source: string; props: {type: string; offset: number; source: string}[]},
  out: Out,
): boolean {
  const header = tok.props[0];
  if (!header || header.type !== 'block-scalar-header') return false;
  const mode = header.source[0];
  let hIndent = 0;
  let chomp = '';
  for (const ch of header.source.slice(1)) {
    if (!chomp && (ch === '-' || ch === '+')) chomp = ch;
    else if (!hIndent && Number(ch)) hIndent = Number(ch);
  }
  const headerLen = tok.props.reduce((n, p) => n + p.source.length, 0);
  const bodyBase = tok.offset + headerLen;
  const src = tok.source;
  // Lines as [indent, content] with the offset of each line start.
  const lines: {indent: string; content: string; at: number}[] = [];
  {
    let at = 0;
    for (const raw of src.split('\n')) {
      const m = /^ */.exec(raw)![0];
      lines.push({indent: m, content: raw.slice(m.length), at});
      at += raw.length + 1;
    }
    if (src === '') lines.length = 0;
  }
  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0; --i) {
    const c = lines[i].content;
    if (c === '' || c === '\r') chompStart = i;
    else break;
  }
  if (chompStart === 0) return out.value === '' && false;
  let trimIndent = tok.indent + hIndent;
  let contentStart = 0;
  for (let i = 0; i < chompStart; ++i) {
    const {indent, content} = lines[i];
    if (content === '' || content === '\r') {
      if (hIndent === 0 && indent.length > trimIndent) trimIndent = indent.length;
    } else {
      if (hIndent === 0) trimIndent = indent.length;
      contentStart = i;
      break;
    }
  }
  for (let i = lines.length - 1; i >= chompStart; --i) {
    if (lines[i].indent.length > trimIndent) chompStart = i + 1;
  }
  const abs = (line: number, col: number): number => bodyBase + lines[line].at + col;
  const lineEnd = (i: number): number => abs(i, lines[i].indent.length + lines[i].content.length);
  for (let i = 0; i < contentStart; ++i) {
    out.push(lines[i].indent.slice(trimIndent), abs(i, trimIndent));
    out.push('\n', lineEnd(i), false);
  }
  let sep = '';
  let sepAt = bodyBase;
  let prevMore = false;
  for (let i = contentStart; i < chompStart; ++i) {
    let {indent, content} = lines[i];
    if (content.endsWith('\r')) content = content.slice(0, -1);
    if (content && indent.length < trimIndent) indent = '';
    const contentAt = abs(i, indent.length);
    if (mode !== '>') {
      out.push(sep, sepAt, false);
      out.push(indent.slice(trimIndent), abs(i, trimIndent));
      out.push(content, contentAt);
      sep = '\n';
    } else if (indent.length > trimIndent || content[0] === '\t') {
      if (sep === ' ') sep = '\n';
      else if (!prevMore && sep === '\n') sep = '\n\n';
      out.push(sep, sepAt, false);
      out.push(indent.slice(trimIndent), abs(i, trimIndent));
      out.push(content, contentAt);
      sep = '\n';
      prevMore = true;
    } else if (content === '') {
      if (sep === '\n') out.push('\n', abs(i, 0), false);
      else sep = '\n';
    } else {
      out.push(sep, sepAt, false);
      out.push(content, contentAt);
      sep = ' ';
      prevMore = false;
    }
    sepAt = abs(i, indent.length + content.length);
  }
  if (chomp === '+') {
    for (let i = chompStart; i < lines.length; ++i) {
      out.push('\n', sepAt, false);
      out.push(lines[i].indent.slice(trimIndent), abs(i, trimIndent));
      sepAt = abs(i, lines[i].indent.length);
    }
    if (!out.value.endsWith('\n')) out.push('\n', sepAt, false);
  } else if (chomp !== '-') {
    out.push('\n', sepAt, false);
  }
  return true;
}

/** Where an offset inside a scalar's value lies in the file (1-based line and column). */
export function scalarLocator(node: Node | null | undefined, text: string, lineCounter: LineCounter): (offset: number) => {line: number; col: number} {
  const start = node?.range?.[0] ?? 0;
  const map = node && isScalar(node) ? scalarOffsetMap(node, text) : null;
  return (offset: number) => {
    const abs = map ? map[Math.max(0, Math.min(offset, map.length - 1))] : start;
    return lineCounter.linePos(abs);
  };
}
