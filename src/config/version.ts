import {readFileSync} from 'node:fs';
import {packageFile} from '../kernel/package-root.js';

/** The package version, read once from package.json (recorded in every RunRecord). */
export const HARDSTOP_VERSION: string = (
  JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {version: string}
).version;
