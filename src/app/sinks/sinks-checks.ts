import {diag} from '../../kernel/diagnostic.js';
import type {CheckResult, ExtraCheck} from '../checks.js';
import {DEFAULT_LEDGER, loadHomeSinks, missingSecretWarnings} from './home-sinks.js';
import {sinksStatus} from './sinks-ops.js';

/**
 * Doctor's sink checks: the sink files validate, their secret variables are set (names only,
 * never values), and the ledger holds no failed or in-doubt delivery.
 */
export const sinksDoctorCheck: ExtraCheck = (ctx) => {
  if (!ctx.loaded.config) return [];
  const loaded = loadHomeSinks(ctx);
  if (loaded.files.length === 0) return [];
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  const secrets = errors.length ? [] : missingSecretWarnings(loaded.sinks, ctx.env);
  const diagnostics = [...loaded.diagnostics, ...secrets];
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  const enabled = loaded.sinks.filter((s) => s.enabled).length;
  const results: CheckResult[] = [
    {
      id: 'sinks',
      title: 'Sink files',
      status: errors.length ? 'fail' : warnings.length ? 'warn' : 'ok',
      message: errors.length ? `${errors.length} error(s)` : `${loaded.sinks.length} sink(s), ${enabled} enabled${secrets.length ? `; unset: ${secrets.map((d) => String(d.message.match(/variable (\S+)/)?.[1])).join(', ')}` : ''}`,
      hint: errors.length || warnings.length ? 'run `hardstop sinks check` for details' : undefined,
      diagnostics,
    },
  ];
  const status = sinksStatus(ctx, {});
  const failed = status.attention.filter((a) => a.state === 'failed');
  const inDoubt = status.attention.filter((a) => a.state === 'sending');
  const pending = status.attention.filter((a) => a.state === 'pending' || a.state === 'delivered_unconfirmed');
  results.push({
    id: 'deliveries',
    title: `Delivery ledger (${DEFAULT_LEDGER})`,
    status: failed.length ? 'fail' : inDoubt.length || pending.length ? 'warn' : 'ok',
    message: status.counts.length === 0 ? 'no deliveries yet' : `${failed.length} failed, ${inDoubt.length} in doubt, ${pending.length} pending or unconfirmed`,
    hint: failed.length || inDoubt.length || pending.length ? 'see `hardstop sinks status`; fix the named errors and push again' : undefined,
    diagnostics: [
      ...failed.map((a) => diag('SINK_DELIVERY_FAILED', 'error', `${a.sink_id} ${a.alert_id} v${a.version}: ${a.last_error_code ?? 'failed'}`)),
      ...inDoubt.map((a) => diag('SINK_IN_DOUBT', 'warning', `${a.sink_id} ${a.alert_id} v${a.version}: in doubt (the next push resolves it)`)),
    ],
  });
  return results;
};
