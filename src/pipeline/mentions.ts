import {loadGazetteer} from '../network/geo/gazetteer.js';
import {cityKey, countyKey} from '../network/geo/keys.js';
import {AP_STATE_ABBREVIATIONS, allStates, stateByCode} from '../network/geo/states.js';
import type {NetworkIndex} from '../network/network-index.js';

/** Mention kinds of pipeline.md §2.2. */
export type MentionKind = 'facility_id' | 'facility_name' | 'city_state' | 'state' | 'nws_area' | 'excluded';

/** How a state was written: postal code (`OH`), full name (`Ohio`) or AP abbreviation (`Fla.`). */
export type StateForm = 'code' | 'name' | 'ap';

/** NWS area code kinds. */
export type NwsAreaKind = 'same' | 'ugc_county' | 'ugc_zone' | 'area_desc';

/**
 * One mention found in an item. `field` names the text it was found in (`title`, `raw_text`,
 * `area_desc`, `ugc`, `same`, `affected_zones`), `start`/`end` are UTF-16 offsets into that
 * field's text (for list fields: into the list element `item`).
 */
export interface Mention {
  kind: MentionKind;
  field: string;
  start: number;
  end: number;
  text: string;
  /** For list fields (NWS codes, areaDesc parts): the element index. */
  item?: number;
  /** facility_id / facility_name / city_state: the facilities the mention names (sorted). */
  facility_ids?: string[];
  /** city_state: the city as written and its key. */
  city?: string;
  city_key?: string;
  /** city_state / state / nws_area(area_desc with `, ST`): two-letter state code. */
  state_code?: string;
  state_form?: StateForm;
  /** nws_area: what the code is and what it resolves to. */
  nws_kind?: NwsAreaKind;
  /** nws_area: the code in table form (`019071` county FIPS, `MNZ004` → `MN004` zone). */
  code?: string;
  /** nws_area: county FIPS it resolves to (SAME, county UGC, areaDesc county, zone's county). */
  counties?: string[];
  /** nws_area with nws_kind ugc_zone: zone code in table form. */
  zone?: string;
  /** nws_area: the code is not in the 2014 tables. */
  unknown?: boolean;
}

/** A text to scan, named by its field. */
export interface TextField {
  field: string;
  text: string;
}

export interface NwsAreaInput {
  area_desc: readonly string[];
  ugc: readonly string[];
  same: readonly string[];
  /** `affectedZones` URLs (last path segment is a UGC zone or county code). */
  affected_zones?: readonly string[];
  /** `senderName` (`NWS Hanford CA`): an excluded span wherever it occurs. */
  sender_name?: string | null;
}

// ---- state lexicon ------------------------------------------------------------------------

interface StateLexicon {
  /** Lower-case first word of a state name → lower-case full names starting with it, longest first. */
  namesByFirstWord: Map<string, {lower: string; code: string}[]>;
  /** First character → AP abbreviations starting with it, longest first. */
  apByFirstChar: Map<string, {ap: string; code: string}[]>;
  /** First word as written → state names starting with it (as written), longest first. */
  exactByFirstWord: Map<string, {name: string; code: string}[]>;
}

let lexicon: StateLexicon | null = null;

function stateLexicon(): StateLexicon {
  if (lexicon) return lexicon;
  const namesByFirstWord = new Map<string, {lower: string; code: string}[]>();
  for (const s of allStates()) {
    const lower = s.name.toLowerCase();
    const first = lower.split(' ')[0];
    const list = namesByFirstWord.get(first) ?? [];
    list.push({lower, code: s.code});
    namesByFirstWord.set(first, list);
  }
  for (const list of namesByFirstWord.values()) list.sort((a, b) => b.lower.length - a.lower.length || (a.lower < b.lower ? -1 : 1));
  const apByFirstChar = new Map<string, {ap: string; code: string}[]>();
  for (const [ap, code] of Object.entries(AP_STATE_ABBREVIATIONS)) {
    const list = apByFirstChar.get(ap[0]) ?? [];
    list.push({ap, code});
    apByFirstChar.set(ap[0], list);
  }
  for (const list of apByFirstChar.values()) list.sort((a, b) => b.ap.length - a.ap.length || (a.ap < b.ap ? -1 : 1));
  const exactByFirstWord = new Map<string, {name: string; code: string}[]>();
  for (const st of allStates()) {
    const first = st.name.split(' ')[0];
    const list = exactByFirstWord.get(first) ?? [];
    list.push({name: st.name, code: st.code});
    exactByFirstWord.set(first, list);
  }
  for (const list of exactByFirstWord.values()) list.sort((a, b) => b.name.length - a.name.length || (a.name < b.name ? -1 : 1));
  lexicon = {namesByFirstWord, apByFirstChar, exactByFirstWord};
  return lexicon;
}

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
const isLetter = (ch: string | undefined): boolean => ch !== undefined && /\p{L}/u.test(ch);

