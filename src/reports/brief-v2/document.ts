/**
 * The brief's content as a small document tree (headings, paragraphs, lists, tables) built
 * from the read model. The Markdown and terminal renderers serialize the same tree, so they
 * always say the same thing; the tree holds every scalar of the model (lossless, §8.2).
 */
import {
  type BriefAlertV2,
  type BriefModelV2,
  classificationLabel,
  type FacilityPlace,
  TIER_ORDER,
  type TierGroup,
  tierGroup,
} from './model.js';

/** How the terminal colours a span (Markdown ignores it). */
export type Tone = 'class2' | 'class1' | 'class0' | 'blocked' | 'watch' | 'healthy' | 'pending';

/** A run of text: `data` is stored text (escaped in Markdown), otherwise fixed wording. */
export interface Span {
  text: string;
  data?: boolean;
  strong?: boolean;
  tone?: Tone;
}
export type Inline = Span[];

export interface ListItem {
  text: Inline;
  children?: ListItem[];
}

export type Block =
  | {kind: 'h1' | 'h2' | 'h3'; text: Inline}
  | {kind: 'p'; text: Inline}
  | {kind: 'banner'; text: Inline}
  | {kind: 'list'; items: ListItem[]}
  | {kind: 'table'; header: string[]; rows: Inline[][]};

const TIER_TITLE: Record<TierGroup, string> = {global: 'Global', regional: 'Regional', local: 'Local', unknown: 'Unknown'};

const w = (text: string): Span => ({text});
const d = (text: string): Span => ({text, data: true});
const b = (text: string): Span => ({text, strong: true});

function orNone(values: readonly string[], none = 'none'): Span[] {
  if (!values.length) return [w(none)];
  return values.flatMap((v, i) => (i === 0 ? [d(v)] : [w(', '), d(v)]));
}

function numText(n: number | null): string {
  return n === null ? '—' : String(n);
}

export function classTone(c: number): Tone {
  return c >= 2 ? 'class2' : c === 1 ? 'class1' : 'class0';
}

export function stateTone(state: string): Tone | undefined {
  switch (state) {
    case 'BLOCKED':
      return 'blocked';
    case 'WATCH':
      return 'watch';
    case 'HEALTHY':
      return 'healthy';
    case 'PENDING':
      return 'pending';
    default:
      return undefined;
  }
}

/** "Impactful (2)": the word first, the number for people who know the scale. */
export function classSpan(c: number): Span {
  return {text: `${classificationLabel(c)} (${c})`, strong: true, tone: classTone(c)};
}

export function headline(e: BriefAlertV2): Inline {
  const parts: Inline = [classSpan(e.classification), w(` · impact ${numText(e.impact_score)} · source tier: `), d(e.tier ?? 'unknown')];
  if (e.trust_tier !== null) parts.push(w(` · trust tier ${e.trust_tier}`));
  parts.push(w(' — '), d(e.summary));
  return parts;
}

function facilitySpans(ids: readonly string[], places: Map<string, FacilityPlace>): Span[] {
  if (!ids.length) return [w('none')];
  return ids.flatMap((id, i) => {
    const p = places.get(id);
    const out: Span[] = i === 0 ? [] : [w(', ')];
    out.push(d(id));
    if (p) out.push(w(' ('), d(p.name), w(')'));
    return out;
  });
}

