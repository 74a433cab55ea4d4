import {existsSync, readdirSync} from 'node:fs';
import {join} from 'node:path';

/** `sinks/*.yaml` (and `.yml`) of a folder, sorted by name. */
export function sinkFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}
