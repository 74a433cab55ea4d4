import {readdirSync, readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import ts from 'typescript';
import {describe, expect, it} from 'vitest';
import {DIAGNOSTIC_CODES, isDiagnosticCode, type DiagnosticCodeInfo} from '../../src/kernel/diagnostic-codes.js';
import {diag} from '../../src/kernel/diagnostic.js';
import {HardstopError} from '../../src/kernel/errors.js';

const CODE = /`([A-Z][A-Z0-9_]*(?:_[A-Z0-9]+|::\d)+)`/g;

interface DocRow {
  file: string;
  line: number;
  codes: string[];
  severity: string | null;
}

function cells(line: string): string[] {
  return line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim());
}

/** The rows of every markdown table in docs/ whose first column is headed "Code". */
function documentedCodeRows(docsDir: string): DocRow[] {
  const rows: DocRow[] = [];
  for (const name of readdirSync(docsDir).filter((f) => f.endsWith('.md')).sort()) {
    const lines = readFileSync(join(docsDir, name), 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i++) {
      const head = lines[i].trim().startsWith('|') ? cells(lines[i]) : [];
      if (head[0] !== 'Code' || !/^\|[-| :]+\|$/.test(lines[i + 1].trim())) continue;
      const severityCol = head.findIndex((h) => h === 'Severity');
      for (let j = i + 2; j < lines.length && lines[j].trim().startsWith('|'); j++) {
        const row = cells(lines[j]);
        rows.push({
          file: `docs/${name}`,
          line: j + 1,
          codes: [...row[0].matchAll(CODE)].map((m) => m[1]),
          severity: severityCol >= 0 ? row[severityCol] : null,
        });
      }
    }
  }
  return rows;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const CODE_SHAPE = /^[A-Z][A-Z0-9_]*(?:_[A-Z0-9]+|::\d)+$/;
const RAISERS = new Set(['diag', 'itemDiag', 'finding', 'fail', 'error', 'warn', 'at', 'problem']);

/**
 * Code-shaped string literals in the places that raise a diagnostic: `code:` of an object that
 * also has a `severity`, the first argument of `new …Error(…)` / `new …Failure(…)`, and the
 * arguments of diag(), fail(), finding(), error()/warn()/at()/problem() and this.push().
 */
function raisedCodes(file: string): {code: string; line: number}[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: {code: string; line: number}[] = [];
  const take = (n: ts.Node | undefined): void => {
    if (n && ts.isStringLiteral(n) && CODE_SHAPE.test(n.text)) out.push({code: n.text, line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1});
  };
  const visit = (n: ts.Node): void => {
    if (ts.isObjectLiteralExpression(n)) {
      const named = (name: string) => n.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText() === name) as ts.PropertyAssignment | undefined;
      if (named('severity')) take(named('code')?.initializer);
    } else if (ts.isNewExpression(n) && /(Error|Failure)$/.test(n.expression.getText())) {
      take(n.arguments?.[0]);
    } else if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      const onThis = ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword;
      if (RAISERS.has(name) || (name === 'push' && onThis)) n.arguments.forEach(take);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('the diagnostic code registry', () => {
  const rows = documentedCodeRows('docs');

  it('finds the code tables of docs/ (rules, network, sources, feeds)', () => {
    const files = new Set(rows.map((r) => r.file));
    expect([...files].sort()).toEqual(expect.arrayContaining(['docs/FEEDS.md', 'docs/NETWORK.md', 'docs/RULES.md', 'docs/SOURCES.md']));
    expect(rows.every((r) => r.codes.length > 0)).toBe(true);
  });

  it('every code a docs/ table names is registered, with the severity the table gives', () => {
    const problems: string[] = [];
    for (const r of rows) {
      for (const code of r.codes) {
        if (!isDiagnosticCode(code)) problems.push(`${r.file}:${r.line}: ${code} is not in src/kernel/diagnostic-codes.ts`);
        else if (r.severity !== null && r.severity !== DIAGNOSTIC_CODES[code].severity) {
          problems.push(`${r.file}:${r.line}: ${code} is documented as ${r.severity}, registered as ${DIAGNOSTIC_CODES[code].severity}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every code raised in src/ is registered', () => {
    const raised = sourceFiles('src').flatMap((f) => raisedCodes(f).map((r) => ({...r, file: f})));
    expect(raised.length).toBeGreaterThan(200);
    expect(raised.filter((r) => !isDiagnosticCode(r.code)).map((r) => `${r.file}:${r.line}: ${r.code}`)).toEqual([]);
  });

  it('every registered code is raised somewhere in src/ (no stale entries)', () => {
    const text = sourceFiles('src')
      .filter((f) => !f.endsWith(join('kernel', 'diagnostic-codes.ts')))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const stale = Object.keys(DIAGNOSTIC_CODES).filter((code) => !text.includes(`'${code}'`));
    expect(stale).toEqual([]);
  });

  it('a registry hint is the default of diag() and HardstopError, never an override', () => {
    const info: DiagnosticCodeInfo = DIAGNOSTIC_CODES.RULE_UNUSED_LIST;
    expect(info.hint).toBeDefined();
    expect(diag('RULE_UNUSED_LIST', 'warning', 'm').hint).toBe(info.hint);
    expect(diag('RULE_UNUSED_LIST', 'warning', 'm', {hint: 'mine'}).hint).toBe('mine');
    expect(Object.keys(diag('RULE_PARSE', 'error', 'm', {file: 'f'}))).toEqual(['code', 'severity', 'message', 'file']);
    expect(new HardstopError('DB_NEEDS_MIGRATION', 'm').diagnostics[0].hint).toBe(DIAGNOSTIC_CODES.DB_NEEDS_MIGRATION.hint);
    expect(new HardstopError('DB_NEEDS_MIGRATION', 'm', {hint: 'mine'}).hint).toBe('mine');
  });

  it('a code that is not registered does not compile', () => {
    const root = resolve('.');
    const probe = join(root, 'test', 'kernel', 'unregistered-code.probe.ts');
    const source = [
      "import {diag, type Diagnostic} from '../../src/kernel/diagnostic.js';",
      "import {HardstopError} from '../../src/kernel/errors.js';",
      "export const a: Diagnostic = {code: 'RULE_PARSE', severity: 'error', message: 'registered'};",
      "export const b: Diagnostic = {code: 'NOT_A_REGISTERED_CODE', severity: 'error', message: 'x'};",
      "export const c = diag('ANOTHER_UNKNOWN_CODE', 'warning', 'x');",
      "export const d = new HardstopError('THIRD_UNKNOWN_CODE', 'x');",
    ].join('\n');
    const options: ts.CompilerOptions = {module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['lib.es2022.d.ts']};
    const host = ts.createCompilerHost(options);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, lang, ...rest) => (resolve(name) === probe ? ts.createSourceFile(name, source, lang) : read(name, lang, ...rest));
    host.fileExists = ((exists) => (name: string) => resolve(name) === probe || exists(name))(host.fileExists.bind(host));
    const program = ts.createProgram([probe], options, host);
    const errors = ts
      .getPreEmitDiagnostics(program, program.getSourceFile(probe))
      .map((d) => ts.getLineAndCharacterOfPosition(d.file!, d.start!).line + 1);
    expect(errors).toEqual([4, 5, 6]);
  });
});
