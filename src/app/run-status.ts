import {diag, type Diagnostic} from '../kernel/diagnostic.js';
import {ExitCode, type Mode} from '../kernel/exit-status.js';
import type {SourceHealth} from '../sources/health.js';
import {healthGate} from '../sources/health.js';
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
}

export interface RunStatus {
  exitCode: ExitCode;
  messages: string[];
  diagnostics: Diagnostic[];
}

/**
 * B1–B6 and W1–W6 of operations.md §7.4 with the TS contract: crashed steps and "no fetch
 * results" are BROKEN; strict promotes W1–W4 and W6; stale and pending sources are
 * reported but only enabled, configured sources gate.
 */
export function evaluateRunStatus(input: RunStatusInput): RunStatus {
  const broken: string[] = [];
  const warnings: string[] = [];
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
  if (failed.length && ok.length) warnings.push(`${failed.length} source(s) failed to fetch: ${failed.map((r) => r.source_id).join(', ')}`);
  const stale = input.health.filter((h) => h.enabled && h.configured && h.is_stale && !h.never_fetched).map((h) => h.source_id);
  if (stale.length) warnings.push(`${stale.length} source(s) stale: ${stale.join(', ')}`);
  const ingestFailed = (input.ingestRows ?? []).filter((r) => r.status === 'FAILURE');
  if (ingestFailed.length) warnings.push(`${ingestFailed.length} source(s) failed during ingest`);
  const withErrors = (input.ingestRows ?? []).filter((r) => Number(r.diagnostics.errors ?? 0) > 0);
  if (withErrors.length) {
    const total = withErrors.reduce((a, r) => a + Number(r.diagnostics.errors ?? 0), 0);
    warnings.push(`${withErrors.length} source(s) had ingest errors (${total} total)`);
  }
  if (gate.watch.length) warnings.push(`${gate.watch.length} source(s) near failure budget: ${gate.watch.join(', ')}`);
  const diagnostics: Diagnostic[] = [
    ...broken.map((m) => diag('RUN_STATUS::2', 'error', m)),
    ...warnings.map((m) => diag('RUN_STATUS::1', 'warning', m, {details: {blocking: true}})),
  ];
  if (broken.length) return {exitCode: ExitCode.BROKEN, messages: broken.slice(0, 3), diagnostics};
  if (warnings.length) return {exitCode: input.mode === 'strict' ? ExitCode.BROKEN : ExitCode.WARNING, messages: warnings.slice(0, 3), diagnostics};
  return {exitCode: ExitCode.HEALTHY, messages: ['All systems healthy'], diagnostics};
}