export function entryDetails(e: BriefAlertV2, places: Map<string, FacilityPlace>): ListItem[] {
  const items: ListItem[] = [
    {text: [w('Alert '), d(e.alert_id), w(` · version ${e.version} · `), d(e.action), w(' · source '), d(e.source_id ?? 'unknown')]},
    {text: [w('Correlation key: '), d(e.correlation_key || 'none')]},
    {text: [w('Facilities: '), ...facilitySpans(e.facilities, places)]},
    {text: [w('Lanes: '), ...orNone(e.lanes)]},
    {
      text: [
        w('Shipments: '),
        ...orNone(e.shipments),
        w(` (${e.shipments_total_linked} linked${e.shipments_truncated ? ', list truncated' : ''})`),
      ],
    },
    {text: [w('First seen '), d(e.first_seen_utc), w(' · last seen '), d(e.last_seen_utc), w(` · updates ${e.update_count}`)]},
  ];
  items.push(
    e.rationale.length
      ? {text: [w('Rationale:')], children: e.rationale.map((r) => ({text: [d(r)]}))}
      : {text: [w('Rationale: none recorded')]},
  );
  items.push({
    text: [
      w('Evidence: '),
      d(e.evidence.hash),
      e.evidence.verified ? w(' (verified)') : {text: ' (UNVERIFIED)', strong: true, tone: 'class2'},
      ...(e.evidence.path ? [w(' at '), d(e.evidence.path)] : []),
    ],
  });
  if (e.evidence.merge_summary.length) {
    items.push({text: [w('Merge summary: '), ...e.evidence.merge_summary.flatMap((m, i) => (i === 0 ? [d(m)] : [w('; '), d(m)]))]});
  }
  if (e.suppression) {
    items.push({text: [w('Suppressed by rule '), d(e.suppression.rule_id), w(' (reason '), d(e.suppression.reason_code ?? 'none'), w(')')]});
  }
  return items;
}

/** Within a tier group: classification, impact, updates, last seen (all descending), then id. */
function groupOrder(a: BriefAlertV2, b2: BriefAlertV2): number {
  return (
    b2.classification - a.classification ||
    (b2.impact_score ?? 0) - (a.impact_score ?? 0) ||
    b2.update_count - a.update_count ||
    (b2.last_seen_utc < a.last_seen_utc ? -1 : b2.last_seen_utc > a.last_seen_utc ? 1 : 0) ||
    (a.alert_id < b2.alert_id ? -1 : a.alert_id > b2.alert_id ? 1 : 0)
  );
}

function alertSection(title: string, entries: readonly BriefAlertV2[], shown: Set<string>, places: Map<string, FacilityPlace>, firstTitle: Map<string, string>): Block[] {
  if (!entries.length) return [];
  const blocks: Block[] = [{kind: 'h2', text: [w(title)]}];
  for (const tier of TIER_ORDER) {
    const members = entries.filter((e) => tierGroup(e.tier) === tier).sort(groupOrder);
    if (!members.length) continue;
    blocks.push({kind: 'h3', text: [w(TIER_TITLE[tier])]});
    blocks.push({
      kind: 'list',
      items: members.map((e) => {
        if (shown.has(e.alert_id)) {
          return {text: [...headline(e), w(' (details under '), w(firstTitle.get(e.alert_id) ?? ''), w(')')]};
        }
        shown.add(e.alert_id);
        firstTitle.set(e.alert_id, title);
        return {text: headline(e), children: entryDetails(e, places)};
      }),
    });
  }
  return blocks;
}

export function summaryBlocks(m: BriefModelV2): Block[] {
  const s = m.summary;
  const c = s.counts;
  const t = s.tier_counts;
  const tiers = TIER_ORDER.filter((k) => t[k] > 0);
  const items: ListItem[] = [
    {text: [b('New:'), w(` ${c.new} | `), b('Updated:'), w(` ${c.updated}`)]},
    {
      text: [
        classSpan(2),
        w(`: ${c.impactful} | `),
        classSpan(1),
        w(`: ${c.relevant} | `),
        classSpan(0),
        w(`: ${c.interesting}`),
      ],
    },
    {text: [b('By source tier:'), w(` ${tiers.length ? tiers.map((k) => `${TIER_TITLE[k]} ${t[k]}`).join(' | ') : 'None'}`)]},
    {text: [b('Incidents:'), w(` ${s.incidents.new} new | ${s.incidents.ongoing} ongoing`)]},
    {
      text: [
        b('Sources:'),
        w(' blocked: '),
        ...orNone(s.sources.blocked),
        w(' | on watch: '),
        ...orNone(s.sources.watch),
        w(' | pending first fetch: '),
        ...orNone(s.sources.pending),
      ],
    },
    {
      text: [
        b('Suppression:'),
        w(` ${s.suppression.suppressed} of ${s.suppression.processed} processed item(s) suppressed (rate ${s.suppression.rate === null ? 'n/a' : String(s.suppression.rate)})`),
      ],
    },
  ];
  if (m.suppressed.count > 0) {
    const top = m.suppressed.by_rule.slice(0, 3).flatMap((r, i) => [...(i ? [w(', ')] : []), d(r.rule_id), w(`=${r.count}`)]);
    items.push({text: [b('Suppressed:'), w(` ${m.suppressed.count}`), ...(top.length ? [w(' (top: '), ...top, w(')')] : [])]});
  }
  if (m.publication.state === 'AUTHORITATIVE' && m.publication.reasons.length) {
    items.push({text: [b('Readiness notes:'), w(' '), ...m.publication.reasons.flatMap((r, i) => (i ? [w('; '), d(r)] : [d(r)]))]});
  }
  return [{kind: 'h2', text: [w('Summary')]}, {kind: 'list', items}];
}

