import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {FeedError, parseFeed, type ParseFeedOptions, type ParsedFeed} from '../../../src/sources/parse-feed.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'corpus');

export function fixture(rel: string): Buffer {
  return readFileSync(join(FIXTURES, rel));
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function parseText(text: string, opts: ParseFeedOptions): ParsedFeed {
  return parseFeed(utf8(text), opts);
}

/** Runs `fn` and returns the FeedError it throws (fails when it throws something else or nothing). */
export function feedErrorOf(fn: () => unknown): FeedError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FeedError) return err;
    throw new Error(`expected a FeedError, got ${String(err)}`);
  }
  throw new Error('expected a FeedError, nothing was thrown');
}

export function rss(items: string, channelExtra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>T</title><link>https://example.com/</link>${channelExtra}${items}</channel></rss>`;
}
