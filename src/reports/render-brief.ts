/**
 * Brief renderers: pure functions of the read model (the same model gives byte-identical
 * output). Markdown follows outputs.md §2.6 line for line; JSON is the model in JCS key
 * order, 2-space indent, UTF-8 unescaped (R-9); text is the Markdown content without markup,
 * wrapped at 100 columns. Every rendering ends with exactly one newline.
 */
import {prettyCanonicalJson} from '../kernel/canonical-json.js';
import type {BriefAlertEntry, BriefModel, TierGroup} from './brief.js';

export type BriefFormat = 'md' | 'json' | 'text';
export const BRIEF_FORMATS: readonly BriefFormat[] = ['md', 'json', 'text'];

const TIER_ORDER: readonly TierGroup[] = ['global', 'regional', 'local', 'unknown'];
const TIER_TITLE: Record<TierGroup, string> = {global: 'Global', regional: 'Regional', local: 'Local', unknown: 'Unknown'};
const TIER_BADGE: Record<TierGroup, string> = {global: 'G', regional: 'R', local: 'L', unknown: '?'};
const SCOPE_LIST_MAX = 3;
export const TEXT_WIDTH = 100;

function tierOf(e: BriefAlertEntry): TierGroup {
  return e.tier === 'global' || e.tier === 'regional' || e.tier === 'local' ? e.tier : 'unknown';
}

/**
 * Escapes user text for inline Markdown (R-19): backslash, emphasis, code, link and HTML
 * characters are backslash-escaped; line breaks become spaces. Text is never at the start of
 * a line in this layout, so `#` and `>` cannot start a heading or quote, and there are no
 * tables for a vertical bar to break.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<]/g, (c) => `\\${c}`);
}

type Flavor = 'md' | 'text';

function plain(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ');
}

function bold(f: Flavor, s: string): string {
  return f === 'md' ? `**${s}**` : s;
}

function user(f: Flavor, s: string): string {
  return f === 'md' ? escapeMarkdown(s) : plain(s);
}

/** Within a tier group: (classification, impact or 0, update_count or 0, last_seen or "") desc, then id. */
function groupOrder(a: BriefAlertEntry, b: BriefAlertEntry): number {
  return (
    b.classification - a.classification ||
    (b.impact_score ?? 0) - (a.impact_score ?? 0) ||
    (b.update_count ?? 0) - (a.update_count ?? 0) ||
    ((b.last_seen_utc ?? '') < (a.last_seen_utc ?? '') ? -1 : (b.last_seen_utc ?? '') > (a.last_seen_utc ?? '') ? 1 : 0) ||
    (a.alert_id < b.alert_id ? -1 : a.alert_id > b.alert_id ? 1 : 0)
  );
}

function headline(f: Flavor, e: BriefAlertEntry): string {
  const trust = e.trust_tier ? ` (T${e.trust_tier})` : '';
  return `${bold(f, `[${e.classification}][${TIER_BADGE[tierOf(e)]}]`)} ${user(f, e.summary)}${trust}`;
}

function listPart(f: Flavor, items: readonly string[]): string {
  const shown = items.slice(0, SCOPE_LIST_MAX).map((x) => user(f, x)).join(', ');
  return items.length > SCOPE_LIST_MAX ? `${shown} (+${items.length - SCOPE_LIST_MAX} more)` : shown;
}

function scopeLine(f: Flavor, e: BriefAlertEntry): string | null {
  const s = e.scope;
  const parts: string[] = [];
  if (s.facilities.length) parts.push(`Facilities: ${listPart(f, s.facilities)}`);
  if (s.lanes.length) parts.push(`Lanes: ${listPart(f, s.lanes)}`);
  const shown = s.shipments.length;
  const total = typeof s.shipments_total_linked === 'number' ? s.shipments_total_linked : shown;
  if (shown > 0 || total > 0) parts.push(`Shipments: ${total > shown ? `${shown}/${total}` : `${shown}`}`);
  return parts.length ? parts.join(' | ') : null;
}

function evidenceLine(f: Flavor, e: BriefAlertEntry): string | null {
  const ev = e.evidence_summary;
  if (!ev) return null;
  const label = ev.artifact_hash_verified === false ? 'Evidence (UNVERIFIED)' : 'Evidence';
  const summary = Array.isArray(ev.merge_summary) ? ev.merge_summary.filter((x): x is string => typeof x === 'string') : [];
  if (summary.length) return `${label}: ${summary.map((x) => user(f, x)).join('; ')}`;
  if (typeof ev.artifact_hash === 'string' && ev.artifact_hash) return `${label}: artifact ${ev.artifact_hash.slice(0, 8)}`;
  return null;
}

function groups(entries: readonly BriefAlertEntry[]): [TierGroup, BriefAlertEntry[]][] {
  const out: [TierGroup, BriefAlertEntry[]][] = [];
  for (const tier of TIER_ORDER) {
    const members = entries.filter((e) => tierOf(e) === tier).sort(groupOrder);
    if (members.length) out.push([tier, members]);
  }
  return out;
}

