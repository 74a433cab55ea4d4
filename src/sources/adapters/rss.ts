/**
 * RSS 2.0 (and 0.9x), RSS 1.0 / RDF and Atom 1.0 (and 0.3) adapter.
 *
 * Items are every `item` (RSS) or `entry` (Atom) element in document order, wherever they sit
 * under the root (RSS 1.0 puts items beside the channel; an unclosed `<item>` nests the next
 * ones inside it). Fields are read from each item's own children only, so a nested item never
 * lends its fields to its parent.
 *
 * Per item: canonical_id = RSS guid, else RSS 1.0 rdf:about, else link (Atom: id, else link);
 * url = feedburner:origLink, else the link (Atom: the alternate link), else a permalink guid;
 * published_at = RSS pubDate, else dc:date (RSS 1.0 uses dc:date); Atom published, else updated.
 * Payload (always these keys, null when absent): title, link, summary, content, published,
 * updated, tags, author, orig_link. Bodies are reduced to text by html-text.ts.
 */
import {type Diagnostic} from '../../kernel/diagnostic.js';
import {parseFeedDate} from '../feed-date.js';
import {collapseWhitespace, htmlToText} from '../html-text.js';
import {type RawItemCandidate} from '../../model/raw-item.js';
import {type AdapterResult, fromElement, type ItemBuild, str, uniq} from './common.js';
import {
  NS,
  attrLocal,
  childElements,
  descendants,
  firstChild,
  innerMarkup,
  resolveUrl,
  textContent,
  normNs,
  type XElement,
} from './xml-dom.js';

export type RssFormat = 'rss2' | 'rss1' | 'atom';

const RSS_CORE: readonly string[] = ['', NS.rss1, NS.rss090];
/** Userland's RSS 2.0 namespace, which some RSS 2.0 feeds declare as their default. */
const USERLAND = [normNs('http://backend.userland.com/rss2'), normNs('http://backend.userland.com/rss')];
const ATOM = [NS.atom, NS.atom03, ''] as const;
const DC = [NS.dc] as const;
const DCTERMS = [NS.dcterms] as const;

/** Which RSS/Atom flavour a root element is, or null. */
export function detectRssFormat(root: XElement): RssFormat | null {
  if (root.local.toLowerCase() === 'rss') return 'rss2';
  if (root.local === 'RDF' && (root.ns === NS.rdf || root.ns.startsWith('urn:undeclared-prefix'))) return 'rss1';
  if (root.local === 'feed' && (root.ns === NS.atom || root.ns === NS.atom03 || root.ns === '')) return 'atom';
  return null;
}

function textOf(el: XElement | null): string | null {
  return el === null ? null : str(textContent(el));
}

/** HTML body (escaped or CDATA or inline markup) reduced to text; null when empty. */
function htmlOf(el: XElement | null): string | null {
  if (el === null) return null;
  const t = htmlToText(innerMarkup(el, true));
  return t === '' ? null : t;
}

/** An Atom text construct (type text | html | xhtml) reduced to text. */
export function atomText(el: XElement | null): string | null {
  if (el === null) return null;
  if (attrLocal(el, 'src') !== null && el.children.length === 0) return null;
  const type = (attrLocal(el, 'type') ?? 'text').trim().toLowerCase();
  const mode = (attrLocal(el, 'mode') ?? '').trim().toLowerCase();
  let out: string;
  if (type === 'xhtml' || type === 'application/xhtml+xml') out = htmlToText(innerMarkup(el, false));
  else if (type === 'html' || type === 'text/html' || mode === 'escaped') out = htmlToText(innerMarkup(el, true));
  else out = collapseWhitespace(textContent(el));
  return out === '' ? null : out;
}

function payloadOf(fields: {
  title: string | null;
  link: string | null;
  summary: string | null;
  content: string | null;
  published: string | null;
  updated: string | null;
  tags: string[];
  author: string | null;
  origLink: string | null;
}): Record<string, unknown> {
  return {
    title: fields.title,
    link: fields.link,
    summary: fields.summary,
    content: fields.content,
    published: fields.published,
    updated: fields.updated,
    tags: fields.tags,
    author: fields.author,
    orig_link: fields.origLink,
  };
}

