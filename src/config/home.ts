import {isAbsolute, join, relative, resolve, sep} from 'node:path';

/** Where a Hardstop home keeps its files. Every path Hardstop records is relative to it. */
export class Home {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get configFile(): string {
    return join(this.root, 'hardstop.config.yaml');
  }
  get sourcesFile(): string {
    return join(this.root, 'config', 'sources.yaml');
  }
  get suppressionFile(): string {
    return join(this.root, 'config', 'suppression.yaml');
  }
  get keywordsFile(): string {
    return join(this.root, 'config', 'keywords.yaml');
  }
  get rulesDir(): string {
    return join(this.root, 'rules');
  }
  get runRecordsDir(): string {
    return join(this.root, 'run_records');
  }
  get outputDir(): string {
    return join(this.root, 'output');
  }
  /** What Hardstop can recompute at any time, kept to save work (safe to delete). */
  get cacheDir(): string {
    return join(this.root, 'cache');
  }

  /** Resolves a path from config or a flag: relative paths are relative to the home. */
  resolve(path: string): string {
    return isAbsolute(path) ? path : join(this.root, path);
  }

  /** Home-relative display form with `/` separators (absolute when outside the home). */
  rel(path: string): string {
    const r = relative(this.root, resolve(path));
    if (r.startsWith('..') || isAbsolute(r)) return resolve(path).split(sep).join('/');
    return r.split(sep).join('/') || '.';
  }
}
