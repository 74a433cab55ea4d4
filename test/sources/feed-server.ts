import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {deflateSync, gzipSync} from 'node:zlib';

/** A simple valid RSS 2.0 document with `n` items (guids `<prefix>-1..n`). */
export function rssDoc(n: number, prefix = 'item', pubDate = 'Mon, 29 Dec 2025 12:00:00 GMT'): string {
  const items = Array.from(
    {length: n},
    (_, i) =>
      `<item><guid>${prefix}-${i + 1}</guid><title>${prefix} alert ${i + 1}</title><link>https://example.com/${prefix}/${i + 1}</link><pubDate>${pubDate}</pubDate><description>Body of ${prefix} ${i + 1} with enough words to be a realistic description of an event.</description></item>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${prefix}</title><link>https://example.com/</link><description>test feed</description>\n${items}\n</channel></rss>\n`;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local feed server on 127.0.0.1 (port 0) serving every outcome the fetcher must handle. */
export class FeedServer {
  readonly hits = new Map<string, number>();
  readonly requests: {path: string; headers: IncomingMessage['headers']}[] = [];
  private server: Server;
  private readonly routes = new Map<string, Handler>();
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      this.requests.push({path, headers: req.headers});
      res.on('error', () => undefined);
      req.socket.on('error', () => undefined);
      const h = this.routes.get(path);
      if (!h) {
        res.writeHead(404, {'content-type': 'text/plain'});
        res.end('not found');
        return;
      }
      h(req, res);
    });
    this.installDefaults();
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  route(path: string, h: Handler): void {
    this.routes.set(path, h);
  }

  private installDefaults(): void {
    const feed = rssDoc(3, 'ok');
    this.route('/ok.xml', (_req, res) => {
      res.writeHead(200, {'content-type': 'application/rss+xml; charset=utf-8'});
      res.end(feed);
    });
    const etagFeed = rssDoc(2, 'etag');
    this.route('/etag.xml', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, {etag: '"v1"'});
        res.end();
        return;
      }
      res.writeHead(200, {'content-type': 'application/rss+xml', etag: '"v1"', 'last-modified': 'Mon, 29 Dec 2025 10:00:00 GMT'});
      res.end(etagFeed);
    });
    this.route('/error500.xml', (_req, res) => {
      res.writeHead(500, {'content-type': 'text/plain'});
      res.end('boom');
    });
    this.route('/busy.xml', (_req, res) => {
      res.writeHead(429, {'retry-after': '7'});
      res.end();
    });
    this.route('/slow.xml', (_req, res) => {
      const t = setTimeout(() => {
        res.writeHead(200, {'content-type': 'application/rss+xml'});
        res.end(feed);
      }, 5000);
      res.on('close', () => clearTimeout(t));
    });
    this.route('/big.xml', (_req, res) => {
      // Declared length above the cap: refused before reading.
      const body = Buffer.alloc(6 * 1024 * 1024, 0x20);
      res.writeHead(200, {'content-type': 'application/rss+xml', 'content-length': String(body.length)});
      res.end(body);
    });
    this.route('/huge-stream.xml', (_req, res) => {
      // ~100 MB, chunked, no Content-Length: must be cut off while streaming.
      res.writeHead(200, {'content-type': 'application/rss+xml'});
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      let sent = 0;
      const total = 100 * 1024 * 1024;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('close', () => {
        sent = total;
      });
      pump();
    });
    const gz = gzipSync(Buffer.from(rssDoc(4, 'gz')));
    this.route('/gzip.xml', (_req, res) => {
      res.writeHead(200, {'content-type': 'application/rss+xml', 'content-encoding': 'gzip'});
      res.end(gz);
    });
    // 50 MiB of spaces compressed to ~50 KiB: the decoded size must be capped while inflating.
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    this.route('/gzip-bomb.xml', (_req, res) => {
      res.writeHead(200, {'content-type': 'application/rss+xml', 'content-encoding': 'gzip'});
      res.end(bomb);
    });
    const deflated = deflateSync(Buffer.from(rssDoc(2, 'deflate')));
    this.route('/deflate.xml', (_req, res) => {
      res.writeHead(200, {'content-type': 'application/rss+xml', 'content-encoding': 'deflate'});
      res.end(deflated);
    });
    this.route('/loop-a', (_req, res) => {
      res.writeHead(302, {location: '/loop-b'});
      res.end();
    });
    this.route('/loop-b', (_req, res) => {
      res.writeHead(301, {location: '/loop-a'});
      res.end();
    });
    this.route('/moved.xml', (_req, res) => {
      res.writeHead(301, {location: '/ok.xml'});
      res.end();
    });
    this.route('/page.html', (_req, res) => {
      res.writeHead(200, {'content-type': 'text/html'});
      res.end('<!DOCTYPE html><html><head><title>Hi</title></head><body><p>not a feed</p></body></html>');
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
