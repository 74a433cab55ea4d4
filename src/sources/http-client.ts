import {request as httpRequest, type IncomingHttpHeaders, type IncomingMessage} from 'node:http';
import {request as httpsRequest} from 'node:https';
import {createGunzip, createInflate, createInflateRaw, type Gunzip, type Inflate, type InflateRaw} from 'node:zlib';
import {FetchFailure} from './fetch-failure.js';
import {retryAfterMs} from './rate-limit.js';

export interface HttpGetOptions {
  headers: Record<string, string>;
  /** Deadline for the whole exchange (connect, redirects, body), milliseconds. */
  timeoutMs: number;
  /** Cap on body bytes, compressed and decompressed, enforced while streaming. */
  maxBytes: number;
  maxRedirects: number;
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** Decoded (decompressed) body; empty for 304. */
  body: Uint8Array;
  /** Bytes received on the wire for the final response body. */
  wireBytes: number;
  finalUrl: string;
  /** Every Location followed, in order. */
  redirects: string[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function normalizeForLoop(u: URL): string {
  const c = new URL(u.href);
  c.hash = '';
  return c.href;
}

/**
 * GET over http(s) with bounded everything: one deadline, a byte cap enforced while streaming
 * (the connection is destroyed as soon as the cap is passed, so memory stays bounded),
 * gzip/deflate decoding under the same cap, at most `maxRedirects` redirects with loop
 * detection. Throws FetchFailure; 5xx, 429, timeouts and connection errors are retryable.
 */
export async function httpGet(url: string, opts: HttpGetOptions): Promise<HttpResult> {
  const deadline = AbortSignal.timeout(Math.max(1, Math.round(opts.timeoutMs)));
  const redirects: string[] = [];
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new FetchFailure('FETCH_BAD_URL', `cannot parse URL ${url}`);
  }
  const visited = new Set<string>([normalizeForLoop(current)]);
  for (;;) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:') {
      throw new FetchFailure('FETCH_BAD_REDIRECT', `redirect to an unsupported scheme: ${current.href}`, {hint: 'only http(s) redirects are followed'});
    }
    const res = await exchange(current, opts, deadline);
    if (REDIRECTS.has(res.status)) {
      res.message.destroy();
      const location = header(res.message.headers, 'location');
      if (!location) throw new FetchFailure('FETCH_HTTP_STATUS', `HTTP ${res.status} without a Location header`, {statusCode: res.status});
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new FetchFailure('FETCH_BAD_REDIRECT', `HTTP ${res.status} to an unparseable Location: ${location}`, {statusCode: res.status});
      }
      redirects.push(next.href);
      const key = normalizeForLoop(next);
      if (visited.has(key)) {
        throw new FetchFailure('FETCH_REDIRECT_LOOP', `redirect loop: ${[url, ...redirects].join(' -> ')}`, {
          statusCode: res.status,
          hint: 'the server redirects back to a URL already visited; fix the source URL',
        });
      }
      if (redirects.length > opts.maxRedirects) {
        throw new FetchFailure('FETCH_TOO_MANY_REDIRECTS', `more than ${opts.maxRedirects} redirects starting at ${url}`, {
          statusCode: res.status,
          hint: 'point the source at the final URL',
        });
      }
      visited.add(key);
      current = next;
      continue;
    }
    if (res.status === 304) {
      res.message.destroy();
      return {status: 304, headers: res.message.headers, body: new Uint8Array(0), wireBytes: 0, finalUrl: current.href, redirects};
    }
    if (res.status >= 400 || res.status < 200) {
      res.message.destroy();
      const retryable = res.status >= 500 || res.status === 429;
      throw new FetchFailure('FETCH_HTTP_STATUS', `HTTP ${res.status}${res.message.statusMessage ? ` ${res.message.statusMessage}` : ''} from ${current.href}`, {
        statusCode: res.status,
        retryable,
        retryAfterMs: retryable ? retryAfterMs(header(res.message.headers, 'retry-after')) : null,
        hint: res.status === 404 || res.status === 410 ? 'the feed is gone or the URL is wrong' : res.status === 403 ? 'the server refuses the client; check user_agent' : undefined,
      });
    }
    if (res.status >= 300) {
      res.message.destroy();
      throw new FetchFailure('FETCH_HTTP_STATUS', `HTTP ${res.status} is not a usable answer`, {statusCode: res.status});
    }
    const {body, wireBytes} = await readBody(res.message, opts.maxBytes, deadline, current.href, opts.timeoutMs);
    return {status: res.status, headers: res.message.headers, body, wireBytes, finalUrl: current.href, redirects};
  }
}

