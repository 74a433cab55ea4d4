/**
 * USDA FSIS recall API (`https://www.fsis.usda.gov/fsis/api/recall/v/1`): a JSON array of
 * records whose values are all strings (booleans as "True"/"False", dates as "2024-11-13",
 * HTML with entities in field_summary and sometimes in titles), some fields occasionally
 * arrays of strings. (XML bodies, e.g. the FSIS RSS feed, go to the RSS adapter.)
 *
 * English/Spanish duplicates: each recall appears once per language with the same
 * field_recall_number. A Spanish record whose number also has an English record is skipped
 * with an FSIS_TRANSLATION_SKIPPED info diagnostic; a Spanish record without an English
 * sibling is kept (payload.language "es").
 *
 * canonical_id = field_recall_number, else field_recall_url; title = field_title reduced to
 * text; url = field_recall_url; published_at = field_recall_date (ISO date or YYYYMMDD).
 * Payload = the record verbatim plus normalized keys: title, summary (HTML → text), language,
 * active, archived, has_spanish, related_to_outbreak (booleans or null), states (list),
 * establishment, product_items, recall_reason, classification, risk_level (text),
 * recall_date_at, last_modified_at, closed_date_at (canonical instants).
 */
import {type Diagnostic} from '../../kernel/diagnostic.js';
import {parseFeedDate} from '../feed-date.js';
import {htmlToText} from '../html-text.js';
import {type RawItemCandidate} from '../../model/raw-item.js';
import {FeedError} from './feed-error.js';
import {type AdapterResult, type ItemBuild, isPlainObject, itemDiag, str} from './common.js';

/** The record list of an FSIS document, or null when the JSON is not one. */
export function fsisRecords(value: unknown): unknown[] | null {
  let list: unknown[] | null = null;
  if (Array.isArray(value)) list = value;
  else if (isPlainObject(value)) {
    for (const key of ['data', 'items', 'results']) {
      if (Array.isArray(value[key])) {
        list = value[key] as unknown[];
        break;
      }
    }
  }
  if (list === null) return null;
  if (list.length === 0) return list;
  const looksFsis = list.some((r) => isPlainObject(r) && Object.keys(r).some((k) => k.startsWith('field_') || k === 'langcode'));
  return looksFsis ? list : null;
}

function textValue(v: unknown): string | null {
  if (Array.isArray(v)) {
    const parts = v.map(textValue).filter((p): p is string => p !== null);
    return parts.length ? parts.join(', ') : null;
  }
  const s = str(v);
  if (s === null) return null;
  const t = htmlToText(s);
  return t === '' ? null : t;
}

function boolValue(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  const s = str(v)?.toLowerCase() ?? null;
  if (s === 'true' || s === 'yes' || s === '1' || s === 'active') return true;
  if (s === 'false' || s === 'no' || s === '0' || s === 'inactive') return false;
  return null;
}

function language(v: unknown): string | null {
  const s = str(v)?.toLowerCase() ?? null;
  if (s === null) return null;
  if (s === 'english' || s.startsWith('en')) return 'en';
  if (s === 'spanish' || s === 'español' || s === 'espanol' || s.startsWith('es')) return 'es';
  return s;
}

function listValue(v: unknown): string[] {
  const raw: unknown[] = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const r of raw) {
    const t = textValue(r);
    if (t === null) continue;
    for (const part of t.split(',')) {
      const p = part.trim();
      if (p !== '' && !out.includes(p)) out.push(p);
    }
  }
  return out;
}

function buildRecord(record: Record<string, unknown>, index: number): ItemBuild {
  const diagnostics: Diagnostic[] = [];
  const recallDate = parseFeedDate(typeof record.field_recall_date === 'string' ? record.field_recall_date : null, {field: 'field_recall_date', itemIndex: index});
  diagnostics.push(...recallDate.diagnostics.filter((d) => d.code !== 'DATE_ASSUMED_UTC'));
  const dateOnly = (v: unknown, field: string) => {
    const r = parseFeedDate(typeof v === 'string' ? v : null, {field, itemIndex: index});
    diagnostics.push(...r.diagnostics.filter((d) => d.code !== 'DATE_ASSUMED_UTC'));
    return r.instant;
  };
  const title = textValue(record.field_title);
  const url = str(record.field_recall_url);
  const payload: Record<string, unknown> = {
    ...record,
    title,
    summary: textValue(record.field_summary),
    language: language(record.langcode),
    active: boolValue(record.field_active_notice),
    archived: boolValue(record.field_archive_recall),
    has_spanish: boolValue(record.field_has_spanish),
    related_to_outbreak: boolValue(record.field_related_to_outbreak),
    states: listValue(record.field_states),
    establishment: textValue(record.field_establishment),
    product_items: textValue(record.field_product_items),
    recall_reason: textValue(record.field_recall_reason),
    classification: textValue(record.field_recall_classification),
    risk_level: textValue(record.field_risk_level),
    recall_date_at: recallDate.instant,
    last_modified_at: dateOnly(record.field_last_modified_date, 'field_last_modified_date'),
    closed_date_at: dateOnly(record.field_closed_date, 'field_closed_date'),
  };
  const candidate: RawItemCandidate = {
    canonical_id: str(record.field_recall_number) ?? url,
    title,
    url,
    published_at: recallDate.instant,
    payload,
  };
  return {candidate, diagnostics};
}

export function fsisAdapter(value: unknown): AdapterResult {
  const records = fsisRecords(value);
  if (records === null) throw new FeedError('FEED_NOT_A_FEED', 'JSON is not an FSIS recall list (no array of field_* records)');
  const english = new Set<string>();
  for (const r of records) {
    if (isPlainObject(r) && language(r.langcode) !== 'es') {
      const n = str(r.field_recall_number);
      if (n !== null) english.add(n);
    }
  }
  return {
    format: 'fsis-json',
    items: records.map((r, i) => () => {
      if (!isPlainObject(r)) {
        return {candidate: null, diagnostics: [itemDiag('ITEM_INVALID', 'warning', 'FSIS record is not an object; skipped', i)]};
      }
      const n = str(r.field_recall_number);
      if (language(r.langcode) === 'es' && n !== null && english.has(n)) {
        return {
          candidate: null,
          diagnostics: [itemDiag('FSIS_TRANSLATION_SKIPPED', 'info', `Spanish duplicate of recall ${n} skipped (the English record is kept)`, i, {recall_number: n})],
        };
      }
      return buildRecord(r, i);
    }),
    diagnostics: [],
  };
}
