import {mkdtempSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Parser} from 'htmlparser2';
import {chromium} from 'playwright-core';
import {afterAll, describe, expect, it} from 'vitest';
import {buildBriefV2} from '../../src/reports/brief-v2/build.js';
import {projectFacilities} from '../../src/reports/brief-v2/facility-map.js';
import {type BriefModelV2, distinctAlerts} from '../../src/reports/brief-v2/model.js';
import {renderBriefHtml} from '../../src/reports/brief-v2/render-html.js';
import {parseIsoInstant} from '../../src/kernel/time.js';
import {addAlert, memoryStore, RG, source} from './fixture.js';

/**
 * The self-contained HTML brief (§8.2), checked twice: parsed with a real HTML parser
 * (htmlparser2) and rendered in real headless Chromium (Debian's chromium through
 * playwright-core). When Chromium cannot start, the test fails: it never skips.
 */
const NOW = parseIsoInstant('2025-12-29T17:00:00Z')!.micros;
const tmp = mkdtempSync(join(tmpdir(), 'hardstop-brief-html-'));
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

function model(): BriefModelV2 {
  const store = memoryStore();
  store.db
    .prepare(
      `INSERT INTO facilities (facility_id, name, type, lat, lon) VALUES
       ('DC-1', 'Memphis "DC" <one>', 'DC', 35.15, -90.05), ('PL-2', 'Avon Plant', 'PLANT', 39.76, -86.4), ('WH-3', 'No coordinates', 'WH', NULL, NULL)`,
    )
    .run();
  addAlert(store, {alertId: 'A-1', classification: 2, impact: 9, versions: 2, facilities: ['DC-1', 'PL-2'], summary: 'Spill <script>alert(1)</script> & "quotes"'});
  addAlert(store, {alertId: 'A-2', classification: 2, impact: 5, facilities: ['PL-2', 'WH-3'], summary: 'See https://example.com/x.png for details'});
  addAlert(store, {alertId: 'A-3', classification: 1, impact: 2, tier: 'local', facilities: ['UNKNOWN-9']});
  return buildBriefV2(store, {
    now: NOW,
    sinceMicros: 24 * 3_600_000_000,
    includeClass0: false,
    limit: 20,
    runGroupId: RG,
    mode: 'strict',
    configHash: 'c'.repeat(64),
    hardstopVersion: '0.1.0',
    sources: [source('src-a'), source('src-b', {order: 1})],
  }).model;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const REF_ATTRS = new Set(['src', 'href', 'xlink:href', 'srcset', 'action', 'formaction', 'poster', 'data', 'background', 'manifest', 'ping', 'cite']);

interface Element {
  name: string;
  attrs: Record<string, string>;
}

/** Parses the page; every tag must close in order (well formed), and no attribute may reference anything. */
function parse(html: string): {elements: Element[]; problems: string[]; styles: string[]; text: string} {
  const elements: Element[] = [];
  const problems: string[] = [];
  const styles: string[] = [];
  const stack: string[] = [];
  let inStyle = false;
  let text = '';
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        elements.push({name, attrs});
        if (!VOID.has(name)) stack.push(name);
        for (const [k, v] of Object.entries(attrs)) {
          if (REF_ATTRS.has(k) || k.startsWith('on')) problems.push(`<${name} ${k}="${v}">`);
          if (k === 'style') styles.push(v);
        }
        inStyle = name === 'style';
      },
      onclosetag(name, implied) {
        if (VOID.has(name)) return;
        const open = stack.pop();
        if (open !== name || implied) problems.push(`</${name}> closes <${open}>${implied ? ' (implied)' : ''}`);
        inStyle = false;
      },
      ontext(t) {
        if (inStyle) styles.push(t);
        else text += t;
      },
      onerror(err) {
        problems.push(err.message);
      },
    },
    {decodeEntities: true, recognizeSelfClosing: true, lowerCaseTags: true},
  );
  parser.write(html);
  parser.end();
  if (stack.length) problems.push(`unclosed: ${stack.join(' > ')}`);
  return {elements, problems, styles, text};
}

