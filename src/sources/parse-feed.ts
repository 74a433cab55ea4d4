/**
 * The one entry point from feed bytes to raw item candidates (the fetcher and the pipeline call
 * this). Steps: decode bytes (decode.ts: byte cap, gzip, charset), sniff XML vs JSON, reject
 * HTML pages, parse (XML with entity declarations rejected and expansion off), dispatch to the
 * adapter of the source type, then build items in document order, skipping items above
 * `maxItemBytes` and stopping after `maxItems`.
 *
 * Routing by `type` (the body is sniffed; Content-Type is used only for its charset):
 *   rss       XML: RSS 2.0 / RSS 1.0 (RDF) / Atom, auto-detected.
 *   nws_alerts JSON: GeoJSON FeatureCollection, feature array, Feature, JSON-LD @graph;
 *              XML: CAP (Atom index or alert) is accepted too.
 *   nws_cap   XML: CAP Atom index feed or a single CAP alert.
 *   fema      JSON: OpenFEMA / generic records; XML: RSS/Atom.
 *   fsis      JSON: FSIS recall API array; XML: RSS/Atom (the FSIS RSS feed).
 *   nga_msi   XML `<broadcast-warn>` or JSON `{"broadcast-warn": […]}`.
 * Anything else is FEED_NOT_A_FEED. Every failure is a FeedError; no other exception escapes.
 */
import {diag, type Diagnostic} from '../kernel/diagnostic.js';
import {type RawItemCandidate, type SourceType} from '../model/raw-item.js';
import {decodeBytes, DEFAULT_MAX_FEED_BYTES} from './decode.js';
import {type AdapterResult, jsonBytesBound, toJsonSafe} from './adapters/common.js';
import {FeedError} from './adapters/feed-error.js';
import {femaJsonAdapter} from './adapters/fema.js';
import {fsisAdapter} from './adapters/fsis.js';
import {isNgaJson, isNgaRoot, ngaJsonAdapter, ngaXmlAdapter} from './adapters/nga-msi.js';
import {nwsAlertsAdapter} from './adapters/nws-alerts.js';
import {capAdapter, detectCapFormat} from './adapters/nws-cap.js';
import {detectRssFormat, rssAdapter} from './adapters/rss.js';
import {isElement, parseXmlDocument, type XElement} from './adapters/xml-dom.js';
import {checkXmlWellFormed, type XmlWellFormedness} from './adapters/xml-wellformed.js';

export {FeedError, type FeedErrorCode} from './adapters/feed-error.js';
export {DEFAULT_MAX_FEED_BYTES} from './decode.js';

export interface ParseFeedOptions {
  type: SourceType;
  /** HTTP Content-Type of the response (its charset parameter is honoured). */
  contentType?: string | null;
  /** Keep at most this many items (document order); `truncated` says more existed. */
  maxItems?: number;
  /** Skip (with ITEM_TOO_LARGE) an item whose JSON serialization exceeds this many UTF-8 bytes. */
  maxItemBytes?: number;
  /** Cap on body bytes, raw and after gunzip (default DEFAULT_MAX_FEED_BYTES = 5 MiB). */
  maxBytes?: number;
  /** The URL the body was fetched from; base for relative links when the feed has no xml:base. */
  baseUrl?: string | null;
}

export interface ParsedFeed {
  /** 'rss2' | 'rss1' | 'atom' | 'nws-geojson' | 'nws-geojson-array' | 'nws-geojson-feature' |
   *  'nws-jsonld' | 'cap-atom' | 'cap' | 'openfema' | 'fema-json' | 'fsis-json' | 'nga-msi' | 'nga-msi-json' */
  format: string;
  items: RawItemCandidate[];
  diagnostics: Diagnostic[];
  /** True when `maxItems` cut items off. */
  truncated: boolean;
  /** Charset used to decode the body. */
  encoding: string;
}

const SOURCE_TYPES: readonly SourceType[] = ['rss', 'nws_alerts', 'nws_cap', 'fema', 'fsis', 'nga_msi'];

