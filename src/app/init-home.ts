import {existsSync, mkdirSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import {HardstopError} from '../kernel/errors.js';
import {writeFileAtomic} from '../kernel/atomic-file.js';
import {DEMO_DIR, SHIPPED_RULES_DIR, TEMPLATES_DIR} from './package-paths.js';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}

export interface InitPlan {
  /** Home-relative target path → packaged source file. */
  files: [string, string][];
}

/** What `init` writes: the home templates, the shipped rule packs, an example network. */
export function initPlan(): InitPlan {
  const files: [string, string][] = [];
  for (const f of listFiles(TEMPLATES_DIR)) files.push([relative(TEMPLATES_DIR, f), f]);
  if (existsSync(SHIPPED_RULES_DIR)) for (const f of listFiles(SHIPPED_RULES_DIR)) if (!f.endsWith('.schema.json')) files.push([join('rules', relative(SHIPPED_RULES_DIR, f)), f]);
  for (const f of listFiles(join(DEMO_DIR, 'network'))) files.push([join('network', relative(join(DEMO_DIR, 'network'), f)), f]);
  return {files};
}

/**
 * Writes a complete working home. Refuses (exit 2, nothing written) when any target exists,
 * unless `force`.
 */
export function initHome(root: string, opts: {force: boolean}): {written: string[]; overwritten: string[]} {
  const plan = initPlan();
  const existing = plan.files.filter(([rel]) => existsSync(join(root, rel))).map(([rel]) => rel);
  if (existing.length && !opts.force) {
    throw new HardstopError('INIT_EXISTS', `${existing.length} file(s) already exist: ${existing.slice(0, 5).join(', ')}${existing.length > 5 ? ' …' : ''}`, {
      hint: 'nothing was written; use --force to overwrite them, or pick another --home',
    });
  }
  if (existsSync(root) && !statSync(root).isDirectory()) {
    throw new HardstopError('INIT_NOT_A_FOLDER', `${root} is not a folder`);
  }
  for (const [rel, src] of plan.files) {
    writeFileAtomic(join(root, rel), readFileSync(src));
  }
  for (const d of ['run_records', 'output']) mkdirSync(join(root, d), {recursive: true});
  return {written: plan.files.map(([rel]) => rel.split('\\').join('/')), overwritten: existing};
}