/**
 * Reads a state at `pos`: a full state name in any case (longest first: `West Virginia` before
 * `Virginia`), an AP abbreviation as written (`Fla.`, `N.H.`), or a two-letter postal code in
 * upper case. The match must end at a word boundary; what follows is not part of it
 * (`Tennessee Firm Recalls` reads `Tennessee`).
 */
export function readStateAt(text: string, pos: number): {code: string; form: StateForm; end: number} | null {
  const lex = stateLexicon();
  const wordMatch = /[A-Za-z]+/y;
  wordMatch.lastIndex = pos;
  const w = wordMatch.exec(text);
  if (w) {
    const names = lex.namesByFirstWord.get(w[0].toLowerCase());
    if (names) {
      for (const n of names) {
        const slice = text.slice(pos, pos + n.lower.length);
        if (slice.toLowerCase() === n.lower && !isWordChar(text[pos + n.lower.length])) {
          return {code: n.code, form: 'name', end: pos + n.lower.length};
        }
      }
    }
  }
  const aps = lex.apByFirstChar.get(text[pos]);
  if (aps) {
    for (const a of aps) {
      if (text.startsWith(a.ap, pos) && !isLetter(text[pos + a.ap.length])) return {code: a.code, form: 'ap', end: pos + a.ap.length};
    }
  }
  const code = /[A-Z]{2}(?![\p{L}\p{N}])/uy;
  code.lastIndex = pos;
  const c = code.exec(text);
  if (c && stateByCode(c[0])) return {code: c[0], form: 'code', end: pos + 2};
  return null;
}

/** Capitalized words that begin many US place names; before a known city they make another place. */
const CITY_PREFIX_WORDS: ReadonlySet<string> = new Set([
  'north', 'south', 'east', 'west', 'northeast', 'northwest', 'southeast', 'southwest', 'new', 'old', 'port',
  'fort', 'ft', 'mount', 'mt', 'lake', 'saint', 'st', 'ste', 'san', 'santa', 'los', 'las', 'upper', 'lower',
  'grand', 'little', 'great', 'cape', 'palm', 'point', 'glen', 'bay', 'royal',
]);

