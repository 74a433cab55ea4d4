import {readdirSync, readFileSync} from 'node:fs';
import {join, posix, relative} from 'node:path';
import ts from 'typescript';
import {describe, expect, it} from 'vitest';
import {ROOT} from './helpers/cli.js';

/**
 * The one-way layering of docs/ARCHITECTURE.md, checked over every import under src/ (type
 * imports included: a type that points up still couples a lower layer to a higher one).
 */

/** Source files by path relative to src/ (posix separators). */
type SourceTree = ReadonlyMap<string, string>;
/** Layers bottom-up; folders in one entry are peers. */
type LayerOrder = readonly (readonly string[])[];

interface Findings {
  fileCycles: string[][];
  folderCycles: string[][];
  violations: string[];
}

/** Reads the numbered layer list under `## Layers`: "1. `kernel` — …", "6. `network`, `sources`, `rules` — …". */
function layerOrderOf(markdown: string): LayerOrder {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Layers\n')) ?? '';
  const order: string[][] = [];
  for (const line of section.split('\n')) {
    const m = /^(\d+)\.\s+((?:`[a-z-]+`(?:,\s*)?)+)\s+—/.exec(line);
    if (!m) continue;
    if (Number(m[1]) !== order.length + 1) throw new Error(`ARCHITECTURE.md: layer ${m[1]} out of sequence`);
    order.push([...m[2].matchAll(/`([a-z-]+)`/g)].map((x) => x[1]));
  }
  return order;
}

