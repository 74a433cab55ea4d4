import {describe, expect, it} from 'vitest';
import {parseText, rss} from './helpers.js';

describe('RSS 2.0', () => {
  it('OPS-15: two items, guid as canonical id, summary, TS canonical date', () => {
    const r = parseText(
      rss(`<item><guid>rss-1</guid><title>Alert One</title><link>https://example.com/alerts/1</link>
            <description>First alert summary.</description><pubDate>Mon, 01 Jan 2024 12:00:00 GMT</pubDate></item>
           <item><guid>rss-2</guid><title>Alert Two</title><link>https://example.com/alerts/2</link></item>`),
      {type: 'rss'},
    );
    expect(r.format).toBe('rss2');
    expect(r.items).toHaveLength(2);
    expect(r.items[0]).toEqual({
      canonical_id: 'rss-1',
      title: 'Alert One',
      url: 'https://example.com/alerts/1',
      published_at: '2024-01-01T12:00:00Z',
      payload: {
        title: 'Alert One',
        link: 'https://example.com/alerts/1',
        summary: 'First alert summary.',
        content: null,
        published: 'Mon, 01 Jan 2024 12:00:00 GMT',
        updated: null,
        tags: [],
        author: null,
        orig_link: null,
      },
    });
    expect(r.items[1]).toMatchObject({canonical_id: 'rss-2', title: 'Alert Two', published_at: null});
    expect(r.diagnostics).toEqual([]);
  });

  it('canonical id falls back to link; url falls back to a permalink guid', () => {
    const r = parseText(
      rss(`<item><title>A</title><link> https://example.com/a </link></item>
           <item><title>B</title><guid>https://example.com/b</guid></item>
           <item><title>C</title><guid isPermaLink="false">https://example.com/c</guid></item>`),
      {type: 'rss'},
    );
    expect(r.items.map((i) => [i.canonical_id, i.url])).toEqual([
      ['https://example.com/a', 'https://example.com/a'],
      ['https://example.com/b', 'https://example.com/b'],
      ['https://example.com/c', null],
    ]);
  });

  it('CDATA, escaped HTML, undefined HTML entities, content:encoded, categories, dc:creator', () => {
    const r = parseText(
      rss(
        `<item><title><![CDATA[Port <b>closed</b> & rerouted]]></title>
           <description>&lt;p&gt;Storm&amp;nbsp;surge at &lt;a href="x"&gt;Rotterdam&lt;/a&gt;&lt;/p&gt;&lt;p&gt;Delays&lt;/p&gt;</description>
           <content:encoded><![CDATA[<div><script>alert(1)</script><p>Full &eacute;dition</p></div>]]></content:encoded>
           <category>ports</category><category>weather</category><category>ports</category>
           <dc:creator>Jane Doe</dc:creator><guid>g1</guid>
           <summary>caf&eacute; &nbsp; &hellip;</summary></item>`,
      ).replace('<rss version="2.0">', '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'),
      {type: 'rss'},
    );
    const item = r.items[0];
    expect(item.title).toBe('Port closed & rerouted');
    expect(item.payload.summary).toBe('Storm surge at Rotterdam Delays');
    expect(item.payload.content).toBe('Full édition');
    expect(item.payload.tags).toEqual(['ports', 'weather']);
    expect(item.payload.author).toBe('Jane Doe');
  });

  it('illegally nested items are separate items in document order and do not leak fields', () => {
    const r = parseText(
      rss(`<item><guid>outer</guid><title>Outer</title>
             <item><guid>inner</guid><title>Inner</title><pubDate>Tue, 02 Jan 2024 00:00:00 GMT</pubDate></item>
           </item>
           <item><guid>unclosed</guid><title>Unclosed</title>
           <item><guid>after</guid><title>After</title></item>`),
      {type: 'rss'},
    );
    expect(r.items.map((i) => [i.canonical_id, i.title, i.published_at])).toEqual([
      ['outer', 'Outer', null],
      ['inner', 'Inner', '2024-01-02T00:00:00Z'],
      ['unclosed', 'Unclosed', null],
      ['after', 'After', null],
    ]);
  });

  it('CRLF line endings and a stray "<" in text', () => {
    const body = rss('<item>\r\n<guid>x</guid>\r\n<title>Wind < 30 kt & gusts</title>\r\n</item>\r\n');
    const r = parseText(body, {type: 'rss'});
    expect(r.items[0].title).toBe('Wind < 30 kt & gusts');
  });

  it('an RSS item without pubDate uses dc:date', () => {
    const r = parseText(
      rss('<item><guid>x</guid><dc:date>2024-05-01T10:00:00+02:00</dc:date></item>').replace(
        '<rss version="2.0">',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">',
      ),
      {type: 'rss'},
    );
    expect(r.items[0].published_at).toBe('2024-05-01T08:00:00Z');
    expect(r.items[0].payload.published).toBe('2024-05-01T10:00:00+02:00');
  });

  it('an atom:link without href text in an item does not shadow the RSS link', () => {
    const r = parseText(
      rss('<item><guid>x</guid><atom:link rel="enclosure" href="https://cdn/x.mp3"/><link>https://example.com/x</link></item>').replace(
        '<rss version="2.0">',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
      ),
      {type: 'rss'},
    );
    expect(r.items[0].url).toBe('https://example.com/x');
  });

  it('an unparseable pubDate gives DATE_UNPARSEABLE with item_index', () => {
    const r = parseText(rss('<item><guid>a</guid></item><item><guid>b</guid><pubDate>someday</pubDate></item>'), {type: 'rss'});
    expect(r.items[1].published_at).toBeNull();
    expect(r.diagnostics).toEqual([
      expect.objectContaining({code: 'DATE_UNPARSEABLE', details: {item_index: 1, field: 'pubDate', raw: 'someday'}}),
    ]);
  });

  it('RSS 2.0 with a default namespace on <rss> is read', () => {
    const body = '<rss version="2.0" xmlns="http://backend.userland.com/rss2"><channel><item><guid>u1</guid><title>U</title></item></channel></rss>';
    expect(parseText(body, {type: 'rss'}).items).toEqual([expect.objectContaining({canonical_id: 'u1', title: 'U'})]);
  });

  it('an empty feed is zero items, not an error', () => {
    const r = parseText(rss(''), {type: 'rss'});
    expect(r).toMatchObject({format: 'rss2', items: [], truncated: false});
    expect(parseText('<feed xmlns="http://www.w3.org/2005/Atom"/>', {type: 'rss'}).items).toEqual([]);
  });

  it('a DOCTYPE without entity declarations (RSS 0.91) is accepted', () => {
    const body = `<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>x</title><item><title>Old</title><link>http://example.com/old</link></item></channel></rss>`;
    const r = parseText(body, {type: 'rss'});
    expect(r.items).toHaveLength(1);
    expect(r.items[0].canonical_id).toBe('http://example.com/old');
  });
});