const HTML_START = /^(?:<!doctype\s+html|<html[\s>/]|<head[\s>]|<body[\s>])/i;

/** True when the text, after leading whitespace and comments, starts like an HTML page. */
function looksLikeHtml(text: string): boolean {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (!text.startsWith('<!--', i)) break;
    const close = text.indexOf('-->', i + 4);
    if (close < 0) return false;
    i = close + 3;
  }
  return HTML_START.test(text.slice(i, i + 64));
}

function notAFeed(type: SourceType, what: string): FeedError {
  return new FeedError('FEED_NOT_A_FEED', `body is not a ${type} feed: ${what}`, {
    hint: 'check the source URL and type; an HTML page usually means a moved feed or an error page',
  });
}

function xmlAdapter(root: XElement, type: SourceType, baseUrl: string | null): AdapterResult {
  if (root.local.toLowerCase() === 'html') throw notAFeed(type, 'an HTML page');
  const rootDesc = `root element <${root.name}>`;
  switch (type) {
    case 'rss':
    case 'fema':
    case 'fsis': {
      const f = detectRssFormat(root);
      if (f === null) throw notAFeed(type, `${rootDesc} is not RSS or Atom`);
      return rssAdapter(root, f, baseUrl);
    }
    case 'nws_cap':
    case 'nws_alerts': {
      const f = detectCapFormat(root);
      if (f === null) throw notAFeed(type, `${rootDesc} is not a CAP alert or Atom index`);
      return capAdapter(root, f, baseUrl);
    }
    case 'nga_msi':
      if (!isNgaRoot(root)) throw notAFeed(type, `${rootDesc} is not <broadcast-warn>`);
      return ngaXmlAdapter(root);
  }
}

function jsonAdapter(value: unknown, type: SourceType): AdapterResult {
  switch (type) {
    case 'nws_alerts':
      return nwsAlertsAdapter(value);
    case 'fema':
      return femaJsonAdapter(value);
    case 'fsis':
      return fsisAdapter(value);
    case 'nga_msi':
      if (!isNgaJson(value)) throw notAFeed(type, 'JSON without a "broadcast-warn" array');
      return ngaJsonAdapter(value);
    case 'rss':
    case 'nws_cap':
      throw notAFeed(type, 'JSON where XML was expected');
  }
}

/**
 * The elements a truncated document left open, found by their document-order index. When the
 * parsed tree does not have one element per start tag the scan counted (the tolerant parser
 * dropped or invented one), the indexes cannot be trusted and nothing is marked; the
 * FEED_MALFORMED warning still reports the problem.
 */
function unclosedElements(root: XElement, wf: XmlWellFormedness): ReadonlySet<XElement> {
  if (wf.unclosedAtEnd.length === 0) return new Set();
  const order: XElement[] = [];
  const walk = (el: XElement) => {
    order.push(el);
    for (const c of el.children) if (isElement(c)) walk(c);
  };
  walk(root);
  if (order.length !== wf.elementCount) return new Set();
  return new Set(wf.unclosedAtEnd.map((i) => order[i]));
}

/** ` at line L col C` from a JSON.parse message naming a position, else ''. */
function jsonErrorPosition(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  const offset = m ? Number(m[1]) : /end of JSON input/.test(err.message) ? text.length : -1;
  if (offset < 0) return '';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return ` at line ${line} col ${offset - before.lastIndexOf('\n')}`;
}

function checkLimit(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 0)) {
    throw new FeedError('FEED_MALFORMED', `parseFeed option ${name} must be a non-negative integer, got ${String(v)}`);
  }
}

