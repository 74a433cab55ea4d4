import {spawn} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import {ATOMIC_TEMP_PATTERN, AtomicFileWriter, writeFileAtomic, writeFolderAtomic} from '../../src/kernel/atomic-file.js';
import {ROOT} from '../helpers/cli.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hardstop-atomic-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true});
});

/** Runs an ES module script in a child process and SIGKILLs it once it prints `started`. */
async function killWhenStarted(script: string): Promise<void> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'inherit']});
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('started')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('writeFileAtomic', () => {
  it.each([
    ['text', 'hello\nwörld\n', Buffer.from('hello\nwörld\n', 'utf8')],
    ['bytes', new Uint8Array([0, 255, 10, 13, 128]), Buffer.from([0, 255, 10, 13, 128])],
    ['empty text', '', Buffer.alloc(0)],
  ])('writes %s byte for byte, creating missing folders, leaving no temp file', (_name, data, expected) => {
    const dir = tempDir();
    const file = join(dir, 'a', 'b', 'out.bin');
    writeFileAtomic(file, data);
    expect(readFileSync(file)).toEqual(expected);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['out.bin']);
  });

  it('replaces an existing file whole', () => {
    const dir = tempDir();
    const file = join(dir, 'out.txt');
    writeFileSync(file, 'old content that is longer than the new one');
    writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });

  it('a failed rename leaves no temp file and the old target intact', () => {
    const dir = tempDir();
    // A non-empty folder at the target path: the rename over it fails.
    const target = join(dir, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'kept.txt'), 'old');
    expect(() => writeFileAtomic(target, 'new')).toThrow();
    expect(readdirSync(dir)).toEqual(['target']);
    expect(readFileSync(join(target, 'kept.txt'), 'utf8')).toBe('old');
  });
});

describe('AtomicFileWriter', () => {
  it('commits chunks as one file', () => {
    const dir = tempDir();
    const file = join(dir, 'out.jsonl');
    const w = new AtomicFileWriter(file);
    w.write('{"a":1}\n');
    w.write(Buffer.from('{"b":2}\n'));
    w.commit();
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
    expect(() => w.write('late')).toThrow(/write after close/);
  });

  it('abort mid-stream keeps the old file and removes the temp file', () => {
    const dir = tempDir();
    const file = join(dir, 'out.jsonl');
    writeFileSync(file, 'old\n');
    const w = new AtomicFileWriter(file);
    w.write('partial');
    expect(readdirSync(dir).filter((n) => ATOMIC_TEMP_PATTERN.test(n))).toHaveLength(1);
    w.abort();
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['out.jsonl']);
  });

  it('a SIGKILL mid-write leaves the old content whole (kill trial)', async () => {
    const dir = tempDir();
    const file = join(dir, 'out.txt');
    writeFileSync(file, 'old\n');
    const mod = pathToFileURL(join(ROOT, 'dist', 'kernel', 'atomic-file.js')).href;
    // The child streams chunks forever and says when the temp file has content.
    const script = `
      const {AtomicFileWriter} = await import(${JSON.stringify(mod)});
      const w = new AtomicFileWriter(${JSON.stringify(file)});
      w.write('new '.repeat(1000));
      process.stdout.write('started\\n');
      setInterval(() => w.write('more '), 1);
    `;
    await killWhenStarted(script);
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    // The temp file remains after a kill; recovery code finds it by ATOMIC_TEMP_PATTERN.
    expect(readdirSync(dir).filter((n) => ATOMIC_TEMP_PATTERN.test(n))).toHaveLength(1);
  });
});

describe('writeFolderAtomic', () => {
  const tree = (dir: string): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const rel of readdirSync(dir, {recursive: true}) as string[]) {
      try {
        out[rel] = readFileSync(join(dir, rel), 'utf8');
      } catch {
        // a folder
      }
    }
    return out;
  };

  it('writes nested files and replaces an existing folder whole', () => {
    const parent = tempDir();
    const dir = join(parent, 'bundle');
    mkdirSync(dir);
    writeFileSync(join(dir, 'stale.txt'), 'old');
    writeFolderAtomic(dir, [
      ['manifest.json', '{}'],
      ['alerts/a/one.json', '1'],
      ['alerts/b/two.json', Buffer.from('2')],
    ]);
    expect(tree(dir)).toEqual({'manifest.json': '{}', [join('alerts', 'a', 'one.json')]: '1', [join('alerts', 'b', 'two.json')]: '2'});
    expect(readdirSync(parent)).toEqual(['bundle']);
  });

  it('a file that cannot be written leaves the old folder intact and no temporary folder', () => {
    const parent = tempDir();
    const dir = join(parent, 'bundle');
    mkdirSync(dir);
    writeFileSync(join(dir, 'kept.txt'), 'old');
    // The same path twice: the staged file already exists.
    expect(() => writeFolderAtomic(dir, [['a.txt', '1'], ['a.txt', '2']])).toThrow(/EEXIST/);
    expect(tree(dir)).toEqual({'kept.txt': 'old'});
    expect(readdirSync(parent)).toEqual(['bundle']);
  });

  it('a SIGKILL while the files are written leaves the old folder whole (kill trial)', async () => {
    const parent = tempDir();
    const dir = join(parent, 'bundle');
    mkdirSync(dir);
    writeFileSync(join(dir, 'kept.txt'), 'old');
    const mod = pathToFileURL(join(ROOT, 'dist', 'kernel', 'atomic-file.js')).href;
    // The child writes files without end and says when the first ten are staged.
    const script = `
      const {writeFolderAtomic} = await import(${JSON.stringify(mod)});
      function* files() {
        for (let i = 0; ; i++) {
          if (i === 10) process.stdout.write('started\\n');
          yield ['alerts/' + i + '.json', 'x'.repeat(1000)];
        }
      }
      writeFolderAtomic(${JSON.stringify(dir)}, files());
    `;
    await killWhenStarted(script);
    expect(tree(dir)).toEqual({'kept.txt': 'old'});
    // The killed process's staging folder remains, named so that it is recognised; the next
    // write of the folder is unaffected by it.
    expect(readdirSync(parent).filter((n) => ATOMIC_TEMP_PATTERN.test(n))).toHaveLength(1);
    writeFolderAtomic(dir, [['new.txt', 'new']]);
    expect(tree(dir)).toEqual({'new.txt': 'new'});
  });
});