describe('Atom', () => {
  const atom = (entries: string, extra = '') =>
    `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" ${extra}><title>F</title><id>urn:feed</id><author><name>Feed Author</name></author>${entries}</feed>`;

  it('id, alternate link, published over updated, text constructs, inherited author', () => {
    const r = parseText(
      atom(`<entry><id>urn:e1</id><title type="html">A &amp;amp; B &lt;em&gt;now&lt;/em&gt;</title>
              <link rel="self" href="https://example.com/self"/><link rel="alternate" type="text/html" href="https://example.com/e1"/>
              <published>2024-01-01T00:00:00Z</published><updated>2024-01-02T00:00:00Z</updated>
              <summary type="text">a &lt; b</summary>
              <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>One &amp; <b>two</b></p><p>three</p></div></content>
              <category term="logistics"/></entry>`),
      {type: 'rss'},
    );
    expect(r.format).toBe('atom');
    expect(r.items[0]).toEqual({
      canonical_id: 'urn:e1',
      title: 'A & B now',
      url: 'https://example.com/e1',
      published_at: '2024-01-01T00:00:00Z',
      payload: {
        title: 'A & B now',
        link: 'https://example.com/e1',
        summary: 'a < b',
        content: 'One & two three',
        published: '2024-01-01T00:00:00Z',
        updated: '2024-01-02T00:00:00Z',
        tags: ['logistics'],
        author: 'Feed Author',
        orig_link: null,
      },
    });
  });

  it('xml:base resolves relative links; baseUrl option is the fallback', () => {
    const withBase = parseText(atom('<entry><id>urn:a</id><link href="posts/1"/></entry>', 'xml:base="https://example.org/blog/"'), {type: 'rss'});
    expect(withBase.items[0].url).toBe('https://example.org/blog/posts/1');
    const withOption = parseText(atom('<entry><id>urn:a</id><link href="/posts/1"/></entry>'), {type: 'rss', baseUrl: 'https://example.net/feed.xml'});
    expect(withOption.items[0].url).toBe('https://example.net/posts/1');
  });

  it('an entry without id uses its link as canonical id', () => {
    const r = parseText(atom('<entry><link href="https://example.com/x"/><title>x</title></entry>'), {type: 'rss'});
    expect(r.items[0].canonical_id).toBe('https://example.com/x');
  });

  it('prefixed Atom elements (atom:feed) are read', () => {
    const body = `<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:entry><a:id>urn:p</a:id><a:title>P</a:title><a:updated>2024-01-01T00:00:00Z</a:updated></a:entry></a:feed>`;
    const r = parseText(body, {type: 'rss'});
    expect(r.items[0]).toMatchObject({canonical_id: 'urn:p', title: 'P', published_at: '2024-01-01T00:00:00Z'});
  });
});

