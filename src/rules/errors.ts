import type {Diagnostic} from '../kernel/diagnostic.js';
import {HardstopError} from '../kernel/errors.js';
import {ExitCode} from '../kernel/exit-status.js';

interface At {
  file?: string;
  line?: number;
  col?: number;
  hint?: string;
  diagnostics?: Diagnostic[];
}

/** A rule expression or rule file could not be parsed. */
export class RuleParseError extends HardstopError {
  constructor(message: string, at: At = {}) {
    super('RULE_PARSE', message, {...at, exitCode: ExitCode.BROKEN});
  }
}

/** A rule pack failed checking (names, types, regexes, ids). */
export class RuleCheckError extends HardstopError {
  constructor(message: string, at: At = {}) {
    super('RULE_CHECK', message, {...at, exitCode: ExitCode.BROKEN});
  }
}

/** Evaluating a compiled rule failed: a bug, since rules are total over valid contexts. */
export class RuleEvalError extends HardstopError {
  constructor(message: string, at: At = {}) {
    super('RULE_EVAL', message, {...at, exitCode: ExitCode.BROKEN});
  }
}
