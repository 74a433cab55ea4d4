import {readFileSync} from 'node:fs';
import {packageFile} from '../kernel/package-root.js';

/**
 * The identity of this build of Hardstop's code (dist/build-id.json, written by
 * `npm run build`), or null when running from the TypeScript sources. Keys caches whose
 * content depends on the code, so that a rebuild or an upgrade never reuses them.
 */
export function buildId(): string | null {
  // Read once per process: the rule-check cache and the fetcher's remembered documents both key on it.
  if (cached === undefined) cached = readBuildId();
  return cached;
}

let cached: string | null | undefined;

function readBuildId(): string | null {
  try {
    const parsed = JSON.parse(readFileSync(packageFile('dist', 'build-id.json'), 'utf8')) as {build_id?: unknown};
    return typeof parsed.build_id === 'string' && /^[0-9a-f]{64}$/.test(parsed.build_id) ? parsed.build_id : null;
  } catch {
    return null;
  }
}
