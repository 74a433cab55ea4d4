import {isMap, isScalar, isSeq, type Node, type YAMLMap} from 'yaml';
import type {Diagnostic, Severity} from '../kernel/diagnostic.js';
import type {YamlSource} from '../kernel/yaml-source.js';
import type {ExprSite} from './checker.js';
import {scalarLocator} from './scalar-positions.js';
import {unknownNameHint} from '../kernel/text.js';
import {defaultHint, type DiagnosticCode} from '../kernel/diagnostic-codes.js';

/** Diagnostics sink bound to one YAML source. */
export class FileDiags {
  constructor(
    readonly src: YamlSource,
    readonly out: Diagnostic[],
  ) {}

  pos(node: Node | null | undefined): {line: number; col: number; endLine?: number; endCol?: number} {
    if (!node?.range) return {line: 1, col: 1};
    const s = this.src.lineCounter.linePos(node.range[0]);
    const e = this.src.lineCounter.linePos(node.range[1]);
    return {line: s.line, col: s.col, endLine: e.line, endCol: e.col};
  }

  at(node: Node | null | undefined, code: DiagnosticCode, severity: Severity, message: string, hint?: string): void {
    const d: Diagnostic = {code, severity, message, file: this.src.file, ...this.pos(node)};
    const h = hint ?? defaultHint(code);
    if (h) d.hint = h;
    this.out.push(d);
  }

  error(node: Node | null | undefined, code: DiagnosticCode, message: string, hint?: string): void {
    this.at(node, code, 'error', message, hint);
  }
}

export interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

/** The entries of a mapping node, or null (with a diagnostic) when it is not a mapping. */
export function entries(fd: FileDiags, node: Node | null | undefined, what: string): Entry[] | null {
  if (!isMap(node)) {
    fd.error(node, 'RULE_SCHEMA', `${what} must be a mapping`);
    return null;
  }
  const out: Entry[] = [];
  for (const p of (node as YAMLMap).items) {
    if (!isScalar(p.key)) {
      fd.error(p.key as Node, 'RULE_SCHEMA', `keys of ${what} must be plain names`);
      continue;
    }
    out.push({key: String(p.key.value), keyNode: p.key as Node, value: (p.value as Node | null) ?? null});
  }
  return out;
}

/** Reports unknown keys (with did-you-mean) and returns the entries by key. */
export function keyed(fd: FileDiags, list: Entry[], allowed: readonly string[], what: string): Map<string, Entry> {
  const m = new Map<string, Entry>();
  for (const e of list) {
    if (!allowed.includes(e.key)) {
      fd.error(e.keyNode, 'RULE_UNKNOWN_KEY', `unknown key ${e.key} in ${what}`, unknownNameHint(e.key, allowed));
      continue;
    }
    m.set(e.key, e);
  }
  return m;
}

export function seqItems(fd: FileDiags, node: Node | null | undefined, what: string): Node[] | null {
  if (node === null || node === undefined) return [];
  if (isScalar(node) && node.value === null) return [];
  if (!isSeq(node)) {
    fd.error(node, 'RULE_SCHEMA', `${what} must be a list`);
    return null;
  }
  return node.items as Node[];
}

export function scalarValue(node: Node | null | undefined): unknown {
  return isScalar(node) ? node.value : undefined;
}

export function str(fd: FileDiags, node: Node | null | undefined, what: string, opts: {required?: boolean} = {}): string | null {
  const v = scalarValue(node);
  if (typeof v === 'string' && v !== '') return v;
  if ((node === null || node === undefined) && !opts.required) return null;
  fd.error(node, 'RULE_SCHEMA', `${what} must be a non-empty string`);
  return null;
}

export function num(fd: FileDiags, node: Node | null | undefined, what: string, opts: {int?: boolean; min?: number; max?: number} = {}): number | null {
  const v = scalarValue(node);
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.int && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    const range = opts.min !== undefined || opts.max !== undefined ? ` in ${opts.min ?? '-∞'}..${opts.max ?? '∞'}` : '';
    fd.error(node, 'RULE_SCHEMA', `${what} must be ${opts.int ? 'an integer' : 'a number'}${range}`);
    return null;
  }
  return v;
}

export function bool(fd: FileDiags, node: Node | null | undefined, what: string, dflt: boolean): boolean {
  if (node === null || node === undefined) return dflt;
  const v = scalarValue(node);
  if (typeof v !== 'boolean') {
    fd.error(node, 'RULE_SCHEMA', `${what} must be true or false`);
    return dflt;
  }
  return v;
}

/**
 * The expression site of a scalar: its text (numbers and booleans written bare become their
 * text) and a locator into the file. Null (with a diagnostic) for non-scalars.
 */
export function exprSite(fd: FileDiags, node: Node | null | undefined, what: string): ExprSite | null {
  if (!isScalar(node) || node.value === null || node.value === undefined || typeof node.value === 'object') {
    fd.error(node, 'RULE_SCHEMA', `${what} must be an expression (a YAML string)`, 'quote it if it starts with [ { or *');
    return null;
  }
  const text = String(node.value);
  if (text.trim() === '') {
    fd.error(node, 'RULE_PARSE', `${what} is empty`);
    return null;
  }
  return {file: fd.src.file, text, locate: scalarLocator(node, fd.src.text, fd.src.lineCounter)};
}

/** A site for a sub-range of another site (template placeholders). */
export function subSite(site: ExprSite, start: number, end: number): ExprSite {
  return {file: site.file, text: site.text.slice(start, end), locate: (o) => site.locate(start + o)};
}
