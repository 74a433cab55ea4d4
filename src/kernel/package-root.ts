import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

/**
 * The installed package's root directory: the nearest directory above this module whose
 * package.json names `hardstop`. Searched rather than fixed relative to this file because the
 * same code runs from src/ (tests), dist/ (the compiled modules) and dist/cli/ (the bundled
 * CLI), at different depths.
 */
function findPackage(): {root: string; manifest: PackageManifest} {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as PackageManifest;
      if (manifest.name === 'hardstop') return {root: dir, manifest};
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no hardstop package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The fields of the package's package.json that Hardstop reads. */
export interface PackageManifest {
  name: string;
  version: string;
}

const found = findPackage();
export const PACKAGE_ROOT: string = found.root;
/** The package's package.json, read once. */
export const PACKAGE_MANIFEST: PackageManifest = found.manifest;

/** A file shipped with the package, by its path from the package root. */
export function packageFile(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}

/**
 * A compiled module of dist/ (the unbundled `tsc` output) as a URL, for worker threads: a
 * worker's script must be a file of its own, wherever the code that starts it was bundled.
 */
export function compiledModuleUrl(pathInDist: string): URL {
  return pathToFileURL(join(PACKAGE_ROOT, 'dist', pathInDist));
}
