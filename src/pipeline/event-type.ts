/**
 * The reference's event type (pipeline.md §1.4): its substring keyword table, exact, kept for
 * parity and for the scoring rule that reads `event.type_ref`. `event.type` is not decided
 * here: the rule pack's `types:` table decides it (docs/RULES.md, decide.ts).
 */
import type {SourceType} from '../model/raw-item.js';
import type {EventType} from './event.js';

/** Reference keyword table, in category order (substring test). */
export const REF_KEYWORDS: ReadonlyArray<readonly [EventType, readonly string[]]> = [
  [
    'WEATHER',
    ['hurricane', 'tornado', 'flood', 'storm', 'blizzard', 'snow', 'ice', 'warning', 'watch', 'alert',
      'severe weather', 'thunderstorm', 'wind', 'hail', 'freeze', 'frost', 'heat', 'drought'],
  ],
  ['SPILL', ['spill', 'leak', 'contamination', 'chemical release', 'hazardous material', 'oil spill', 'toxic', 'pollution']],
  ['STRIKE', ['strike', 'labor dispute', 'work stoppage', 'union', 'walkout', 'picketing', 'lockout']],
  [
    'CLOSURE',
    ['closure', 'closed', 'shutdown', 'shut down', 'suspended', 'halted', 'blocked', 'barricade', 'evacuation',
      'emergency closure'],
  ],
  [
    'REG',
    ['regulation', 'regulatory', 'compliance', 'violation', 'fine', 'penalty', 'inspection', 'audit', 'sanction',
      'ban', 'prohibition'],
  ],
  ['RECALL', ['recall', 'recalled', 'withdrawal', 'removed from market', 'voluntary recall']],
];

/** The reference search text: lower(title) + " " (when the title is non-empty) + lower(raw_text). */
export function refSearchText(title: string, rawText: string): string {
  let text = '';
  if (title) text += `${title.toLowerCase()} `;
  if (rawText) text += rawText.toLowerCase();
  return text;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One literal alternation per category: "any keyword is a substring" in a single scan. */
const REF_RES: ReadonlyArray<readonly [EventType, RegExp]> = REF_KEYWORDS.map(
  ([type, kws]) => [type, new RegExp(kws.map(escapeRe).join('|'))] as const,
);

/** Reference event type: first category with any keyword occurring as a substring. */
export function eventTypeRef(title: string, rawText: string): EventType {
  const text = refSearchText(title, rawText);
  for (const [type, re] of REF_RES) if (re.test(text)) return type;
  return 'OTHER';
}

/** True for the NWS feed families (JSON alerts API and CAP Atom). */
export function isNwsSource(sourceType: SourceType): boolean {
  return sourceType === 'nws_alerts' || sourceType === 'nws_cap';
}
