/** The keys a rule file and each of its sections may hold (the loader, `rules fmt` and the JSON Schema read them). */
export const TOP_KEYS = ['version', 'lists', 'macros', 'types', 'suppress', 'score_bounds', 'score', 'classify', 'quality', 'correlate', 'tests'] as const;
export const TYPE_KEYS = ['id', 'type', 'when'] as const;
export const SUPPRESS_KEYS = ['id', 'enabled', 'pass', 'sources', 'reason_code', 'note', 'when'] as const;
export const SCORE_KEYS = ['id', 'enabled', 'phase', 'when', 'add', 'cap', 'flag', 'rationale', 'line', 'data'] as const;
export const CLASSIFY_KEYS = ['id', 'when', 'class'] as const;
export const QUALITY_KEYS = ['id', 'when', 'cap', 'reason'] as const;
export const CORRELATE_KEYS = ['id', 'when', 'key', 'follow', 'window', 'max_candidates'] as const;
