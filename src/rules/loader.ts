import type {Node} from 'yaml';
import {sha256Hex} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {diag, hasErrors, sortDiagnostics} from '../kernel/diagnostic.js';
import {parseYamlText, type YamlSource} from '../kernel/yaml-source.js';
import {readKeywordsCompat, readSuppressionCompat} from './compat.js';
import {TOP_KEYS} from './file-keys.js';
import type {SuppressRule} from './model.js';
import {CompiledRulePack} from './pack.js';
import {PackBuilder} from './pack-builder.js';
import {findShadowed} from './shadow.js';
import {readRuleTexts, type BuildOptions, type LoadOptions, type RuleSourceText, type RuleTexts} from './rule-texts.js';
import {buildTestCase} from './test-input.js';
import {entries, FileDiags, keyed, scalarValue, seqItems} from './yaml-walk.js';

export interface LoadResult {
  pack: CompiledRulePack | null;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

function fileDigest(text: string): string {
  return sha256Hex(text);
}

/** Builds a pack from rule file texts (pure: no file system access). */
export function buildRulePack(files: RuleSourceText[], opts: BuildOptions = {}): LoadResult {
  const b = new PackBuilder();
  const sources = new Map<string, string>();
  const parsed: {fd: FileDiags; top: Map<string, {value: Node | null; keyNode: Node}>}[] = [];
  const hashFiles: {path: string; sha256: string}[] = [];

  let compatGlobal: SuppressRule[] = [];
  const compatSources: YamlSource[] = [];
  if (opts.suppressionCompat) compatSources.push(parseYamlText(opts.suppressionCompat.text, opts.suppressionCompat.file));

  for (const f of files) {
    sources.set(f.file, f.text);
    hashFiles.push({path: f.file, sha256: fileDigest(f.text)});
    const src = parseYamlText(f.text, f.file);
    for (const d of src.diagnostics) {
      // The usual cause: an expression with ": " (a quantifier) written as a plain scalar.
      if (d.code === 'YAML_SYNTAX' && /Nested mappings/.test(d.message)) {
        d.hint = 'an expression containing ": " (as in any x in list: …) must be quoted or written as a block scalar (when: >- on its own line)';
      }
    }
    b.diagnostics.push(...src.diagnostics);
    if (hasErrors(src.diagnostics)) continue;
    const fd = new FileDiags(src, b.diagnostics);
    if (src.doc.contents === null) {
      fd.error(null, 'RULE_SCHEMA', 'empty rule file', 'start with version: 1');
      continue;
    }
    const list = entries(fd, src.doc.contents as Node, 'a rule file');
    if (!list) continue;
    const top = keyed(fd, list, TOP_KEYS, 'a rule file');
    const version = top.get('version');
    if (!version) fd.error(src.doc.contents as Node, 'RULE_SCHEMA', 'missing version: 1', 'every rule file starts with version: 1');
    else if (scalarValue(version.value) !== 1) fd.error(version.value, 'RULE_SCHEMA', 'unsupported version', 'this Hardstop reads rule files of version 1');
    parsed.push({fd, top: new Map([...top].map(([k, v]) => [k, {value: v.value, keyNode: v.keyNode}]))});
  }

  for (const p of parsed) b.readDeclarations(p.fd, p.top);

  if (opts.keywordsCompat) {
    sources.set(opts.keywordsCompat.file, opts.keywordsCompat.text);
    hashFiles.push({path: opts.keywordsCompat.file, sha256: fileDigest(opts.keywordsCompat.text)});
    readKeywordsCompat(b, parseYamlText(opts.keywordsCompat.text, opts.keywordsCompat.file));
  }
  for (const src of compatSources) {
    sources.set(src.file, src.text);
    hashFiles.push({path: src.file, sha256: fileDigest(src.text)});
    compatGlobal = readSuppressionCompat(b, src);
  }

  for (const {fd, top} of parsed) {
    const g = (k: string) => top.get(k);
    if (g('types')) b.readTypes(fd, g('types')!.value);
    if (g('suppress')) b.suppress.push(...b.readSuppress(fd, g('suppress')!.value));
    if (g('score_bounds')) b.readBounds(fd, g('score_bounds')!.value, g('score_bounds')!.keyNode);
    if (g('score')) b.readScore(fd, g('score')!.value);
    if (g('classify')) b.readClassify(fd, g('classify')!.value);
    if (g('quality')) b.readQuality(fd, g('quality')!.value);
    if (g('correlate')) b.readCorrelate(fd, g('correlate')!.value);
  }
  // Compatibility rules come first: the reference evaluates config/suppression.yaml globals first.
  b.suppress = [...compatGlobal, ...b.suppress];

  for (const {fd, top} of parsed) {
    const t = top.get('tests');
    for (const item of seqItems(fd, t?.value ?? null, 'tests') ?? []) {
      const tc = buildTestCase(b, fd, item);
      if (tc) b.testCases.push(tc);
    }
  }

  const batch = b.checkPending();
  // Macros never referenced still get checked, so their errors surface.
  for (const m of b.macros.values()) b.checker.checkMacro(m);
  b.diagnostics.push(...b.checker.diagnostics.splice(0));

  for (const l of b.lists.values()) {
    if (!l.used) b.diagnostics.push(diag('RULE_UNUSED_LIST', 'warning', `list ${l.name} is never used`, {file: l.file, line: l.line, col: l.col}));
  }
  for (const m of b.macros.values()) {
    if (!m.used) b.diagnostics.push(diag('RULE_UNUSED_MACRO', 'warning', `macro ${m.name} is never used`, {file: m.site.file, line: m.line, col: m.col}));
  }
  const defaults = b.classify.filter((c) => c.when === null);
  if (b.classify.length > 0) {
    if (defaults.length === 0) {
      const last = b.classify[b.classify.length - 1];
      b.diagnostics.push({code: 'RULE_CLASSIFY_NO_DEFAULT', severity: 'error', message: 'the classify table has no default row', hint: 'end it with a row without when:, e.g. {id: interesting, class: 0}', file: last.file, line: last.line, col: last.col});
    } else if (defaults[0] !== b.classify[b.classify.length - 1]) {
      const d = defaults[0];
      b.diagnostics.push({code: 'RULE_SHADOWED', severity: 'warning', message: `classify row ${d.id} has no when: and hides every row after it`, hint: 'move the default row to the end', file: d.file, line: d.line, col: d.col});
    }
  }
  const typeDefault = b.types.findIndex((t) => t.when === null);
  if (typeDefault >= 0 && typeDefault < b.types.length - 1) {
    const d = b.types[typeDefault];
    b.diagnostics.push({code: 'RULE_SHADOWED', severity: 'warning', message: `type rule ${d.id} has no when: and hides every type rule after it`, hint: 'move the default row to the end', file: d.file, line: d.line, col: d.col});
  }
  b.diagnostics.push(...findShadowed(b.suppress, b.checker));

  const diagnostics = sortDiagnostics(b.diagnostics);
  if (hasErrors(diagnostics)) return {pack: null, diagnostics, sources};
  b.compileBatch(batch);
  return {pack: new CompiledRulePack(b, hashFiles), diagnostics, sources};
}

/**
 * Loads, checks and compiles a rule pack from files or a directory. File names in diagnostics
 * are as given (directory entries relative to `cwd`). Unreadable files are diagnostics too.
 */
export function loadRulePack(input: string[] | string, opts: LoadOptions = {}): LoadResult {
  return buildRuleTexts(readRuleTexts(input, opts));
}

/** Checks and compiles rule texts already read (`readRuleTexts`), with the read problems. */
export function buildRuleTexts(read: RuleTexts): LoadResult {
  const r = buildRulePack(read.texts, read.build);
  const all = sortDiagnostics([...read.diagnostics, ...r.diagnostics]);
  return {pack: hasErrors(all) ? null : r.pack, diagnostics: all, sources: r.sources};
}
