/**
 * Bytes → text for feed bodies.
 *
 * Order of operations (documented in docs/FEEDS.md):
 *   1. gzip: a body starting with the gzip magic bytes 1F 8B is gunzipped (up to 3 nested
 *      layers), never producing more than `maxBytes` bytes (else FEED_TOO_LARGE); a corrupt
 *      stream is FEED_ENCODING.
 *   2. The charset is chosen by the first rule that applies:
 *        a. a byte-order mark (UTF-8, UTF-16LE, UTF-16BE), or UTF-16 sniffed from `<?`;
 *        b. the XML declaration's `encoding="…"` (XML bodies only);
 *        c. the HTTP `Content-Type` charset parameter;
 *        d. UTF-8 when the bytes are valid UTF-8, else windows-1252 (undeclared Latin-1).
 *      Labels ISO-8859-1 / Latin-1 / US-ASCII decode as windows-1252 (as browsers do). A label
 *      iconv-lite does not know is skipped with an ENCODING_UNKNOWN warning. A declared UTF-8
 *      that is not valid UTF-8 falls back to windows-1252 with an ENCODING_FALLBACK warning.
 *   3. A leading BOM character and any whitespace before the first markup (e.g. a blank line
 *      before the XML declaration) are removed.
 */
import {isUtf8} from 'node:buffer';
import {gunzipSync} from 'node:zlib';
import iconv from 'iconv-lite';
import {diag, type Diagnostic} from '../kernel/diagnostic.js';
import {FeedError} from './adapters/feed-error.js';

/** Default cap on body bytes (raw and decompressed), matching the fetcher's default. */
export const DEFAULT_MAX_FEED_BYTES = 5 * 1024 * 1024;

export interface DecodeOptions {
  contentType?: string | null;
  maxBytes?: number;
}

export interface DecodedText {
  text: string;
  /** The charset actually used (lower case iconv-lite / WHATWG label). */
  encoding: string;
  /** Where the charset came from. */
  encodingSource: 'bom' | 'xml-declaration' | 'http' | 'sniffed' | 'fallback';
  gzipped: boolean;
  diagnostics: Diagnostic[];
}

const LATIN1_ALIASES = new Set(['iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'latin-1', 'l1', 'us-ascii', 'ascii', 'cp819', 'ibm819', 'iso-ir-100', 'csisolatin1']);
const UTF8_ALIASES = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);

function normalizeLabel(label: string): string {
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (LATIN1_ALIASES.has(l)) return 'windows-1252';
  if (UTF8_ALIASES.has(l)) return 'utf-8';
  return l;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gunzipCapped(bytes: Uint8Array, maxBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, {maxOutputLength: Math.max(1, maxBytes)});
  } catch (err) {
    const code = (err as {code?: string}).code;
    if (err instanceof RangeError || code === 'ERR_BUFFER_TOO_LARGE') {
      throw new FeedError('FEED_TOO_LARGE', `gzip body inflates beyond the ${maxBytes}-byte cap`, {cause: err});
    }
    throw new FeedError('FEED_ENCODING', `gzip body is corrupt: ${(err as Error).message}`, {cause: err});
  }
}

function bomEncoding(bytes: Uint8Array): {encoding: string; skip: number} | null {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return {encoding: 'utf-8', skip: 3};
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return {encoding: 'utf-16le', skip: 2};
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return {encoding: 'utf-16be', skip: 2};
  // BOM-less UTF-16 XML: "<?" as two 16-bit units.
  if (bytes.length >= 4 && bytes[0] === 0x3c && bytes[1] === 0 && bytes[2] === 0x3f && bytes[3] === 0) return {encoding: 'utf-16le', skip: 0};
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x3c && bytes[2] === 0 && bytes[3] === 0x3f) return {encoding: 'utf-16be', skip: 0};
  return null;
}

/** Reads `encoding="…"` from an XML declaration near the start (ASCII-compatible bodies). */
export function xmlDeclaredEncoding(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const m = /^[\s\uFEFF\u00EF\u00BB\u00BF]*<\?xml\b([^>]*?)\?>/.exec(head);
  if (!m) return null;
  const enc = /\bencoding\s*=\s*["']\s*([A-Za-z0-9._:\-]+)\s*["']/.exec(m[1]);
  return enc ? enc[1] : null;
}

/** The `charset` parameter of a Content-Type header value. */
export function httpCharset(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType);
  return m ? m[2] : null;
}

