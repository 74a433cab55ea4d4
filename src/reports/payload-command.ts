import {existsSync} from 'node:fs';
import {AppContext} from '../app/context.js';
import {HardstopCommand, type CommandOutcome} from '../commands/base-command.js';
import {formatDiagnostic, sortDiagnostics} from '../kernel/diagnostic.js';
import {HardstopError, StoreError} from '../kernel/errors.js';
import {ExitCode, statusName} from '../kernel/exit-status.js';
import type {Store} from '../store/db.js';

/** An outcome whose stdout is a document (brief, JSONL export) rather than a status report. */
export interface PayloadOutcome extends CommandOutcome {
  /** Printed verbatim on stdout; the status line then goes to stderr. */
  payload?: string;
  /** The command already streamed its document to stdout; the status line goes to stderr. */
  streamedToStdout?: boolean;
}

/**
 * A command that prints a document on stdout (`hardstop brief`, `hardstop export decisions`):
 * the same context, error boundary, diagnostics and exit code as every command, but when a
 * document goes to stdout the status line moves to stderr so that stdout stays parseable
 * (`hardstop export decisions > predictions.jsonl`). With `--json` (and no document on
 * stdout) the status JSON is printed as usual.
 */
export abstract class PayloadCommand extends HardstopCommand {
  protected abstract override execute(ctx: AppContext, flags: Record<string, unknown>, args: Record<string, unknown>): Promise<PayloadOutcome>;

  override async run(): Promise<void> {
    const {flags, args} = await this.parse(this.constructor as typeof PayloadCommand);
    let ctx: AppContext | undefined;
    let outcome: PayloadOutcome;
    try {
      ctx = AppContext.create(flags);
      void ctx.config;
      outcome = await this.execute(ctx, flags as Record<string, unknown>, args as Record<string, unknown>);
    } catch (err) {
      outcome = errorOutcome(err, Boolean(flags.debug));
    }
    try {
      renderPayloadOutcome(outcome, ctx, Boolean(flags.json));
    } finally {
      ctx?.close();
    }
    process.exitCode = outcome.exitCode;
  }
}

function errorOutcome(err: unknown, debug: boolean): PayloadOutcome {
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

function renderPayloadOutcome(outcome: PayloadOutcome, ctx: AppContext | undefined, json: boolean): void {
  const diagnostics = sortDiagnostics(outcome.diagnostics ?? []);
  let configHash: string | null = null;
  try {
    configHash = ctx && ctx.loaded.config ? ctx.configHash : null;
  } catch {
    configHash = null;
  }
  const runGroupId = ctx?.group?.id ?? null;
  const mode = ctx?.mode ?? 'strict';
  const documentOnStdout = outcome.payload !== undefined || outcome.streamedToStdout === true;
  if (json && !documentOnStdout) {
    const status = {status: statusName(outcome.exitCode), exit_code: outcome.exitCode, mode, run_group_id: runGroupId, config_hash: configHash};
    process.stdout.write(`${JSON.stringify({...outcome.json, diagnostics, ...status}, null, 2)}\n`);
    return;
  }
  if (outcome.payload !== undefined) process.stdout.write(outcome.payload);
  else if (outcome.text) process.stdout.write(outcome.text.endsWith('\n') ? outcome.text : `${outcome.text}\n`);
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  const statusLine = `${statusName(outcome.exitCode)} (exit ${outcome.exitCode}) ${mode} run ${runGroupId ? runGroupId.slice(0, 8) : '-'} config ${configHash ? configHash.slice(0, 12) : '-'}\n`;
  (documentOnStdout ? process.stderr : process.stdout).write(statusLine);
}

/**
 * The store for a report that writes a RunRecord: it must exist and be fully migrated; it is
 * opened without migrating, and the report only reads decision tables (the RunRecord sink
 * appends one `run_records` row, which a read-only handle could not do).
 */
export function openStoreForReport(ctx: AppContext): Store {
  const path = ctx.dbPath;
  if (!existsSync(path)) {
    throw new StoreError('DB_MISSING', `database not found: ${ctx.home.rel(path)}`, {
      hint: 'run `hardstop init`, `hardstop ingest` and `hardstop fetch` + `hardstop ingest-external` first, or pass --home',
    });
  }
  const store = ctx.openStoreForWriteNoMigrate();
  if (store.pendingMigrations() > 0) {
    throw new StoreError('DB_NEEDS_MIGRATION', `database ${ctx.home.rel(path)} has pending migrations`, {hint: 'run `hardstop migrate` first'});
  }
  return store;
}

/** Opens an existing store read-only for commands that write no RunRecord (alerts list/show). */
export function openStoreReadOnlyChecked(ctx: AppContext): Store {
  const store = ctx.openStoreReadOnly();
  if (store.pendingMigrations() > 0) {
    throw new StoreError('DB_NEEDS_MIGRATION', `database ${ctx.home.rel(ctx.dbPath)} has pending migrations`, {hint: 'run `hardstop migrate` first'});
  }
  return store;
}
