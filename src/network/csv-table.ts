import {existsSync, readFileSync} from 'node:fs';
import {parse} from 'csv-parse/sync';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {didYouMean} from '../kernel/text.js';

/** One data record of a CSV file with the physical line it starts on. */
export interface CsvRecord {
  line: number;
  fields: Record<string, string>;
  /** 1-based character column where each header name's field starts on this record's line. */
  columns: Record<string, number>;
}

export interface CsvTable {
  file: string;
  header: string[];
  records: CsvRecord[];
  diagnostics: Diagnostic[];
  /** False when the file cannot be used at all (missing, unreadable, bad header). */
  usable: boolean;
}

/** The closest header name, for "did you mean" hints (case differences first). */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  return candidates.find((c) => c.toLowerCase() === name.toLowerCase()) ?? didYouMean(name, candidates);
}

function lineStarts(buf: Buffer): number[] {
  const starts = [0];
  for (let i = 0; i < buf.length; i++) if (buf[i] === 0x0a) starts.push(i + 1);
  return starts;
}

function lineOfOffset(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Locates the first invalid UTF-8 sequence: line and byte column. */
function invalidUtf8Position(buf: Buffer): {line: number; col: number} | null {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  while (i < buf.length) {
    const b = buf[i];
    let n = 0;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) n = 2;
    else if (b >= 0xf0 && b <= 0xf4) n = 3;
    else return {line, col: i - lineStart + 1};
    for (let k = 1; k <= n; k++) {
      if (i + k >= buf.length || (buf[i + k] & 0xc0) !== 0x80) return {line, col: i - lineStart + 1};
    }
    if (b === 0x0a) {
      line++;
      lineStart = i + 1;
    }
    i += n + 1;
  }
  return null;
}

/**
 * The 1-based character column of each field of one record's text: where its trimmed value
 * starts (where the opening quote is, for a quoted field), so a caret lands under the value.
 * After a quoted line break, columns count from the start of the later line.
 */
export function fieldColumns(text: string): number[] {
  const cols: number[] = [];
  let col = 1;
  let quoted = false;
  let fieldStart: number | null = null;
  for (const ch of text) {
    if (ch === '\n' && !quoted) break;
    if (fieldStart === null && ch !== ' ' && ch !== '\t' && ch !== ',' && ch !== '\r') fieldStart = col;
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      cols.push(fieldStart ?? col);
      fieldStart = null;
    } else if (ch === '\n') col = 0;
    col++;
  }
  cols.push(fieldStart ?? col);
  return cols;
}

/** The column just past the last character of a line, where a missing field would go. */
function lineEndColumn(buf: Buffer, starts: number[], line: number): number {
  const begin = starts[line - 1];
  const end = line < starts.length ? starts[line] : buf.length;
  return [...buf.toString('utf8', begin, end).replace(/\r?\n$/, '')].length + 1;
}

/** One record as the parser returns it, with the byte offset just past it (delimiter included). */
export interface ParsedRecord {
  record: string[];
  bytes: number;
}

const CSV_OPTIONS = {info: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n']};

/** RFC 4180 parsing by csv-parse (throws on malformed quoting). */
export function parseCsvRecords(buf: Buffer): ParsedRecord[] {
  return (parse(buf, CSV_OPTIONS) as unknown as {record: string[]; info: {bytes: number}}[]).map((r) => ({record: r.record, bytes: r.info.bytes}));
}

/**
 * The records of a file without a single quote character: lines split at LF (a CR right before
 * it belongs to the delimiter), fields at commas, empty lines skipped. On such input this is
 * exactly what csv-parse returns (test/network/csv-table.test.ts compares them), at a fraction
 * of the cost: network files rarely quote anything.
 */
export function plainCsvRecords(buf: Buffer): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  let start = 0;
  while (start < buf.length) {
    const lf = buf.indexOf(0x0a, start);
    const end = lf === -1 ? buf.length : lf;
    const contentEnd = lf !== -1 && end > start && buf[end - 1] === 0x0d ? end - 1 : end;
    const next = lf === -1 ? buf.length : lf + 1;
    if (contentEnd > start) out.push({record: buf.toString('utf8', start, contentEnd).split(','), bytes: next});
    start = next;
  }
  return out;
}

/**
 * Reads a CSV file (RFC 4180, LF or CRLF, BOM stripped, every field trimmed) and checks its
 * header against the required and known columns. Records keep their starting line.
 */
