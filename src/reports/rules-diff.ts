import type {ChangedItem, ItemChange, RulesDiffReport, RuleTraceDiff} from '../pipeline/rule-diff.js';

const show = (v: unknown): string => (v === null || v === undefined ? 'none' : Array.isArray(v) ? (v.length ? v.join(', ') : 'none') : String(v));

function pct(ratio: number | null): string {
  return ratio === null ? 'from 0' : `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)}%`;
}

/** One change as a line: `score: 6 → 7 (+1, +16.7%)  [rules: a, b]`. */
export function changeLine(c: ItemChange): string {
  const delta = c.delta ? ` (${c.delta.points >= 0 ? '+' : ''}${c.delta.points}, ${pct(c.delta.ratio)})` : '';
  const rules = c.rule_ids.length ? `  [rules: ${c.rule_ids.join(', ')}]` : '';
  return `${c.kind}: ${show(c.from)} → ${show(c.to)}${delta}${rules}`;
}

function countLine(entries: [string, number][]): string {
  return entries.length ? entries.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

function header(r: RulesDiffReport): string[] {
  const s = r.summary;
  const lines = [
    `rules diff: ${r.items_compared} item(s) decided ${r.window.since} .. ${r.window.until}${r.window.source ? ` from source ${r.window.source}` : ''}`,
    `  candidate: ${r.candidate.rules} (pack ${r.candidate.pack_hash.slice(0, 12)}) against the rules each item was decided with`,
  ];
  if (r.items_without_snapshot > 0) lines.push(`  ${r.items_without_snapshot} item(s) come from runs without a rule snapshot: compared against the current rule files`);
  lines.push(
    `  gate: --fail-on ${r.policy.fail_on.join(',') || '(nothing)'} --max-score-delta ${r.policy.max_score_delta}`,
    '',
    `Changed: ${s.items_changed} item(s), ${s.items_failing} failing the gate`,
    `  by kind:   ${countLine(Object.entries(s.by_kind).filter(([, n]) => n > 0))}`,
    `  by rule:   ${countLine(s.by_rule.map((x) => [x.rule_id, x.items]))}`,
    `  by source: ${countLine(s.by_source.map((x) => [x.source_id, x.items]))}`,
  );
  if (r.incidents.length) {
    lines.push(`Incidents: ${r.incidents.filter((i) => i.kind === 'merge').length} merge(s), ${r.incidents.filter((i) => i.kind === 'split').length} split(s)`);
    for (const i of r.incidents) lines.push(`  ${i.kind}: ${i.from.join(' + ')} → ${i.to.join(' + ')} (${i.items.length} item(s): ${i.items.join(', ')})`);
  }
  return lines;
}

/** One rule on both sides: its outcome each side, then the sub-expressions that changed value. */
function traceLines(t: RuleTraceDiff, indent: string): string[] {
  const lines = [
    `${indent}${t.section} ${t.rule_id} (${t.file}:${t.line}:${t.col})`,
    `${indent}  recorded:  ${t.recorded ?? 'rule absent'}`,
    `${indent}  candidate: ${t.candidate ?? 'rule absent'}`,
  ];
  let field = '';
  for (const e of t.expressions) {
    if (e.field !== field) {
      field = e.field;
      lines.push(`${indent}  ${field} (recorded | candidate):`);
    }
    lines.push(`${indent}    ${'  '.repeat(e.depth)}${e.expr}  →  ${e.recorded} | ${e.candidate}  [${e.line}:${e.col}]`);
  }
  return lines;
}

function itemHead(it: ChangedItem): string {
  return `${it.fails ? 'FAIL' : 'CHANGED'} ${it.event_id} (${it.source_id}, decided ${it.decided_at}${it.baseline === 'current' ? ', no snapshot: against current rules' : ''}) ${JSON.stringify(it.title)}`;
}

/** Terminal rendering: the summary, then each changed item with its changes and traces. */
export function renderRulesDiffText(r: RulesDiffReport): string {
  const lines = header(r);
  for (const it of r.items) {
    lines.push('', itemHead(it));
    for (const c of it.changes) lines.push(`  ${changeLine(c)}`);
    if (it.trace.length) lines.push('  trace:');
    for (const p of it.trace) lines.push(...traceLines(p, '    '));
  }
  return lines.join('\n');
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Markdown for a pull-request job summary: tables, then one collapsible block per item. */
export function renderRulesDiffMarkdown(r: RulesDiffReport): string {
  const s = r.summary;
  const verdict = s.items_failing > 0 ? `**${s.items_failing} item(s) fail the gate**` : 'no change fails the gate';
  const lines = [
    '## Hardstop rules diff',
    '',
    `${r.items_compared} item(s) decided ${r.window.since} .. ${r.window.until}${r.window.source ? ` from source \`${r.window.source}\`` : ''}, recomputed under \`${r.candidate.rules}\` (pack \`${r.candidate.pack_hash.slice(0, 12)}\`) against the rules each was decided with: **${s.items_changed} changed**, ${verdict} (\`--fail-on ${r.policy.fail_on.join(',')}\`, \`--max-score-delta ${r.policy.max_score_delta}\`).`,
  ];
  if (r.items_without_snapshot > 0) lines.push('', `> ${r.items_without_snapshot} item(s) come from runs without a rule snapshot and are compared against the current rule files.`);
  lines.push('', '| change | items |', '|---|---|', ...Object.entries(s.by_kind).map(([k, n]) => `| ${k} | ${n} |`));
  if (s.by_rule.length) lines.push('', '| rule | items |', '|---|---|', ...s.by_rule.map((x) => `| \`${x.rule_id}\` | ${x.items} |`));
  if (s.by_source.length) lines.push('', '| source | items |', '|---|---|', ...s.by_source.map((x) => `| \`${x.source_id}\` | ${x.items} |`));
  if (r.incidents.length) {
    lines.push('', '### Incidents that would merge or split', '');
    for (const i of r.incidents) lines.push(`- **${i.kind}**: ${i.from.map((x) => `\`${x}\``).join(' + ')} → ${i.to.map((x) => `\`${x}\``).join(' + ')} (${i.items.length} items)`);
  }
  if (r.items.length) lines.push('', '### Changed items');
  for (const it of r.items) {
    lines.push('', '<details>', `<summary>${it.fails ? '❌' : '⚠️'} <code>${it.event_id}</code> ${mdCell(it.title)} — ${it.changes.map((c) => c.kind).join(', ')}</summary>`, '');
    lines.push(`Source \`${it.source_id}\`, decided ${it.decided_at}${it.baseline === 'current' ? ' (no snapshot: compared against the current rules)' : ''}.`, '');
    for (const c of it.changes) lines.push(`- ${mdCell(changeLine(c))}`);
    if (it.trace.length) lines.push('', '```', ...it.trace.flatMap((p) => traceLines(p, '')), '```');
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n`;
}
