/**
 * CSV text (RFC 4180 quoting): a field containing a comma, a double quote, CR or LF is quoted
 * with inner quotes doubled; null is an empty field; a header row first; every record ends
 * with `\n` (LF everywhere, R-5).
 */
export type CsvValue = string | number | boolean | null;

export function csvField(v: CsvValue): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvText(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((r) => `${r.map(csvField).join(',')}\n`).join('');
}
