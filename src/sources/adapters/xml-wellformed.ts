/**
 * Where an XML document stops being well-formed, with its line and column, and which elements
 * are still open when it ends (a truncated download). The tolerant parsers of xml-dom.ts read
 * such documents anyway and close what is open, which would turn the last, cut-off item into a
 * silently partial one; this scan lets parseFeed report the problem and drop exactly the items
 * whose element never closed. Scanning rules match sanitizeXml: a `<` that cannot start markup
 * is text, a DOCTYPE is skipped.
 */
import {doctypeEnd, isNameStartChar, markupEnd} from './xml-dom.js';

export interface XmlProblem {
  /** 1-based position in the decoded text. */
  line: number;
  col: number;
  message: string;
}

export interface XmlWellFormedness {
  /** The first problem, or null for a well-formed document. */
  problem: XmlProblem | null;
  /** Document-order indexes (0-based, counting start tags) of the elements open at the end. */
  unclosedAtEnd: number[];
  /** Start tags read, for matching the indexes to a parsed tree. */
  elementCount: number;
}

interface Open {
  name: string;
  index: number;
  offset: number;
}

function lineCol(text: string, offset: number): {line: number; col: number} {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return {line, col: offset - lineStart + 1};
}

function tagName(text: string, at: number): string {
  const m = /[^\s/>]+/y;
  m.lastIndex = at;
  return m.exec(text)?.[0] ?? '';
}

export function checkXmlWellFormed(text: string): XmlWellFormedness {
  const stack: Open[] = [];
  let problem: XmlProblem | null = null;
  let count = 0;
  const report = (offset: number, message: string) => {
    problem ??= {...lineCol(text, offset), message};
  };
  const where = (o: Open) => {
    const p = lineCol(text, o.offset);
    return `<${o.name}> opened at line ${p.line} col ${p.col}`;
  };
  const endInside = (offset: number, what: string) =>
    report(text.length, `the document ends inside ${what} that starts at line ${lineCol(text, offset).line} (a truncated download?)`);
  let i = 0;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    const skipTo = (close: string, from: number, what: string): boolean => {
      const at = text.indexOf(close, from);
      if (at < 0) {
        endInside(lt, what);
        i = text.length;
        return false;
      }
      i = at + close.length;
      return true;
    };
    if (text.startsWith('<!--', lt)) {
      if (!skipTo('-->', lt + 4, 'a comment')) break;
    } else if (text.startsWith('<![CDATA[', lt)) {
      if (!skipTo(']]>', lt + 9, 'a CDATA section')) break;
    } else if (text.startsWith('<?', lt)) {
      if (!skipTo('?>', lt + 2, 'a processing instruction')) break;
    } else if (/^<!doctype/i.test(text.slice(lt, lt + 9))) {
      i = doctypeEnd(text, lt).end;
    } else if (text.charCodeAt(lt + 1) === 47 && isNameStartChar(text.charCodeAt(lt + 2))) {
      const end = markupEnd(text, lt, '>');
      if (end < 0) {
        endInside(lt, 'a closing tag');
        break;
      }
      const name = tagName(text, lt + 2);
      const at = stack.map((o) => o.name).lastIndexOf(name);
      if (at < 0) report(lt, `</${name}> closes no open element`);
      else {
        if (at !== stack.length - 1) report(lt, `</${name}> closes ${where(stack[stack.length - 1])}`);
        stack.length = at;
      }
      i = end;
    } else if (isNameStartChar(text.charCodeAt(lt + 1))) {
      const end = markupEnd(text, lt, '>');
      if (end < 0) {
        endInside(lt, 'a start tag');
        break;
      }
      if (text.charCodeAt(end - 2) !== 47) stack.push({name: tagName(text, lt + 1), index: count, offset: lt});
      count++;
      i = end;
    } else {
      i = lt + 1;
    }
  }
  if (stack.length > 0) report(text.length, `the document ends inside ${where(stack[stack.length - 1])} (a truncated download?)`);
  return {problem, unclosedAtEnd: stack.map((o) => o.index), elementCount: count};
}
