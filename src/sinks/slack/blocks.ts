import type {BundleAlert} from '../bundle-alert.js';
import {classificationLabel} from '../bundle-alert.js';
import type {DigestContent} from '../notifier.js';
import {changesSince, type AlertFacts} from '../what-changed.js';

/**
 * Block Kit layout of sinks.md §6.2. Every limit is enforced here, before sending — never by
 * trial and error against Slack. Lengths are counted in characters (code points).
 */
export const SLACK_LIMITS = {blocks: 50, sectionText: 3000, field: 2000, fields: 10, header: 150, contextText: 2000, totalText: 12000, topText: 3000} as const;

export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}
export type Block =
  | {type: 'header'; text: TextObject}
  | {type: 'section'; text?: TextObject; fields?: TextObject[]}
  | {type: 'context'; elements: TextObject[]}
  | {type: 'divider'};

export interface SlackMessage {
  /** Top-level text: what notifications and screen readers show. Always set. */
  text: string;
  blocks: Block[];
}

const RESENT = '(resent: earlier delivery not confirmed)';

const len = (s: string) => [...s].length;

/** Slack mrkdwn escaping of user text (`&`, `<`, `>`). */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts to at most `max` characters, on a word boundary when one is near, ending with "…". */
export function cut(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  let end = max - 1;
  const space = chars.lastIndexOf(' ', end);
  if (space > max * 0.6) end = space;
  return `${chars.slice(0, end).join('').trimEnd()}…`;
}

/** Escapes user text and cuts it to `max` characters without splitting an entity. */
export function fitEscaped(raw: string, max: number): string {
  const full = escapeMrkdwn(raw);
  if (len(full) <= max) return full;
  let out = '';
  let n = 0;
  let lastSpace = -1;
  for (const ch of raw) {
    const e = escapeMrkdwn(ch);
    if (n + len(e) > max - 1) break;
    if (ch === ' ') lastSpace = out.length;
    out += e;
    n += len(e);
  }
  if (lastSpace > out.length * 0.6) out = out.slice(0, lastSpace);
  return `${out.trimEnd()}…`;
}

/** "A, B, C, +N more" within `max` characters (the full lists are in the bundle). */
export function listWithin(ids: readonly string[], max: number): string {
  if (ids.length === 0) return '—';
  const whole = escapeMrkdwn(ids.join(', '));
  if (len(whole) <= max) return whole;
  let shown = ids.length;
  for (;;) {
    shown--;
    const more = `, +${ids.length - shown} more`;
    const head = escapeMrkdwn(ids.slice(0, shown).join(', '));
    if (shown === 0) return `+${ids.length} more`;
    if (len(head) + len(more) <= max) return `${head}${more}`;
  }
}

const mrkdwn = (text: string): TextObject => ({type: 'mrkdwn', text});

export function labelOf(a: BundleAlert): string {
  return a.classification_label || classificationLabel(a.classification);
}

/** `[<label>] <summary> — <facility ids>` (sinks.md §6.2), cut to a readable length. */
export function topLevelText(a: BundleAlert, resend: boolean): string {
  const suffix = resend ? ` ${RESENT}` : '';
  const budget = SLACK_LIMITS.topText - len(suffix);
  const head = `[${labelOf(a)}] ${cut(a.summary, 300)}`;
  const facilities = a.facilities.length ? ` — ${listWithin(a.facilities, Math.max(20, budget - len(escapeMrkdwn(head)) - 3))}` : '';
  return `${cut(escapeMrkdwn(head), budget - len(facilities))}${facilities}${suffix}`;
}

function field(title: string, value: string): TextObject {
  return mrkdwn(fitEscaped(`${title}\n${value}`, SLACK_LIMITS.field).replace(/^([^\n]*)\n/, '*$1*\n'));
}