/** The brief as lines (shared by Markdown and text); the caller joins them. */
function briefLines(model: BriefModel, f: Flavor): string[] {
  const h1 = f === 'md' ? '# ' : '';
  const h2 = f === 'md' ? '## ' : '';
  const h3 = f === 'md' ? '### ' : '';
  const item = f === 'md' ? '- ' : '* ';
  const sub = f === 'md' ? '  - ' : '    ';
  const date = model.generated_at_utc.slice(0, 10);
  const lines: string[] = [`${h1}Hardstop Daily Brief — ${date} (since ${model.window.since})`, ''];
  const pub = model.publication;
  if (pub && pub.state !== 'AUTHORITATIVE') {
    const reasons = pub.reasons.length ? pub.reasons.map((r) => user(f, r)).join('; ') : 'readiness check failed';
    lines.push(`${f === 'md' ? '> ' : ''}${bold(f, 'DRAFT_ONLY')} — not authoritative: ${reasons}`, '');
  }
  const c = model.counts;
  const t = model.tier_counts;
  lines.push(`${h2}Summary`, '');
  lines.push(`${item}${bold(f, 'New:')} ${c.new} | ${bold(f, 'Updated:')} ${c.updated}`);
  lines.push(`${item}${bold(f, 'Impactful (2):')} ${c.impactful} | ${bold(f, 'Relevant (1):')} ${c.relevant} | ${bold(f, 'Interesting (0):')} ${c.interesting}`);
  const tierParts = TIER_ORDER.filter((k) => t[k] > 0).map((k) => `${TIER_TITLE[k]} ${t[k]}`);
  lines.push(`${item}${bold(f, 'Tier:')} ${tierParts.length ? tierParts.join(' | ') : 'None'}`);
  const sup = model.suppressed;
  if (sup.count > 0) {
    const top = sup.by_rule.slice(0, 3).map((r) => `${user(f, r.rule_id)}=${r.count}`);
    lines.push(`${item}${bold(f, 'Suppressed:')} ${sup.count}${top.length ? ` (top: ${top.join(', ')})` : ''}`);
  }
  if (model.hidden.class0 > 0) {
    lines.push(`${item}${bold(f, 'Hidden:')} ${model.hidden.class0} class-0 alert(s) not listed (pass --include-class0 to list them)`);
  }
  lines.push('');

  if (c.new + c.updated === 0) {
    lines.push(`${h2}Quiet Day`, '', 'No alerts found for the selected time window.', '', 'To generate alerts:');
    lines.push(`${item}Run \`hardstop run\` (or \`hardstop fetch\` then \`hardstop ingest-external\`) to process events`);
    lines.push(`${item}Configure event sources to ingest new events`, '');
    return lines;
  }

  if (model.top.length) {
    lines.push(`${h2}Top Impact`, '');
    for (const [tier, members] of groups(model.top)) {
      lines.push(`${h3}${TIER_TITLE[tier]}`, '');
      for (const e of members) {
        lines.push(`${item}${headline(f, e)}`);
        lines.push(`${sub}${bold(f, 'Key:')} ${user(f, e.correlation.key)}`);
        const scope = scopeLine(f, e);
        if (scope) lines.push(`${sub}${scope}`);
        lines.push(`${sub}${bold(f, 'Last seen:')} ${e.last_seen_utc} | ${bold(f, 'Updates:')} ${e.update_count}`);
        const ev = evidenceLine(f, e);
        if (ev) lines.push(`${sub}${ev}`);
        lines.push('');
      }
    }
  }
  const simpleSection = (title: string, entries: readonly BriefAlertEntry[], withUpdates: boolean) => {
    if (!entries.length) return;
    lines.push(`${h2}${title}`, '');
    for (const [tier, members] of groups(entries)) {
      lines.push(`${h3}${TIER_TITLE[tier]}`, '');
      for (const e of members) {
        lines.push(`${item}${headline(f, e)}${withUpdates ? ` — Updates: ${e.update_count}` : ''}`);
        const ev = evidenceLine(f, e);
        if (ev) lines.push(`${sub}${ev}`);
      }
      lines.push('');
    }
  };
  simpleSection('Updated Alerts', model.updated, true);
  simpleSection('New Alerts', model.created, false);
  return lines;
}

function finish(lines: readonly string[]): string {
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

/** Markdown (outputs.md §2.6), one final newline. */
export function renderBriefMarkdown(model: BriefModel): string {
  return finish(briefLines(model, 'md'));
}

/** Word-wraps one line to `width` columns; continuation lines keep the line's indent + 2. */
export function wrapLine(line: string, width = TEXT_WIDTH): string[] {
  if ([...line].length <= width) return [line];
  const indent = /^ */.exec(line)![0].length;
  const cont = ' '.repeat(Math.min(indent + 2, width - 20));
  const words = line.slice(indent).split(' ');
  const out: string[] = [];
  let cur = ' '.repeat(indent);
  let curLen = indent;
  let fresh = true;
  for (const w of words) {
    const wl = [...w].length;
    if (!fresh && curLen + 1 + wl > width) {
      out.push(cur);
      cur = cont;
      curLen = cont.length;
      fresh = true;
    }
    if (fresh) {
      // a single word longer than the line is cut hard
      let word = w;
      while (curLen + [...word].length > width) {
        const room = Math.max(1, width - curLen);
        const chars = [...word];
        out.push(cur + chars.slice(0, room).join(''));
        word = chars.slice(room).join('');
        cur = cont;
        curLen = cont.length;
      }
      cur += word;
      curLen += [...word].length;
      fresh = false;
    } else {
      cur += ` ${w}`;
      curLen += 1 + wl;
    }
  }
  out.push(cur);
  return out.map((l) => l.trimEnd());
}

/** Plain terminal text: the Markdown content without markup, at most 100 columns. */
export function renderBriefText(model: BriefModel): string {
  return finish(briefLines(model, 'text').flatMap((l) => wrapLine(l)));
}

/** JSON: the model, JCS key order, 2-space indent, UTF-8, one final newline. */
export function renderBriefJson(model: BriefModel): string {
  return prettyCanonicalJson(model);
}

export function renderBrief(model: BriefModel, format: BriefFormat): string {
  switch (format) {
    case 'md':
      return renderBriefMarkdown(model);
    case 'json':
      return renderBriefJson(model);
    case 'text':
      return renderBriefText(model);
    default:
      throw new RangeError(`unknown brief format: ${String(format)}`);
  }
}
