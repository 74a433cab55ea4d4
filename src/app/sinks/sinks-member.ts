import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Home} from '../../config/home.js';
import {sha256Hex} from '../../kernel/canonical-json.js';
import {sinkFilesIn} from '../../sinks/config/sink-files.js';

export const SINKS_DIR = 'sinks';

/**
 * The sink files as a config-fingerprint member (sinks.md §2): home-relative paths and hashes.
 * The files hold only variable names, never secret values; the retry block is inside them.
 */
export function sinksMember(home: Home): {files: {path: string; sha256: string}[]} | null {
  const files = sinkFilesIn(join(home.root, SINKS_DIR));
  return files.length === 0 ? null : {files: files.map((f) => ({path: home.rel(f), sha256: sha256Hex(readFileSync(f))}))};
}