/** The message of one alert version. */
export function alertMessage(a: BundleAlert, opts: {bundleManifestHash: string; resend: boolean}): SlackMessage {
  const label = labelOf(a);
  const header = cut(`${label}: ${a.summary.replace(/\s+/g, ' ')}`, SLACK_LIMITS.header);
  const fields = [
    field('Classification', `${a.classification} (${label})`),
    field('Impact score', a.impact_score === null ? '—' : String(a.impact_score)),
    field('Tier / trust tier', `${a.tier ?? 'unknown'} / ${a.trust_tier ?? '—'}`),
    field('Source', a.source_id ?? '—'),
    field('First seen', a.first_seen_utc ?? '—'),
    field('Last seen', a.last_seen_utc ?? '—'),
    field('Updates', `${a.update_count} (version ${a.version})`),
  ].slice(0, SLACK_LIMITS.fields);
  const third = Math.floor((SLACK_LIMITS.sectionText - 80) / 3);
  const scope = [
    `*Facilities (${a.facilities.length}):* ${listWithin(a.facilities, third)}`,
    `*Lanes (${a.lanes.length}):* ${listWithin(a.lanes, third)}`,
    `*Shipments (${a.shipments_total_linked || a.shipments.length}):* ${listWithin(a.shipments, third)}`,
  ].join('\n');
  const blocks: Block[] = [
    {type: 'header', text: {type: 'plain_text', text: header}},
    {type: 'section', text: mrkdwn(fitEscaped(a.summary, SLACK_LIMITS.sectionText)), fields},
    {type: 'section', text: mrkdwn(scope)},
  ];
  const rationale = a.rationale.slice(0, 5);
  if (rationale.length) {
    const per = Math.floor((SLACK_LIMITS.sectionText - 20) / rationale.length) - 3;
    blocks.push({type: 'section', text: mrkdwn(`*Why*\n${rationale.map((r) => `• ${fitEscaped(r, per)}`).join('\n')}`)});
  }
  const context = [
    `alert ${a.alert_id}`,
    `key ${a.correlation_key ?? '—'}`,
    `evidence ${a.evidence?.hash?.slice(0, 12) ?? '—'}`,
    `bundle ${opts.bundleManifestHash.slice(0, 12)}`,
  ].join(' · ');
  blocks.push({type: 'context', elements: [mrkdwn(fitEscaped(context, SLACK_LIMITS.contextText))]});
  if (opts.resend) blocks.push({type: 'context', elements: [mrkdwn(RESENT)]});
  return shrinkToTotal({text: topLevelText(a, opts.resend), blocks});
}

/** The thread reply that announces a later version (edit mode). */
export function updateReply(a: BundleAlert, before: AlertFacts | null): SlackMessage {
  const what = before ? changesSince(before, a) : [];
  const text = fitEscaped(`Updated to version ${a.version}: ${what.length ? what.join('; ') : 'details refreshed'}`, SLACK_LIMITS.sectionText);
  return {text, blocks: [{type: 'section', text: mrkdwn(text)}]};
}