function readTree(dir: string): Map<string, string> {
  const tree = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, {withFileTypes: true})) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) tree.set(relative(dir, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return tree;
}

/** file → files it imports (relative specifiers only; `.js` in a specifier names the `.ts` source). */
function importGraph(tree: SourceTree): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of tree) {
    const targets = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((f) => f.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts'));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one member or a self-import (Tarjan). */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

const folderOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.');

function analyse(tree: SourceTree, order: LayerOrder): Findings {
  const graph = importGraph(tree);
  const rank = new Map<string, number>();
  order.forEach((peers, i) => peers.forEach((f) => rank.set(f, i)));
  const folders = new Map<string, Set<string>>();
  const violations: string[] = [];
  for (const folder of new Set([...tree.keys()].map(folderOf))) {
    if (!rank.has(folder)) violations.push(`src/${folder}/ is not in the layer order of docs/ARCHITECTURE.md`);
  }
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    for (const target of targets) {
      const to = folderOf(target);
      if (from === to) continue;
      let edges = folders.get(from);
      if (!edges) folders.set(from, (edges = new Set()));
      edges.add(to);
      const rf = rank.get(from);
      const rt = rank.get(to);
      if (rf === undefined || rt === undefined) continue;
      if (rt > rf) violations.push(`${file} imports ${target}: ${from} may not import the higher layer ${to}`);
      else if (rt === rf) violations.push(`${file} imports ${target}: ${from} and ${to} are peers and stay independent`);
    }
  }
  const folderGraph = new Map([...new Set([...tree.keys()].map(folderOf))].map((f) => [f, [...(folders.get(f) ?? [])]]));
  return {fileCycles: cyclesOf(graph), folderCycles: cyclesOf(folderGraph), violations};
}

/** Files outside src/store that open SQLite or use a database handle directly. */
function sqlOutsideStore(tree: SourceTree): string[] {
  const found: string[] = [];
  for (const [file, text] of tree) {
    if (folderOf(file) === 'store') continue;
    if (/from\s+['"]better-sqlite3['"]/.test(text)) found.push(`${file} imports better-sqlite3`);
    if (/\bdb\.(?:prepare|exec|pragma|transaction)\(/.test(text)) found.push(`${file} runs SQL on a database handle`);
  }
  return found;
}

const ORDER = layerOrderOf(readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8'));
const SRC = readTree(join(ROOT, 'src'));

describe('the source tree', () => {
  it('declares its layer order in docs/ARCHITECTURE.md, kernel first, commands last, sinks between reports and app', () => {
    const flat = ORDER.flat();
    expect(flat[0]).toBe('kernel');
    expect(flat.at(-1)).toBe('commands');
    const at = (f: string) => ORDER.findIndex((peers) => peers.includes(f));
    expect(at('reports')).toBeLessThan(at('sinks'));
    expect(at('sinks')).toBeLessThan(at('app'));
    expect(new Set(flat).size).toBe(flat.length);
  });

  it('has no import cycle between files or folders and no import against the layer order', () => {
    const f = analyse(SRC, ORDER);
    expect(f.violations).toEqual([]);
    expect(f.fileCycles).toEqual([]);
    expect(f.folderCycles).toEqual([]);
  });

  it('keeps SQL in src/store', () => {
    expect(sqlOutsideStore(SRC)).toEqual([]);
  });
});

describe('the checks catch what they are for', () => {
  const order: LayerOrder = [['kernel'], ['store'], ['sources', 'rules'], ['app']];
  const tree = (files: Record<string, string>) => new Map(Object.entries(files));
  const clean = {
    'kernel/time.ts': 'export const t = 1;',
    'store/db.ts': "import {t} from '../kernel/time.js';\nexport const d = t;",
    'sources/fetch.ts': "import type {d} from '../store/db.js';\nexport const f = 1;",
    'app/context.ts': "import {f} from '../sources/fetch.js';\nimport {d} from '../store/db.js';",
  };

  it('a clean tree passes', () => {
    expect(analyse(tree(clean), order)).toEqual({fileCycles: [], folderCycles: [], violations: []});
  });

  it('fails on an injected upward import (type-only included)', () => {
    const f = analyse(tree({...clean, 'store/db.ts': "import type {Ctx} from '../app/context.js';\nexport const d = 1;"}), order);
    expect(f.violations).toEqual(['store/db.ts imports app/context.ts: store may not import the higher layer app']);
    expect(f.folderCycles).toEqual([['app', 'sources', 'store']]);
  });

  it('fails on an import between peers', () => {
    const f = analyse(tree({...clean, 'rules/pack.ts': "export {f} from '../sources/fetch.js';"}), order);
    expect(f.violations).toEqual(['rules/pack.ts imports sources/fetch.ts: rules and sources are peers and stay independent']);
  });

  it('fails on an injected cycle between files of one folder', () => {
    const f = analyse(
      tree({...clean, 'sources/a.ts': "import {b} from './b.js';\nexport const a = b;", 'sources/b.ts': "export const b = 1;\nexport async function a() { return import('./a.js'); }"}),
      order,
    );
    expect(f.fileCycles).toEqual([['sources/a.ts', 'sources/b.ts']]);
    expect(f.violations).toEqual([]);
  });

  it('fails on a folder missing from the layer order', () => {
    expect(analyse(tree({...clean, 'extra/x.ts': 'export const x = 1;'}), order).violations).toEqual(['src/extra/ is not in the layer order of docs/ARCHITECTURE.md']);
  });

  it('ignores imports inside comments and strings', () => {
    const f = analyse(tree({...clean, 'kernel/time.ts': "// import {c} from '../app/context.js';\nexport const s = \"import x from '../app/context.js'\";"}), order);
    expect(f.violations).toEqual([]);
  });

  it('finds SQL outside the store', () => {
    expect(sqlOutsideStore(tree({'store/db.ts': "import Database from 'better-sqlite3';", 'app/x.ts': "store.db.prepare('SELECT 1').get();"}))).toEqual([
      'app/x.ts runs SQL on a database handle',
    ]);
  });

  it('reads the numbered layer list of a document', () => {
    const md = '# A\n\n## Layers\n\n1. `kernel` — pure\n2. `network`, `sources` — peers\n  not a layer\n\n## Next\n\n1. `other` — not read\n';
    expect(layerOrderOf(md)).toEqual([['kernel'], ['network', 'sources']]);
  });
});
