/** Text helpers shared by every layer: did-you-mean hints and code-point ordering. */

/** Optimal-string-alignment distance (Levenshtein plus adjacent swaps), for did-you-mean hints. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({length: m + 1}, (_, i) => Array.from({length: n + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

/** The closest candidate within a distance that scales with the word length, or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lw = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lw, c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  const limit = Math.max(word.length >= 4 ? 2 : 1, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}

/**
 * The hint for a name that is not among `allowed` (a key, a section, a value): the closest
 * allowed name when one is close, else the whole list. Every "unknown key" diagnostic of every
 * YAML file uses it, so config, sources, sinks and rule files read alike.
 */
export function unknownNameHint(name: string, allowed: readonly string[], listLabel = 'allowed keys'): string {
  const near = didYouMean(name, allowed);
  return near ? `did you mean ${near}?` : `${listLabel}: ${allowed.join(', ')}`;
}

/** Code-point order (not UTF-16 code-unit order), as the spec requires for ids. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/**
 * A copy of `s` that shares no memory with the string it was cut from. V8 keeps a substring of
 * 13 or more characters as a view on its parent, so caching a field cut from a 30 MB feed body
 * would keep the whole body alive.
 */
export function detachedCopy(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}
