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
 * - Well-formed documents (the usual feed) are read by a direct scanner several times cheaper
 *   than fast-xml-parser plus the tree conversion; anything else takes fast-xml-parser. Both
 *   give the same tree (test/sources/adapters/xml-dom.test.ts checks it).
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

export function isNameStartChar(code: number): boolean {
  return (
    (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 58 || code >= 0xc0
  );
}

/** End index (exclusive) of a DOCTYPE starting at `start`, honouring quotes and `[ … ]`. */
export function doctypeEnd(text: string, start: number): {end: number; subset: string} {
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

/** Attribute values entity-decoded (a valueless attribute is ''), prototype keys dropped. */
function attrsOf(raw: Ordered): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!UNSAFE_KEYS.has(k)) attrs[k] = v === true ? '' : decodeText(String(v));
  }
  return attrs;
}

/** The namespace scope an element's children see: the parent's plus its xmlns declarations. */
function scopeOf(attrs: Record<string, string>, parentScope: Record<string, string>): Record<string, string> {
  let scope = parentScope;
  for (const k of Object.keys(attrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (scope === parentScope) scope = {...parentScope};
      scope[k === 'xmlns' ? '' : k.slice(6)] = normNs(attrs[k]);
    }
  }
  return scope;
}

/** An element without children yet; `scope` is scopeOf(attrs, parent scope). */
function elementOf(qname: string, attrs: Record<string, string>, scope: Record<string, string>, parentBase: string | null): XElement {
  const colon = qname.indexOf(':');
  const local = colon > 0 ? qname.slice(colon + 1) : qname;
  let ns: string;
  if (colon <= 0) ns = scope[''] ?? '';
  else {
    const prefix = qname.slice(0, colon);
    ns = scope[prefix] ?? WELL_KNOWN_PREFIXES[prefix.toLowerCase()] ?? `urn:undeclared-prefix:${prefix.toLowerCase()}`;
  }
  const xmlBase = attrs['xml:base'];
  const base = xmlBase !== undefined ? resolveBase(parentBase, xmlBase) : parentBase;
  return {name: qname, local, ns, attrs, children: [], base};
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
  const attrs = attrsOf(rawAttrs);
  const scope = scopeOf(attrs, parentScope);
  const el = elementOf(qname, attrs, scope, parentBase);
  el.children = buildChildren(childList, scope, el.base, depth);
  return el;
}

/** The tree as fast-xml-parser reads it: the tolerant path, for any input. */
function referenceTree(clean: string): XNode[] {
  let ordered: unknown;
  try {
    ordered = parser.parse(clean);
  } catch (err) {
    if (err instanceof FeedError) throw err;
    throw new FeedError('FEED_MALFORMED', `XML cannot be read: ${(err as Error)?.message ?? String(err)}`, {cause: err});
  }
  return buildChildren(ordered, {}, null, 0);
}

// ---------------------------------------------------------------------------------------------
// Fast path: a direct scanner for well-formed documents. It accepts only markup whose reading
// by fast-xml-parser is unambiguous and returns null for anything else (mismatched or unclosed
// tags, DOCTYPEs, unquoted or boolean attributes, unusual names or whitespace, deep nesting),
// which then takes the reference path. Accepted documents give the same tree as the reference.

/** A qualified name in the plain ASCII form the fast path accepts. */
const FAST_NAME = /[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/y;

/** Names fast-xml-parser rejects or renames (prototype-pollution guards). */
const GUARDED_NAMES = new Set([
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf',
  '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
]);
const GUARDED_IN_PI = /__proto__|constructor|prototype/;

/** Nesting the fast path handles; deeper documents take the reference path (and its limit). */
const FAST_MAX_DEPTH = 500;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10;
}

/** The name at `at`, or null when it is not a fast-path name. */
function fastName(xml: string, at: number): string | null {
  FAST_NAME.lastIndex = at;
  const m = FAST_NAME.exec(xml);
  if (m === null || GUARDED_NAMES.has(m[0])) return null;
  return m[0];
}

interface OpenTag {
  qname: string;
  /** Entity-decoded values, in document order. */
  attrs: Record<string, string>;
  selfClosing: boolean;
  /** Index just past the closing `>`. */
  end: number;
}