function rssItem(item: XElement, index: number, format: 'rss2' | 'rss1', base: string | null, core: readonly string[]): ItemBuild {
  const diagnostics: Diagnostic[] = [];
  const title = htmlOf(firstChild(item, 'title', core));
  let link = textOf(firstChild(item, 'link', core));
  if (link === null) {
    const atomLink = childElements(item, 'link', [NS.atom]).find((l) => {
      const rel = attrLocal(l, 'rel');
      return rel === null || rel === 'alternate';
    });
    const href = atomLink ? str(attrLocal(atomLink, 'href')) : null;
    if (atomLink && href) link = resolveUrl(atomLink, href);
  } else {
    link = resolveUrl(item, link);
  }
  link = absolutize(link, base);
  const guidEl = firstChild(item, 'guid', core);
  const guid = textOf(guidEl);
  const about = format === 'rss1' ? str(attrLocal(item, 'about')) : null;
  const origLink = textOf(firstChild(item, 'origLink', [NS.feedburner]));

  const pubDate = textOf(firstChild(item, 'pubDate', core));
  const dcDate = textOf(firstChild(item, 'date', DC));
  const issued = textOf(firstChild(item, 'issued', DCTERMS)) ?? textOf(firstChild(item, 'created', DCTERMS));
  const atomPublished = textOf(firstChild(item, 'published', [NS.atom]));
  const datePick: Array<[string, string | null]> =
    format === 'rss1'
      ? [['dc:date', dcDate], ['pubDate', pubDate], ['dcterms:issued', issued]]
      : [['pubDate', pubDate], ['dc:date', dcDate], ['dcterms:issued', issued], ['atom:published', atomPublished]];
  const chosen = datePick.find(([, v]) => v !== null) ?? null;
  const published = chosen ? chosen[1] : null;
  let publishedAt: string | null = null;
  if (chosen) {
    const r = parseFeedDate(chosen[1], {field: chosen[0], itemIndex: index});
    diagnostics.push(...r.diagnostics);
    publishedAt = r.instant;
  }
  const updated = textOf(firstChild(item, 'updated', [NS.atom])) ?? textOf(firstChild(item, 'modified', DCTERMS));

  const authors = [
    ...childElements(item, 'author', core).map(textOf),
    ...childElements(item, 'creator', DC).map(textOf),
  ].filter((a): a is string => a !== null);
  const tags = uniq(
    [
      ...childElements(item, 'category', core).map(textOf),
      ...childElements(item, 'subject', DC).map(textOf),
    ].filter((t): t is string => t !== null),
  );

  const summary = htmlOf(firstChild(item, 'description', core));
  const content = htmlOf(firstChild(item, 'encoded', [NS.content]));

  const permalinkGuid =
    guid !== null && (attrLocal(guidEl as XElement, 'isPermaLink') ?? 'true').trim().toLowerCase() !== 'false' && /^https?:\/\//i.test(guid)
      ? guid
      : null;
  const candidate: RawItemCandidate = {
    canonical_id: guid ?? about ?? link,
    title,
    url: origLink ?? link ?? permalinkGuid,
    published_at: publishedAt,
    payload: payloadOf({title, link, summary, content, published, updated, tags, author: authors.length ? uniq(authors).join(', ') : null, origLink}),
  };
  return {candidate, diagnostics};
}

