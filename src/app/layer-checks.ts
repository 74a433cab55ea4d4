import {existsSync} from 'node:fs';
import {diag} from '../kernel/diagnostic.js';
import {computeSourceHealth, gatePhrases, healthGate, isStaleSource, watchReason} from '../sources/health.js';
import {type CheckResult, type ExtraCheck, skippedCheck} from './checks.js';
import {checkDecisionRules} from './decision-inputs.js';
import {readHomeRuleTexts} from './home-rules.js';
import {runRecordCoverageCheck} from './run-record-coverage.js';
import {sinksDoctorCheck} from './sinks/sinks-checks.js';

const sourcesCheck: ExtraCheck = (ctx, db) => {
  if (!ctx.loaded.config) return [];
  const loaded = ctx.sourcesConfig;
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  const enabled = loaded.sources.filter((s) => s.enabled);
  const results: CheckResult[] = [];
  if (errors.length || !loaded.ok) {
    results.push({id: 'sources', title: 'config/sources.yaml', status: 'fail', message: `${errors.length} error(s)`, diagnostics: loaded.diagnostics});
    return results;
  }
  results.push({
    id: 'sources',
    title: 'config/sources.yaml',
    status: enabled.length === 0 ? 'warn' : 'ok',
    message: `${loaded.sources.length} source(s), ${enabled.length} enabled`,
    hint: enabled.length === 0 ? 'enable at least one source, or `hardstop run` has nothing to fetch' : undefined,
    diagnostics: [
      ...loaded.diagnostics,
      ...(enabled.length === 0 ? [diag('NO_ENABLED_SOURCES', 'warning', 'no source is enabled')] : []),
    ],
  });
  if (db === 'unreadable') {
    results.push(skippedCheck('source-health', 'Source health', db));
    return results;
  }
  // Health only reads an existing store; a missing database is reported by the database check.
  const store = existsSync(ctx.dbPath) && ctx.store ? ctx.store : undefined;
  const health = computeSourceHealth(store, loaded.sources, {now: ctx.clock.now()});
  const gate = healthGate(health.filter((h) => h.enabled && h.configured));
  const phrases = gatePhrases(health);
  const watched = health.filter((h) => gate.watch.includes(h.source_id));
  results.push({
    id: 'source-health',
    title: 'Source health',
    status: gate.blocked.length ? 'fail' : gate.watch.length ? 'warn' : 'ok',
    message: gate.blocked.length || gate.watch.length
      ? [phrases.blocked, phrases.stale, phrases.watch].filter((p) => p !== null).join('; ')
      : `${health.length - gate.pending.length} healthy, ${gate.pending.length} never fetched`,
    hint: gate.blocked.length || gate.watch.length ? 'see `hardstop sources health` and `hardstop sources test <id>`; a stale source has not fetched successfully lately (is the cron job running?)' : undefined,
    diagnostics: [
      ...gate.blocked.map((id) => diag('SOURCE_BLOCKED', 'error', `source ${id} exhausted its failure budget`)),
      ...watched.map((h) => diag(isStaleSource(h) ? 'SOURCE_STALE' : 'SOURCE_WATCH', 'warning', watchReason(h))),
    ],
  });
  return results;
};

const rulesCheck: ExtraCheck = (ctx) => {
  if (!ctx.loaded.config) return [];
  // config/sources.yaml's own errors are the sources check's; an invalid file has no sources here.
  const r = checkDecisionRules(readHomeRuleTexts(ctx), ctx.sourcesConfig.sources);
  const diagnostics = [...r.diagnostics, ...r.sourceDiagnostics];
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  return {
    id: 'rules',
    title: 'Rule pack',
    status: errors ? 'fail' : warnings ? 'warn' : 'ok',
    message: errors ? `${errors} error(s), ${warnings} warning(s)` : `${ctx.config.domain.active_pack}: ${r.pack?.files.length ?? 0} file(s) compile${warnings ? `, ${warnings} warning(s)` : ''}`,
    hint: errors || warnings ? 'run `hardstop rules check` for details' : undefined,
    diagnostics,
  };
};

/** Checks contributed by the sources, rules and sinks layers, run by doctor after the built-ins. */
export const DOCTOR_EXTRA_CHECKS: readonly ExtraCheck[] = [sourcesCheck, rulesCheck, sinksDoctorCheck, runRecordCoverageCheck];
