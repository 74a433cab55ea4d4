import {type Diagnostic} from './diagnostic.js';
import {defaultHint, type DiagnosticCode} from './diagnostic-codes.js';
import {ExitCode} from './exit-status.js';

/**
 * An error that stops a command. It carries the diagnostic(s) to print and the exit code.
 * Commands catch these in one place; anything else reaching the top is a bug (still exit 2).
 */
export class HardstopError extends Error {
  readonly code: DiagnosticCode;
  readonly hint?: string;
  readonly exitCode: ExitCode;
  readonly diagnostics: Diagnostic[];

  constructor(
    code: DiagnosticCode,
    message: string,
    options: {hint?: string; exitCode?: ExitCode; diagnostics?: Diagnostic[]; cause?: unknown; file?: string; line?: number; col?: number} = {},
  ) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause});
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint ?? defaultHint(code);
    this.exitCode = options.exitCode ?? ExitCode.BROKEN;
    this.diagnostics = options.diagnostics ?? [
      {code, severity: 'error', message, hint: this.hint, file: options.file, line: options.line, col: options.col},
    ];
  }
}

/** Bad command-line usage (unknown flag value, bad `--since`). */
export class UsageError extends HardstopError {}

/** A configuration file is missing, unparseable or invalid. */
export class ConfigError extends HardstopError {}

/** The database cannot be opened, migrated, or is locked. */
export class StoreError extends HardstopError {}

/**
 * Why a file operation failed, without the absolute path Node puts in its messages
 * ("EACCES: permission denied, open '/tmp/…'" → "EACCES: permission denied"): artifacts name
 * files home-relative, and the same failure in two homes must read the same.
 */
export function fsErrorReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  const message = e?.message ?? String(err);
  if (e?.code && e.syscall) return message.replace(/, \w+ '.*$/s, '');
  return message;
}