describe('RSS 1.0', () => {
  it('items beside the channel, rdf:about, dc:date, dc:subject tags', () => {
    const body = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="https://example.com/"><title>C</title><items><rdf:Seq><rdf:li rdf:resource="https://example.com/1"/></rdf:Seq></items></channel>
      <item rdf:about="https://example.com/1"><title>One</title><link>https://example.com/1</link><dc:date>2024-02-03T04:05:06Z</dc:date><dc:subject>Ports</dc:subject></item>
    </rdf:RDF>`;
    const r = parseText(body, {type: 'rss'});
    expect(r.format).toBe('rss1');
    expect(r.items).toEqual([
      expect.objectContaining({canonical_id: 'https://example.com/1', title: 'One', published_at: '2024-02-03T04:05:06Z'}),
    ]);
    expect(r.items[0].payload.tags).toEqual(['Ports']);
  });
});

describe('limits', () => {
  const many = rss(Array.from({length: 5}, (_, i) => `<item><guid>g${i}</guid><title>${'x'.repeat(i * 100)}</title></item>`).join(''));

  it('maxItems keeps the first N in document order and sets truncated', () => {
    const r = parseText(many, {type: 'rss', maxItems: 2});
    expect(r.items.map((i) => i.canonical_id)).toEqual(['g0', 'g1']);
    expect(r.truncated).toBe(true);
    expect(r.diagnostics.map((d) => d.code)).toContain('FEED_TRUNCATED');
    expect(parseText(many, {type: 'rss', maxItems: 5}).truncated).toBe(false);
    expect(parseText(many, {type: 'rss', maxItems: 0}).items).toEqual([]);
  });

  it('maxItemBytes skips oversized items with ITEM_TOO_LARGE', () => {
    const sizes = parseText(many, {type: 'rss'}).items.map((i) => Buffer.byteLength(JSON.stringify(i)));
    const limit = sizes[2];
    expect(sizes[3]).toBeGreaterThan(limit);
    const r = parseText(many, {type: 'rss', maxItemBytes: limit});
    expect(r.items.map((i) => i.canonical_id)).toEqual(['g0', 'g1', 'g2']);
    const skipped = r.diagnostics.filter((d) => d.code === 'ITEM_TOO_LARGE');
    expect(skipped.map((d) => d.details?.item_index)).toEqual([3, 4]);
    expect(skipped[0].details).toMatchObject({limit, bytes: sizes[3], canonical_id: 'g3'});
  });
});
