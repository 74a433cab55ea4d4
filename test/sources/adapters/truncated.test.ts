import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {FeedError, parseFeed} from '../../../src/sources/parse-feed.js';
import type {SourceType} from '../../../src/model/raw-item.js';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'corpus');
const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'demo', 'home', 'feeds');

/** Real documents of each XML shape: RSS 2.0, Atom, CAP index. */
const DOCS: [string, SourceType, string][] = [
  ['demo industry news (RSS 2.0)', 'rss', join(FIXTURES, 'industry_news.xml')],
  ['demo port notices (RSS 2.0)', 'rss', join(FIXTURES, 'port_notices.xml')],
  ['FDA recalls (RSS 2.0)', 'fsis', join(CORPUS, 'recalls', 'fda_food_safety_recalls_rss_20241114.xml')],
  ['NWS CAP index (Atom)', 'nws_cap', join(CORPUS, 'nws_cap_atom', 'nws_cap_atom_us_excerpt_20141105.xml')],
  ['Heise developer (Atom)', 'rss', join(CORPUS, 'news_feeds', 'heise_developer_atom_2016.xml')],
  ['NGA MSI broadcast warnings', 'nga_msi', join(CORPUS, 'maritime', 'nga_msi_broadcast_warn_navAreaC_HYDROARC_2023.xml')],
  ['RSS 1.0 (RDF)', 'rss', join(CORPUS, 'edge_cases', 'science_twis_rss1.0_rdf.rss')],
];

describe('a truncated feed (issue 20 finding 1): FEED_MALFORMED with line:col, only complete items kept, dropped counted', () => {
  it('head -c 6000 of the FDA recalls feed: the cut-off item is dropped and reported', () => {
    const bytes = readFileSync(join(CORPUS, 'recalls', 'fda_food_safety_recalls_rss_20241114.xml')).subarray(0, 6000);
    const full = parseFeed(readFileSync(join(CORPUS, 'recalls', 'fda_food_safety_recalls_rss_20241114.xml')), {type: 'fsis'});
    const cut = parseFeed(bytes, {type: 'fsis'});
    expect(cut.items).toEqual(full.items.slice(0, cut.items.length));
    const d = cut.diagnostics.find((x) => x.code === 'FEED_MALFORMED')!;
    expect(d.severity).toBe('warning');
    expect(d.message).toMatch(/^not well-formed XML at line \d+ col \d+: the document ends inside <description> opened at line \d+ col \d+ \(a truncated download\?\); 1 incomplete item\(s\) dropped, \d+ kept$/);
    expect(d.details).toMatchObject({dropped_items: 1});
  });

  it('a complete document has no FEED_MALFORMED', () => {
    for (const [, type, path] of DOCS) expect(parseFeed(readFileSync(path), {type}).diagnostics.map((d) => d.code)).not.toContain('FEED_MALFORMED');
  });

  it.each(DOCS)('%s cut anywhere: the kept items are exactly the complete ones, unchanged', (_name, type, path) => {
    const bytes = readFileSync(path);
    const full = parseFeed(bytes, {type});
    const text = bytes.toString('utf8');
    fc.assert(
      fc.property(fc.integer({min: 1, max: bytes.length - 1}), (cutAt) => {
        // Cut on a character boundary: a torn UTF-8 sequence is a decoding question, not this one.
        const prefix = Buffer.from(text.slice(0, Buffer.from(bytes.subarray(0, cutAt)).toString('utf8').replace(/\uFFFD$/, '').length));
        if (prefix.toString('utf8').trimEnd() === text.trimEnd()) return;
        let cut;
        try {
          cut = parseFeed(prefix, {type});
        } catch (err) {
          expect(err).toBeInstanceOf(FeedError);
          return;
        }
        expect(cut.items).toEqual(full.items.slice(0, cut.items.length));
        const malformed = cut.diagnostics.filter((d) => d.code === 'FEED_MALFORMED');
        expect(malformed).toHaveLength(1);
        expect(malformed[0].details?.line).toBeGreaterThan(0);
        expect(cut.items.length + Number(malformed[0].details?.dropped_items)).toBeLessThanOrEqual(full.items.length);
      }),
      {numRuns: 60, seed: 20},
    );
  });

  it('truncated JSON is FEED_MALFORMED with its position and stores nothing', () => {
    const json = readFileSync(join(FIXTURES, 'nws_alerts.json'), 'utf8');
    expect(() => parseFeed(Buffer.from(json.slice(0, 500)), {type: 'nws_alerts'})).toThrow(/^JSON cannot be read at line \d+ col \d+: /);
  });
});