export function quietDay(m: BriefModelV2): Block[] {
  const blocks: Block[] = [{kind: 'h2', text: [w('Quiet Day')]}, {kind: 'p', text: [w('No alerts found for the selected time window.')]}];
  if (m.summary.counts.interesting > 0) {
    blocks.push({
      kind: 'p',
      text: [w(`${m.summary.counts.interesting} interesting (class 0) alert(s) in the window are not listed; pass --include-class0 to list them.`)],
    });
  }
  blocks.push(
    {kind: 'p', text: [w('To generate alerts:')]},
    {
      kind: 'list',
      items: [
        {text: [w('Run `hardstop run` (or `hardstop fetch` then `hardstop ingest-external`) to process events')]},
        {text: [w('Configure event sources in config/sources.yaml to ingest new events')]},
      ],
    },
  );
  return blocks;
}

export function incidentBlocks(m: BriefModelV2): Block[] {
  const blocks: Block[] = [{kind: 'h2', text: [w('Incidents')]}];
  if (!m.incidents.length) return [...blocks, {kind: 'p', text: [w('No listed alert merges more than one event.')]}];
  blocks.push({
    kind: 'list',
    items: m.incidents.map((i) => ({
      text: [w('Incident '), {...d(i.incident_id), strong: true}, w(' — key '), d(i.correlation_key || 'none')],
      children: [
        {text: [w('Root events: '), ...orNone(i.root_event_ids)]},
        {text: [w('From '), d(i.start), w(' to '), d(i.end), w(` · updates ${i.update_count}`)]},
        {text: [w('Merge summary: '), ...(i.merge_summary.length ? i.merge_summary.flatMap((x, k) => (k ? [w('; '), d(x)] : [d(x)])) : [w('none')])]},
        {text: [w('Evidence: '), d(i.evidence.hash), ...(i.evidence.path ? [w(' at '), d(i.evidence.path)] : [])]},
      ],
    })),
  });
  return blocks;
}

export function suppressedBlocks(m: BriefModelV2): Block[] {
  const s = m.suppressed;
  const blocks: Block[] = [{kind: 'h2', text: [w('Suppressed')]}];
  if (s.count === 0) return [...blocks, {kind: 'p', text: [w('No item was suppressed in the window.')]}];
  blocks.push({kind: 'p', text: [w(`${s.count} suppressed item(s) in the window.`)]});
  blocks.push({
    kind: 'list',
    items: [
      {text: [w('By rule: '), ...s.by_rule.flatMap((r, i) => [...(i ? [w(', ')] : []), d(r.rule_id), w(` ${r.count}`)])]},
      {text: [w('By source: '), ...s.by_source.flatMap((r, i) => [...(i ? [w(', ')] : []), d(r.source_id), w(` ${r.count}`)])]},
    ],
  });
  if (s.items.length) {
    blocks.push({
      kind: 'table',
      header: ['Raw item', 'Source', 'Rule', 'Reason', 'Suppressed at', 'Title'],
      rows: s.items.map((i) => [[d(i.raw_id)], [d(i.source_id)], [d(i.rule_id)], [d(i.reason_code ?? '—')], [d(i.suppressed_at)], [d(i.title)]]),
    });
  }
  return blocks;
}

