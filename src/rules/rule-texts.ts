import {readFileSync, statSync} from 'node:fs';
import {relative, resolve} from 'node:path';
import {ruleFilesIn} from '../config/rule-files.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {fsErrorReason} from '../kernel/errors.js';

/** A rule file given as text (what the loader reads from disk, or a test passes in). */
export interface RuleSourceText {
  file: string;
  text: string;
}

export interface BuildOptions {
  /** Compatibility input: config/suppression.yaml (global rules, placed before the pack's). */
  suppressionCompat?: RuleSourceText;
  /** Compatibility input: config/keywords.yaml (replaces the pack's `risk_keywords` list). */
  keywordsCompat?: RuleSourceText;
}

export interface LoadOptions {
  /** Base for relative display names (default: process.cwd()). */
  cwd?: string;
  suppressionCompat?: string;
  keywordsCompat?: string;
}

/** The texts a pack compiles from, and the problems met reading them. */
export interface RuleTexts {
  texts: RuleSourceText[];
  build: BuildOptions;
  diagnostics: Diagnostic[];
}

/**
 * Reads rule files (or every rule file of a directory) and the compatibility inputs, without
 * parsing them: light enough for a run that only needs to know whether they changed. File
 * names are as given (directory entries relative to `cwd`); unreadable files are diagnostics.
 */
export function readRuleTexts(input: string[] | string, opts: LoadOptions = {}): RuleTexts {
  const cwd = opts.cwd ?? process.cwd();
  const paths: {abs: string; display: string}[] = [];
  const diagnostics: Diagnostic[] = [];
  const inputs = typeof input === 'string' ? [input] : input;
  for (const p of inputs) {
    const abs = resolve(cwd, p);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      diagnostics.push({code: 'RULE_FILE_MISSING', severity: 'error', message: `no such rule file or directory: ${p}`, file: p});
      continue;
    }
    if (isDir) for (const f of ruleFilesIn(abs)) paths.push({abs: f, display: relative(cwd, f) || f});
    else paths.push({abs, display: p});
  }
  const read = (abs: string, display: string): RuleSourceText | null => {
    try {
      return {file: display, text: readFileSync(abs, 'utf8').replace(/^\uFEFF/, '')};
    } catch (e) {
      diagnostics.push({code: 'RULE_FILE_MISSING', severity: 'error', message: `cannot read ${display}: ${fsErrorReason(e)}`, file: display});
      return null;
    }
  };
  const texts = paths.map((p) => read(p.abs, p.display)).filter((x): x is RuleSourceText => x !== null);
  const build: BuildOptions = {};
  if (opts.suppressionCompat) build.suppressionCompat = read(resolve(cwd, opts.suppressionCompat), opts.suppressionCompat) ?? undefined;
  if (opts.keywordsCompat) build.keywordsCompat = read(resolve(cwd, opts.keywordsCompat), opts.keywordsCompat) ?? undefined;
  if (texts.length === 0 && diagnostics.length === 0) {
    diagnostics.push({code: 'RULE_FILE_MISSING', severity: 'error', message: 'no rule files found', hint: 'rule files are rules/**/*.yaml under the home directory'});
  }
  return {texts, build, diagnostics};
}
