#!/usr/bin/env node
// Writes dist/build-id.json after a build: one hash over the compiled modules and the versions
// of the libraries that parse and check rule files. Caches of work whose result depends on the
// code (the rule check a run reuses while the rule files are unchanged) are keyed by it, so a
// rebuild or an upgrade invalidates them. `npm run build` runs it; a bare `tsc` does not.
import {createHash} from 'node:crypto';
import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const hash = createHash('sha256');
for (const rel of readdirSync(dist, {recursive: true}).filter((f) => f.endsWith('.js')).sort()) {
  hash.update(`${rel}\0`);
  hash.update(readFileSync(join(dist, rel)));
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
hash.update(`hardstop@${pkg.version}\0`);
for (const dep of ['yaml', 'chevrotain', 're2js']) {
  hash.update(`${dep}@${JSON.parse(readFileSync(join(root, 'node_modules', dep, 'package.json'), 'utf8')).version}\0`);
}
writeFileSync(join(dist, 'build-id.json'), `${JSON.stringify({build_id: hash.digest('hex')})}\n`);
