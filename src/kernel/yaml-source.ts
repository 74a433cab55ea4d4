import {readFileSync} from 'node:fs';
import {isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node} from 'yaml';
import type {Diagnostic} from './diagnostic.js';
import {yamlErrorDiagnostics} from './yaml-errors.js';

/** A YAML file read with positions kept, so any value can be traced back to file:line:col. */
export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Plain JS value; dates stay strings (YAML 1.2 core schema, no timestamp type). */
  value: unknown;
  diagnostics: Diagnostic[];
}

export interface Position {
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

export function parseYamlText(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {lineCounter, keepSourceTokens: true, prettyErrors: false, uniqueKeys: true, schema: 'core'});
  const diagnostics: Diagnostic[] = yamlErrorDiagnostics(doc.errors, text, lineCounter, file);
  for (const w of doc.warnings) {
    const p = lineCounter.linePos(w.pos[0]);
    diagnostics.push({code: 'YAML_WARNING', severity: 'warning', message: w.message.split('\n')[0], file, line: p.line, col: p.col});
  }
  const value = diagnostics.some((d) => d.severity === 'error') ? undefined : doc.toJS({maxAliasCount: 100});
  return {file, text, doc, lineCounter, value, diagnostics};
}

export function readYamlFile(path: string, displayName = path): YamlSource {
  return parseYamlText(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), displayName);
}

/** The YAML node at a JSON-pointer-like path (keys and indices). */
export function nodeAt(doc: Document.Parsed, path: readonly (string | number)[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      node = pair?.value;
    } else if (isSeq(node)) {
      node = node.items[Number(seg)];
    } else {
      return undefined;
    }
  }
  return (node ?? undefined) as Node | undefined;
}

/** The key node of the last path segment (for "unknown key" diagnostics). */
export function keyNodeAt(doc: Document.Parsed, path: readonly (string | number)[]): Node | undefined {
  if (path.length === 0) return undefined;
  const parent = nodeAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last));
    return (pair?.key ?? undefined) as Node | undefined;
  }
  return nodeAt(doc, path);
}

/**
 * Position of the value at `path`, or of the nearest existing ancestor. With `key: true`,
 * the position of the mapping key instead of its value.
 */
export function positionOf(src: YamlSource, path: readonly (string | number)[], opts: {key?: boolean} = {}): Position {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    const node = opts.key && n === path.length ? keyNodeAt(src.doc, sub) : nodeAt(src.doc, sub);
    if (node?.range) {
      const start = src.lineCounter.linePos(node.range[0]);
      const end = src.lineCounter.linePos(node.range[1]);
      return {line: start.line, col: start.col, endLine: end.line, endCol: end.col};
    }
  }
  return {line: 1, col: 1};
}