function looksLikeXml(bytes: Uint8Array): boolean {
  for (let i = 0; i < Math.min(bytes.length, 4096); i++) {
    const b = bytes[i];
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (i === 0 && b === 0xef) {
      i += 2;
      continue;
    }
    return b === 0x3c;
  }
  return false;
}

function decodeWith(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'utf-8') return new TextDecoder('utf-8').decode(bytes);
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
}

/** Removes a BOM character and whitespace before the first markup. */
function stripLeading(text: string): string {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0xfeff || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else break;
  }
  return i === 0 ? text : text.slice(i);
}

/** Decompresses (if gzip) and decodes a feed body to text. Throws FeedError. */
export function decodeBytes(input: Uint8Array, opts: DecodeOptions = {}): DecodedText {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_FEED_BYTES;
  if (input.byteLength > maxBytes) {
    throw new FeedError('FEED_TOO_LARGE', `feed body is ${input.byteLength} bytes, above the ${maxBytes}-byte cap`);
  }
  let bytes = input;
  let gzipped = false;
  for (let layer = 0; layer < 3 && isGzip(bytes); layer++) {
    bytes = gunzipCapped(bytes, maxBytes);
    gzipped = true;
  }
  const diagnostics: Diagnostic[] = [];

  const bom = bomEncoding(bytes);
  if (bom) {
    const text = decodeWith(bytes.subarray(bom.skip), bom.encoding);
    return {text: stripLeading(text), encoding: bom.encoding, encodingSource: 'bom', gzipped, diagnostics};
  }

  const candidates: Array<{label: string; source: 'xml-declaration' | 'http'}> = [];
  if (looksLikeXml(bytes)) {
    const declared = xmlDeclaredEncoding(bytes);
    if (declared) candidates.push({label: declared, source: 'xml-declaration'});
  }
  const http = httpCharset(opts.contentType);
  if (http) candidates.push({label: http, source: 'http'});

  let unknownLabel: string | null = null;
  for (const c of candidates) {
    const enc = normalizeLabel(c.label);
    if (enc === 'utf-8') {
      if (isUtf8(bytes)) {
        return {text: stripLeading(decodeWith(bytes, 'utf-8')), encoding: 'utf-8', encodingSource: c.source, gzipped, diagnostics};
      }
      diagnostics.push(
        diag('ENCODING_FALLBACK', 'warning', `body declared ${c.label} (${c.source}) is not valid UTF-8; decoded as windows-1252`, {
          details: {declared: c.label, source: c.source, used: 'windows-1252'},
        }),
      );
      return {text: stripLeading(decodeWith(bytes, 'windows-1252')), encoding: 'windows-1252', encodingSource: 'fallback', gzipped, diagnostics};
    }
    if (enc === 'utf-16' || enc === 'utf-16le' || enc === 'utf-16be' || enc === 'ucs-2') {
      // A UTF-16 declaration read through an ASCII view means the body is not really UTF-16.
      diagnostics.push(diag('ENCODING_UNKNOWN', 'warning', `declared ${c.label} (${c.source}) contradicts an ASCII-compatible body; ignored`, {details: {declared: c.label, source: c.source}}));
      continue;
    }
    if (iconv.encodingExists(enc)) {
      return {text: stripLeading(decodeWith(bytes, enc)), encoding: enc, encodingSource: c.source, gzipped, diagnostics};
    }
    unknownLabel = c.label;
    diagnostics.push(diag('ENCODING_UNKNOWN', 'warning', `unknown charset ${JSON.stringify(c.label)} (${c.source}); ignored`, {details: {declared: c.label, source: c.source}}));
  }

  if (isUtf8(bytes)) {
    return {text: stripLeading(decodeWith(bytes, 'utf-8')), encoding: 'utf-8', encodingSource: 'sniffed', gzipped, diagnostics};
  }
  if (unknownLabel !== null) {
    throw new FeedError('FEED_ENCODING', `feed declares the unsupported charset ${JSON.stringify(unknownLabel)} and is not valid UTF-8`, {
      hint: 'serve the feed as UTF-8 or a charset iconv-lite supports',
    });
  }
  diagnostics.push(diag('ENCODING_FALLBACK', 'info', 'undeclared charset and not valid UTF-8; decoded as windows-1252 (Latin-1)', {details: {used: 'windows-1252'}}));
  return {text: stripLeading(decodeWith(bytes, 'windows-1252')), encoding: 'windows-1252', encodingSource: 'fallback', gzipped, diagnostics};
}