/** One part of the digest of a push. */
export function digestMessage(d: DigestContent): SlackMessage {
  const by = Object.entries(d.counts.byClassification)
    .sort(([a], [b]) => Number(b) - Number(a))
    .map(([c, n]) => `${n} ${classificationLabel(Number(c))}`)
    .join(', ');
  const part = d.parts > 1 ? ` (part ${d.part}/${d.parts})` : '';
  const text = `Hardstop: ${d.counts.total} alert version(s) in bundle ${d.bundleManifestHash.slice(0, 12)}${part} — ${by}`;
  const blocks: Block[] = [
    {type: 'header', text: {type: 'plain_text', text: cut(`Hardstop digest — ${d.counts.total} alert(s)${part}`, SLACK_LIMITS.header)}},
    {
      type: 'section',
      fields: [
        mrkdwn(`*By classification*\n${by}`),
        mrkdwn(`*New / updated*\n${d.counts.created} / ${d.counts.updated}`),
        mrkdwn(fitEscaped(`Blocked sources\n${d.blockedSources.length ? d.blockedSources.join(', ') : 'none'}`, SLACK_LIMITS.field).replace(/^([^\n]*)\n/, '*$1*\n')),
        mrkdwn(`*Generated*\n${d.generatedAt}`),
      ],
    },
  ];
  // 10 lines of at most 200 characters per section: a part of DIGEST_PART_SIZE alerts always fits.
  for (let i = 0; i < d.alerts.length; i += 10) {
    const lines = d.alerts.slice(i, i + 10).map((x) => `• [${x.label}] ${x.alert_id} v${x.version} ${x.action === 'update' ? '(updated) ' : ''}— ${fitEscaped(x.summary, 120)}`);
    blocks.push({type: 'section', text: mrkdwn(lines.map((l) => cut(l, 200)).join('\n'))});
  }
  return shrinkToTotal({text: fitEscaped(text, SLACK_LIMITS.topText), blocks});
}

export function testMessage(sinkId: string, at: string): SlackMessage {
  const text = `Hardstop test message for sink ${sinkId} (${at}). No alert; safe to ignore.`;
  return {text, blocks: [{type: 'section', text: mrkdwn(`:white_check_mark: ${escapeMrkdwn(text)}`)}]};
}

function blockTexts(b: Block): string[] {
  if (b.type === 'header') return [b.text.text];
  if (b.type === 'section') return [...(b.text ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)];
  if (b.type === 'context') return b.elements.map((e) => e.text);
  return [];
}

export function totalBlockText(m: SlackMessage): number {
  return m.blocks.flatMap(blockTexts).reduce((n, t) => n + len(t), 0);
}

/** Drops the longest section texts' tails until the whole message is within the total limit. */
function shrinkToTotal(m: SlackMessage): SlackMessage {
  let over = totalBlockText(m) - SLACK_LIMITS.totalText;
  while (over > 0) {
    const longest = m.blocks.filter((b): b is Block & {type: 'section'; text: TextObject} => b.type === 'section' && b.text !== undefined).sort((a, b) => len(b.text.text) - len(a.text.text))[0];
    if (!longest) break;
    longest.text = mrkdwn(cut(longest.text.text, Math.max(100, len(longest.text.text) - over - 1)));
    over = totalBlockText(m) - SLACK_LIMITS.totalText;
  }
  return m;
}

/** Every limit a message breaks (empty when it may be sent). Checked before each send. */
export function limitViolations(m: SlackMessage): string[] {
  const v: string[] = [];
  if (m.text.trim() === '') v.push('top-level text is empty');
  if (len(m.text) > SLACK_LIMITS.topText) v.push(`top-level text has ${len(m.text)} characters`);
  if (m.blocks.length > SLACK_LIMITS.blocks) v.push(`${m.blocks.length} blocks`);
  m.blocks.forEach((b, i) => {
    if (b.type === 'header' && len(b.text.text) > SLACK_LIMITS.header) v.push(`block ${i}: header has ${len(b.text.text)} characters`);
    if (b.type === 'section') {
      if (b.text && len(b.text.text) > SLACK_LIMITS.sectionText) v.push(`block ${i}: section text has ${len(b.text.text)} characters`);
      if ((b.fields?.length ?? 0) > SLACK_LIMITS.fields) v.push(`block ${i}: ${b.fields!.length} fields`);
      for (const f of b.fields ?? []) if (len(f.text) > SLACK_LIMITS.field) v.push(`block ${i}: a field has ${len(f.text)} characters`);
    }
    if (b.type === 'context') for (const e of b.elements) if (len(e.text) > SLACK_LIMITS.contextText) v.push(`block ${i}: context text has ${len(e.text)} characters`);
  });
  const total = totalBlockText(m);
  if (total > SLACK_LIMITS.totalText) v.push(`block text totals ${total} characters`);
  return v;
}
