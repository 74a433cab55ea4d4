import type {SourceFetchResult, FetchProgressEvent} from './fetch-operator.js';
import type {ResolvedSource} from './config.js';
import {isStaleSource, type SourceHealth, type SuppressionExplanation} from './health.js';
import {formatBytes, table} from '../present/table.js';

export function fetchResultsTable(results: readonly SourceFetchResult[]): string {
  return table(
    ['SOURCE', 'STATUS', 'CODE', 'ITEMS', 'NEW', 'DUP', 'BYTES', 'NOTE'],
    results.map((r) => [
      r.source_id,
      r.status,
      r.status_code === null ? '-' : String(r.status_code),
      String(r.items_fetched),
      String(r.items_new),
      String(r.items_duplicate + r.items_retried),
      formatBytes(r.bytes_downloaded),
      r.status === 'SKIPPED' ? (r.reason ?? 'skipped') : r.not_modified ? 'not modified (304)' : r.unchanged_document ? 'unchanged document' : r.status === 'FAILURE' ? `${r.error_code ?? 'error'}` : r.attempts > 1 ? `${r.attempts} attempts` : '',
    ]),
  );
}

/** A progress printer for a terminal: one line per source on stderr. */
export function progressPrinter(write: (s: string) => void): (e: FetchProgressEvent) => void {
  return (e) => {
    const pos = `[${e.index + 1}/${e.total}]`;
    if (e.phase === 'start') write(`${pos} ${e.source_id} …\n`);
    else if (e.result) {
      const r = e.result;
      const what =
        r.status === 'SUCCESS'
          ? r.not_modified
            ? 'not modified'
            : `${r.items_fetched} item(s), ${r.items_new} new, ${formatBytes(r.bytes_downloaded)}${r.unchanged_document ? ', unchanged document' : ''}`
          : `${r.error_code ?? 'FAILED'}: ${r.error ?? ''}`;
      write(`${pos} ${e.source_id} ${r.status} ${what} (${(r.duration_ms / 1000).toFixed(1)} s)\n`);
    }
  };
}

export function sourcesListTable(sources: readonly ResolvedSource[]): string {
  return table(
    ['ID', 'TIER', 'ENABLED', 'TYPE', 'TRUST', 'TAGS', 'URL'],
    sources.map((s) => [s.id, s.tier, s.enabled ? 'yes' : 'no', s.type, String(s.trust_tier), s.tags.join(',') || '-', s.url]),
  );
}

function fmtTime(t: string | null): string {
  return t ? `${t.slice(0, 10)} ${t.slice(11, 16)}` : 'Never';
}

export function healthTable(rows: readonly SourceHealth[]): string {
  return table(
    ['ID', 'Tier', 'Score', 'SR%', 'Last Success', 'Stale', 'Fail', 'Code', 'Supp%', 'State'],
    rows.map((r) => [
      r.source_id,
      r.tier ? r.tier[0].toUpperCase() : '-',
      String(r.health_score),
      r.never_fetched ? '—' : `${Math.round(r.success_rate * 100)}%`,
      fmtTime(r.last_success_utc),
      r.stale_hours === null ? '—' : `${r.stale_hours.toFixed(0)}h`,
      String(r.consecutive_failures),
      r.last_status_code === null ? '-' : String(r.last_status_code),
      r.suppression_ratio === null ? '—' : `${Math.round(r.suppression_ratio * 100)}%`,
      r.never_fetched ? 'PENDING (first fetch not run yet)' : `${r.display_state}${isStaleSource(r) ? ' (stale)' : ''}${r.gating_state !== r.display_state && r.gating_state !== 'IGNORED' ? ` (gates as ${r.gating_state}: ${r.sample_size} run(s))` : ''}${!r.configured ? ' (not configured)' : !r.enabled ? ' (disabled)' : ''}`,
    ]),
  );
}

export function suppressionText(x: SuppressionExplanation): string {
  const hours = Number.isInteger(x.window_hours) ? String(x.window_hours) : x.window_hours.toFixed(1);
  const lines = [`Suppression summary for ${x.source_id} (last ${hours}h):`];
  if (x.groups.length === 0) lines.push('  No suppressed items in the selected window.');
  for (const g of x.groups) {
    lines.push(`  - ${g.reason} :: ${g.count} hits (rules: ${g.rule_ids.length ? g.rule_ids.join(', ') : 'n/a'})`);
    for (const s of g.samples) lines.push(`      • ${s.suppressed_at} — ${(s.title ?? '(untitled)').slice(0, 60)}`);
  }
  return lines.join('\n');
}
