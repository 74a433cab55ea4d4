/**
 * NWS CAP adapter: CAP 1.1/1.2 Atom index feeds (one item per `entry`, with `cap:*` children)
 * and single CAP `<alert>` documents (one item). The payload has the same keys as the NWS
 * GeoJSON adapter's (id, event, headline, description, instruction, areaDesc, severity,
 * certainty, urgency, category, sent, effective, onset, expires, ends, status, messageType,
 * geocode {SAME, UGC, …}, affectedZones, references, senderName, parameters {VTEC, …},
 * polygon, `@id`, geometry) plus `<field>_at` canonical instants and `is_test`.
 *
 * CAP geocodes: `FIPS6` values are also listed under `SAME` (NWS SAME codes are FIPS6).
 * Index entries: `sent` is the entry's published (else updated) time; the summary becomes
 * `description`; the entry's alternate link is `@id` and the url.
 */
import {type Diagnostic} from '../../kernel/diagnostic.js';
import {collapseWhitespace} from '../html-text.js';
import {type RawItemCandidate} from '../../model/raw-item.js';
import {type AdapterResult, fromElement, type ItemBuild, addNwsInstants, itemDiag, str, uniq} from './common.js';
import {atomEntries, atomEntryFields} from './rss.js';
import {NS, childElements, firstChild, isElement, textContent, type XElement} from './xml-dom.js';

const CAP = [NS.cap12, NS.cap11, NS.cap10, ''] as const;

export type CapFormat = 'cap-atom' | 'cap';

export function detectCapFormat(root: XElement): CapFormat | null {
  if (root.local === 'alert' && (CAP as readonly string[]).includes(root.ns)) return 'cap';
  if (root.local === 'feed' && (root.ns === NS.atom || root.ns === '')) return 'cap-atom';
  return null;
}

function capText(el: XElement | null): string | null {
  return el === null ? null : str(collapseWhitespace(textContent(el)));
}

function capField(parent: XElement, local: string): string | null {
  return capText(firstChild(parent, local, CAP));
}

/** Reads valueName/value pairs (siblings inside one container) into `map`; values split on whitespace when `split`. */
function readPairs(container: XElement, map: Record<string, string[]>, split: boolean): void {
  let name: string | null = null;
  for (const c of container.children) {
    if (!isElement(c)) continue;
    if (c.local === 'valueName') name = str(textContent(c));
    else if (c.local === 'value' && name !== null) {
      const raw = textContent(c).trim();
      if (raw === '') continue;
      const values = split ? raw.split(/\s+/) : [raw];
      const list = Object.hasOwn(map, name) ? map[name] : (map[name] = []);
      list.push(...values);
    }
  }
}

function geocodeOf(containers: XElement[]): Record<string, string[]> {
  const map: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const g of containers) readPairs(g, map, true);
  const out: Record<string, string[]> = {SAME: [], UGC: []};
  for (const key of Object.keys(map).sort()) {
    if (key === '__proto__') continue;
    out[key] = uniq(map[key]);
  }
  if (out.FIPS6) out.SAME = uniq([...out.SAME, ...out.FIPS6]);
  return out;
}

function parametersOf(containers: XElement[]): Record<string, string[]> {
  const map: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const p of containers) readPairs(p, map, false);
  const out: Record<string, string[]> = {};
  for (const key of Object.keys(map).sort()) {
    if (key === '__proto__') continue;
    out[key] = map[key];
  }
  return out;
}

function basePayload(): Record<string, unknown> {
  return {
    '@id': null,
    id: null,
    event: null,
    headline: null,
    description: null,
    instruction: null,
    areaDesc: null,
    severity: null,
    certainty: null,
    urgency: null,
    category: null,
    sent: null,
    effective: null,
    onset: null,
    expires: null,
    ends: null,
    status: null,
    messageType: null,
    geocode: {SAME: [], UGC: []},
    affectedZones: [],
    references: [],
    senderName: null,
    parameters: {},
    polygon: [],
    geometry: null,
  };
}

function finish(payload: Record<string, unknown>, index: number, diagnostics: Diagnostic[], sentOverride?: string | null): string | null {
  const sent = addNwsInstants(payload, index, diagnostics);
  const isTest = typeof payload.status === 'string' && payload.status.toLowerCase() === 'test';
  payload.is_test = isTest;
  if (isTest) diagnostics.push(itemDiag('NWS_TEST_MESSAGE', 'info', 'CAP message has status Test (test traffic)', index));
  return sentOverride !== undefined ? sentOverride : sent;
}