const OPENERS = /^[("'\[\u201c\u2018]+/;
const CLOSERS = /[,;:!?)\]"\u201d]$/;

/**
 * Every `<City>, <State>` occurrence (pipeline.md §2.2, §3.8). For each comma followed by a
 * state (see readStateAt), the city is the longest run of up to `maxCityWords` words directly
 * before the comma that is a known city of that state (a facility city, or a city of the
 * reference tables), starting with a capital letter; words never span a line break or closing
 * punctuation. Longest-known wins, so `Chula Vista, CA` is Chula Vista and never Vista, and a
 * facility city missing from the reference tables is still found. When the word before the
 * known city is a capitalized place-name prefix (`West`, `New`, `Port`, `Lake`, ...), the text
 * names another, unknown place (`West Lafayette` when only Lafayette is known) and gives no
 * mention. An unknown city gives no mention either.
 */
export function findCityStates(field: TextField, index: NetworkIndex): Mention[] {
  const {text} = field;
  const out: Mention[] = [];
  const maxWords = Math.min(index.maxCityWords, 8);
  for (let ci = text.indexOf(','); ci !== -1; ci = text.indexOf(',', ci + 1)) {
    if (ci === 0 || /\s/.test(text[ci - 1])) continue;
    let pos = ci + 1;
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t' || text[pos] === '\u00a0')) pos++;
    const state = readStateAt(text, pos);
    if (!state) continue;
    // Words before the comma, nearest first.
    const words: {start: number; end: number}[] = [];
    let wEnd = ci;
    while (words.length < maxWords) {
      let s = wEnd;
      while (s > 0 && !/\s/.test(text[s - 1])) s--;
      if (s === wEnd) break;
      words.push({start: s, end: wEnd});
      let p = s;
      while (p > 0 && (text[p - 1] === ' ' || text[p - 1] === '\t' || text[p - 1] === '\u00a0')) p--;
      if (p === s || p === 0) break;
      wEnd = p;
    }
    let best: {start: number; key: string; k: number} | null = null;
    let stoppedAt = words.length;
    for (let k = 0; k < words.length; k++) {
      const w = text.slice(words[k].start, words[k].end);
      if (k > 0 && CLOSERS.test(w)) {
        stoppedAt = k;
        break;
      }
      const opener = OPENERS.exec(w);
      const start = words[k].start + (opener ? opener[0].length : 0);
      const candidate = text.slice(start, ci);
      if (/^\p{Lu}/u.test(candidate)) {
        const key = cityKey(candidate);
        if (key !== '' && index.isKnownCity(state.code, key)) best = {start, key, k};
      }
      if (opener) {
        stoppedAt = k + 1;
        break;
      }
    }
    if (!best) continue;
    // `West Lafayette, IN` when only Lafayette is known: a capitalized city-prefix word right
    // before the known city makes it another, unknown place (vector L-9).
    if (best.k + 1 < stoppedAt) {
      const prev = text.slice(words[best.k + 1].start, words[best.k + 1].end);
      if (/^\p{Lu}/u.test(prev) && !CLOSERS.test(prev) && CITY_PREFIX_WORDS.has(prev.toLowerCase().replace(/\.$/, ''))) continue;
    }
    out.push({
      kind: 'city_state',
      field: field.field,
      start: best.start,
      end: state.end,
      text: text.slice(best.start, state.end),
      city: text.slice(best.start, ci),
      city_key: best.key,
      state_code: state.code,
      state_form: state.form,
      facility_ids: [...index.facilitiesByCityState(state.code, best.key)],
    });
  }
  return out;
}

/** State names (as written in the table, e.g. `Ohio`) and AP abbreviations standing alone (recorded for explanations, never linked). */
export function findStateOnly(field: TextField, taken: readonly Mention[]): Mention[] {
  const {exactByFirstWord, apByFirstChar} = stateLexicon();
  const {text} = field;
  const out: Mention[] = [];
  const word = /[A-Z][A-Za-z]*/g;
  for (let m = word.exec(text); m !== null; m = word.exec(text)) {
    const start = m.index;
    const prev = text[start - 1];
    if (start > 0 && (isWordChar(prev) || prev === '.')) continue;
    let hit: {end: number; code: string; form: StateForm} | null = null;
    for (const n of exactByFirstWord.get(m[0]) ?? []) {
      if (text.startsWith(n.name, start) && !isWordChar(text[start + n.name.length])) {
        hit = {end: start + n.name.length, code: n.code, form: 'name'};
        break;
      }
    }
    if (!hit) {
      for (const a of apByFirstChar.get(text[start]) ?? []) {
        if (text.startsWith(a.ap, start) && !isLetter(text[start + a.ap.length])) {
          hit = {end: start + a.ap.length, code: a.code, form: 'ap'};
          break;
        }
      }
    }
    if (!hit) continue;
    const end = hit.end;
    word.lastIndex = end;
    if (taken.some((t) => t.field === field.field && t.start < end && start < t.end)) continue;
    out.push({kind: 'state', field: field.field, start, end, text: text.slice(start, end), state_code: hit.code, state_form: hit.form});
  }
  return out;
}

const NWS_OFFICE = /\bby NWS\s+[A-Z][A-Za-z.'\- ]*?,?\s+[A-Z]{2}\b/g;

/** Spans that never link: `by NWS <office> <ST>` and the sender name wherever they occur. */
export function findExcluded(field: TextField, senderName?: string | null): Mention[] {
  const out: Mention[] = [];
  NWS_OFFICE.lastIndex = 0;
  for (let m = NWS_OFFICE.exec(field.text); m !== null; m = NWS_OFFICE.exec(field.text)) {
    out.push({kind: 'excluded', field: field.field, start: m.index, end: m.index + m[0].length, text: m[0]});
  }
  const sender = senderName?.trim();
  if (sender) {
    for (let i = field.text.indexOf(sender); i !== -1; i = field.text.indexOf(sender, i + sender.length)) {
      out.push({kind: 'excluded', field: field.field, start: i, end: i + sender.length, text: sender});
    }
  }
  return out;
}

function byPosition(a: Mention, b: Mention): number {
  return a.start - b.start || a.end - b.end || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);
}

/**
 * Text mentions of an item: facility ids, facility names, `City, ST` places and standing-alone
 * states, per field, in field order then position. With `nws` set (NWS items), excluded spans
 * are recorded and any mention overlapping one is dropped.
 */
export function extractTextMentions(fields: readonly TextField[], index: NetworkIndex, nws?: {sender_name?: string | null}): Mention[] {
  const out: Mention[] = [];
  for (const field of fields) {
    if (field.text === '') continue;
    const excluded = nws ? findExcluded(field, nws.sender_name) : [];
    const found: Mention[] = [];
    for (const m of index.findIds(field.text)) {
      found.push({kind: 'facility_id', field: field.field, start: m.start, end: m.end, text: field.text.slice(m.start, m.end), facility_ids: [...m.facility_ids]});
    }
    for (const m of index.findNames(field.text)) {
      found.push({kind: 'facility_name', field: field.field, start: m.start, end: m.end, text: field.text.slice(m.start, m.end), facility_ids: [...m.facility_ids]});
    }
    found.push(...findCityStates(field, index));
    found.push(...findStateOnly(field, found));
    const kept = found.filter((m) => !excluded.some((x) => x.start < m.end && m.start < x.end));
    out.push(...[...kept, ...excluded].sort(byPosition));
  }
  return out;
}

const UGC_RE = /^([A-Z]{2})([CZ])(\d{3})$/;

/**
 * NWS area mentions (pipeline.md §3.9): SAME codes (`PSSCCC` → county `0SSCCC`), UGC county
 * codes (`IAC071` → table `IA071` → its FIPS), UGC zone codes (`MNZ004` → zone `MN004` and the
 * county it lies in), `affectedZones` URLs (last path segment, read as UGC) and `areaDesc`
 * parts. A part written `<County>, <ST>` names that county. A bare part (zone products write
 * zone names, which are often not county names) names a county of a state present in the UGC
 * codes only when `bareAreaDesc` is true; by default that is the case only when no code
 * resolved to a county or a known zone. Unknown codes are kept with `unknown: true`.
 */
export function extractNwsMentions(nws: NwsAreaInput, opts: {bareAreaDesc?: boolean} = {}): Mention[] {
  const gaz = loadGazetteer();
  const out: Mention[] = [];
  const area = (field: string, item: number, raw: string, nwsKind: NwsAreaKind, code: string, counties: string[], unknown: boolean): Mention => {
    const m: Mention = {kind: 'nws_area', field, start: 0, end: raw.length, text: raw, item, nws_kind: nwsKind, code, counties};
    if (unknown) m.unknown = true;
    out.push(m);
    return m;
  };
  for (let i = 0; i < nws.same.length; i++) {
    const raw = nws.same[i];
    const code = raw.trim();
    if (!/^\d{6}$/.test(code)) {
      area('same', i, raw, 'same', code, [], true);
      continue;
    }
    const fips = `0${code.slice(1)}`;
    const known = gaz.countyByFips.has(fips);
    area('same', i, raw, 'same', fips, known ? [fips] : [], !known);
  }
  const ugcStates = new Set<string>();
  const readUgc = (field: string, list: readonly string[], fromUrl: boolean): void => {
    for (let i = 0; i < list.length; i++) {
      const raw = list[i];
      let parts: string[];
      if (fromUrl) {
        const trimmed = raw.trim().replace(/\/+$/, '');
        parts = [trimmed.slice(trimmed.lastIndexOf('/') + 1)];
      } else {
        parts = raw.indexOf(' ') === -1 && raw.trim() === raw ? [raw] : raw.split(/\s+/).filter((p) => p !== '');
      }
      for (const part of parts) {
        const m = UGC_RE.exec(part.toUpperCase());
        if (!m) {
          area(field, i, raw, 'ugc_zone', part, [], true);
          continue;
        }
        const table = `${m[1]}${m[3]}`;
        ugcStates.add(m[1]);
        if (m[2] === 'C') {
          const c = gaz.countyByUgc.get(table);
          area(field, i, raw, 'ugc_county', table, c ? [c.fips] : [], !c);
        } else {
          const z = gaz.zoneByCode.get(table);
          area(field, i, raw, 'ugc_zone', table, z ? [...z.counties] : [], !z).zone = table;
        }
      }
    }
  };
  readUgc('ugc', nws.ugc, false);
  readUgc('affected_zones', nws.affected_zones ?? [], true);
  // Bare areaDesc parts name counties only when the codes resolved no county at all.
  const bare = opts.bareAreaDesc ?? !out.some((m) => (m.counties?.length ?? 0) > 0 || (m.nws_kind === 'ugc_zone' && !m.unknown));
  nws.area_desc.forEach((raw, i) => {
    let from = 0;
    for (const partRaw of raw.split(';')) {
      const part = partRaw.trim();
      const start = raw.indexOf(partRaw, from) + (partRaw.length - partRaw.trimStart().length);
      from += partRaw.length + 1;
      if (part === '') continue;
      const m = /^(.+?),\s*([A-Z]{2})$/.exec(part);
      const counties: string[] = [];
      if (m) {
        const c = gaz.countyByStateKey.get(`${m[2]}|${countyKey(m[1])}`);
        if (c) counties.push(c.fips);
      } else if (bare) {
        for (const st of [...ugcStates].sort()) {
          const c = gaz.countyByStateKey.get(`${st}|${countyKey(part)}`);
          if (c) counties.push(c.fips);
        }
      }
      const mention: Mention = {kind: 'nws_area', field: 'area_desc', start, end: start + part.length, text: part, item: i, nws_kind: 'area_desc', counties};
      if (m) mention.state_code = m[2];
      out.push(mention);
    }
  });
  return out;
}

