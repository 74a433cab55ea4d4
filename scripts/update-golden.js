#!/usr/bin/env node
// Rewrites fixtures/golden/expected.json: the ONLY way to change the golden digests.
//   npm run build && node scripts/update-golden.js          # print old → new, write the file
//   node scripts/update-golden.js --check                   # compare only, exit 1 on mismatch
// Runs the golden pipeline (init, ingest, run --since 7d, pinned --now) in two fresh
// temporary homes with the built CLI, refuses to write when the two homes disagree, and
// digests alerts, alert versions, incident evidence files, events and RunRecords with the
// same code as test/pipeline/golden.test.ts (test/helpers/digests.ts, loaded through tsx).
import {mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {tsImport} from 'tsx/esm/api';

const check = process.argv.includes('--check');
const golden = await tsImport('../test/helpers/golden.ts', import.meta.url);

function runIn(prefix) {
  const home = mkdtempSync(join(tmpdir(), prefix));
  try {
    golden.runGolden(home);
    return golden.goldenResult(home);
  } finally {
    rmSync(home, {recursive: true, force: true});
  }
}

const a = runIn('hardstop-golden-a-');
const b = runIn('hardstop-golden-b-');
if (JSON.stringify(a) !== JSON.stringify(b)) {
  console.error('update-golden: two fresh homes produced different digests; refusing to write');
  console.error(JSON.stringify({a, b}, null, 2));
  process.exit(2);
}
const old = existsSync(golden.EXPECTED_FILE) ? JSON.parse(readFileSync(golden.EXPECTED_FILE, 'utf8')) : null;
const text = `${JSON.stringify(a, null, 2)}\n`;
const same = old !== null && JSON.stringify(old) === JSON.stringify(a);
for (const k of Object.keys(a.digests)) {
  const before = old?.digests?.[k] ?? '(none)';
  const mark = before === a.digests[k] ? '  ' : '* ';
  console.log(`${mark}${k.padEnd(15)} ${a.counts[k].toString().padStart(4)}  ${a.digests[k]}${before === a.digests[k] ? '' : `  (was ${before})`}`);
}
if (check) {
  console.log(same ? 'golden digests unchanged' : 'golden digests DIFFER from fixtures/golden/expected.json');
  process.exit(same ? 0 : 1);
}
if (same) {
  console.log('fixtures/golden/expected.json is up to date');
} else {
  writeFileSync(golden.EXPECTED_FILE, text, 'utf8');
  console.log('wrote fixtures/golden/expected.json');
}
