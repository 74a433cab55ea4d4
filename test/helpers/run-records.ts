import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {Ajv2020} from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {expect} from 'vitest';
import {ROOT} from './cli.js';

/** Every file under `dir`, recursively, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}

const ajv = new Ajv2020({allErrors: true, strict: false});
addFormats.default(ajv);
const validateRecord = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'docs/specs/run-record.schema.json'), 'utf8')));

/** Validates every RunRecord file under the home against docs/specs/run-record.schema.json. */
export function expectValidRunRecords(home: string): number {
  const files = listFiles(join(home, 'run_records')).filter((f) => f.endsWith('.json'));
  for (const f of files) {
    const ok = validateRecord(JSON.parse(readFileSync(f, 'utf8')));
    expect(ok, `${f}: ${JSON.stringify(validateRecord.errors)}`).toBe(true);
  }
  return files.length;
}