function healthBlocks(m: BriefModelV2): Block[] {
  const blocks: Block[] = [{kind: 'h2', text: [w('Source Health')]}];
  if (!m.source_health.length) return [...blocks, {kind: 'p', text: [w('No enabled source is configured.')]}];
  blocks.push({
    kind: 'table',
    header: ['Source', 'Source tier', 'State', 'Shown as', 'Score', 'Suppressed %', 'Last success', 'Stale hours'],
    rows: m.source_health.map((h) => [
      [d(h.source_id)],
      [d(h.tier ?? 'unknown')],
      [{...d(h.state), tone: stateTone(h.state)}],
      [{...d(h.display_state), tone: stateTone(h.display_state)}],
      [w(String(h.score))],
      [w(numText(h.suppression_pct))],
      [d(h.last_success_utc ?? 'never')],
      [w(numText(h.stale_hours))],
    ]),
  });
  return blocks;
}

function facilityBlocks(m: BriefModelV2): Block[] {
  if (!m.facilities.length) return [];
  return [
    {kind: 'h2', text: [w('Affected Facilities')]},
    {
      kind: 'table',
      header: ['Facility', 'Name', 'Latitude', 'Longitude'],
      rows: m.facilities.map((f) => [[d(f.facility_id)], [d(f.name)], [w(numText(f.lat))], [w(numText(f.lon))]]),
    },
  ];
}

export function headerBlocks(m: BriefModelV2): Block[] {
  const h = m.header;
  const p = m.publication;
  const rows: Inline[][] = [
    [[w('Brief id')], [d(h.brief_id)]],
    [[w('Generated at')], [d(h.generated_at)]],
    [[w('Window')], [d(m.window.start), w(' to '), d(m.window.end), w(' ('), d(m.window.since), w(`, ${m.window.since_hours} hours)`)]],
    [[w('Run group')], [d(h.run_group_id)]],
    [[w('Run ids')], orNone(h.run_ids)],
    [[w('Mode')], [d(h.mode)]],
    [[w('Config hash')], [d(h.config_hash)]],
    [[w('Versions')], [w('hardstop '), d(h.hardstop_version), w(', '), d(h.operator_version), w(', '), d(m.read_model_version)]],
    [[w('Publication')], [{...d(p.state), strong: true}, w(' (readiness '), {...d(p.readiness_state), tone: p.readiness_state === 'BROKEN' ? 'blocked' : p.readiness_state === 'DEGRADED' ? 'watch' : 'healthy'}, w(')')]],
  ];
  const blocks: Block[] = [
    {kind: 'h1', text: [w(`Hardstop Daily Brief — ${h.generated_at.slice(0, 10)} (since `), d(m.window.since), w(')')]},
    {kind: 'table', header: ['Field', 'Value'], rows},
  ];
  if (p.state !== 'AUTHORITATIVE') {
    const reasons = p.reasons.length ? p.reasons.flatMap((r, i) => (i ? [w('; '), d(r)] : [d(r)])) : [w('readiness check failed')];
    blocks.push({kind: 'banner', text: [{text: p.state, strong: true, tone: 'class2'}, w(' — not authoritative: '), ...reasons]});
  }
  return blocks;
}

/** The whole brief as blocks, in reading order. */
export function briefDocument(m: BriefModelV2): Block[] {
  const blocks = [...headerBlocks(m), ...summaryBlocks(m)];
  if (m.summary.counts.new + m.summary.counts.updated === 0) {
    blocks.push(...quietDay(m));
  } else {
    const places = new Map(m.facilities.map((f) => [f.facility_id, f]));
    const shown = new Set<string>();
    const firstTitle = new Map<string, string>();
    blocks.push(
      ...alertSection('Top Impact', m.top, shown, places, firstTitle),
      ...alertSection('Updated Alerts', m.updated, shown, places, firstTitle),
      ...alertSection('New Alerts', m.created, shown, places, firstTitle),
    );
  }
  blocks.push(...incidentBlocks(m), ...suppressedBlocks(m), ...healthBlocks(m), ...facilityBlocks(m));
  return blocks;
}

