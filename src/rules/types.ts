/**
 * Static types of the rule language. Every value may also be null at run time (missing
 * optional data), so types describe the non-null shape only.
 */
export type Type =
  | {t: 'string'}
  | {t: 'number'}
  | {t: 'bool'}
  | {t: 'instant'}
  | {t: 'duration'}
  | {t: 'regex'}
  | {t: 'null'}
  | {t: 'any'}
  | {t: 'list'; of: Type}
  | {t: 'object'; name: string; fields: Record<string, Type>; doc?: Record<string, string>};

export const STRING: Type = {t: 'string'};
export const NUMBER: Type = {t: 'number'};
export const BOOL: Type = {t: 'bool'};
export const INSTANT: Type = {t: 'instant'};
export const DURATION: Type = {t: 'duration'};
export const REGEX: Type = {t: 'regex'};
export const NULL: Type = {t: 'null'};
export const ANY: Type = {t: 'any'};
export const listOf = (of: Type): Type => ({t: 'list', of});

export function typeName(t: Type): string {
  switch (t.t) {
    case 'list':
      return `list<${typeName(t.of)}>`;
    case 'object':
      return t.name;
    default:
      return t.t;
  }
}

/** True when a value of type `b` can stand where `a` is expected (null and any fit everything). */
export function compatible(a: Type, b: Type): boolean {
  if (a.t === 'any' || b.t === 'any' || a.t === 'null' || b.t === 'null') return true;
  if (a.t === 'list' && b.t === 'list') return compatible(a.of, b.of);
  if (a.t === 'object' && b.t === 'object') return a.name === b.name || a.name === 'object' || b.name === 'object';
  return a.t === b.t;
}

/** The common type of two branches (`if`, `??`, list items), or null when they do not unify. */
export function unify(a: Type, b: Type): Type | null {
  if (a.t === 'null' || a.t === 'any') return b.t === 'null' ? a : b;
  if (b.t === 'null' || b.t === 'any') return a;
  if (a.t === 'list' && b.t === 'list') {
    const of = unify(a.of, b.of);
    return of ? listOf(of) : null;
  }
  return compatible(a, b) ? a : null;
}

/** The kinds `<`, `sorted`, `max` and `min` can order. */
export const ORDERED = ['number', 'string', 'instant', 'duration'] as const;

/** True when a value of type `t` may be one of the named kinds (any and null fit every kind). */
export function fits(t: Type, ...kinds: readonly string[]): boolean {
  return t.t === 'any' || t.t === 'null' || kinds.includes(t.t);
}

/** The item type of a list type (any for any/null), or null when `t` is not a list. */
export function elemOf(t: Type): Type | null {
  if (t.t === 'list') return t.of;
  if (t.t === 'any' || t.t === 'null') return ANY;
  return null;
}
