import {describe, expect, it} from 'vitest';
import {parseFeedDate} from '../../../src/sources/feed-date.js';
import {parseFeed} from '../../../src/sources/parse-feed.js';
import {parseText, rss, utf8} from './helpers.js';

describe('domain.md §3.2 reference vectors, TS canonical form', () => {
  // The reference writes `+00:00`; the TS contract writes the canonical `Z` form.
  const vectors: Array<[string, unknown, string | null]> = [
    ['T-1 RSS pubDate', 'Mon, 01 Jan 2024 12:00:00 GMT', '2024-01-01T12:00:00Z'],
    ['T-2 NWS sent with offset', '2024-01-15T12:00:00-05:00', '2024-01-15T17:00:00Z'],
    ['T-3 NWS sent with fraction', '2024-01-15T12:00:00.250-05:00', '2024-01-15T17:00:00.250000Z'],
    ['T-4 FEMA published Z', '2024-02-01T15:00:00Z', '2024-02-01T15:00:00Z'],
    ['T-5 FEMA sent +00:00', '2024-02-02T10:30:00+00:00', '2024-02-02T10:30:00Z'],
    ['T-6 FEMA timestamp (number, epoch seconds)', 1706799600, '2024-02-01T15:00:00Z'],
    ['T-7 templated placeholder', 'date:now -383 seconds', null],
  ];
  it.each(vectors)('%s', (_name, input, expected) => {
    expect(parseFeedDate(input).instant).toBe(expected);
  });
});

describe('domain.md §3.3 TS vectors', () => {
  const vectors: Array<[string, string, string | null]> = [
    ['T-8 named zone EST', 'Tue, 12 Nov 2024 10:30:00 EST', '2024-11-12T15:30:00Z'],
    ['T-9 ISO with offset', '2024-01-15T12:00:00-05:00', '2024-01-15T17:00:00Z'],
    ['T-10 ISO with fraction', '2024-01-15T12:00:00.250-05:00', '2024-01-15T17:00:00.250000Z'],
    ['T-11 ISO +00:00', '2025-12-29T17:00:00+00:00', '2025-12-29T17:00:00Z'],
    ['T-13 templated placeholder', 'date:now -383 seconds', null],
  ];
  it.each(vectors)('%s', (_name, input, expected) => {
    expect(parseFeedDate(input).instant).toBe(expected);
  });

  it('T-12: an Atom entry with only <updated> takes that date', () => {
    const feed = `<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><id>urn:f</id>
      <entry><id>urn:e1</id><title>E</title><updated>2014-11-05T06:25:00-09:00</updated></entry></feed>`;
    const r = parseText(feed, {type: 'rss'});
    expect(r.items[0].published_at).toBe('2014-11-05T15:25:00Z');
  });

  it('T-13: an unparseable date is no date plus DATE_UNPARSEABLE carrying the raw value', () => {
    const r = parseFeedDate('date:now -383 seconds', {field: 'sent', itemIndex: 4});
    expect(r.instant).toBeNull();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      code: 'DATE_UNPARSEABLE',
      severity: 'warning',
      details: {item_index: 4, field: 'sent', raw: 'date:now -383 seconds'},
    });
  });
});

describe('vectors through the adapters', () => {
  it('T-1 via an RSS item', () => {
    const r = parseText(rss('<item><guid>a</guid><pubDate>Mon, 01 Jan 2024 12:00:00 GMT</pubDate></item>'), {type: 'rss'});
    expect(r.items[0].published_at).toBe('2024-01-01T12:00:00Z');
  });

  it('T-2, T-3, T-7 via NWS features (T-7 gives a per-item diagnostic)', () => {
    const fc = {
      type: 'FeatureCollection',
      features: ['2024-01-15T12:00:00-05:00', '2024-01-15T12:00:00.250-05:00', 'date:now -383 seconds'].map((sent, i) => ({
        type: 'Feature',
        properties: {id: `nws-${i}`, sent},
      })),
    };
    const r = parseFeed(utf8(JSON.stringify(fc)), {type: 'nws_alerts'});
    expect(r.items.map((i) => i.published_at)).toEqual(['2024-01-15T17:00:00Z', '2024-01-15T17:00:00.250000Z', null]);
    const d = r.diagnostics.filter((x) => x.code === 'DATE_UNPARSEABLE');
    expect(d).toHaveLength(1);
    expect(d[0].details).toMatchObject({item_index: 2, field: 'sent', raw: 'date:now -383 seconds'});
  });

  it('T-4, T-5, T-6 via FEMA JSON (first present field; number = epoch seconds)', () => {
    const body = {
      items: [
        {id: 'a', published: '2024-02-01T15:00:00Z'},
        {id: 'b', sent: '2024-02-02T10:30:00+00:00'},
        {id: 'c', timestamp: 1706799600},
        {id: 'd', published: 'garbage', created: '2024-03-01T00:00:00Z'},
        {id: 'e', published: null, created: '2024-03-01T00:00:00Z'},
      ],
    };
    const r = parseFeed(utf8(JSON.stringify(body)), {type: 'fema', contentType: 'application/json'});
    expect(r.items.map((i) => i.published_at)).toEqual([
      '2024-02-01T15:00:00Z',
      '2024-02-02T10:30:00Z',
      '2024-02-01T15:00:00Z',
      '2024-03-01T00:00:00Z',
      null,
    ]);
  });
});

