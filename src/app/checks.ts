import {existsSync} from 'node:fs';
import {diag, type Diagnostic} from '../kernel/diagnostic.js';
import {HardstopError} from '../kernel/errors.js';
import {type ExitCode, ExitCode as Exit} from '../kernel/exit-status.js';
import {networkCounts, networkIntegrityProblems} from '../store/network-repo.js';
import type {AppContext} from './context.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'info' | 'skip';

/** Whether checks that read the database can run: it opened, it does not exist, or it cannot be read. */
export type DatabaseState = 'readable' | 'missing' | 'unreadable';

/** The line of a check that could not run because what it reads is not there. */
export function skippedCheck(id: string, title: string, db: Exclude<DatabaseState, 'readable'>): CheckResult {
  return {id, title, status: 'skip', message: db === 'unreadable' ? '(database unreadable)' : '(no database)', diagnostics: []};
}

/** One readiness check: shared by doctor and run status so they never disagree. */
export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  message: string;
  hint?: string;
  diagnostics: Diagnostic[];
  data?: Record<string, unknown>;
}

/** A check contributed by a layer (sources, rules) beside the built-in ones; one reading the database skips unless `db` is readable. */
export type ExtraCheck = (ctx: AppContext, db: DatabaseState) => CheckResult | CheckResult[];

const MIN_NODE = [20, 19];

function nodeCheck(): CheckResult {
  const [maj, min] = process.versions.node.split('.').map(Number);
  const ok = maj > MIN_NODE[0] || (maj === MIN_NODE[0] && min >= MIN_NODE[1]);
  return {
    id: 'node',
    title: 'Node.js version',
    status: ok ? 'ok' : 'fail',
    message: `Node ${process.versions.node}${ok ? '' : ` (needs >= ${MIN_NODE.join('.')})`}`,
    hint: ok ? undefined : 'install Node 20.19 or newer',
    diagnostics: ok ? [] : [{code: 'NODE_TOO_OLD', severity: 'error', message: `Node ${process.versions.node} is older than ${MIN_NODE.join('.')}`}],
  };
}

function configCheck(ctx: AppContext): CheckResult {
  const diags = ctx.configDiagnostics;
  const errors = diags.filter((d) => d.severity === 'error');
  const warnings = diags.filter((d) => d.severity === 'warning');
  return {
    id: 'config',
    title: 'hardstop.config.yaml',
    status: errors.length ? 'fail' : warnings.length ? 'warn' : 'ok',
    message: errors.length ? `${errors.length} error(s)` : warnings.length ? `${warnings.length} warning(s)` : 'valid',
    diagnostics: diags,
    data: {overrides: ctx.loaded.overrides.map((o) => o.name)},
  };
}

function storeChecks(ctx: AppContext): CheckResult[] {
  if (!ctx.loaded.config) {
    return [{id: 'database', title: 'Database', status: 'fail', message: 'not checked: the configuration is invalid', diagnostics: []}];
  }
  if (!existsSync(ctx.dbPath)) {
    return [
      {
        id: 'database',
        title: 'Database',
        status: 'fail',
        message: `${ctx.home.rel(ctx.dbPath)} does not exist`,
        hint: 'run `hardstop ingest` to create it and load the network',
        diagnostics: [{code: 'DB_MISSING', severity: 'error', message: `database ${ctx.home.rel(ctx.dbPath)} not found`, hint: 'run `hardstop ingest`'}],
      },
    ];
  }
  let store;
  try {
    store = ctx.openStoreReadOnly();
  } catch (err) {
    const d = err instanceof HardstopError ? err.diagnostics : [diag('DB_OPEN_FAILED', 'error', String(err))];
    return [{id: 'database', title: 'Database', status: 'fail', message: d[0].message, diagnostics: d}, skippedCheck('network', 'Network', 'unreadable')];
  }
  const results: CheckResult[] = [];
  let pending: number;
  let version: number;
  let counts: ReturnType<typeof networkCounts> = {facilities: 0, lanes: 0, shipments: 0};
  let problems: string[] = [];
  try {
    pending = store.pendingMigrations();
    version = store.schemaVersion();
    if (version > 0) {
      counts = networkCounts(store);
      problems = networkIntegrityProblems(store);
    }
  } catch (err) {
    const d = err instanceof HardstopError ? err.diagnostics : [diag('DB_UNREADABLE', 'error', `${ctx.home.rel(ctx.dbPath)}: ${(err as Error).message}`, {hint: 'restore the database from a backup, or move it aside and re-run `hardstop ingest`'})];
    return [{id: 'database', title: 'Database', status: 'fail', message: d[0].message, hint: d[0].hint, diagnostics: d}, skippedCheck('network', 'Network', 'unreadable')];
  }
  results.push({
    id: 'database',
    title: 'Database',
    status: pending ? 'warn' : 'ok',
    message: `${ctx.home.rel(ctx.dbPath)} schema v${version}${pending ? `, ${pending} migration(s) pending` : ', current'}`,
    hint: pending ? 'run `hardstop migrate` (writing commands also migrate first)' : undefined,
    diagnostics: pending ? [{code: 'DB_MIGRATIONS_PENDING', severity: 'warning', message: `${pending} migration(s) pending`, hint: 'run `hardstop migrate`'}] : [],
  });
  if (version === 0) return results;
  const empty = counts.facilities === 0;
  results.push({
    id: 'network',
    title: 'Network',
    status: problems.length ? 'fail' : empty ? 'warn' : 'ok',
    message: `${counts.facilities} facilities, ${counts.lanes} lanes, ${counts.shipments} shipments${problems.length ? `; ${problems.length} broken reference(s)` : ''}`,
    hint: empty ? 'load your network: `hardstop ingest --facilities F --lanes L --shipments S`' : problems.length ? 're-run `hardstop ingest` from corrected CSVs' : undefined,
    diagnostics: [
      ...problems.map((p) => diag('NETWORK_INTEGRITY', 'error', p)),
      ...(empty ? [diag('NETWORK_EMPTY', 'warning', 'no facilities loaded: nothing can be linked')] : []),
    ],
    data: {...counts},
  });
  return results;
}

/** Built-in checks plus layer checks, in a stable order. Never writes anything. */
export function runChecks(ctx: AppContext, extra: readonly ExtraCheck[] = []): CheckResult[] {
  const results = [nodeCheck(), configCheck(ctx), ...storeChecks(ctx)];
  const database = results.find((r) => r.id === 'database');
  const db: DatabaseState = database?.status !== 'fail' ? 'readable' : ctx.loaded.config && existsSync(ctx.dbPath) ? 'unreadable' : 'missing';
  for (const check of extra) {
    try {
      const r = check(ctx, db);
      results.push(...(Array.isArray(r) ? r : [r]));
    } catch (err) {
      const d = err instanceof HardstopError ? err.diagnostics : [diag('CHECK_FAILED', 'error', (err as Error).message)];
      results.push({id: 'check', title: 'check', status: 'fail', message: d[0].message, diagnostics: d});
    }
  }
  return results;
}

export function checksExitCode(results: readonly CheckResult[]): ExitCode {
  if (results.some((r) => r.status === 'fail')) return Exit.BROKEN;
  if (results.some((r) => r.status === 'warn')) return Exit.WARNING;
  return Exit.HEALTHY;
}