function timeoutFailure(url: URL | string, timeoutMs: number, bytes = 0): FetchFailure {
  return new FetchFailure('FETCH_TIMEOUT', `no complete answer from ${String(url)} within ${(timeoutMs / 1000).toFixed(1)} s`, {
    retryable: true,
    bytes,
    hint: 'raise timeout_seconds for this source if the server is just slow',
  });
}

function exchange(url: URL, opts: HttpGetOptions, deadline: AbortSignal): Promise<{status: number; message: IncomingMessage}> {
  return new Promise((resolve, reject) => {
    if (deadline.aborted) {
      reject(timeoutFailure(url, opts.timeoutMs));
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {method: 'GET', headers: opts.headers, agent: false, signal: deadline}, (message) => {
      resolve({status: message.statusCode ?? 0, message});
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (deadline.aborted || err.name === 'AbortError') reject(timeoutFailure(url, opts.timeoutMs));
      else
        reject(
          new FetchFailure('FETCH_CONNECTION', `cannot reach ${url.host}: ${err.code ?? err.message}`, {
            retryable: true,
            cause: err,
            hint: 'check the URL, DNS and network access (or use --no-network for offline runs)',
          }),
        );
    });
    req.end();
  });
}

function tooLarge(url: string, maxBytes: number, bytes: number): FetchFailure {
  return new FetchFailure('FETCH_TOO_LARGE', `response from ${url} exceeds the ${maxBytes}-byte cap`, {
    bytes,
    hint: 'raise max_bytes for this source (or fetch.max_bytes in hardstop.config.yaml) if the feed is legitimately this large',
  });
}

function readBody(message: IncomingMessage, maxBytes: number, deadline: AbortSignal, url: string, timeoutMs: number): Promise<{body: Uint8Array; wireBytes: number}> {
  return new Promise((resolve, reject) => {
    const declared = Number(header(message.headers, 'content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      message.destroy();
      reject(tooLarge(url, maxBytes, 0));
      return;
    }
    const encoding = (header(message.headers, 'content-encoding') ?? '').trim().toLowerCase();
    const chunks: Buffer[] = [];
    let wire = 0;
    let decoded = 0;
    let done = false;
    let inflater: Gunzip | Inflate | InflateRaw | null = null;
    const fail = (err: FetchFailure) => {
      if (done) return;
      done = true;
      message.destroy();
      inflater?.destroy();
      reject(err);
    };
    const finish = () => {
      if (done) return;
      done = true;
      resolve({body: new Uint8Array(Buffer.concat(chunks, decoded)), wireBytes: wire});
    };
    const take = (chunk: Buffer) => {
      if (done) return;
      decoded += chunk.length;
      if (decoded > maxBytes) {
        fail(tooLarge(url, maxBytes, wire));
        return;
      }
      chunks.push(chunk);
    };
    const makeInflater = (first: Buffer): Gunzip | Inflate | InflateRaw | null => {
      if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
      // "deflate" is zlib-wrapped by the standard, raw DEFLATE by some servers.
      if (encoding === 'deflate') return (first[0] & 0x0f) === 8 && ((first[0] << 8) | (first[1] ?? 0)) % 31 === 0 ? createInflate() : createInflateRaw();
      return null;
    };
    const onAbort = () => fail(timeoutFailure(url, timeoutMs, wire));
    deadline.addEventListener('abort', onAbort, {once: true});
    message.on('data', (chunk: Buffer) => {
      if (done) return;
      wire += chunk.length;
      if (wire > maxBytes) {
        fail(tooLarge(url, maxBytes, wire));
        return;
      }
      if (encoding && encoding !== 'identity' && inflater === null) {
        inflater = makeInflater(chunk);
        if (inflater) {
          inflater.on('data', take);
          inflater.on('error', (err) => fail(new FetchFailure('FETCH_DECODE', `cannot decode the ${encoding} body from ${url}: ${err.message}`, {bytes: wire, cause: err})));
          inflater.on('end', () => {
            deadline.removeEventListener('abort', onAbort);
            finish();
          });
        }
      }
      if (inflater) inflater.write(chunk);
      else take(chunk);
    });
    message.on('end', () => {
      if (inflater) inflater.end();
      else {
        deadline.removeEventListener('abort', onAbort);
        finish();
      }
    });
    message.on('error', (err) => {
      if (deadline.aborted) fail(timeoutFailure(url, timeoutMs, wire));
      else fail(new FetchFailure('FETCH_CONNECTION', `connection lost while reading ${url}: ${err.message}`, {retryable: true, bytes: wire, cause: err}));
    });
    message.on('aborted', () => fail(new FetchFailure('FETCH_CONNECTION', `connection aborted while reading ${url}`, {retryable: true, bytes: wire})));
  });
}
