import {existsSync, readFileSync} from 'node:fs';
import type {Interfaces} from '@oclif/core';
import {Command} from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import {AppContext} from '../app/context.js';
import {formatDiagnostic, sortDiagnostics, type Diagnostic} from '../kernel/diagnostic.js';
import {HardstopError} from '../kernel/errors.js';
import {ExitCode} from '../kernel/exit-status.js';
import {flushPhaseTimings, markStartup} from '../kernel/phase-timings.js';
import type {CommandOutcome} from '../present/command-outcome.js';
import {colourEnabled} from '../present/colour.js';
import {parseErrorDiagnostic, reportUsageError, statusJson, statusLine, type StatusFacts} from '../app/usage.js';

export type {CommandOutcome} from '../present/command-outcome.js';

/** The parsed flags of command class `C`: its own and the global ones, typed as declared. */
export type CommandFlags<C extends typeof Command> = Interfaces.InferredFlags<(typeof HardstopCommand)['baseFlags'] & C['flags']>;
/** The parsed positional arguments of command class `C`, typed as declared. */
export type CommandArgs<C extends typeof Command> = Interfaces.InferredArgs<C['args']>;

/**
 * Every Hardstop command: global flags, one context, one error boundary, diagnostics on
 * stderr, one status line (or the same facts in --json), and an honest exit code.
 * A command names itself as `C` (`class Fetch extends HardstopCommand<typeof Fetch>`) so that
 * `execute` receives its flags and args parsed once, with the types its declarations imply.
 */
export abstract class HardstopCommand<C extends typeof Command> extends Command {
  static override baseFlags = {
    home: Flags.string({description: 'Hardstop home folder (config/, rules/, hardstop.db, run_records/, output/); paths inside its config files are relative to it, paths given as flags to the working directory', helpGroup: 'GLOBAL', env: 'HARDSTOP_HOME'}),
    now: Flags.string({description: 'pin the run clock (RFC 3339, e.g. 2025-12-29T17:00:00Z)', helpGroup: 'GLOBAL'}),
    strict: Flags.boolean({description: 'strict mode (default): pinned clock, derived ids; items that could not be decided exit 2 (docs/OPERATIONS.md)', helpGroup: 'GLOBAL', exclusive: ['best-effort']}),
    'best-effort': Flags.boolean({description: 'best-effort mode: wall clock and random ids allowed, declared in RunRecords', helpGroup: 'GLOBAL'}),
    json: Flags.boolean({description: 'print machine-readable JSON on stdout', helpGroup: 'GLOBAL'}),
    debug: Flags.boolean({description: 'print stack traces of unexpected errors', helpGroup: 'GLOBAL'}),
  };

  /** `argv` holds every positional argument, for commands that take a variable number (`strict = false`). */
  protected abstract execute(ctx: AppContext, flags: CommandFlags<C>, args: CommandArgs<C>, argv: string[]): Promise<CommandOutcome>;

  /** Commands that work without a valid hardstop.config.yaml (init, doctor) override this. */
  protected requiresConfig = true;

  async run(): Promise<void> {
    const ctor = this.constructor as typeof Command;
    let parsed;
    try {
      parsed = await this.parse(ctor);
    } catch (err) {
      reportUsageError(parseErrorDiagnostic(err as Error, this.id ?? '', Object.keys({...ctor.baseFlags, ...ctor.flags}), this.config.bin), this.argv);
      return;
    }
    // oclif leaves an absent boolean flag undefined although its type says boolean.
    for (const [name, flag] of Object.entries({...ctor.baseFlags, ...ctor.flags})) {
      if (flag.type === 'boolean' && parsed.flags[name] === undefined) parsed.flags[name] = false;
    }
    // oclif types `parse` by the class it is given; the subclass is `C`, which the base cannot name.
    const {flags, args, argv} = parsed as unknown as {flags: CommandFlags<C>; args: CommandArgs<C>; argv: string[]};
    let ctx: AppContext | undefined;
    let outcome: CommandOutcome;
    markStartup();
    try {
      ctx = AppContext.create(flags);
      if (this.requiresConfig) void ctx.config;
      outcome = await this.execute(ctx, flags, args, argv);
    } catch (err) {
      outcome = this.errorOutcome(err, flags.debug);
    }
    try {
      this.render(outcome, ctx, flags.json);
    } finally {
      ctx?.close();
    }
    flushPhaseTimings(this.id ?? '');
    process.exitCode = outcome.exitCode;
  }

  private errorOutcome(err: unknown, debug: boolean): CommandOutcome {
    if (err instanceof HardstopError) return {exitCode: err.exitCode, diagnostics: err.diagnostics};
    const e = err as Error;
    if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
    return {
      exitCode: ExitCode.BROKEN,
      diagnostics: [
        {
          code: 'INTERNAL_ERROR',
          severity: 'error',
          message: e?.message ?? String(err),
          hint: debug ? 'this is a Hardstop bug: please report it with the stack above' : 'rerun with --debug for the stack trace, and report it',
        },
      ],
    };
  }

  private sourceText(ctx: AppContext | undefined, file: string, given?: Map<string, string>): string | undefined {
    if (given?.has(file)) return given.get(file);
    const path = ctx ? ctx.home.resolve(file) : file;
    try {
      return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  }

  private render(outcome: CommandOutcome, ctx: AppContext | undefined, json: boolean): void {
    const diagnostics = sortDiagnostics(outcome.diagnostics ?? []);
    const group = ctx?.group;
    let configHash: string | null = null;
    try {
      configHash = ctx && ctx.loaded.config ? ctx.configHash : null;
    } catch {
      configHash = null;
    }
    const facts: StatusFacts = {exitCode: outcome.exitCode, mode: ctx?.mode ?? 'strict', runGroupId: group?.id ?? null, configHash};
    const status = statusJson(facts);
    const documentOnStdout = outcome.payload !== undefined || outcome.streamedToStdout === true;
    if (json && !documentOnStdout) {
      process.stdout.write(`${JSON.stringify({...outcome.json, diagnostics, ...status}, null, 2)}\n`);
      return;
    }
    if (outcome.payload !== undefined) process.stdout.write(outcome.payload);
    else if (outcome.text) process.stdout.write(outcome.text.endsWith('\n') ? outcome.text : `${outcome.text}\n`);
    for (const d of diagnostics) {
      const text = d.file ? this.sourceText(ctx, d.file, outcome.sources) : undefined;
      process.stderr.write(`${formatDiagnostic(d, text)}\n`);
    }
    const statusStream = documentOnStdout ? process.stderr : process.stdout;
    statusStream.write(`${statusLine(facts, colourEnabled(statusStream, ctx?.env ?? process.env))}\n`);
  }
}