describe('tolerant grammar', () => {
  const cases: Array<[string, string | number, string | null]> = [
    ['GMT', 'Sat, 07 Sep 2002 00:00:01 GMT', '2002-09-07T00:00:01Z'],
    ['UT', 'Sat, 07 Sep 2002 00:00:01 UT', '2002-09-07T00:00:01Z'],
    ['Z', 'Sat, 07 Sep 2002 00:00:01 Z', '2002-09-07T00:00:01Z'],
    ['EDT', 'Mon, 04 Nov 2024 09:00:00 EDT', '2024-11-04T13:00:00Z'],
    ['CST', 'Mon, 04 Nov 2024 09:00:00 CST', '2024-11-04T15:00:00Z'],
    ['CDT', 'Mon, 04 Nov 2024 09:00:00 CDT', '2024-11-04T14:00:00Z'],
    ['MST', 'Mon, 04 Nov 2024 09:00:00 MST', '2024-11-04T16:00:00Z'],
    ['MDT', 'Mon, 04 Nov 2024 09:00:00 MDT', '2024-11-04T15:00:00Z'],
    ['PST', 'Tue, 01 Oct 2019 14:30:00 PST', '2019-10-01T22:30:00Z'],
    ['PDT', 'Tue, 01 Oct 2019 14:30:00 PDT', '2019-10-01T21:30:00Z'],
    ['numeric offset', 'Wed, 02 Oct 2002 08:00:00 -0500', '2002-10-02T13:00:00Z'],
    ['numeric offset with colon', 'Wed, 02 Oct 2002 08:00:00 +05:30', '2002-10-02T02:30:00Z'],
    ['no day name, no seconds', '2 Oct 2002 08:00 GMT', '2002-10-02T08:00:00Z'],
    ['two-digit year', 'Wed, 02 Oct 02 08:00:00 GMT', '2002-10-02T08:00:00Z'],
    ['full month name', 'Wednesday, 02 October 2002 08:00:00 GMT', '2002-10-02T08:00:00Z'],
    ['comment after zone', 'Thu, 01 Jan 2015 12:00:00 +0000 (UTC)', '2015-01-01T12:00:00Z'],
    ['wrong day name is ignored', 'Fri, 01 Jan 2024 12:00:00 GMT', '2024-01-01T12:00:00Z'],
    ['ISO without fraction', '2024-01-15T12:00:00Z', '2024-01-15T12:00:00Z'],
    ['ISO space separator', '2024-01-15 12:00:00+01:00', '2024-01-15T11:00:00Z'],
    ['ISO date only', '2024-11-13', '2024-11-13T00:00:00Z'],
    ['basic date', '20241002', '2024-10-02T00:00:00Z'],
    ['epoch seconds as text', '1706799600', '2024-02-01T15:00:00Z'],
    ['epoch with fraction', 1706799600.5, '2024-02-01T15:00:00.500000Z'],
    ['NGA DTG', '291743Z DEC 2023', '2023-12-29T17:43:00Z'],
    ['NGA DTG two-digit year', '291730Z DEC 23', '2023-12-29T17:30:00Z'],
    ['NGA DTG lower case', '010000Z jan 2024', '2024-01-01T00:00:00Z'],
    ['invalid day', 'Mon, 31 Feb 2024 12:00:00 GMT', null],
    ['unknown zone', 'Mon, 01 Jan 2024 12:00:00 XYZ', null],
    ['garbage', 'yesterday', null],
    ['invalid DTG', '321743Z DEC 2023', null],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(parseFeedDate(input).instant).toBe(expected);
  });

  it('no offset ⇒ UTC plus an info diagnostic', () => {
    const r = parseFeedDate('2024-01-15T12:00:00', {field: 'sent', itemIndex: 0});
    expect(r.instant).toBe('2024-01-15T12:00:00Z');
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'DATE_ASSUMED_UTC', severity: 'info'})]);
    const rfc = parseFeedDate('Mon, 01 Jan 2024 12:00:00');
    expect(rfc.instant).toBe('2024-01-01T12:00:00Z');
    expect(rfc.diagnostics[0].code).toBe('DATE_ASSUMED_UTC');
  });

  it('missing values are no date without a diagnostic', () => {
    for (const v of [null, undefined, '', '   ']) {
      expect(parseFeedDate(v)).toMatchObject({instant: null, diagnostics: []});
    }
  });

  it('non-string, non-number values are unparseable', () => {
    expect(parseFeedDate({a: 1}).diagnostics[0].code).toBe('DATE_UNPARSEABLE');
    expect(parseFeedDate(Number.NaN).instant).toBeNull();
    expect(parseFeedDate(1e300).instant).toBeNull();
  });
});
