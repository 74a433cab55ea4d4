import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {normalizeStateCode} from '../../src/network/geo/states.js';
import {loadNetworkFiles, type NetworkFiles} from '../../src/network/network-loader.js';

const DEMO = join(import.meta.dirname, '..', '..', 'fixtures', 'demo', 'network');
const KINDS = ['facilities', 'lanes', 'shipments'] as const;

/** The demo network with the first data row of one file repeated at its end (a changed copy). */
function networkWithDuplicate(kind: (typeof KINDS)[number]): {files: NetworkFiles; firstLine: number; dupLine: number; id: string} {
  const dir = mkdtempSync(join(tmpdir(), 'hardstop-net-'));
  const files = {} as Record<string, {path: string; display: string}>;
  let firstLine = 0;
  let dupLine = 0;
  let id = '';
  for (const k of KINDS) {
    let text = readFileSync(join(DEMO, `${k}.csv`), 'utf8');
    if (k === kind) {
      const lines = text.trimEnd().split('\n');
      id = lines[1].split(',')[0];
      firstLine = 2;
      dupLine = lines.length + 1;
      text = `${lines.join('\n')}\n${lines[1].replace(/,[^,]*$/, ',1')}\n`;
    }
    writeFileSync(join(dir, `${k}.csv`), text);
    files[k] = {path: join(dir, `${k}.csv`), display: `network/${k}.csv`};
  }
  return {files: files as unknown as NetworkFiles, firstLine, dupLine, id};
}

describe('duplicate ids (issue 20 finding 2)', () => {
  it.each([
    ['facilities', 'facility_id'],
    ['lanes', 'lane_id'],
    ['shipments', 'shipment_id'],
  ] as const)('a repeated %s id is an error naming both lines; --allow-partial keeps the first row', (kind, column) => {
    const {files, firstLine, dupLine, id} = networkWithDuplicate(kind);
    const strict = loadNetworkFiles(files, {allowPartial: false, normalizeState: normalizeStateCode});
    expect(strict.diagnostics.filter((d) => d.code === 'CSV_DUPLICATE_ID')).toEqual([
      {
        code: 'CSV_DUPLICATE_ID',
        severity: 'error',
        file: `network/${kind}.csv`,
        line: dupLine,
        col: 1,
        message: `${column} "${id}" is also on line ${firstLine}: ids must be unique`,
        hint: `keep one of lines ${firstLine} and ${dupLine} (or give one a new id)`,
        details: {first_line: firstLine},
      },
    ]);
    const partial = loadNetworkFiles(files, {allowPartial: true, normalizeState: normalizeStateCode});
    expect(partial.diagnostics.some((d) => d.severity === 'error')).toBe(false);
    expect(partial.rejectedRows).toBe(1);
    // The later row (last field changed) never overwrites the first.
    const pristine = Object.fromEntries(KINDS.map((k) => [k, {path: join(DEMO, `${k}.csv`), display: `network/${k}.csv`}])) as unknown as NetworkFiles;
    const original = loadNetworkFiles(pristine, {allowPartial: false, normalizeState: normalizeStateCode});
    const row = (r: typeof partial) => (r.network[kind] as unknown as Record<string, unknown>[]).find((x) => x[column] === id);
    expect(row(partial)).toEqual(row(original));
    expect(partial.lines.get(`${kind === 'facilities' ? 'facility' : kind.slice(0, -1)}:${id}`)).toBe(firstLine);
  });
});
