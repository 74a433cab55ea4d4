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

/**
 * The environment of a user's shell for a child CLI, plus `extra`: no HARDSTOP_* settings, no
 * colour, and no NODE_ENV (vitest sets it to `test`, which makes oclif look for TypeScript
 * sources: a warning on stderr and about twice the start-up work of every command).
 */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HARDSTOP_') && k !== 'NODE_ENV' && v !== undefined) env[k] = v;
  return {...env, NO_COLOR: '1', ...extra};
}

/** Runs the built CLI (dist/) as a user would, in the environment of `cliEnv`. */
export function runCli(args: string[], opts: {env?: Record<string, string>; cwd?: string} = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: cliEnv(opts.env),
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
