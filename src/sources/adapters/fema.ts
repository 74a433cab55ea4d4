/**
 * FEMA JSON: OpenFEMA entity responses (`{"metadata": {…, "entityname": "DisasterDeclarationsSummaries"},
 * "DisasterDeclarationsSummaries": [ … ]}`), and the reference's generic shapes: a top-level
 * array, or the first array among `items`, `data`, `results`. (XML bodies are routed to the
 * RSS/Atom adapter by parse-feed.ts.)
 *
 * canonical_id = `id`, else `guid`, else `url` (stringified).
 * title = `title` / `headline` / `name`; for OpenFEMA declarations, when none of these exist:
 *   `<declarationTitle> (<femaDeclarationString>, <designatedArea>, <state>)` with absent parts left out.
 * url = `url` / `link` / `web_url`; else for a record with `disasterNumber`:
 *   `https://www.fema.gov/disaster/<disasterNumber>`.
 * published_at = the first present of published, sent, created, date, timestamp, declarationDate
 *   (a number is epoch seconds; a present value that fails to parse passes to the next field; a
 *   present null ends the search; DATE_UNPARSEABLE when nothing parsed and some value failed).
 * Payload = the record verbatim plus `<field>_at` canonical instants for the OpenFEMA date
 *   fields declarationDate, incidentBeginDate, incidentEndDate, disasterCloseoutDate,
 *   lastIAFilingDate, lastRefresh (when present).
 */
import {type Diagnostic} from '../../kernel/diagnostic.js';
import {parseFeedDate} from '../feed-date.js';
import {type RawItemCandidate} from '../../model/raw-item.js';
import {FeedError} from './feed-error.js';
import {type AdapterResult, type ItemBuild, copyRecord, firstStr, isPlainObject, itemDiag, str} from './common.js';

const DATE_FIELDS = ['published', 'sent', 'created', 'date', 'timestamp', 'declarationDate'] as const;
const OPENFEMA_DATES = ['declarationDate', 'incidentBeginDate', 'incidentEndDate', 'disasterCloseoutDate', 'lastIAFilingDate', 'lastRefresh'] as const;

/** The record list of a FEMA JSON document, or null. */
export function femaRecords(value: unknown): {format: string; records: unknown[]} | null {
  if (Array.isArray(value)) return {format: 'fema-json', records: value};
  if (!isPlainObject(value)) return null;
  const meta = value.metadata;
  if (isPlainObject(meta) && typeof meta.entityname === 'string' && Array.isArray(value[meta.entityname])) {
    return {format: 'openfema', records: value[meta.entityname] as unknown[]};
  }
  for (const key of ['DisasterDeclarationsSummaries', 'FemaWebDisasterDeclarations', 'items', 'data', 'results']) {
    if (Array.isArray(value[key])) return {format: key === 'items' || key === 'data' || key === 'results' ? 'fema-json' : 'openfema', records: value[key] as unknown[]};
  }
  return null;
}

function composedTitle(r: Record<string, unknown>): string | null {
  const main = str(r.declarationTitle);
  const parts = [str(r.femaDeclarationString), str(r.designatedArea), str(r.state)].filter((p): p is string => p !== null);
  if (main === null) return parts.length ? parts.join(', ') : null;
  return parts.length ? `${main} (${parts.join(', ')})` : main;
}

function buildRecord(record: unknown, index: number): ItemBuild {
  if (!isPlainObject(record)) {
    return {candidate: null, diagnostics: [itemDiag('ITEM_INVALID', 'warning', 'FEMA record is not an object; skipped', index)]};
  }
  const diagnostics: Diagnostic[] = [];
  let publishedAt: string | null = null;
  const failed: Diagnostic[] = [];
  for (const field of DATE_FIELDS) {
    if (!Object.hasOwn(record, field)) continue;
    const v = record[field];
    if (v === null) break;
    const r = parseFeedDate(v, {field, itemIndex: index});
    if (r.instant !== null) {
      publishedAt = r.instant;
      diagnostics.push(...r.diagnostics);
      break;
    }
    failed.push(...r.diagnostics);
  }
  if (publishedAt === null) diagnostics.push(...failed);

  const payload: Record<string, unknown> = copyRecord(record);
  for (const field of OPENFEMA_DATES) {
    if (!Object.hasOwn(record, field)) continue;
    payload[`${field}_at`] = parseFeedDate(record[field]).instant;
  }
  const disasterNumber = str(record.disasterNumber);
  const candidate: RawItemCandidate = {
    canonical_id: firstStr(record.id, record.guid, record.url),
    title: firstStr(record.title, record.headline, record.name) ?? composedTitle(record),
    url: firstStr(record.url, record.link, record.web_url) ?? (disasterNumber !== null && /^\d+$/.test(disasterNumber) ? `https://www.fema.gov/disaster/${disasterNumber}` : null),
    published_at: publishedAt,
    payload,
  };
  return {candidate, diagnostics};
}

export function femaJsonAdapter(value: unknown): AdapterResult {
  const found = femaRecords(value);
  if (found === null) {
    throw new FeedError('FEED_NOT_A_FEED', 'JSON is not a FEMA document (no record array, OpenFEMA entity, items, data or results)');
  }
  return {format: found.format, items: found.records.map((r, i) => () => buildRecord(r, i)), diagnostics: []};
}
