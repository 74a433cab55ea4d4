import {randomUUID} from 'node:crypto';
import {canonicalJson, sha256Hex} from './canonical-json.js';

/**
 * A UUID (RFC 9562 version 8) whose 122 free bits are the first bytes of SHA-256 of the
 * canonical JSON of `basis`. Same basis, same id, on every machine.
 */
export function uuidFromBasis(basis: unknown): string {
  const hex = sha256Hex(canonicalJson(basis)).slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A random v4 UUID: best-effort runs only, and they declare `random_ids`. */
export function randomRunId(): string {
  return randomUUID();
}

/** First `n` hex digits of SHA-256 over parts joined by NUL: the content-derived id suffix. */
export function contentId(parts: readonly string[], n = 16): string {
  return sha256Hex(parts.join('\u0000')).slice(0, n);
}

/**
 * Seeded PRNG (mulberry32) for jitter and any other randomness a strict run needs: the seed
 * is recorded, so the sequence is replayable.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed derived from text (e.g. the run group id). */
export function seedFrom(text: string): number {
  return parseInt(sha256Hex(text).slice(0, 8), 16);
}