describe('HTML brief: parsed (htmlparser2)', () => {
  const m = model();
  const html = renderBriefHtml(m);
  const doc = parse(html);

  it('is one well-formed, self-contained page: doctype, charset, one inline style, no script, no reference outside the file', () => {
    expect(html.startsWith('<!DOCTYPE html>\n')).toBe(true);
    expect(doc.problems).toEqual([]);
    expect(doc.elements.filter((e) => e.name === 'meta' && e.attrs.charset === 'utf-8')).toHaveLength(1);
    expect(doc.elements.filter((e) => e.name === 'style')).toHaveLength(1);
    expect(doc.elements.filter((e) => ['script', 'link', 'img', 'iframe', 'object', 'embed', 'base'].includes(e.name))).toEqual([]);
    for (const css of doc.styles) expect(css).not.toMatch(/url\s*\(|@import/i);
    // Stored text is escaped, so the summary's markup is text, and the URL is shown, not linked.
    expect(doc.text).toContain('Spill <script>alert(1)</script> & "quotes"');
    expect(doc.text).toContain('See https://example.com/x.png for details');
  });

  it('one article.alert-card per distinct alert (top, updated, created order)', () => {
    const cards = doc.elements.filter((e) => e.name === 'article' && e.attrs.class?.split(' ').includes('alert-card'));
    expect(cards.map((c) => c.attrs['data-alert-id'])).toEqual(distinctAlerts(m).map((e) => e.alert_id));
    expect(cards.map((c) => c.attrs['data-alert-id'])).toEqual(['A-1', 'A-2', 'A-3']);
  });

  it('one circle.facility per affected facility with coordinates, inside the 800 × 400 map; the others listed as unplaced', () => {
    const svg = doc.elements.filter((e) => e.name === 'svg');
    expect(svg.map((s) => s.attrs.viewbox ?? s.attrs.viewBox)).toEqual(['0 0 800 400']);
    const circles = doc.elements.filter((e) => e.name === 'circle' && e.attrs.class === 'facility');
    expect(circles.map((c) => c.attrs['data-facility-id'])).toEqual(['DC-1', 'PL-2']);
    for (const c of circles) {
      expect(Number(c.attrs.cx)).toBeGreaterThanOrEqual(0);
      expect(Number(c.attrs.cx)).toBeLessThanOrEqual(800);
      expect(Number(c.attrs.cy)).toBeGreaterThanOrEqual(0);
      expect(Number(c.attrs.cy)).toBeLessThanOrEqual(400);
      expect(c.attrs.cx).toMatch(/^\d+(\.\d{1,2})?$/);
    }
    const unplaced = html.slice(html.indexOf('<ul class="unplaced">'));
    expect(unplaced.slice(0, unplaced.indexOf('</ul>'))).toBe('<ul class="unplaced"><li>UNKNOWN-9</li><li>WH-3</li>');
    expect(doc.elements.filter((e) => e.name === 'table' && e.attrs.class === 'source-health')).toHaveLength(1);
  });

  it('the projection: 10 % padding around the bounding box, north up, minimum span 1°', () => {
    const places = [
      {facility_id: 'W', name: 'w', lat: 30, lon: -100},
      {facility_id: 'E', name: 'e', lat: 40, lon: -80},
    ];
    const map = projectFacilities(['E', 'W'], places);
    expect(map.points.map((p) => [p.facility.facility_id, p.x, p.y])).toEqual([
      ['E', 733.33, 33.33],
      ['W', 66.67, 366.67],
    ]);
    const one = projectFacilities(['W'], places);
    expect(one.points.map((p) => [p.x, p.y])).toEqual([[400, 200]]);
  });
});

describe('HTML brief: rendered in headless Chromium', () => {
  it('shows every card and marker, makes zero network requests, and is captured in a screenshot', async () => {
    const m = model();
    const html = renderBriefHtml(m);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({viewport: {width: 1200, height: 900}});
      const requests: string[] = [];
      await page.route('**/*', async (route) => {
        requests.push(route.request().url());
        await route.abort();
      });
      page.on('request', (r) => requests.push(r.url()));
      await page.setContent(html, {waitUntil: 'load'});
      const cards = page.locator('article.alert-card');
      expect(await cards.count()).toBe(3);
      for (let i = 0; i < 3; i++) expect(await cards.nth(i).isVisible()).toBe(true);
      const markers = page.locator('circle.facility');
      expect(await markers.count()).toBe(2);
      for (let i = 0; i < 2; i++) {
        expect(await markers.nth(i).isVisible()).toBe(true);
        const box = await markers.nth(i).boundingBox();
        expect(box!.width).toBeGreaterThan(0);
      }
      expect(await page.locator('table.source-health tr[data-source-id]').count()).toBe(2);
      const shot = join(tmp, 'brief.png');
      await page.screenshot({path: shot, fullPage: true});
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
