import {diag, type Diagnostic} from '../kernel/diagnostic.js';
import {ExitCode, type Mode} from '../kernel/exit-status.js';
import {gatePhrases, healthGate, type SourceHealth} from '../sources/health.js';
import type {SourceRunRow} from '../store/source-runs-repo.js';

/** The outcome of one `hardstop run`, as operations.md §7.4 and §7.6 evaluate it. */
export interface RunStatusInput {
  mode: Mode;
  enabledSources: number;
  /** FETCH rows of this run group (none when the fetch step crashed). */
  fetchRows: readonly SourceRunRow[] | null;
  /** INGEST rows of this run group (null when the ingest step crashed). */
  ingestRows: readonly SourceRunRow[] | null;
  health: readonly SourceHealth[];
  /** A step that threw (fetch, ingest, brief): BROKEN. */
  crashedSteps: readonly string[];
  /** Warnings the steps reported besides the ones above (feed, item, config): W7. */
  otherWarnings: number;
}

export interface RunStatus {
  exitCode: ExitCode;
  messages: string[];
  diagnostics: Diagnostic[];
}

/**
 * B1–B6 and W1–W6 of operations.md §7.4 with the TS contract and the exit-code matrix of
 * docs/OPERATIONS.md: crashed steps and "no fetch results" are BROKEN; a source that fails,
 * goes stale or is on WATCH is a warning until its failure budget is spent (then B4), in
 * strict mode too — public feeds flap, and a cron job must not go red for one of many; strict
 * promotes only the warnings that mean items were not decided (W3, W4). Any other warning
 * (a feed's dropped or undated items, config) is W7: exit 1 in both modes.
 */
export function evaluateRunStatus(input: RunStatusInput): RunStatus {
  const broken: string[] = [];
  const warnings: {message: string; blocking: boolean}[] = [];
  const gate = healthGate(input.health.filter((h) => h.enabled && h.configured));
  if (input.enabledSources === 0) broken.push('No enabled sources configured');
  for (const step of input.crashedSteps) broken.push(`The ${step} step crashed`);
  if (gate.blocked.length) broken.push(`${gate.blocked.length} source(s) exhausted failure budget: ${gate.blocked.join(', ')}`);
  const fetchRows = (input.fetchRows ?? []).filter((r) => r.status !== 'SKIPPED');
  const ok = fetchRows.filter((r) => r.status === 'SUCCESS');
  const failed = fetchRows.filter((r) => r.status === 'FAILURE');
  if (input.fetchRows !== null && input.enabledSources > 0) {
    if (fetchRows.length === 0) broken.push('No fetch results available');
    else if (ok.length === 0) broken.push(`All ${failed.length} sources failed to fetch`);
  }
  if (input.fetchRows && input.ingestRows && input.ingestRows.length === 0 && ok.some((r) => r.items_fetched > 0)) {
    broken.push('Ingest crashed before processing any source');
  }
  const blocked = new Set(gate.blocked);
  const failedWithin = failed.filter((r) => !blocked.has(r.source_id));
  if (failedWithin.length && ok.length) {
    warnings.push({message: `${failedWithin.length} source(s) failed to fetch (within failure budget): ${failedWithin.map((r) => r.source_id).join(', ')}`, blocking: false});
  }
  const phrases = gatePhrases(input.health);
  if (phrases.stale) warnings.push({message: phrases.stale, blocking: false});
  const ingestFailed = (input.ingestRows ?? []).filter((r) => r.status === 'FAILURE');
  if (ingestFailed.length) warnings.push({message: `${ingestFailed.length} source(s) failed during ingest`, blocking: true});
  const withErrors = (input.ingestRows ?? []).filter((r) => Number(r.diagnostics.errors ?? 0) > 0);
  if (withErrors.length) {
    const total = withErrors.reduce((a, r) => a + Number(r.diagnostics.errors ?? 0), 0);
    warnings.push({message: `${withErrors.length} source(s) had ingest errors (${total} total)`, blocking: true});
  }
  if (phrases.watch) warnings.push({message: phrases.watch, blocking: false});
  if (input.otherWarnings > 0) warnings.push({message: `${input.otherWarnings} warning(s) about feeds, items or configuration (listed above)`, blocking: false});
  const diagnostics: Diagnostic[] = [
    ...broken.map((m) => diag('RUN_STATUS::2', 'error', m)),
    ...warnings.map((w) => diag('RUN_STATUS::1', 'warning', w.message, {details: {blocking: w.blocking}})),
  ];
  const messages = [...broken, ...warnings.map((w) => w.message)].slice(0, 3);
  if (broken.length) return {exitCode: ExitCode.BROKEN, messages, diagnostics};
  if (warnings.length) {
    const promoted = input.mode === 'strict' && warnings.some((w) => w.blocking);
    return {exitCode: promoted ? ExitCode.BROKEN : ExitCode.WARNING, messages, diagnostics};
  }
  return {exitCode: ExitCode.HEALTHY, messages: ['All systems healthy'], diagnostics};
}
