import {gzipSync} from 'node:zlib';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import {describe, expect, it} from 'vitest';
import {decodeBytes, DEFAULT_MAX_FEED_BYTES} from '../../../src/sources/decode.js';
import {FeedError, parseFeed} from '../../../src/sources/parse-feed.js';
import {feedErrorOf, fixture, parseText, rss, utf8} from './helpers.js';

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ELEMENT lolz (#PCDATA)>
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><item><title>&lol9;</title></item></channel></rss>`;

describe('entity expansion', () => {
  it('a billion-laughs document is rejected with FEED_ENTITY_EXPANSION and bounded memory (time: npm run bench)', () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const err = feedErrorOf(() => parseText(BILLION_LAUGHS, {type: 'rss'}));
    expect(err.code).toBe('FEED_ENTITY_EXPANSION');
    expect(err).toBeInstanceOf(FeedError);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('external (XXE) and parameter entities are rejected too, for every XML type', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&xxe;</title></item></channel></rss>';
    const param = '<!DOCTYPE feed [<!ENTITY % p "x"> ]><feed xmlns="http://www.w3.org/2005/Atom"/>';
    for (const type of ['rss', 'nws_cap', 'nga_msi', 'fema', 'fsis', 'nws_alerts'] as const) {
      expect(feedErrorOf(() => parseText(xxe, {type})).code).toBe('FEED_ENTITY_EXPANSION');
      expect(feedErrorOf(() => parseText(param, {type})).code).toBe('FEED_ENTITY_EXPANSION');
    }
  });

  it('entity declarations inside CDATA are content, not declarations', () => {
    const body = rss('<item><guid>x</guid><description><![CDATA[How <!DOCTYPE a [<!ENTITY b "c">]> works]]></description></item>');
    const summary = String(parseText(body, {type: 'rss'}).items[0].payload.summary);
    expect(summary).toMatch(/^How .* works$/);
  });

  it('a large billion-laughs variant (padded to 4 MB) is still rejected', () => {
    const padded = BILLION_LAUGHS.replace('<rss', `<!-- ${'x'.repeat(4_000_000)} --><rss`);
    expect(feedErrorOf(() => parseText(padded, {type: 'rss'})).code).toBe('FEED_ENTITY_EXPANSION');
  });
});

describe('not a feed', () => {
  const cases: Array<[string, string]> = [
    ['HTML5 page', '<!DOCTYPE html>\n<html lang="en"><head><title>Moved</title><meta charset="utf-8"></head><body><p>Feed moved<br></body></html>'],
    ['HTML page without doctype', '<html><body>Error 404</body></html>'],
    ['HTML after a comment', '<!-- cached --><!doctype HTML><html></html>'],
    ['XHTML page with an XML declaration', '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'],
    ['another root element', '<?xml version="1.0"?><note><to>A</to></note>'],
    ['sitemap', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>x</loc></url></urlset>'],
    ['empty body', ''],
    ['whitespace body', '  \n\t '],
    ['plain text', 'Service Unavailable'],
  ];
  it.each(cases)('%s → FEED_NOT_A_FEED', (_name, body) => {
    const err = feedErrorOf(() => parseText(body, {type: 'rss'}));
    expect(err.code).toBe('FEED_NOT_A_FEED');
    expect(err.message).toMatch(/not a rss feed/);
  });

  it('the error names the root element', () => {
    expect(feedErrorOf(() => parseText('<note/>', {type: 'rss'})).message).toContain('<note>');
  });

  it('an HTML page is rejected for every source type', () => {
    for (const type of ['rss', 'nws_alerts', 'nws_cap', 'fema', 'fsis', 'nga_msi'] as const) {
      expect(feedErrorOf(() => parseText('<!DOCTYPE html><html><body>hi</body></html>', {type})).code).toBe('FEED_NOT_A_FEED');
    }
  });

  it('an unknown source type is rejected', () => {
    expect(feedErrorOf(() => parseText(rss(''), {type: 'bogus' as never})).code).toBe('FEED_NOT_A_FEED');
  });
});

describe('malformed', () => {
  it('an unterminated comment is FEED_MALFORMED', () => {
    expect(feedErrorOf(() => parseText('<rss><channel><!-- oops', {type: 'rss'})).code).toBe('FEED_MALFORMED');
  });

  it('truncated XML keeps the complete items only and says how many it dropped (issue 20 finding 1)', () => {
    const r = parseText('<rss><channel><item><guid>a</guid></item><item><guid>b</guid><title>cut', {type: 'rss'});
    expect(r.items.map((i) => i.canonical_id)).toEqual(['a']);
    expect(r.diagnostics.filter((d) => d.code === 'FEED_MALFORMED')).toEqual([
      expect.objectContaining({severity: 'warning', details: {line: 1, col: 72, dropped_items: 1}}),
    ]);
  });

  it('a mismatched closing tag is tolerated and reported with its position', () => {
    const r = parseText('<rss><channel>\n<item><guid>a</guid></itme>\n<item><guid>b</guid></item></channel></rss>', {type: 'rss'});
    expect(r.diagnostics.find((d) => d.code === 'FEED_MALFORMED')?.message).toMatch(/^not well-formed XML at line 2 col 21: <\/itme> closes no open element; 0 incomplete item\(s\) dropped/);
  });

  it('bad limits are rejected', () => {
    expect(feedErrorOf(() => parseText(rss(''), {type: 'rss', maxItems: -1})).code).toBe('FEED_MALFORMED');
    expect(feedErrorOf(() => parseText(rss(''), {type: 'rss', maxItemBytes: 1.5})).code).toBe('FEED_MALFORMED');
  });
});

describe('size caps', () => {
  it('a 100 MB body is rejected with FEED_TOO_LARGE without being read (default 5 MiB cap)', () => {
    const big = new Uint8Array(100 * 1024 * 1024).fill(0x20);
    expect(feedErrorOf(() => parseFeed(big, {type: 'rss'})).code).toBe('FEED_TOO_LARGE');
    // With the cap raised above the body size the body is read (and here found empty).
    const six = big.subarray(0, 6 * 1024 * 1024);
    expect(feedErrorOf(() => parseFeed(six, {type: 'rss'})).code).toBe('FEED_TOO_LARGE');
    expect(feedErrorOf(() => parseFeed(six, {type: 'rss', maxBytes: 8 * 1024 * 1024})).code).toBe('FEED_NOT_A_FEED');
    expect(DEFAULT_MAX_FEED_BYTES).toBe(5 * 1024 * 1024);
  });

  it('an explicit maxBytes applies', () => {
    const body = utf8(rss('<item><guid>a</guid></item>'));
    expect(feedErrorOf(() => parseFeed(body, {type: 'rss', maxBytes: 10})).code).toBe('FEED_TOO_LARGE');
    expect(parseFeed(body, {type: 'rss', maxBytes: body.length}).items).toHaveLength(1);
  });

  it('a gzip bomb is stopped at the cap while inflating', () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const err = feedErrorOf(() => parseFeed(bomb, {type: 'rss', maxBytes: 1024 * 1024}));
    expect(err.code).toBe('FEED_TOO_LARGE');
  });
});

describe('encodings and compression', () => {
  it('a gzip-compressed feed is inflated', () => {
    const body = gzipSync(fixture('news_feeds/guardian_us_rss2_2018.xml'));
    const r = parseFeed(body, {type: 'rss'});
    expect(r.items).toHaveLength(55);
  });

  it('a corrupt gzip body is FEED_ENCODING', () => {
    const body = gzipSync(utf8(rss(''))).subarray(0, 12);
    expect(feedErrorOf(() => parseFeed(body, {type: 'rss'})).code).toBe('FEED_ENCODING');
  });

  it('a windows-1251 feed, declared in the XML declaration', () => {
    const text = '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><item><guid>m1</guid><title>Москва: порт закрыт</title></item></channel></rss>';
    const r = parseFeed(iconv.encode(text, 'windows-1251'), {type: 'rss'});
    expect(r.encoding).toBe('windows-1251');
    expect(r.items[0].title).toBe('Москва: порт закрыт');
  });

  it('a windows-1251 feed declared only by the HTTP charset', () => {
    const text = '<rss version="2.0"><channel><item><guid>m1</guid><title>Новости</title></item></channel></rss>';
    const r = parseFeed(iconv.encode(text, 'windows-1251'), {type: 'rss', contentType: 'application/rss+xml; charset=windows-1251'});
    expect(r.items[0].title).toBe('Новости');
  });

  it('a gzip-compressed windows-1251 feed', () => {
    const text = '<?xml version="1.0" encoding="cp1251"?><rss version="2.0"><channel><item><guid>m1</guid><title>Киев</title></item></channel></rss>';
    expect(parseFeed(gzipSync(iconv.encode(text, 'windows-1251')), {type: 'rss'}).items[0].title).toBe('Киев');
  });

  it('undeclared Latin-1 falls back to windows-1252 with an info diagnostic', () => {
    const bytes = iconv.encode('<rss><channel><item><guid>a</guid><title>Caf\u00e9 cr\u00e8me \u20ac</title></item></channel></rss>', 'windows-1252');
    const r = parseFeed(bytes, {type: 'rss'});
    expect(r.items[0].title).toBe('Café crème €');
    expect(r.encoding).toBe('windows-1252');
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'ENCODING_FALLBACK', severity: 'info'})]);
  });

  it('declared UTF-8 that is really Latin-1 falls back with a warning', () => {
    const bytes = iconv.encode('<?xml version="1.0" encoding="utf-8"?><rss><channel><item><guid>a</guid><title>S\u00e3o Paulo</title></item></channel></rss>', 'latin1');
    const r = parseFeed(bytes, {type: 'rss'});
    expect(r.items[0].title).toBe('São Paulo');
    expect(r.diagnostics[0]).toMatchObject({code: 'ENCODING_FALLBACK', severity: 'warning'});
  });

  it('the XML declaration wins over a conflicting HTTP charset', () => {
    const bytes = utf8('<?xml version="1.0" encoding="UTF-8"?><rss><channel><item><guid>a</guid><title>Zürich</title></item></channel></rss>');
    expect(parseFeed(bytes, {type: 'rss', contentType: 'text/xml; charset=ISO-8859-1'}).items[0].title).toBe('Zürich');
  });

  it('UTF-16LE with a BOM, UTF-8 with a BOM', () => {
    const text = '<?xml version="1.0" encoding="UTF-16"?><rss><channel><item><guid>a</guid><title>Ωmega</title></item></channel></rss>';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(parseFeed(le, {type: 'rss'}).items[0].title).toBe('Ωmega');
    const bom8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace('UTF-16', 'UTF-8'))]);
    expect(parseFeed(bom8, {type: 'rss'}).items[0].title).toBe('Ωmega');
  });

  it('an unknown charset: UTF-8 bytes still parse (warning); other bytes are FEED_ENCODING', () => {
    const ok = parseFeed(utf8('<?xml version="1.0" encoding="x-klingon"?><rss><channel><item><guid>a</guid></item></channel></rss>'), {type: 'rss'});
    expect(ok.items).toHaveLength(1);
    expect(ok.diagnostics[0]).toMatchObject({code: 'ENCODING_UNKNOWN', severity: 'warning'});
    const bad = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="x-klingon"?><rss><channel><item><title>'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('</title></item></channel></rss>')]);
    expect(feedErrorOf(() => parseFeed(bad, {type: 'rss'})).code).toBe('FEED_ENCODING');
  });

  it('blank lines and a BOM before the XML declaration are stripped', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\r\n\n  <?xml version="1.0"?><rss><channel><item><guid>a</guid></item></channel></rss>')]);
    expect(parseFeed(body, {type: 'rss'}).items).toHaveLength(1);
    expect(decodeBytes(utf8('\n\n{"a":1}')).text).toBe('{"a":1}');
  });

  it('bytes are read as UTF-8 exactly when a fatal UTF-8 TextDecoder accepts them', () => {
    const strictUtf8 = (b: Uint8Array) => {
      try {
        return new TextDecoder('utf-8', {fatal: true}).decode(b);
      } catch {
        return null;
      }
    };
    const tricky = fc.constantFrom(0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f, 0x8f);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({min: 0x20, max: 0x7e}), tricky), {maxLength: 24}), (tail) => {
        const bytes = new Uint8Array([0x61, ...tail]);
        const d = decodeBytes(bytes);
        const text = strictUtf8(bytes);
        expect(d.encoding).toBe(text === null ? 'windows-1252' : 'utf-8');
        if (text !== null) expect(d.text).toBe(text);
      }),
      {numRuns: 3000},
    );
  });
});
