/** Text keys used to compare place names. Pure functions, no table access. */

const ABBREV: Record<string, string> = {st: 'saint', ste: 'sainte', ft: 'fort', mt: 'mount'};
const ABBREV_WORD = /\b(?:st|ste|ft|mt)\b/;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function foldAscii(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

/**
 * Normalized city key: lower-case, accents folded, apostrophes dropped (`O'Fallon` → `ofallon`),
 * hyphens and other punctuation read as spaces (`Winston-Salem` → `winston salem`), the words
 * `St`/`St.` → `saint`, `Ste` → `sainte`, `Ft` → `fort`, `Mt` → `mount`, spaces collapsed.
 */
export function cityKey(text: string): string {
  const s = foldAscii(text)
    .toLowerCase()
    .replace(/['\u2018\u2019`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  if (s === '' || !ABBREV_WORD.test(s)) return s;
  return s
    .split(' ')
    .map((w) => ABBREV[w] ?? w)
    .join(' ');
}

const COUNTY_SUFFIXES = [' city and borough', ' census area', ' county', ' parish', ' borough', ' municipality'];

/**
 * County name key: accents folded, lower-case, leading `St.` → `saint`, one administrative suffix
 * (`County`, `Parish`, `Borough`, `Census Area`, `Municipality`, `City and Borough`) removed,
 * then letters only. `DeKalb County` and `Dekalb` give the same key. Independent cities keep
 * their `city` suffix (`Richmond city` ≠ `Richmond County`).
 */
export function countyKey(name: string): string {
  let n = foldAscii(name).toLowerCase().trim().replace(/\s+/g, ' ');
  n = n.replace(/^st\.? /, 'saint ').replaceAll(' st. ', ' saint ').replaceAll('ste. ', 'sainte ');
  for (const suffix of COUNTY_SUFFIXES) {
    if (n.endsWith(suffix)) {
      n = n.slice(0, -suffix.length);
      break;
    }
  }
  return n.replace(/[^a-z]/g, '');
}
