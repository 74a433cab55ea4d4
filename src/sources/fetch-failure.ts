import {HardstopError} from '../kernel/errors.js';

/** Codes a fetch failure can carry (each becomes the SourceRun's error code). */
export type FetchFailureCode =
  | 'NETWORK_DISABLED'
  | 'FETCH_BAD_URL'
  | 'FETCH_TIMEOUT'
  | 'FETCH_CONNECTION'
  | 'FETCH_HTTP_STATUS'
  | 'FETCH_TOO_LARGE'
  | 'FETCH_REDIRECT_LOOP'
  | 'FETCH_TOO_MANY_REDIRECTS'
  | 'FETCH_BAD_REDIRECT'
  | 'FETCH_DECODE'
  | 'FILE_NOT_FOUND'
  | 'FILE_OUTSIDE_HOME'
  | 'FILE_UNREADABLE';

/** A fetch that did not produce a body. `retryable` drives the retry loop. */
export class FetchFailure extends HardstopError {
  declare readonly code: FetchFailureCode;
  readonly statusCode: number | null;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  /** Body bytes received before failing (wire bytes). */
  readonly bytes: number;

  constructor(
    code: FetchFailureCode,
    message: string,
    opts: {statusCode?: number | null; retryable?: boolean; retryAfterMs?: number | null; bytes?: number; hint?: string; cause?: unknown} = {},
  ) {
    super(code, message, {hint: opts.hint, cause: opts.cause});
    this.statusCode = opts.statusCode ?? null;
    this.retryable = opts.retryable ?? false;
    this.retryAfterMs = opts.retryAfterMs ?? null;
    this.bytes = opts.bytes ?? 0;
  }
}
