import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {eventType, eventTypeRef, REF_KEYWORDS, refSearchText, tokenize, TS_KEYWORDS} from '../../src/pipeline/event-type.js';
import type {EventType} from '../../src/pipeline/event.js';

const SPILL_TITLE = 'Hydrochloric acid spill at Avon chemical plant';
const SPILL_BODY =
  'A spill involving an estimated 5,000 gallons of 37% hydrochloric acid occurred at a manufacturing facility in Avon, Indiana. Operations may be disrupted.';

// pipeline.md §1.4 vectors: [id, title, raw_text, ref type_ref, TS type]. Title only, empty
// body, except E-16 (the demo spill fixture). raw_text = title + body as normalization builds it.
const VECTORS: Array<[string, string, string, EventType, EventType]> = [
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

describe('event type vectors (pipeline.md §1.4)', () => {
  for (const [id, title, body, ref, ts] of VECTORS) {
    const rawText = body === '' ? title : body;
    it(`${id}: ${title} → ref ${ref}`, () => {
      expect(eventTypeRef(title, rawText)).toBe(ref);
    });
    it(`${id}: ${title} → TS ${ts}`, () => {
      expect(eventType(title, rawText, 'rss')).toBe(ts);
    });
  }
});

describe('TS whole-word algorithm', () => {
  it('NWS sources are WEATHER regardless of text', () => {
    expect(eventType('Quarterly earnings', 'Quarterly earnings', 'nws_alerts')).toBe('WEATHER');
    expect(eventType('Port strike continues', '', 'nws_cap')).toBe('WEATHER');
    expect(eventType('Port strike continues', '', 'fema')).toBe('STRIKE');
  });

  it('multi-word keywords match consecutive tokens only', () => {
    expect(eventType('Line shut down for repairs', '', 'rss')).toBe('CLOSURE');
    expect(eventType('Line shuts  down for repairs', '', 'rss')).toBe('CLOSURE');
    expect(eventType('Shut the door, down the hall', '', 'rss')).toBe('OTHER');
    expect(eventType('Product removed from market', '', 'rss')).toBe('RECALL');
    expect(eventType('Hazardous-materials team called', '', 'rss')).toBe('SPILL');
    expect(eventType('Severe weather expected', '', 'rss')).toBe('WEATHER');
    expect(eventType('Heat wave', '', 'rss')).toBe('WEATHER');
  });

  it('category order decides between several matches', () => {
    expect(eventType('Strike after spill at plant', '', 'rss')).toBe('SPILL');
    expect(eventType('Recall and fine', '', 'rss')).toBe('REG');
    expect(eventType('Strike closes port; flooding too', '', 'rss')).toBe('WEATHER');
  });

  it('generic WEATHER words warning/watch/alert are not keywords', () => {
    expect(eventType('Tsunami Warning Alert Watch', '', 'rss')).toBe('OTHER');
    expect(eventTypeRef('Tsunami Warning Alert Watch', '')).toBe('WEATHER');
  });

  it('inflected forms listed in §1.4', () => {
    const cases: Array<[string, EventType]> = [
      ['tornadoes', 'WEATHER'], ['icy', 'WEATHER'], ['heatwave', 'WEATHER'], ['freezing', 'WEATHER'],
      ['leaked', 'SPILL'], ['hazardous materials', 'SPILL'], ['pickets', 'STRIKE'], ['walkouts', 'STRIKE'],
      ['closures', 'CLOSURE'], ['evacuated', 'CLOSURE'], ['penalties', 'REG'], ['banned', 'REG'],
      ['recalls', 'RECALL'], ['withdrawal', 'RECALL'],
      // not listed → no match
      ['hurricaned', 'OTHER'], ['icing', 'OTHER'], ['recalling', 'OTHER'],
    ];
    for (const [word, type] of cases) expect([word, eventType(`x ${word} y`, '', 'rss')]).toEqual([word, type]);
  });

  it('tokens are Unicode letter/digit runs of the lower-cased text', () => {
    expect(tokenize('Über-Flood, 2024: ÉVACUATION_été')).toEqual(['über', 'flood', '2024', 'évacuation', 'été']);
    expect(eventType('ÉVACUATION ordonnée', '', 'rss')).toBe('OTHER'); // évacuation ≠ evacuation
    expect(eventType('EVACUATION ordered', '', 'rss')).toBe('CLOSURE');
    expect(eventType('Storm2024 update', '', 'rss')).toBe('OTHER'); // one token storm2024
  });

  it('title and raw text are both searched', () => {
    expect(eventType('Update', 'Pickets at gate.', 'rss')).toBe('STRIKE');
    expect(eventType('Pickets at gate', 'Update only', 'rss')).toBe('STRIKE');
  });

  it('agrees with a naive token implementation over the full keyword table (property)', () => {
    const naive = (title: string, raw: string): EventType => {
      const seqs = [tokenize(title), tokenize(raw)].map((t) => ` ${t.join(' ')} `);
      for (const [type, kws] of TS_KEYWORDS) if (kws.some((k) => seqs.some((t) => t.includes(` ${k} `)))) return type;
      return 'OTHER';
    };
    const vocab = [...new Set(TS_KEYWORDS.flatMap(([, kws]) => kws.flatMap((k) => k.split(' '))))];
    const noise = ['notice', 'window', 'reunion', 'enclosed', 'x', 'Storm', 'SHUT', 'été', 'wave2', 'ünion', '42'];
    const word = fc.constantFrom(...vocab, ...noise);
    const sep = fc.constantFrom(' ', ', ', '-', '  ', '\n', '_', '\u0301', ': ');
    const text = fc.array(fc.tuple(word, sep), {maxLength: 10}).map((ps) => ps.map(([w, s]) => w + s).join(''));
    fc.assert(
      fc.property(text, text, fc.boolean(), (a, b, prefix) => {
        const title = a;
        const raw = prefix ? `${a} ${b}` : b;
        expect(eventType(title, raw, 'rss')).toBe(naive(title, raw));
      }),
      {numRuns: 2000},
    );
  });
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
