import type {Diagnostic} from '../kernel/diagnostic.js';
import {formatDiagnostic} from '../kernel/diagnostic.js';
import {ExitCode, statusName, type Mode} from '../kernel/exit-status.js';
import {didYouMean} from '../kernel/text.js';
import {colourEnabled, paint, type Tone} from '../present/colour.js';

/** The facts of the one status line every invocation ends with (operations.md §7.6). */
export interface StatusFacts {
  exitCode: ExitCode;
  mode: Mode;
  runGroupId: string | null;
  configHash: string | null;
}

export function statusJson(s: StatusFacts): {status: string; exit_code: ExitCode; mode: Mode; run_group_id: string | null; config_hash: string | null} {
  return {status: statusName(s.exitCode), exit_code: s.exitCode, mode: s.mode, run_group_id: s.runGroupId, config_hash: s.configHash};
}

const STATUS_TONE: Record<ExitCode, Tone> = {[ExitCode.HEALTHY]: 'green', [ExitCode.WARNING]: 'yellow', [ExitCode.BROKEN]: 'red'};

/** The status line; with `colour` its first word in the status's colour (green, yellow, red). */
export function statusLine(s: StatusFacts, colour = false): string {
  return `${paint(STATUS_TONE[s.exitCode], statusName(s.exitCode), colour)} (exit ${s.exitCode}) ${s.mode} run ${s.runGroupId ? s.runGroupId.slice(0, 8) : '-'} config ${s.configHash ? s.configHash.slice(0, 12) : '-'}`;
}

/**
 * Prints a usage error that stopped the CLI before any command ran (unknown command, bad
 * flag): the diagnostic on stderr and the status line on stdout — or both as JSON on stdout
 * when `--json` was asked for — and sets exit 2.
 */
export function reportUsageError(d: Diagnostic, argv: readonly string[]): void {
  const facts: StatusFacts = {exitCode: ExitCode.BROKEN, mode: argv.includes('--best-effort') ? 'best-effort' : 'strict', runGroupId: null, configHash: null};
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({diagnostics: [d], ...statusJson(facts)}, null, 2)}\n`);
  } else {
    process.stderr.write(`${formatDiagnostic(d)}\n`);
    process.stdout.write(`${statusLine(facts, colourEnabled(process.stdout, process.env))}\n`);
  }
  process.exitCode = ExitCode.BROKEN;
}

/** `hardstop alert list`: the closest command, in the spelling the user types. */
export function unknownCommandDiagnostic(id: string, commandIds: readonly string[], bin: string): Diagnostic {
  const typed = id.split(':').join(' ');
  const spelled = commandIds.map((c) => c.split(':').join(' '));
  const near = didYouMean(typed, spelled);
  return {
    code: 'USAGE_UNKNOWN_COMMAND',
    severity: 'error',
    message: `unknown command "${typed}"`,
    hint: near ? `did you mean \`${bin} ${near}\`? (\`${bin} --help\` lists every command)` : `\`${bin} --help\` lists every command`,
  };
}

/**
 * An error oclif's flag/argument parser threw, as a usage diagnostic: unknown flags get a
 * did-you-mean over the command's flags.
 */
export function parseErrorDiagnostic(err: Error & {flags?: string[]}, commandId: string, flagNames: readonly string[], bin: string): Diagnostic {
  const cmd = `${bin} ${commandId.split(':').join(' ')}`;
  const kind = err.constructor?.name ?? '';
  // oclif dims parts of some messages on a TTY; a diagnostic carries plain text.
  // eslint-disable-next-line no-control-regex
  const message = err.message.replace(/\u001b\[[0-9;]*m/g, '').replace(/\nSee more help with --help$/, '').replace(/\s*:?\s*\n\s*/g, ': ').trim();
  if (kind === 'NonExistentFlagsError' && Array.isArray(err.flags) && err.flags.length > 0) {
    const first = err.flags[0];
    const near = didYouMean(first.replace(/^-+/, '').replace(/=.*$/, ''), flagNames);
    return {
      code: 'USAGE_UNKNOWN_FLAG',
      severity: 'error',
      message: `unknown flag${err.flags.length === 1 ? '' : 's'} ${err.flags.join(', ')}`,
      hint: near ? `did you mean --${near}? (\`${cmd} --help\` lists the flags)` : `\`${cmd} --help\` lists the flags`,
    };
  }
  const code = kind === 'UnexpectedArgsError' ? 'USAGE_UNEXPECTED_ARGUMENT' : kind === 'RequiredArgsError' ? 'USAGE_MISSING_ARGUMENT' : 'USAGE_BAD_FLAG';
  return {code, severity: 'error', message: message.charAt(0).toLowerCase() + message.slice(1), hint: `see \`${cmd} --help\``};
}
