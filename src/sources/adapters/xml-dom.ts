/**
 * A small namespace-aware element tree built on fast-xml-parser, with the safety and
 * tolerance rules every XML adapter shares:
 *
 * - A DOCTYPE that declares entities (`<!ENTITY` in its internal subset, e.g. billion laughs)
 *   is rejected with FEED_ENTITY_EXPANSION by a linear pre-scan, before any parsing. Entity-free
 *   DOCTYPEs are removed; fast-xml-parser never sees a DOCTYPE and its entity processing is off.
 * - Character references are decoded by us with the strict HTML5 table (`entities`), so the XML
 *   five, numeric references and HTML names undefined in XML (`&nbsp;`, `&eacute;`) all decode;
 *   unknown names stay as written. CDATA sections are kept verbatim.
 * - A `<` that cannot start markup (e.g. `a < b`) is escaped before parsing; mismatched closing
 *   tags and unclosed elements are tolerated the way fast-xml-parser tolerates them.
 * - Namespaces are resolved from xmlns declarations; URIs are compared after lower-casing and
 *   dropping a trailing `/` or `#` (real feeds declare `…/dc/elements/1.1` without the slash).
 *   Undeclared well-known prefixes (dc, content, atom, …) resolve to their usual namespace.
 */
import {XMLParser} from 'fast-xml-parser';
import {decodeHTMLStrict} from 'entities';
import {FeedError} from './feed-error.js';

export interface XElement {
  /** Qualified name as written (`dc:date`). */
  name: string;
  /** Local name (`date`). */
  local: string;
  /** Normalized namespace URI ('' when none). */
  ns: string;
  attrs: Record<string, string>;
  children: XNode[];
  /** Effective xml:base (absolute URL) or null. */
  base: string | null;
}

/** Text nodes are strings (already entity-decoded); CDATA is kept apart as {cdata}. */
export type XNode = XElement | string | {cdata: string};

