import type {DeliveryResult} from '../../sinks/push.js';
import type {CheckReport, PlanReport, PushReport, StatusReport, TestReport} from './sinks-ops.js';

/** Human renderings of the sinks reports (the --json forms are the reports themselves). */

export function checkText(r: CheckReport): string {
  if (r.files.length === 0) return 'No sink files (sinks/*.yaml). `hardstop init` writes disabled examples; see docs/SINKS.md.';
  const lines = [`${r.files.length} sink file(s), ${r.sinks.length} sink(s):`];
  for (const s of r.sinks) lines.push(`  ${s.id.padEnd(20)} ${s.type}${s.mode ? ` ${s.mode}` : ''}${s.enabled ? '' : ' (disabled)'}  routes: ${s.routes.join(', ') || 'none'}  [${s.file}]`);
  return lines.join('\n');
}

function planLines(sinks: PlanReport['sinks']): string[] {
  const lines: string[] = [];
  for (const s of sinks) {
    lines.push(`${s.id} (${s.type})${s.in_doubt ? ` — ${s.in_doubt} in-doubt deliveries to resolve first` : ''}:`);
    if (s.entries.length === 0) lines.push('  (no alert versions in the bundle)');
    for (const e of s.entries) {
      lines.push(`  ${e.alert_id} v${e.version}  ${(e.route ?? '-').padEnd(16)} ${e.action.padEnd(30)} ${e.reason ?? ''}${e.note ? `  (${e.note})` : ''}`.trimEnd());
    }
  }
  return lines;
}

export function planText(r: PlanReport): string {
  if (!r.bundle) return '';
  return [`Bundle ${r.bundle.dir} verified (manifest ${r.bundle.manifest_hash.slice(0, 12)}, ${r.bundle.alert_versions} alert version(s)). Nothing is sent by plan.`, ...planLines(r.sinks)].join('\n');
}

/** The TTY progress line of one settled delivery. */
export function progressLine(sinkId: string, d: DeliveryResult, done: number, total: number): string {
  const what = d.kind === 'digest' ? `digest part ${d.version}` : d.alertId;
  return `[${done}/${total}] ${sinkId} ${what} ${d.state}${d.error ? ` (${d.error.name})` : ''}${d.fallback ? ` [${d.fallback}]` : ''}`;
}

export function pushText(r: PushReport): string {
  if (!r.bundle) return '';
  const head = `Bundle ${r.bundle.dir} verified (manifest ${r.bundle.manifest_hash.slice(0, 12)}, ${r.bundle.alert_versions} alert version(s)).`;
  if (r.dry_run || !r.network) return [head, r.dry_run ? 'Dry run: nothing sent, the ledger is unchanged.' : 'Network disabled: nothing sent.', ...planLines(r.plan)].join('\n');
  const lines = [head];
  for (const s of r.sinks) {
    const counts = ['delivered', 'delivered_unconfirmed', 'pending', 'failed'].filter((k) => s.counts[k]).map((k) => `${s.counts[k]} ${k.replace('_', ' ')}`);
    const skipped = Object.entries(s.skipped).map(([k, n]) => `${n} ${k}`);
    const recovered = s.recovered ? `; ${s.recovered} found already posted (empty ledger)` : '';
    lines.push(`${s.id}: ${counts.join(', ') || 'nothing to send'}${skipped.length ? `; skipped ${skipped.join(', ')}` : ''}${recovered}${s.deadline_reached ? '; deadline reached' : ''}`);
    for (const x of s.in_doubt) lines.push(`  in doubt ${x.alertId} v${x.version}: ${x.resolution}`);
    for (const d of s.deliveries) {
      if (d.state === 'delivered' && d.attempts.length <= 1 && !d.fallback && !d.resent) continue;
      lines.push(`  ${d.state.toUpperCase()} ${d.alertId} v${d.version}${d.error ? ` ${d.error.name}: ${d.error.hint}` : ''}${d.attempts.length > 1 ? ` (${d.attempts.length} attempts)` : ''}${d.fallback ? ` [${d.fallback}]` : ''}${d.resent ? ' [resent]' : ''}`);
    }
  }
  return lines.join('\n');
}

export function statusText(r: StatusReport): string {
  if (r.counts.length === 0) return `No deliveries recorded yet (${r.ledger}).`;
  const bySink = new Map<string, string[]>();
  for (const c of r.counts) bySink.set(c.sink_id, [...(bySink.get(c.sink_id) ?? []), `${c.count} ${c.state}`]);
  const lines = [`Ledger ${r.ledger}:`, ...[...bySink].map(([id, parts]) => `  ${id}: ${parts.join(', ')}`)];
  for (const a of r.attention) {
    const doubt = a.state === 'sending' ? ' (in doubt: a push died during this request; the next push resolves it)' : '';
    lines.push(`  ${a.state.toUpperCase()} ${a.sink_id} ${a.alert_id} v${a.version} after ${a.attempts} attempt(s)${a.last_error_code ? `: ${a.last_error_code} ${a.last_error_message ?? ''}` : ''}${a.resent ? ' [resent]' : ''}${doubt}`);
  }
  return lines.join('\n');
}

export function testText(r: TestReport): string {
  return r.sent ? `Test message sent to ${r.sink}.` : `No test message delivered to ${r.sink} (${r.outcome}).`;
}