function indexEntry(entry: XElement, index: number, base: string | null): ItemBuild {
  const diagnostics: Diagnostic[] = [];
  const f = atomEntryFields(entry, [], index, diagnostics, base);
  const p = basePayload();
  p['@id'] = f.link;
  p.id = f.id;
  p.event = capField(entry, 'event');
  p.headline = f.title;
  p.description = f.summary;
  p.areaDesc = capField(entry, 'areaDesc');
  p.severity = capField(entry, 'severity');
  p.certainty = capField(entry, 'certainty');
  p.urgency = capField(entry, 'urgency');
  p.category = capField(entry, 'category');
  p.sent = f.published ?? f.updated;
  p.effective = capField(entry, 'effective');
  p.onset = capField(entry, 'onset');
  p.expires = capField(entry, 'expires');
  p.status = capField(entry, 'status');
  p.messageType = capField(entry, 'msgType');
  p.geocode = geocodeOf(childElements(entry, 'geocode', CAP));
  p.parameters = parametersOf(childElements(entry, 'parameter', CAP));
  p.polygon = childElements(entry, 'polygon', CAP).map(capText).filter((x): x is string => x !== null);
  p.updated = f.updated;
  // `sent` is the entry's published/updated time; its date diagnostics came from atomEntryFields.
  const sentAt = f.publishedAt;
  const dateDiags: Diagnostic[] = [];
  finish(p, index, dateDiags);
  diagnostics.push(...dateDiags.filter((d) => d.details?.field !== 'sent'));
  p.sent_at = sentAt;
  const candidate: RawItemCandidate = {
    canonical_id: f.id ?? f.link,
    title: f.title ?? (p.event as string | null) ?? 'NWS Alert',
    url: f.link,
    published_at: sentAt,
    payload: p,
  };
  return {candidate, diagnostics};
}

function pickInfo(alert: XElement): XElement | null {
  const infos = childElements(alert, 'info', CAP);
  return infos.find((i) => (capField(i, 'language') ?? 'en-US').toLowerCase().startsWith('en')) ?? infos[0] ?? null;
}

function alertItem(alert: XElement, index: number): ItemBuild {
  const diagnostics: Diagnostic[] = [];
  const p = basePayload();
  const identifier = capField(alert, 'identifier');
  p.id = identifier;
  p.sender = capField(alert, 'sender');
  p.sent = capField(alert, 'sent');
  p.status = capField(alert, 'status');
  p.messageType = capField(alert, 'msgType');
  p.scope = capField(alert, 'scope');
  const refs = capField(alert, 'references');
  p.references = refs === null
    ? []
    : refs.split(/\s+/).map((triple) => {
        const [sender, ident, sent] = triple.split(',');
        return {identifier: ident ?? null, sender: sender ?? null, sent: sent ?? null};
      });
  const info = pickInfo(alert);
  if (info !== null) {
    p.event = capField(info, 'event');
    p.headline = capField(info, 'headline');
    p.description = capField(info, 'description');
    p.instruction = capField(info, 'instruction');
    p.severity = capField(info, 'severity');
    p.certainty = capField(info, 'certainty');
    p.urgency = capField(info, 'urgency');
    p.category = capField(info, 'category');
    p.effective = capField(info, 'effective');
    p.onset = capField(info, 'onset');
    p.expires = capField(info, 'expires');
    p.senderName = capField(info, 'senderName');
    p.language = capField(info, 'language');
    p.web = capField(info, 'web');
    p.parameters = parametersOf(childElements(info, 'parameter', CAP));
    const areas = childElements(info, 'area', CAP);
    const descs = areas.map((a) => capField(a, 'areaDesc')).filter((x): x is string => x !== null);
    p.areaDesc = descs.length ? descs.join('; ') : null;
    p.geocode = geocodeOf(areas.flatMap((a) => childElements(a, 'geocode', CAP)));
    p.polygon = areas.flatMap((a) => childElements(a, 'polygon', CAP)).map(capText).filter((x): x is string => x !== null);
  }
  const sentAt = finish(p, index, diagnostics);
  const candidate: RawItemCandidate = {
    canonical_id: identifier,
    title: (p.headline as string | null) ?? (p.event as string | null) ?? 'NWS Alert',
    url: (p.web as string | null | undefined) ?? null,
    published_at: sentAt,
    payload: p,
  };
  return {candidate, diagnostics};
}

export function capAdapter(root: XElement, format: CapFormat, baseUrl: string | null = null): AdapterResult {
  if (format === 'cap') return {format, items: [fromElement(root, () => alertItem(root, 0))], diagnostics: []};
  return {format, items: atomEntries(root).map((e, i) => fromElement(e, () => indexEntry(e, i, baseUrl))), diagnostics: []};
}
