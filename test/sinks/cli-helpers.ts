import {spawn, type ChildProcess} from 'node:child_process';
import {cpSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {artifactHash, sha256Hex} from '../../src/kernel/canonical-json.js';
import {cliEnv, ROOT} from '../helpers/cli.js';
import {homeFrom, TEMPLATE_BUNDLE} from '../helpers/home-templates.js';

const BIN = join(ROOT, 'bin', 'run.js');

export interface AsyncCliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The built CLI as a child that does not block this process (the fake servers live here). */
export function spawnCli(args: string[], env: Record<string, string> = {}): {child: ChildProcess; done: Promise<AsyncCliResult>} {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe']});
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const done = new Promise<AsyncCliResult>((resolve) => child.on('close', (code, signal) => resolve({code, signal, stdout, stderr})));
  return {child, done};
}

export function runCliAsync(args: string[], env: Record<string, string> = {}): Promise<AsyncCliResult> {
  return spawnCli(args, env).done;
}

/** A copy of the golden home (init, ingest, run with the pinned clock) and its export bundle at `<home>/out/bundle`. */
export function goldenBundleHome(): {home: string; bundle: string} {
  const home = homeFrom('golden-bundle', 'hardstop-sinks-cli-');
  return {home, bundle: join(home, TEMPLATE_BUNDLE)};
}

/** Writes the one sink file of a test home (the disabled examples stay). */
export function writeSinkFile(home: string, text: string): void {
  mkdirSync(join(home, 'sinks'), {recursive: true});
  writeFileSync(join(home, 'sinks', 'test.yaml'), text);
}

/**
 * A copy of `bundle` where `change` rewrote `alerts.v2.json` entries, re-signed as the writer
 * would (version hashes, checksums, manifest hash): a later export of the same alerts.
 */
export function changedBundle(bundle: string, out: string, change: (alerts: Record<string, unknown>[]) => void): string {
  cpSync(bundle, out, {recursive: true});
  const alerts = JSON.parse(readFileSync(join(out, 'alerts.v2.json'), 'utf8')) as Record<string, unknown>[];
  change(alerts);
  for (const a of alerts) {
    delete a.version_hash;
    a.version_hash = artifactHash(a);
  }
  const text = `${JSON.stringify(alerts, null, 2)}\n`;
  writeFileSync(join(out, 'alerts.v2.json'), text);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Record<string, unknown> & {checksums: Record<string, string>};
  manifest.checksums['alerts.v2.json'] = sha256Hex(Buffer.from(text, 'utf8'));
  delete manifest.manifest_hash;
  manifest.manifest_hash = artifactHash(manifest);
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return out;
}
