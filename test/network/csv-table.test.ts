import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {fieldColumns, parseCsvRecords, plainCsvRecords, readCsvTable} from '../../src/network/csv-table.js';

/** Text without quote characters, rich in delimiters, blanks and line-ending variants. */
const plainText = fc
  .array(fc.constantFrom('a', 'B', '7', ',', ' ', '\t', '\r', '\n', '\r\n', 'é', '\u{1F600}', '-'), {maxLength: 60})
  .map((parts) => parts.join(''));

describe('plain CSV records (files without quotes)', () => {
  it('equal what csv-parse returns: records and byte offsets', () => {
    fc.assert(
      fc.property(plainText, (text) => {
        const buf = Buffer.from(text, 'utf8');
        expect(plainCsvRecords(buf)).toEqual(parseCsvRecords(buf));
      }),
      {numRuns: 3000},
    );
  });

  it('give readCsvTable the same records, lines and diagnostics as the quoted path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardstop-csv-'));
    const text = 'id,name\r\n\r\nA-1, Plant one \n\nA-2,Two,extra\r\r\nA-3\n,\nA-4,Four';
    const plain = join(dir, 'plain.csv');
    const quoted = join(dir, 'quoted.csv');
    writeFileSync(plain, text);
    // One quoted field sends the file through csv-parse; the value it parses to is the same.
    writeFileSync(quoted, text.replace('A-4,Four', 'A-4,"Four"'));
    const a = readCsvTable(plain, 'f.csv', ['id'], ['id', 'name']);
    const b = readCsvTable(quoted, 'f.csv', ['id'], ['id', 'name']);
    expect(a).toEqual(b);
    expect(a.records.map((r) => [r.line, r.fields.id, r.fields.name])).toEqual([
      [3, 'A-1', 'Plant one'],
      [7, '', ''],
      [8, 'A-4', 'Four'],
    ]);
    expect(a.diagnostics.map((d) => `${d.code}@${d.line}`)).toEqual(['CSV_FIELD_COUNT@5', 'CSV_FIELD_COUNT@6']);
  });
});

describe('field positions are character columns (issue 20 finding 10)', () => {
  it.each([
    ['plain fields', 'a,bb,ccc', [1, 3, 6]],
    ['padded fields point at the value', 'a,  bb , c', [1, 5, 10]],
    ['quoted comma does not split', '"x,y",z', [1, 7]],
    ['empty fields point at their delimiter', 'a,,c', [1, 3, 4]],
    ['astral characters count once', '\u{1F600}é,z\r\n', [1, 4]],
  ])('%s', (_name, text, cols) => {
    expect(fieldColumns(text)).toEqual(cols);
  });

  it('records and header diagnostics carry the column where the field starts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardstop-csv-'));
    const path = join(dir, 't.csv');
    writeFileSync(path, 'id,name,colour\nA-1,"Plant, one",red\nA-2,x\n');
    const t = readCsvTable(path, 't.csv', ['id'], ['id', 'name']);
    expect(t.records[0].columns).toEqual({id: 1, name: 5, colour: 18});
    expect(t.diagnostics.map((d) => `${d.code}@${d.line}:${d.col}`)).toEqual(['CSV_HEADER_UNKNOWN@1:9', 'CSV_FIELD_COUNT@3:6']);
  });
});
