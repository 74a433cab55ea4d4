/**
 * Small helpers that reproduce Python text semantics the reference relies on (regex classes,
 * truthiness), for parity computations in normalization and quality.
 */

/**
 * Python 3 `\s` for str patterns: ASCII whitespace, \x1c-\x1f, U+0085, and the Unicode
 * spaces. (JavaScript's `\s` differs: it lacks \x1c-\x1f and U+0085 and adds U+FEFF.)
 */
export const PY_WS = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';

/**
 * Python 3 `\w` for str patterns: letters, numbers (str.isalnum) and `_`. Used with the `u`
 * flag. (JavaScript's `\w` and `\b` are ASCII-only.)
 */
export const PY_W = '[\\p{L}\\p{N}_]';

/** Python `\b` before a word character (the pattern continues with a word character). */
export const PY_B_START = `(?<!${PY_W})`;
/** Python `\b` after a word character (the pattern ended with a word character). */
export const PY_B_END = `(?!${PY_W})`;

/** Python `\d` for str patterns (Unicode decimal digits). */
export const PY_D = '\\p{Nd}';

/** Python truthiness of a JSON-like value. */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (typeof value === 'number' && Number.isNaN(value)) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value as object).length > 0;
  return true;
}
