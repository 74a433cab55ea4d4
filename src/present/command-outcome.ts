import type {Diagnostic} from '../kernel/diagnostic.js';
import type {ExitCode} from '../kernel/exit-status.js';

/** What a command hands back to be printed and turned into the exit code. */
export interface CommandOutcome {
  exitCode: ExitCode;
  /** Human output (stdout) in text mode. */
  text?: string;
  /** Data for --json (merged with the status fields). */
  json?: Record<string, unknown>;
  diagnostics?: Diagnostic[];
  /** Source texts by file name, for caret excerpts; files are otherwise read from the home. */
  sources?: Map<string, string>;
  /**
   * A document printed verbatim on stdout (a brief, a JSONL export); the status line then
   * goes to stderr so that stdout stays parseable.
   */
  payload?: string;
  /** The command already streamed its document to stdout; the status line goes to stderr. */
  streamedToStdout?: boolean;
}