/** Reads `<name attr="v" …>` or `…/>` at `lt`, or null when it is outside the fast subset. */
function fastOpenTag(xml: string, lt: number): OpenTag | null {
  const qname = fastName(xml, lt + 1);
  if (qname === null) return null;
  const attrs: Record<string, string> = {};
  let i = lt + 1 + qname.length;
  for (;;) {
    const c = xml.charCodeAt(i);
    if (c === 62) return {qname, attrs, selfClosing: false, end: i + 1};
    if (c === 47) return xml.charCodeAt(i + 1) === 62 ? {qname, attrs, selfClosing: true, end: i + 2} : null;
    if (!isSpace(c)) return null;
    while (isSpace(xml.charCodeAt(i))) i++;
    const next = xml.charCodeAt(i);
    if (next === 62 || next === 47) continue;
    const name = fastName(xml, i);
    if (name === null || Object.hasOwn(attrs, name)) return null;
    i += name.length;
    while (isSpace(xml.charCodeAt(i))) i++;
    if (xml.charCodeAt(i) !== 61) return null;
    i++;
    while (isSpace(xml.charCodeAt(i))) i++;
    const quote = xml.charCodeAt(i);
    if (quote !== 34 && quote !== 39) return null;
    const close = xml.indexOf(quote === 34 ? '"' : "'", i + 1);
    if (close < 0) return null;
    attrs[name] = decodeText(xml.slice(i + 1, close));
    i = close + 1;
  }
}

/** Index just past `</name>` (optional white space before `>`) at `lt`, or -1. */
function fastCloseTag(xml: string, lt: number, qname: string): number {
  if (!xml.startsWith(qname, lt + 2)) return -1;
  let i = lt + 2 + qname.length;
  while (isSpace(xml.charCodeAt(i))) i++;
  return xml.charCodeAt(i) === 62 ? i + 1 : -1;
}

/** Index just past `terminator` (`>` of a tag, `?>` of a processing instruction) after `lt`, quoted values skipped, or -1. */
export function markupEnd(xml: string, lt: number, terminator: '>' | '?>'): number {
  const first = terminator.charCodeAt(0);
  for (let i = lt + 1; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (c === 34 || c === 39) {
      i = xml.indexOf(c === 34 ? '"' : "'", i + 1);
      if (i < 0) return -1;
    } else if (c === first && xml.startsWith(terminator, i)) {
      return i + terminator.length;
    }
  }
  return -1;
}

interface Frame {
  el: XElement | null;
  children: XNode[];
  scope: Record<string, string>;
  base: string | null;
}

/**
 * Top-level nodes of a sanitized document, or null when it is outside the fast subset. Text is
 * split where the reference splits it: at tags, CDATA and processing instructions, not at
 * comments; text outside the root is dropped except before a processing instruction or CDATA.
 */
function fastTree(clean: string): XNode[] | null {
  const xml = clean.indexOf('\r') < 0 ? clean : clean.replace(/\r\n?/g, '\n');
  const stack: Frame[] = [{el: null, children: [], scope: {}, base: null}];
  let top = stack[0];
  let text = '';
  const flush = () => {
    if (text !== '') top.children.push(decodeText(text));
    text = '';
  };
  let i = 0;
  for (;;) {
    const lt = xml.indexOf('<', i);
    text += xml.slice(i, lt < 0 ? xml.length : lt);
    if (lt < 0) break;
    const c = xml.charCodeAt(lt + 1);
    if (c === 47) {
      if (top.el === null) return null;
      const end = fastCloseTag(xml, lt, top.el.name);
      if (end < 0) return null;
      flush();
      stack.pop();
      top = stack[stack.length - 1];
      i = end;
    } else if (c === 63) {
      const end = markupEnd(xml, lt, '?>');
      if (end < 0 || GUARDED_IN_PI.test(xml.slice(lt, end))) return null;
      flush();
      i = end;
    } else if (xml.startsWith('<!--', lt)) {
      const close = xml.indexOf('-->', lt + 4);
      if (close < 0) return null;
      i = close + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const close = xml.indexOf(']]>', lt + 9);
      if (close < 0) return null;
      flush();
      top.children.push({cdata: xml.slice(lt + 9, close)});
      i = close + 3;
    } else {
      const tag = c === 33 ? null : fastOpenTag(xml, lt);
      if (tag === null || stack.length > FAST_MAX_DEPTH) return null;
      if (top.el === null) text = '';
      flush();
      const scope = scopeOf(tag.attrs, top.scope);
      const el = elementOf(tag.qname, tag.attrs, scope, top.base);
      top.children.push(el);
      if (!tag.selfClosing) {
        top = {el, children: el.children, scope, base: el.base};
        stack.push(top);
      }
      i = tag.end;
    }
  }
  return stack.length === 1 ? stack[0].children : null;
}

/**
 * Parses sanitized-or-raw XML text into its root element. Throws FeedError:
 * FEED_ENTITY_EXPANSION (entity declarations), FEED_MALFORMED (no element at all, or input the
 * parser cannot read).
 */
export function parseXmlDocument(text: string): XElement {
  const clean = sanitizeXml(text);
  const root = (fastTree(clean) ?? referenceTree(clean)).find(isElement);
  if (!root) throw new FeedError('FEED_MALFORMED', 'document contains no XML element');
  return root;
}

/** parseXmlDocument through fast-xml-parser only: the fast path must agree with it (tests). */
export function parseXmlDocumentReference(text: string): XElement {
  const root = referenceTree(sanitizeXml(text)).find(isElement);
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
