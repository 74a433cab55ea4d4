import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'run.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (dist/) as a user would, with a clean HARDSTOP_* environment. */
export function runCli(args: string[], opts: {env?: Record<string, string>; cwd?: string} = {}): CliResult {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HARDSTOP_') && v !== undefined) env[k] = v;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: {...env, NO_COLOR: '1', ...opts.env},
    encoding: 'utf8',
    timeout: 120_000,
  });
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr};
}

export function tempHome(prefix = 'hardstop-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function parseJsonOutput(r: CliResult): Record<string, unknown> {
  try {
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}
