/**
 * NGA MSI broadcast warnings (`https://msi.nga.mil/api/publications/broadcast-warn`), XML
 * (`<broadcast-warn>` whose children are `broadcastWarnActiveEntity` /
 * `broadcastWarnCancelledEntity` records) or JSON (`{"broadcast-warn": [ … ]}`).
 *
 * One item per record, in document order. canonical_id = `<area name> <msgNumber>/<yy>` as
 * the warnings cite each other (`HYDROARC 333/23`; area codes 4 → NAVAREA IV, 12 → NAVAREA XII,
 * A → HYDROLANT, P → HYDROPAC, C → HYDROARC, other → `NAVAREA <code>`). title = that id and the
 * first line of the text. published_at = issueDate, a date-time group (`291743Z DEC 2023`).
 * Payload: every field of the record as text, plus `issue_at` / `cancel_at` canonical instants,
 * `cancelled` (status C), `record_type` (the XML element name or null) and `area_name`.
 */
import {type Diagnostic} from '../../kernel/diagnostic.js';
import {parseFeedDate} from '../feed-date.js';
import {type RawItemCandidate} from '../../model/raw-item.js';
import {type AdapterResult, fromElement, type ItemBuild, isPlainObject, itemDiag, str} from './common.js';
import {isElement, textContent, type XElement} from './xml-dom.js';

const AREA_NAMES: Record<string, string> = {
  '4': 'NAVAREA IV',
  '12': 'NAVAREA XII',
  A: 'HYDROLANT',
  P: 'HYDROPAC',
  C: 'HYDROARC',
};

const FIELDS = [
  'msgYear', 'msgNumber', 'navArea', 'subregion', 'text', 'status', 'issueDate', 'authority',
  'cancelDate', 'cancelNavArea', 'cancelMsgYear', 'cancelMsgNumber',
] as const;

export function isNgaRoot(root: XElement): boolean {
  return root.local === 'broadcast-warn';
}

export function isNgaJson(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Array.isArray(value['broadcast-warn']);
}

function areaName(code: string | null): string | null {
  if (code === null) return null;
  return Object.hasOwn(AREA_NAMES, code) ? AREA_NAMES[code] : `NAVAREA ${code}`;
}

function fieldText(v: unknown): string | null {
  if (typeof v === 'string') return v.replace(/\r\n?/g, '\n').trim() || null;
  return str(v);
}

function buildItem(record: Record<string, unknown>, recordType: string | null, index: number): ItemBuild {
  const diagnostics: Diagnostic[] = [];
  const payload: Record<string, unknown> = {record_type: recordType};
  for (const f of FIELDS) payload[f] = fieldText(record[f]);
  for (const [k, v] of Object.entries(record)) {
    if (!Object.hasOwn(payload, k) && k !== '__proto__') payload[k] = isPlainObject(v) || Array.isArray(v) ? v : fieldText(v);
  }
  const area = areaName(payload.navArea as string | null);
  payload.area_name = area;
  const status = ((payload.status as string | null) ?? '').toUpperCase();
  payload.cancelled = status === 'C';
  const issue = parseFeedDate(payload.issueDate, {field: 'issueDate', itemIndex: index});
  const cancel = parseFeedDate(payload.cancelDate, {field: 'cancelDate', itemIndex: index});
  diagnostics.push(...issue.diagnostics, ...cancel.diagnostics);
  payload.issue_at = issue.instant;
  payload.cancel_at = cancel.instant;
  const num = payload.msgNumber as string | null;
  const year = payload.msgYear as string | null;
  if (num === null || area === null) {
    diagnostics.push(itemDiag('ITEM_NO_ID', 'info', 'NGA MSI record without navArea/msgNumber; no canonical id', index));
  }
  const id = num !== null && area !== null ? `${area} ${num}${year !== null ? `/${year.slice(-2)}` : ''}` : null;
  const firstLine = ((payload.text as string | null) ?? '').split('\n').map((l) => l.trim()).find((l) => l !== '') ?? null;
  const title = id !== null ? (firstLine !== null ? `${id} ${firstLine}` : id) : firstLine;
  const candidate: RawItemCandidate = {canonical_id: id, title, url: null, published_at: issue.instant, payload};
  return {candidate, diagnostics};
}

export function ngaXmlAdapter(root: XElement): AdapterResult {
  const records = root.children.filter(isElement);
  return {
    format: 'nga-msi',
    items: records.map((el, i) =>
      fromElement(el, () => {
        const rec = Object.create(null) as Record<string, unknown>;
        for (const c of el.children) {
          if (isElement(c) && !Object.hasOwn(rec, c.local)) rec[c.local] = textContent(c);
        }
        return buildItem(rec, el.local, i);
      }),
    ),
    diagnostics: [],
  };
}

export function ngaJsonAdapter(value: Record<string, unknown>): AdapterResult {
  const list = value['broadcast-warn'] as unknown[];
  return {
    format: 'nga-msi-json',
    items: list.map((rec, i) => () =>
      isPlainObject(rec)
        ? buildItem(rec, null, i)
        : {candidate: null, diagnostics: [itemDiag('ITEM_INVALID', 'warning', 'NGA MSI record is not an object; skipped', i)]},
    ),
    diagnostics: [],
  };
}
