import {loadReferenceTable} from './reference.js';

/** A US state, DC or territory from the bundled state table. */
export interface StateInfo {
  /** Two-letter postal code (`IN`). */
  code: string;
  /** Full name (`Indiana`). */
  name: string;
  /** Three-digit state FIPS as in the table (`018`). */
  fips: string;
}

/**
 * AP-style state abbreviations (AP Stylebook), plus a few common wire variants. States AP writes
 * out in full (Alaska, Hawaii, Idaho, Iowa, Maine, Ohio, Texas, Utah) match as full names.
 * Matched case-sensitively in running text, with their periods.
 */
export const AP_STATE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  'Ala.': 'AL', 'Ariz.': 'AZ', 'Ark.': 'AR', 'Calif.': 'CA', 'Cal.': 'CA', 'Colo.': 'CO',
  'Conn.': 'CT', 'Del.': 'DE', 'D.C.': 'DC', 'Fla.': 'FL', 'Ga.': 'GA', 'Ill.': 'IL',
  'Ind.': 'IN', 'Kan.': 'KS', 'Kans.': 'KS', 'Ky.': 'KY', 'La.': 'LA', 'Md.': 'MD',
  'Mass.': 'MA', 'Mich.': 'MI', 'Minn.': 'MN', 'Miss.': 'MS', 'Mo.': 'MO', 'Mont.': 'MT',
  'Neb.': 'NE', 'Nebr.': 'NE', 'Nev.': 'NV', 'N.H.': 'NH', 'N.J.': 'NJ', 'N.M.': 'NM',
  'N.Y.': 'NY', 'N.C.': 'NC', 'N.D.': 'ND', 'Okla.': 'OK', 'Ore.': 'OR', 'Pa.': 'PA',
  'Penn.': 'PA', 'R.I.': 'RI', 'S.C.': 'SC', 'S.D.': 'SD', 'Tenn.': 'TN', 'Tex.': 'TX',
  'Vt.': 'VT', 'Va.': 'VA', 'Wash.': 'WA', 'W.Va.': 'WV', 'W. Va.': 'WV', 'Wis.': 'WI',
  'Wisc.': 'WI', 'Wyo.': 'WY',
};

interface StateTables {
  byCode: Map<string, StateInfo>;
  byLowerName: Map<string, StateInfo>;
  byFips2: Map<string, StateInfo>;
  byLowerAp: Map<string, StateInfo>;
  all: StateInfo[];
}

let tables: StateTables | null = null;

function stateTables(): StateTables {
  if (tables) return tables;
  const byCode = new Map<string, StateInfo>();
  const byLowerName = new Map<string, StateInfo>();
  const byFips2 = new Map<string, StateInfo>();
  const byLowerAp = new Map<string, StateInfo>();
  const all: StateInfo[] = [];
  for (const row of loadReferenceTable('states').rows) {
    const [fips, code, name] = row as [string, string, string];
    const info: StateInfo = {code, name, fips};
    all.push(info);
    byCode.set(code, info);
    byLowerName.set(name.toLowerCase(), info);
    byFips2.set(fips.slice(-2), info);
  }
  for (const [ap, code] of Object.entries(AP_STATE_ABBREVIATIONS)) {
    const info = byCode.get(code);
    if (info) byLowerAp.set(ap.toLowerCase(), info);
  }
  tables = {byCode, byLowerName, byFips2, byLowerAp, all};
  return tables;
}

/** All states, DC and territories of the bundled table, in code order. */
export function allStates(): readonly StateInfo[] {
  return stateTables().all;
}

export function stateByCode(code: string): StateInfo | undefined {
  return stateTables().byCode.get(code);
}

/** State by two-digit FIPS (`18` → Indiana). */
export function stateByFips(fips2: string): StateInfo | undefined {
  return stateTables().byFips2.get(fips2);
}

/**
 * Normalizes a state as written in a CSV or a form field to its two-letter code: a postal code
 * in any case (`in` → `IN`), a full name in any case (`indiana`), an AP abbreviation with or
 * without periods (`Fla.`, `N.H.`, `nh` is a code), or a two-digit FIPS code. DC and the
 * territories are states. Returns null when the text is none of these (never guesses).
 */
export function normalizeStateCode(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const t = text.trim().replace(/\s+/g, ' ');
  if (t === '') return null;
  const st = stateTables();
  if (/^[A-Za-z]{2}$/.test(t)) return st.byCode.get(t.toUpperCase())?.code ?? null;
  if (/^\d{2}$/.test(t)) return st.byFips2.get(t)?.code ?? null;
  const lower = t.toLowerCase();
  const byName = st.byLowerName.get(lower);
  if (byName) return byName.code;
  const withDot = lower.endsWith('.') ? lower : `${lower}.`;
  const byAp = st.byLowerAp.get(withDot) ?? st.byLowerAp.get(lower);
  if (byAp) return byAp.code;
  // "N.H" / "N H" style: letters only, two of them, e.g. "N.H" → NH
  const letters = lower.replace(/[^a-z]/g, '');
  if (letters.length === 2 && /^[a-z]\.?\s?[a-z]\.?$/.test(lower)) return st.byCode.get(letters.toUpperCase())?.code ?? null;
  return null;
}