/** Makes a still-relative URL absolute against the feed-level fallback base (if any). */
function absolutize(url: string | null, fallbackBase: string | null): string | null {
  if (url === null || fallbackBase === null || /^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  try {
    return new URL(url, fallbackBase).toString();
  } catch {
    return url;
  }
}

/**
 * Base for links that stay relative after xml:base: the caller's document URL, else the feed's
 * own absolute `rel="self"` link (Atom, or atom:link in an RSS channel).
 */
function fallbackBase(root: XElement, baseUrl: string | null): string | null {
  const isAbs = (u: string | null) => u !== null && /^https?:\/\//i.test(u);
  if (isAbs(baseUrl)) return baseUrl;
  const containers = [root, ...childElements(root, 'channel', [...RSS_CORE, ...USERLAND, root.ns])];
  for (const c of containers) {
    for (const l of childElements(c, 'link', [NS.atom, NS.atom03])) {
      const href = str(attrLocal(l, 'href'));
      if ((attrLocal(l, 'rel') ?? '').trim().toLowerCase() === 'self' && href !== null) {
        const resolved = resolveUrl(l, href);
        if (isAbs(resolved)) return resolved;
      }
    }
  }
  return null;
}

function atomAlternate(entry: XElement): string | null {
  const links = childElements(entry, 'link', ATOM);
  const scored = links
    .map((l, i) => {
      const rel = (attrLocal(l, 'rel') ?? 'alternate').trim().toLowerCase();
      const type = (attrLocal(l, 'type') ?? '').trim().toLowerCase();
      const href = str(attrLocal(l, 'href')) ?? textOf(l);
      let score = -1;
      if (rel === 'alternate') score = type === '' || type.includes('html') ? 2 : 1;
      return {l, i, href, score};
    })
    .filter((x) => x.href !== null && x.score >= 0)
    .sort((a, b) => b.score - a.score || a.i - b.i);
  const best = scored[0];
  return best ? resolveUrl(best.l, best.href as string) : null;
}

function atomAuthors(el: XElement): string[] {
  return childElements(el, 'author', ATOM)
    .map((a) => textOf(firstChild(a, 'name', ATOM)) ?? textOf(firstChild(a, 'email', ATOM)))
    .filter((a): a is string => a !== null);
}

/** Builds the common Atom fields of an entry; exported for the CAP index adapter. */
export function atomEntryFields(
  entry: XElement,
  feedAuthors: string[],
  index: number,
  diagnostics: Diagnostic[],
  base: string | null = null,
) {
  const id = textOf(firstChild(entry, 'id', ATOM));
  const title = atomText(firstChild(entry, 'title', ATOM));
  const link = absolutize(atomAlternate(entry), base);
  const published = textOf(firstChild(entry, 'published', ATOM)) ?? textOf(firstChild(entry, 'issued', ATOM));
  const updated = textOf(firstChild(entry, 'updated', ATOM)) ?? textOf(firstChild(entry, 'modified', ATOM));
  const dateField = published !== null ? 'published' : 'updated';
  const r = parseFeedDate(published ?? updated, {field: dateField, itemIndex: index});
  diagnostics.push(...r.diagnostics);
  const summary = atomText(firstChild(entry, 'summary', ATOM));
  const content = atomText(firstChild(entry, 'content', ATOM));
  const authors = atomAuthors(entry);
  const tags = uniq(
    childElements(entry, 'category', ATOM)
      .map((c) => str(attrLocal(c, 'term')) ?? str(attrLocal(c, 'label')) ?? textOf(c))
      .filter((t): t is string => t !== null),
  );
  const origLink = textOf(firstChild(entry, 'origLink', [NS.feedburner]));
  return {
    id,
    title,
    link,
    published,
    updated,
    publishedAt: r.instant,
    summary,
    content,
    author: authors.length ? uniq(authors).join(', ') : feedAuthors.length ? uniq(feedAuthors).join(', ') : null,
    tags,
    origLink,
  };
}

function atomItem(entry: XElement, index: number, feedAuthors: string[], base: string | null): ItemBuild {
  const diagnostics: Diagnostic[] = [];
  const f = atomEntryFields(entry, feedAuthors, index, diagnostics, base);
  const candidate: RawItemCandidate = {
    canonical_id: f.id ?? f.link,
    title: f.title,
    url: f.origLink ?? f.link,
    published_at: f.publishedAt,
    payload: payloadOf({
      title: f.title,
      link: f.link,
      summary: f.summary,
      content: f.content,
      published: f.published,
      updated: f.updated,
      tags: f.tags,
      author: f.author,
      origLink: f.origLink,
    }),
  };
  return {candidate, diagnostics};
}

/** Atom entries of a feed in document order. */
export function atomEntries(root: XElement): XElement[] {
  return descendants(root, 'entry', ATOM);
}

/** Parses an RSS/Atom root. The caller has checked `detectRssFormat(root) !== null`. */
export function rssAdapter(root: XElement, format: RssFormat, baseUrl: string | null = null): AdapterResult {
  const base = fallbackBase(root, baseUrl);
  if (format === 'atom') {
    const feedAuthors = atomAuthors(root);
    return {format, items: atomEntries(root).map((e, i) => fromElement(e, () => atomItem(e, i, feedAuthors, base))), diagnostics: []};
  }
  const core = [...RSS_CORE, ...USERLAND];
  if (format === 'rss2' && !core.includes(root.ns)) core.push(root.ns);
  const items = descendants(root, 'item', core);
  return {format, items: items.map((it, i) => fromElement(it, () => rssItem(it, i, format, base, core))), diagnostics: []};
}