export function normNs(uri: string): string {
  return uri.trim().toLowerCase().replace(/[/#]+$/, '');
}

export const NS = {
  atom: normNs('http://www.w3.org/2005/Atom'),
  atom03: normNs('http://purl.org/atom/ns#'),
  rss1: normNs('http://purl.org/rss/1.0/'),
  rss090: normNs('http://my.netscape.com/rdf/simple/0.9/'),
  rdf: normNs('http://www.w3.org/1999/02/22-rdf-syntax-ns#'),
  dc: normNs('http://purl.org/dc/elements/1.1/'),
  dcterms: normNs('http://purl.org/dc/terms/'),
  content: normNs('http://purl.org/rss/1.0/modules/content/'),
  feedburner: normNs('http://rssnamespace.org/feedburner/ext/1.0'),
  xhtml: normNs('http://www.w3.org/1999/xhtml'),
  cap11: normNs('urn:oasis:names:tc:emergency:cap:1.1'),
  cap12: normNs('urn:oasis:names:tc:emergency:cap:1.2'),
  cap10: normNs('http://www.incident.com/cap/1.0'),
} as const;

const WELL_KNOWN_PREFIXES: Record<string, string> = {
  dc: NS.dc,
  dcterms: NS.dcterms,
  content: NS.content,
  atom: NS.atom,
  feedburner: NS.feedburner,
  rdf: NS.rdf,
  cap: NS.cap12,
  xhtml: NS.xhtml,
  xml: normNs('http://www.w3.org/XML/1998/namespace'),
};

export function isElement(node: XNode): node is XElement {
  return typeof node === 'object' && 'children' in node;
}

const MAX_DEPTH = 1000;

// ---------------------------------------------------------------------------------------------
// Pre-scan: entity declarations, DOCTYPE removal, stray '<'.

function isNameStartChar(code: number): boolean {
  return (
    (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 58 || code >= 0xc0
  );
}

/** End index (exclusive) of a DOCTYPE starting at `start`, honouring quotes and `[ … ]`. */
function doctypeEnd(text: string, start: number): {end: number; subset: string} {
  let i = start + 9;
  let quote = 0;
  let subsetStart = -1;
  let subsetEnd = -1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
      continue;
    }
    if (subsetStart >= 0 && subsetEnd < 0) {
      if (c === 93) subsetEnd = i; // ]
      continue;
    }
    if (c === 34 || c === 39) quote = c;
    else if (c === 91) subsetStart = i + 1; // [
    else if (c === 62) break; // >
  }
  const subset = subsetStart >= 0 ? text.slice(subsetStart, subsetEnd >= 0 ? subsetEnd : text.length) : '';
  return {end: Math.min(text.length, i + 1), subset};
}

/**
 * Linear scan that rejects entity declarations, removes DOCTYPEs and escapes `<` that cannot
 * start markup. CDATA sections, comments and processing instructions are copied untouched.
 */
export function sanitizeXml(text: string): string {
  const parts: string[] = [];
  let copyFrom = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<![CDATA[', lt)) {
      const close = text.indexOf(']]>', lt + 9);
      i = close < 0 ? n : close + 3;
      continue;
    }
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      i = close < 0 ? n : close + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      const close = text.indexOf('?>', lt + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (text.startsWith('<!DOCTYPE', lt) || text.startsWith('<!doctype', lt)) {
      const {end, subset} = doctypeEnd(text, lt);
      if (/<!ENTITY/i.test(subset)) {
        throw new FeedError('FEED_ENTITY_EXPANSION', 'document declares XML entities in a DOCTYPE; entity expansion is disabled', {
          hint: 'feeds must not declare entities (a "billion laughs" document is rejected this way)',
        });
      }
      parts.push(text.slice(copyFrom, lt));
      copyFrom = end;
      i = end;
      continue;
    }
    if (text.startsWith('<!ENTITY', lt)) {
      throw new FeedError('FEED_ENTITY_EXPANSION', 'document contains an entity declaration; entity expansion is disabled');
    }
    const c = text.charCodeAt(lt + 1);
    const ok = isNameStartChar(c) || (c === 47 && isNameStartChar(text.charCodeAt(lt + 2))) || c === 33;
    if (!ok) {
      parts.push(text.slice(copyFrom, lt), '&lt;');
      copyFrom = lt + 1;
    }
    i = lt + 1;
  }
  if (copyFrom === 0) return text;
  parts.push(text.slice(copyFrom));
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// Parse and build the tree.

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  textNodeName: '#text',
  commentPropName: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: false,
  maxNestedTags: MAX_DEPTH,
});

type Ordered = Record<string, unknown>;

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function localOf(qname: string): {prefix: string | null; local: string} {
  const i = qname.indexOf(':');
  return i > 0 ? {prefix: qname.slice(0, i), local: qname.slice(i + 1)} : {prefix: null, local: qname};
}

function resolveBase(base: string | null, href: string): string | null {
  try {
    return new URL(href, base ?? undefined).toString();
  } catch {
    return base;
  }
}

function decodeText(raw: string): string {
  return raw.indexOf('&') < 0 ? raw : decodeHTMLStrict(raw);
}

function buildChildren(list: unknown, scope: Record<string, string>, base: string | null, depth: number): XNode[] {
  if (!Array.isArray(list)) return [];
  const out: XNode[] = [];
  for (const entry of list as Ordered[]) {
    if (entry === null || typeof entry !== 'object') continue;
    for (const key of Object.keys(entry)) {
      if (key === ':@') continue;
      const value = entry[key];
      if (key === '#text') {
        if (value !== undefined && value !== null) out.push(decodeText(String(value)));
      } else if (key === '#cdata') {
        const parts = Array.isArray(value) ? value : [];
        const text = parts.map((p) => (p && typeof p === 'object' && '#text' in p ? String((p as Ordered)['#text']) : '')).join('');
        out.push({cdata: text});
      } else {
        out.push(buildElement(key, value, (entry[':@'] ?? {}) as Ordered, scope, base, depth + 1));
      }
    }
  }
  return out;
}

function buildElement(
  qname: string,
  childList: unknown,
  rawAttrs: Ordered,
  parentScope: Record<string, string>,
  parentBase: string | null,
  depth: number,
): XElement {
  if (depth > MAX_DEPTH) throw new FeedError('FEED_MALFORMED', `elements nested deeper than ${MAX_DEPTH} levels`);
  const attrs: Record<string, string> = {};
  let scope = parentScope;
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (UNSAFE_KEYS.has(k)) continue;
    const val = v === true ? '' : decodeText(String(v));
    attrs[k] = val;
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (scope === parentScope) scope = {...parentScope};
      scope[k === 'xmlns' ? '' : k.slice(6)] = normNs(val);
    }
  }
  const {prefix, local} = localOf(qname);
  let ns: string;
  if (prefix === null) ns = scope[''] ?? '';
  else ns = scope[prefix] ?? WELL_KNOWN_PREFIXES[prefix.toLowerCase()] ?? `urn:undeclared-prefix:${prefix.toLowerCase()}`;
  const xmlBase = attrs['xml:base'];
  const base = xmlBase !== undefined ? resolveBase(parentBase, xmlBase) : parentBase;
  return {name: qname, local, ns, attrs, children: buildChildren(childList, scope, base, depth), base};
}