export function readCsvTable(path: string, file: string, required: readonly string[], known: readonly string[]): CsvTable {
  const diagnostics: Diagnostic[] = [];
  const fail = (d: Omit<Diagnostic, 'file' | 'severity'>): CsvTable => ({
    file,
    header: [],
    records: [],
    diagnostics: [...diagnostics, {severity: 'error', file, ...d}],
    usable: false,
  });
  if (!existsSync(path)) {
    return fail({code: 'FILE_MISSING', message: `file not found: ${file}`, hint: 'check the path given by the flag or by network.* in hardstop.config.yaml', line: 1, col: 1});
  }
  let buf = readFileSync(path);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
  const bad = invalidUtf8Position(buf);
  if (bad) return fail({code: 'CSV_ENCODING', message: `invalid UTF-8 at byte column ${bad.col}`, hint: 're-save the file as UTF-8', line: bad.line, col: bad.col});
  if (buf.toString('utf8').trim() === '') return fail({code: 'CSV_EMPTY', message: 'the file is empty: a header line is required', line: 1, col: 1});
  let rows: ParsedRecord[];
  try {
    rows = buf.includes(0x22) ? parseCsvRecords(buf) : plainCsvRecords(buf);
  } catch (err) {
    const e = err as {message: string; lines?: number; code?: string};
    return fail({code: 'CSV_SYNTAX', message: e.message, hint: 'check quoting: a field with a comma or quote must be quoted, quotes doubled', line: e.lines ?? 1, col: 1});
  }
  const starts = lineStarts(buf);
  let prevEnd = 0;
  const withLines = rows.map((r) => {
    let start = prevEnd;
    while (start < buf.length && (buf[start] === 0x0a || buf[start] === 0x0d)) start++;
    prevEnd = r.bytes;
    return {line: lineOfOffset(starts, start), fields: r.record.map((f) => f.trim()), cols: fieldColumns(buf.toString('utf8', start, r.bytes))};
  });
  const [head, ...body] = withLines;
  const header = head.fields;
  const headerCol = (i: number): number => head.cols[i] ?? 1;
  const ordinals: Record<string, number> = {};
  header.forEach((h, i) => {
    if (ordinals[h] !== undefined) {
      diagnostics.push({code: 'CSV_HEADER_DUPLICATE', severity: 'error', file, line: head.line, col: headerCol(i), message: `column "${h}" appears twice (fields ${ordinals[h] + 1} and ${i + 1})`, hint: 'remove or rename one of them'});
    } else ordinals[h] = i;
  });
  for (const req of required) {
    if (ordinals[req] === undefined) {
      const near = closest(req, header);
      diagnostics.push({
        code: 'CSV_HEADER_MISSING',
        severity: 'error',
        file,
        line: head.line,
        col: near ? headerCol(ordinals[near]) : 1,
        message: `required column "${req}" is missing`,
        hint: near ? `did you mean ${near}? column names are case-sensitive` : `add a "${req}" column to the header`,
      });
    }
  }
  header.forEach((h, i) => {
    if (!known.includes(h) && h !== '') {
      const near = closest(h, known);
      diagnostics.push({
        code: 'CSV_HEADER_UNKNOWN',
        severity: 'warning',
        file,
        line: head.line,
        col: headerCol(i),
        message: `unknown column "${h}" is ignored`,
        hint: near ? `did you mean ${near}?` : `known columns: ${known.join(', ')}`,
      });
    }
  });
  if (diagnostics.some((d) => d.severity === 'error')) return {file, header, records: [], diagnostics, usable: false};
  if (body.length === 0) {
    diagnostics.push({code: 'CSV_EMPTY', severity: 'error', file, line: 1, col: 1, message: 'the file has a header but no data rows'});
    return {file, header, records: [], diagnostics, usable: false};
  }
  const records: CsvRecord[] = [];
  for (const row of body) {
    if (row.fields.length !== header.length) {
      diagnostics.push({
        code: 'CSV_FIELD_COUNT',
        severity: 'error',
        file,
        line: row.line,
        col: row.fields.length > header.length ? row.cols[header.length] : lineEndColumn(buf, starts, row.line),
        message: `expected ${header.length} fields, got ${row.fields.length}`,
        hint: 'every row needs one value per header column; quote values that contain commas',
      });
      continue;
    }
    const fields: Record<string, string> = {};
    const columns: Record<string, number> = {};
    header.forEach((h, i) => {
      fields[h] = row.fields[i];
      columns[h] = row.cols[i];
    });
    records.push({line: row.line, fields, columns});
  }
  return {file, header, records, diagnostics, usable: true};
}