function parseFeedInner(bytes: Uint8Array, opts: ParseFeedOptions): ParsedFeed {
  if (!SOURCE_TYPES.includes(opts.type)) {
    throw new FeedError('FEED_NOT_A_FEED', `unknown source type ${JSON.stringify(opts.type)}`);
  }
  checkLimit('maxItems', opts.maxItems);
  checkLimit('maxItemBytes', opts.maxItemBytes);
  checkLimit('maxBytes', opts.maxBytes);
  const decoded = decodeBytes(bytes, {contentType: opts.contentType, maxBytes: opts.maxBytes ?? DEFAULT_MAX_FEED_BYTES});
  const text = decoded.text;
  const diagnostics: Diagnostic[] = [...decoded.diagnostics];

  if (text.trim() === '') throw notAFeed(opts.type, 'the body is empty');
  if (looksLikeHtml(text)) throw notAFeed(opts.type, 'an HTML page');

  let adapter: AdapterResult;
  let wellFormedness: XmlWellFormedness | null = null;
  let unclosed: ReadonlySet<XElement> = new Set();
  const first = text[0];
  if (first === '<') {
    const root = parseXmlDocument(text);
    wellFormedness = checkXmlWellFormed(text);
    unclosed = unclosedElements(root, wellFormedness);
    adapter = xmlAdapter(root, opts.type, opts.baseUrl ?? null);
  } else if (first === '{' || first === '[') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new FeedError('FEED_MALFORMED', `JSON cannot be read${jsonErrorPosition(text, err as Error)}: ${(err as Error).message}`, {cause: err});
    }
    adapter = jsonAdapter(value, opts.type);
  } else {
    throw notAFeed(opts.type, 'neither XML nor JSON');
  }
  diagnostics.push(...adapter.diagnostics);

  const items: RawItemCandidate[] = [];
  let truncated = false;
  let dropped = 0;
  for (let i = 0; i < adapter.items.length; i++) {
    if (opts.maxItems !== undefined && items.length >= opts.maxItems) {
      truncated = true;
      break;
    }
    const thunk = adapter.items[i];
    // Never store an item the document cut off: its fields (its date too) may be missing.
    if (thunk.element && unclosed.has(thunk.element)) {
      dropped++;
      continue;
    }
    const built = thunk();
    diagnostics.push(...built.diagnostics);
    if (built.candidate === null) continue;
    built.candidate.payload = toJsonSafe(built.candidate.payload) as Record<string, unknown>;
    // Only items that might exceed the cap are serialized to measure them.
    if (opts.maxItemBytes !== undefined && jsonBytesBound(built.candidate) > opts.maxItemBytes) {
      const size = Buffer.byteLength(JSON.stringify(built.candidate), 'utf8');
      if (size > opts.maxItemBytes) {
        diagnostics.push(
          diag('ITEM_TOO_LARGE', 'warning', `item ${i} is ${size} bytes, above the ${opts.maxItemBytes}-byte item cap; skipped`, {
            details: {item_index: i, bytes: size, limit: opts.maxItemBytes, canonical_id: built.candidate.canonical_id},
          }),
        );
        continue;
      }
    }
    items.push(built.candidate);
  }
  if (wellFormedness?.problem) {
    const {line, col, message} = wellFormedness.problem;
    diagnostics.push(
      diag('FEED_MALFORMED', 'warning', `not well-formed XML at line ${line} col ${col}: ${message}; ${dropped} incomplete item(s) dropped, ${items.length} kept`, {
        hint: 'only items whose element is complete are stored; the next fetch of a complete document brings the rest',
        details: {line, col, dropped_items: dropped},
      }),
    );
  }
  if (truncated) {
    diagnostics.push(
      diag('FEED_TRUNCATED', 'info', `kept the first ${opts.maxItems} items; the feed has ${adapter.items.length} entries`, {
        details: {max_items: opts.maxItems, entries: adapter.items.length},
      }),
    );
  }
  return {format: adapter.format, items, diagnostics, truncated, encoding: decoded.encoding};
}

/**
 * Parses a feed body into raw item candidates. Throws FeedError (FEED_NOT_A_FEED,
 * FEED_MALFORMED, FEED_ENTITY_EXPANSION, FEED_TOO_LARGE, FEED_ENCODING) and nothing else.
 */
export function parseFeed(bytes: Uint8Array, opts: ParseFeedOptions): ParsedFeed {
  try {
    return parseFeedInner(bytes, opts);
  } catch (err) {
    if (err instanceof FeedError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new FeedError('FEED_MALFORMED', `feed cannot be read: ${message}`, {cause: err});
  }
}