/**
 * Parses sanitized-or-raw XML text into its root element. Throws FeedError:
 * FEED_ENTITY_EXPANSION (entity declarations), FEED_MALFORMED (no element at all, or input the
 * parser cannot read).
 */
export function parseXmlDocument(text: string): XElement {
  const clean = sanitizeXml(text);
  let ordered: unknown;
  try {
    ordered = parser.parse(clean);
  } catch (err) {
    if (err instanceof FeedError) throw err;
    throw new FeedError('FEED_MALFORMED', `XML cannot be read: ${(err as Error)?.message ?? String(err)}`, {cause: err});
  }
  const top = buildChildren(ordered, {}, null, 0);
  const root = top.find(isElement);
  if (!root) throw new FeedError('FEED_MALFORMED', 'document contains no XML element');
  return root;
}

// ---------------------------------------------------------------------------------------------
// Queries.

export function nsIn(el: XElement, nss: readonly string[]): boolean {
  return nss.includes(el.ns);
}

/** Direct child elements, optionally filtered by local name and namespace set. */
export function childElements(el: XElement, local?: string, nss?: readonly string[]): XElement[] {
  const out: XElement[] = [];
  for (const c of el.children) {
    if (!isElement(c)) continue;
    if (local !== undefined && c.local !== local) continue;
    if (nss !== undefined && !nss.includes(c.ns)) continue;
    out.push(c);
  }
  return out;
}

export function firstChild(el: XElement, local: string, nss?: readonly string[]): XElement | null {
  for (const c of el.children) {
    if (isElement(c) && c.local === local && (nss === undefined || nss.includes(c.ns))) return c;
  }
  return null;
}

/** Concatenated text of all descendants (text and CDATA), unmodified. */
export function textContent(el: XElement): string {
  const parts: string[] = [];
  const walk = (node: XElement) => {
    for (const c of node.children) {
      if (typeof c === 'string') parts.push(c);
      else if (isElement(c)) walk(c);
      else parts.push(c.cdata);
    }
  };
  walk(el);
  return parts.join('');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

/**
 * Serializes an element's children back to markup. `textIsMarkup` true: text nodes are emitted
 * as they are (escaped HTML that the XML layer unescaped, e.g. RSS description); false: text is
 * escaped (Atom type="xhtml" content, where text nodes are text).
 */
export function innerMarkup(el: XElement, textIsMarkup: boolean): string {
  const parts: string[] = [];
  const walk = (node: XElement) => {
    for (const c of node.children) {
      if (typeof c === 'string') parts.push(textIsMarkup ? c : escapeText(c));
      else if (isElement(c)) {
        const attrs = Object.entries(c.attrs)
          .filter(([k]) => k !== 'xmlns' && !k.startsWith('xmlns:'))
          .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
          .join('');
        parts.push(`<${c.local}${attrs}>`);
        walk(c);
        parts.push(`</${c.local}>`);
      } else parts.push(textIsMarkup ? c.cdata : escapeText(c.cdata));
    }
  };
  walk(el);
  return parts.join('');
}

/** Attribute by local name (`rdf:about` matches `about`), or null. */
export function attrLocal(el: XElement, local: string): string | null {
  if (Object.hasOwn(el.attrs, local)) return el.attrs[local];
  for (const [k, v] of Object.entries(el.attrs)) {
    const i = k.indexOf(':');
    if (i > 0 && k.slice(i + 1) === local && !k.startsWith('xmlns')) return v;
  }
  return null;
}

/** Resolves a possibly relative URL against the element's xml:base. */
export function resolveUrl(el: XElement, href: string): string {
  const h = href.trim();
  if (el.base === null) return h;
  try {
    return new URL(h, el.base).toString();
  } catch {
    return h;
  }
}

/** Pre-order list of descendants matching local name and namespaces (not the element itself). */
export function descendants(el: XElement, local: string, nss: readonly string[]): XElement[] {
  const out: XElement[] = [];
  const stack: XElement[] = [el];
  // Iterative pre-order: push children in reverse so document order is kept.
  while (stack.length > 0) {
    const node = stack.pop() as XElement;
    if (node !== el && node.local === local && nss.includes(node.ns)) out.push(node);
    for (let k = node.children.length - 1; k >= 0; k--) {
      const c = node.children[k];
      if (isElement(c)) stack.push(c);
    }
  }
  return out;
}
