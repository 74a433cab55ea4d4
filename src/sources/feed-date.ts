/**
 * Tolerant feed date parsing (domain.md §3.2–3.3).
 *
 * Accepted forms, tried in this order:
 *   1. a JSON number: Unix epoch seconds (fraction kept to the microsecond);
 *   2. a string of 9–11 digits (optionally with a fraction): Unix epoch seconds;
 *   3. RFC 3339 / ISO 8601 (`2024-01-15T12:00:00.250-05:00`, `2024-01-15 12:00Z`, `2024-01-15`),
 *      plus the basic date form `20240115`; no offset ⇒ UTC with a `DATE_ASSUMED_UTC` info
 *      diagnostic;
 *   4. RFC 822 / RFC 1123 (`Mon, 01 Jan 2024 12:00:00 GMT`): optional (and unchecked) day name,
 *      1–2 digit day, English month name (abbreviated or full), 2- or 4-digit year (2-digit:
 *      00–49 ⇒ 20xx, 50–99 ⇒ 19xx), `HH:MM[:SS]`, then a numeric offset (`-0500`, `+05:30`) or a
 *      named zone: UT GMT UTC Z EST EDT CST CDT MST MDT PST PDT AKST AKDT HST, or a military
 *      single letter; a trailing parenthesised comment is ignored; no zone ⇒ UTC + info;
 *   5. a maritime date-time group (NGA MSI): `291743Z DEC 2023` (day, hour, minute, `Z`,
 *      month, 2- or 4-digit year).
 * Anything else yields no date and a `DATE_UNPARSEABLE` warning carrying the raw value.
 * Output is the canonical instant text `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (kernel/time.ts).
 */
import {diag, type Diagnostic} from '../kernel/diagnostic.js';
import {detachedCopy} from '../kernel/text.js';
import {formatInstant, parseIsoInstant, type EpochMicros} from '../kernel/time.js';
import {collapseWhitespace} from './html-text.js';

export interface FeedDateContext {
  /** Name of the field the value came from (pubDate, sent, ...), copied into diagnostics. */
  field?: string;
  /** 0-based document-order index of the item, copied into diagnostics as `item_index`. */
  itemIndex?: number;
}

export interface FeedDateResult {
  /** Canonical instant text, or null when absent / unparseable. */
  instant: string | null;
  micros: EpochMicros | null;
  /** Which grammar matched: 'epoch' | 'iso' | 'rfc822' | 'dtg' | null. */
  form: 'epoch' | 'iso' | 'rfc822' | 'dtg' | null;
  diagnostics: Diagnostic[];
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

/** Named zones, offset in minutes east of UTC. */
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AKST: -540, AKDT: -480, HST: -600,
};

const MAX_RAW_IN_DIAGNOSTIC = 200;

function militaryZone(letter: string): number | null {
  const c = letter.toUpperCase();
  if (c === 'Z') return 0;
  if (c === 'J') return null;
  const code = c.charCodeAt(0);
  if (code >= 65 && code <= 73) return (code - 64) * 60; // A..I = +1..+9
  if (code >= 75 && code <= 77) return (code - 65) * 60; // K..M = +10..+12
  if (code >= 78 && code <= 89) return -(code - 77) * 60; // N..Y = -1..-12
  return null;
}

function expandYear(text: string): number {
  const y = Number(text);
  if (text.length <= 2) return y < 50 ? 2000 + y : 1900 + y;
  return y;
}

function monthNumber(name: string): number | null {
  const m = MONTHS[name.slice(0, 3).toLowerCase()];
  return m === undefined ? null : m;
}

/** Builds epoch micros from civil fields; null when a field is out of range. */
function civilToMicros(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMinutes: number,
): EpochMicros | null {
  if (!(year >= 1 && year <= 9999) || month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (hour > 24 || minute > 59 || second > 60) return null;
  if (hour === 24 && (minute !== 0 || second !== 0)) return null;
  const ms = Date.UTC(year, month - 1, day, 0, 0, 0);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  const total = ms + ((hour * 60 + minute - offsetMinutes) * 60 + Math.min(second, 59)) * 1000;
  return total * 1000;
}

const RFC822_RE =
  /^(?:[A-Za-z]{2,9}\.?,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{4}|\d{2})(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(?:([+-]\d{2}:?\d{2})|([A-Za-z]{1,5}))?(?:\s*\([^)]*\))?$/;

const DTG_RE = /^(\d{2})(\d{2})(\d{2})\s*Z\s+([A-Za-z]{3,9})\s+(\d{4}|\d{2})\.?$/;

const EPOCH_RE = /^\d{9,11}(?:\.\d{1,9})?$/;
const BASIC_DATE_RE = /^(\d{4})(\d{2})(\d{2})$/;

interface Parsed {
  micros: EpochMicros;
  form: 'epoch' | 'iso' | 'rfc822' | 'dtg';
  assumedUtc: boolean;
  dateOnly: boolean;
}

function epochSecondsToMicros(seconds: number): EpochMicros | null {
  if (!Number.isFinite(seconds)) return null;
  const micros = Math.round(seconds * 1_000_000);
  // Keep inside the range formatInstant can print (years 0001–9999).
  if (micros < -62_135_596_800_000_000 || micros > 253_402_300_799_000_000) return null;
  return micros;
}

function parseRfc822(text: string): Parsed | null {
  const m = RFC822_RE.exec(text);
  if (!m) return null;
  const [, d, mon, y, h, mi, s, frac, numOff, zoneName] = m;
  const month = monthNumber(mon);
  if (month === null) return null;
  let offset = 0;
  let assumedUtc = false;
  if (numOff !== undefined) {
    const sign = numOff.startsWith('-') ? -1 : 1;
    const digits = numOff.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 23 || om > 59) return null;
    offset = sign * (oh * 60 + om);
  } else if (zoneName !== undefined) {
    const upper = zoneName.toUpperCase();
    const named = ZONES[upper];
    if (named !== undefined) offset = named;
    else if (upper.length === 1) {
      const mil = militaryZone(upper);
      if (mil === null) return null;
      offset = mil;
    } else return null;
  } else {
    assumedUtc = true;
  }
  const base = civilToMicros(expandYear(y), month, Number(d), Number(h), Number(mi), s === undefined ? 0 : Number(s), offset);
  if (base === null) return null;
  const fracMicros = frac ? Number(frac.padEnd(6, '0').slice(0, 6)) : 0;
  return {micros: base + fracMicros, form: 'rfc822', assumedUtc, dateOnly: false};
}

