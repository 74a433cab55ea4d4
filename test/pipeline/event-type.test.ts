import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {eventTypeRef, REF_KEYWORDS, refSearchText} from '../../src/pipeline/event-type.js';
import type {EventType} from '../../src/pipeline/event.js';

const SPILL_TITLE = 'Hydrochloric acid spill at Avon chemical plant';
const SPILL_BODY =
  'A spill involving an estimated 5,000 gallons of 37% hydrochloric acid occurred at a manufacturing facility in Avon, Indiana. Operations may be disrupted.';

// pipeline.md §1.4 vectors: [id, title, raw_text, ref type_ref, TS type]. Title only, empty
// body, except E-16 (the demo spill fixture). raw_text = title + body as normalization builds it.
// The TS types are the shipped pack's types table now (test/rules/shipped-types.test.ts).
export const VECTORS: Array<[string, string, string, EventType, EventType]> = [
  ['E-1', 'Winter Storm Warning', '', 'WEATHER', 'WEATHER'],
  ['E-2', 'USCG notice: channel closed', '', 'WEATHER', 'CLOSURE'],
  ['E-3', 'Price of wheat rises', '', 'WEATHER', 'OTHER'],
  ['E-4', 'Port strike continues', '', 'STRIKE', 'STRIKE'],
  ['E-5', 'Chemical spill alert at refinery', '', 'WEATHER', 'SPILL'],
  ['E-6', 'Recall of lettuce', '', 'RECALL', 'RECALL'],
  ['E-7', 'FDA recall: window cleaner', '', 'WEATHER', 'RECALL'],
  ['E-8', 'Facility closure announced', '', 'CLOSURE', 'CLOSURE'],
  ['E-9', 'Union workers walk out', '', 'STRIKE', 'STRIKE'],
  ['E-10', 'Company fined for violation', '', 'REG', 'REG'],
  ['E-11', 'Quarterly earnings', '', 'OTHER', 'OTHER'],
  ['E-12', 'Police investigate theft', '', 'WEATHER', 'OTHER'],
  ['E-13', 'Services suspended at terminal', '', 'WEATHER', 'CLOSURE'],
  ['E-14', 'Reunion planned', '', 'STRIKE', 'OTHER'],
  ['E-15', 'Enclosed storage expansion at Atlanta Regional Warehouse', '', 'CLOSURE', 'OTHER'],
  ['E-16', SPILL_TITLE, `${SPILL_TITLE} ${SPILL_BODY}`, 'SPILL', 'SPILL'],
];

describe('event type vectors (pipeline.md §1.4), reference algorithm', () => {
  for (const [id, title, body, ref] of VECTORS) {
    const rawText = body === '' ? title : body;
    it(`${id}: ${title} → ref ${ref}`, () => {
      expect(eventTypeRef(title, rawText)).toBe(ref);
    });
  }
});

describe('reference algorithm details', () => {
  it('search text is lower(title) + space + lower(raw_text)', () => {
    expect(refSearchText('A B', 'A B c')).toBe('a b a b c');
    expect(refSearchText('', 'Text')).toBe('text');
    expect(refSearchText('Title', '')).toBe('title ');
  });

  it('agrees with a naive substring loop over the reference table (property)', () => {
    const naive = (title: string, raw: string): EventType => {
      const t = refSearchText(title, raw);
      for (const [type, kws] of REF_KEYWORDS) if (kws.some((k) => t.includes(k))) return type;
      return 'OTHER';
    };
    const pieces = fc.constantFrom('oil spill', 'price', 'Reunion', 'shut', 'down', 'ban', 'x', ' ', 'ICE', 'removed from', ' market', 'é');
    const text = fc.array(pieces, {maxLength: 8}).map((p) => p.join(''));
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(eventTypeRef(a, b)).toBe(naive(a, b));
      }),
      {numRuns: 1000},
    );
  });

  it('substring semantics (notice → ice, reunion → union, enclosed → closed)', () => {
    expect(eventTypeRef('', 'a notice')).toBe('WEATHER');
    expect(eventTypeRef('', 'reunion')).toBe('STRIKE');
    expect(eventTypeRef('', 'enclosed')).toBe('CLOSURE');
    expect(eventTypeRef('', 'banana')).toBe('REG');
  });
});
