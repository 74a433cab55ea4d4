import {existsSync, statSync} from 'node:fs';
import {join, relative, resolve} from 'node:path';
import {formatDiagnostic, type Diagnostic} from '../../kernel/diagnostic.js';
import {ruleFilesIn} from '../../config/rule-files.js';
import type {CommandOutcome} from '../../present/command-outcome.js';

/** What every `rules` command function returns: an outcome with all of its parts filled in. */
export type RulesOutcome = CommandOutcome & Required<Pick<CommandOutcome, 'text' | 'json' | 'diagnostics' | 'sources'>>;

/** Text output with the diagnostics rendered first (what a terminal shows). */
export function fullText(o: RulesOutcome): string {
  const d = renderDiagnostics(o.diagnostics, o.sources);
  return d ? `${d}\n\n${o.text}` : o.text;
}

export interface RulesCommandOptions {
  /** Rule files or directories; default: rules/**\/*.yaml under `home`. */
  files?: string[];
  /** The Hardstop home (default: the current directory). */
  home?: string;
}

/** The files to work on, as given (or relative to the home for the default set). */
export function resolveRuleFiles(opts: RulesCommandOptions): {cwd: string; files: string[]} {
  // Files named on the command line are relative to where the command runs; the default set
  // lives under the home and is shown relative to it.
  if (opts.files && opts.files.length > 0) return {cwd: process.cwd(), files: opts.files};
  const cwd = resolve(opts.home ?? process.cwd());
  const dir = join(cwd, 'rules');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return {cwd, files: []};
  return {cwd, files: ruleFilesIn(dir).map((f) => relative(cwd, f))};
}

export function renderDiagnostics(diags: readonly Diagnostic[], sources: Map<string, string>): string {
  return diags.map((d) => formatDiagnostic(d, d.file ? sources.get(d.file) : undefined)).join('\n\n');
}

export function countBy(diags: readonly Diagnostic[]): {errors: number; warnings: number} {
  return {errors: diags.filter((d) => d.severity === 'error').length, warnings: diags.filter((d) => d.severity === 'warning').length};
}
