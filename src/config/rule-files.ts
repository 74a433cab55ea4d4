import {readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';

/** Every `*.yaml` / `*.yml` file under `dir`, recursively, in sorted order. */
export function ruleFilesIn(dir: string): string[] {
  const out: string[] = [];
  const walkDir = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walkDir(p);
      else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  walkDir(dir);
  return out;
}
