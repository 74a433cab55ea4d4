/**
 * Instants. Hardstop holds an instant as epoch microseconds (a bigint-free integer that fits
 * in a double until year 2255) and writes exactly one text form:
 * `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, fraction omitted when zero, else six digits.
 */
import {UsageError} from './errors.js';
export type EpochMicros = number;

export function formatInstant(micros: EpochMicros): string {
  const ms = Math.floor(micros / 1000);
  const fracMicros = (((ms % 1000) + 1000) % 1000) * 1000 + (micros - ms * 1000);
  const base = new Date(ms).toISOString().slice(0, 19);
  return fracMicros === 0 ? `${base}Z` : `${base}.${String(fracMicros).padStart(6, '0')}Z`;
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export interface ParsedInstant {
  micros: EpochMicros;
  /** True when the text carried no offset and UTC was assumed. */
  assumedUtc: boolean;
  /** True when the text was a date only (no time of day). */
  dateOnly: boolean;
}

/** Parses RFC 3339 / ISO 8601 date-times (and bare dates). Returns null when not parseable. */
export function parseIsoInstant(text: string): ParsedInstant | null {
  const m = ISO_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, f, off] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const baseMs = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  const check = new Date(baseMs);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  let offsetMinutes = 0;
  if (off && off !== 'Z' && off !== 'z') {
    const sign = off.startsWith('-') ? -1 : 1;
    const digits = off.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const fracMicros = f ? Number(f.padEnd(6, '0').slice(0, 6)) : 0;
  const micros = (baseMs - offsetMinutes * 60_000) * 1000 + fracMicros;
  return {micros, assumedUtc: off === undefined && h !== undefined, dateOnly: h === undefined};
}

/** An ISO-8601 text as epoch microseconds (null when absent or unreadable). */
export function instantOf(text: string | null): EpochMicros | null {
  if (text === null) return null;
  return parseIsoInstant(text)?.micros ?? null;
}

export function instantFromDate(date: Date): EpochMicros {
  return date.getTime() * 1000;
}

export function toDate(micros: EpochMicros): Date {
  return new Date(Math.floor(micros / 1000));
}

export const MICROS_PER_HOUR = 3_600_000_000;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

/** Parses a `--since` window: an integer followed by h or d (case-insensitive). */
export function parseSinceWindow(text: string): {hours: number; micros: EpochMicros} | null {
  const m = /^\s*(\d+)\s*([hd])\s*$/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  const hours = m[2].toLowerCase() === 'd' ? n * 24 : n;
  return {hours, micros: hours * MICROS_PER_HOUR};
}

/** Validates a `--since` value: `<n>h` or `<n>d`; anything else is a usage error naming the flag. */
export function parseSinceFlag(text: string | null | undefined, flag = '--since'): {text: string; micros: number} | null {
  if (text === null || text === undefined || text === '') return null;
  const w = parseSinceWindow(text);
  if (!w) {
    throw new UsageError('USAGE_BAD_SINCE', `${flag}: "${text}" is not a window like 24h or 7d`, {hint: `${flag} takes a whole number followed by h (hours) or d (days)`});
  }
  return {text: text.trim().toLowerCase(), micros: w.micros};
}

/** Parses a duration literal used in rules and config: 30m, 48h, 7d, 90s. */
export function parseDuration(text: string): EpochMicros | null {
  const m = /^(\d+)(s|m|h|d|w)$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = {s: 1_000_000, m: 60_000_000, h: MICROS_PER_HOUR, d: MICROS_PER_DAY, w: 7 * MICROS_PER_DAY}[m[2] as 's'];
  return n * unit;
}
