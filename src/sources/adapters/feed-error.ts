import {HardstopError} from '../../kernel/errors.js';

/** Codes a FeedError can carry. */
export type FeedErrorCode =
  | 'FEED_NOT_A_FEED'
  | 'FEED_MALFORMED'
  | 'FEED_ENTITY_EXPANSION'
  | 'FEED_TOO_LARGE'
  | 'FEED_ENCODING';

/**
 * A feed body that cannot be read as a feed of the expected type. Thrown by `parseFeed`;
 * the fetcher records it as the source run's error (a FAILURE), it never crashes a run.
 */
export class FeedError extends HardstopError {
  declare readonly code: FeedErrorCode;

  constructor(code: FeedErrorCode, message: string, options: {hint?: string; cause?: unknown} = {}) {
    super(code, message, options);
  }
}