function parseDtg(text: string): Parsed | null {
  const m = DTG_RE.exec(text);
  if (!m) return null;
  const [, d, h, mi, mon, y] = m;
  const month = monthNumber(mon);
  if (month === null) return null;
  const micros = civilToMicros(expandYear(y), month, Number(d), Number(h), Number(mi), 0, 0);
  return micros === null ? null : {micros, form: 'dtg', assumedUtc: false, dateOnly: false};
}

function parseText(raw: string): Parsed | null {
  const text = collapseWhitespace(raw);
  if (text === '') return null;
  if (EPOCH_RE.test(text)) {
    const micros = epochSecondsToMicros(Number(text));
    return micros === null ? null : {micros, form: 'epoch', assumedUtc: false, dateOnly: false};
  }
  const basic = BASIC_DATE_RE.exec(text);
  const iso = parseIsoInstant(basic ? `${basic[1]}-${basic[2]}-${basic[3]}` : text);
  if (iso) {
    return {micros: iso.micros, form: 'iso', assumedUtc: iso.assumedUtc || iso.dateOnly, dateOnly: iso.dateOnly};
  }
  return parseRfc822(text) ?? parseDtg(text);
}

/**
 * The last date text parsed: consecutive fields often repeat it (NWS sent = effective = onset).
 * Kept as a detached copy: the text is cut from the feed body, which must not outlive the fetch.
 */
let lastText: {text: string; parsed: Parsed | null; instant: string | null} = {text: '', parsed: null, instant: null};

function parseTextOnce(text: string): {parsed: Parsed | null; instant: string | null} {
  if (text !== lastText.text) {
    const parsed = parseText(text);
    lastText = {text: detachedCopy(text), parsed, instant: parsed === null ? null : formatInstant(parsed.micros)};
  }
  return lastText;
}

function truncateRaw(value: unknown): unknown {
  if (typeof value === 'string' && value.length > MAX_RAW_IN_DIAGNOSTIC) return `${value.slice(0, MAX_RAW_IN_DIAGNOSTIC)}…`;
  return value;
}

function details(ctx: FeedDateContext, raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (ctx.itemIndex !== undefined) out.item_index = ctx.itemIndex;
  if (ctx.field !== undefined) out.field = ctx.field;
  out.raw = truncateRaw(raw);
  return out;
}

/**
 * Parses one feed date value. `null`, `undefined` and blank strings are "no date" without a
 * diagnostic; anything else that does not parse is "no date" plus `DATE_UNPARSEABLE`.
 */
export function parseFeedDate(value: unknown, ctx: FeedDateContext = {}): FeedDateResult {
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) {
    return {instant: null, micros: null, form: null, diagnostics: []};
  }
  let parsed: Parsed | null = null;
  let instant: string | null = null;
  if (typeof value === 'number') {
    const micros = epochSecondsToMicros(value);
    parsed = micros === null ? null : {micros, form: 'epoch', assumedUtc: false, dateOnly: false};
    instant = parsed === null ? null : formatInstant(parsed.micros);
  } else if (typeof value === 'string') {
    ({parsed, instant} = parseTextOnce(value));
  }
  const where = ctx.field ? ` in ${ctx.field}` : '';
  if (parsed === null) {
    const shown = typeof value === 'string' ? JSON.stringify(truncateRaw(value)) : `a ${typeof value}`;
    return {
      instant: null,
      micros: null,
      form: null,
      diagnostics: [diag('DATE_UNPARSEABLE', 'warning', `Unparseable date${where}: ${shown}; the item keeps no date`, {details: details(ctx, value)})],
    };
  }
  const diagnostics: Diagnostic[] = [];
  if (parsed.assumedUtc) {
    diagnostics.push(
      diag(
        'DATE_ASSUMED_UTC',
        'info',
        `${parsed.dateOnly ? 'Date without time' : 'Date without offset'}${where}: ${JSON.stringify(truncateRaw(value))}; read as UTC`,
        {details: details(ctx, value)},
      ),
    );
  }
  return {instant, micros: parsed.micros, form: parsed.form, diagnostics};
}

/** Convenience: the canonical instant or null, ignoring diagnostics. */
export function feedDateOrNull(value: unknown): string | null {
  return parseFeedDate(value).instant;
}
