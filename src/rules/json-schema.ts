import {CLASSIFY_KEYS, CORRELATE_KEYS, QUALITY_KEYS, SCORE_KEYS, SUPPRESS_KEYS, TYPE_KEYS} from './file-keys.js';
import {EXPECT_KEYS} from './test-input.js';

const expr = {type: ['string', 'number', 'boolean'], description: 'An expression of the rule language (docs/RULES.md).'};
const id = {type: 'string', minLength: 1, pattern: '^[A-Za-z0-9_.:-]+$'};
const text = {type: 'string'};
const obj = (properties: Record<string, unknown>, required: string[] = [], keys?: readonly string[]) => {
  const o: Record<string, unknown> = {type: 'object', additionalProperties: false, properties, required};
  if (keys) for (const k of keys) if (!(k in properties)) throw new Error(`schema misses ${k}`);
  return o;
};

/**
 * JSON Schema (draft-07) of rule files, for editor completion and validation. The
 * checker is stricter (it types every expression); this schema covers the YAML shape.
 */
export function rulesJsonSchema(): Record<string, unknown> {
  const compatSuppress = obj({
    id, kind: {enum: ['keyword', 'regex', 'exact']},
    field: {enum: ['title', 'summary', 'raw_text', 'url', 'event_type', 'source_id', 'tier', 'any']},
    pattern: {type: 'string', minLength: 1}, case_sensitive: {type: 'boolean'}, enabled: {type: 'boolean'}, note: text, reason_code: text,
  }, ['id', 'kind', 'field', 'pattern']);
  const suppress = obj({
    id, enabled: {type: 'boolean'}, pass: {enum: ['pre_link', 'post_link']}, sources: {type: 'array', items: id},
    reason_code: text, note: text, when: expr,
  }, ['id', 'when'], SUPPRESS_KEYS);
  const score = obj({
    id, enabled: {type: 'boolean'}, phase: {enum: ['base', 'modifier']}, when: expr, add: expr, cap: {type: 'number'}, flag: text,
    rationale: {type: 'string', description: 'Text with ${expression} placeholders.'}, line: text,
    data: {type: 'object', additionalProperties: expr},
  }, ['id', 'add', 'rationale'], SCORE_KEYS);
  const types = obj({id, type: {type: 'string', pattern: '^[A-Z][A-Z0-9_]*$'}, when: expr}, ['id', 'type'], TYPE_KEYS);
  const classify = obj({id, when: expr, class: {enum: [0, 1, 2]}}, ['id', 'class'], CLASSIFY_KEYS);
  const quality = obj({id, when: expr, cap: {enum: [0, 1, 2]}, reason: text}, ['id', 'cap'], QUALITY_KEYS);
  const correlate = obj({
    id, when: expr, key: {type: 'array', minItems: 1, items: expr}, follow: expr, window: {type: 'string', pattern: '^[0-9]+(s|m|h|d|w)$'},
    max_candidates: {type: 'integer', minimum: 1},
  }, ['id', 'key'], CORRELATE_KEYS);
  const anyObj = {type: 'object'};
  const expectProps: Record<string, unknown> = {
    type: {type: 'string'}, type_rule: {type: ['string', 'null']}, correlation_follow: {type: 'array', items: text},
    suppressed_by: id, not_suppressed: {const: true}, matched: {type: 'array', items: id}, matched_field: text,
    breakdown: {type: 'array', items: text}, base: {type: 'number'}, score: {type: 'number'}, classification: {enum: [0, 1, 2]},
    flags: {type: 'array', items: text}, cap: {enum: [0, 1, 2]}, cap_rule: id, correlation_key: {type: ['string', 'null']},
  };
  const test = obj({
    name: text, now: {type: ['string', 'number']}, event: anyObj, source: anyObj, facilities: {type: 'array', items: anyObj},
    lanes: {type: 'array', items: anyObj}, shipments: {type: 'array', items: anyObj}, link: anyObj, config: anyObj, quality: anyObj,
    source_rules: {type: 'array', items: {anyOf: [suppress, compatSuppress]}},
    expect: obj(expectProps, [], EXPECT_KEYS),
  }, ['name', 'expect']);
  const scalar = {type: ['string', 'number', 'boolean']};
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://hardstop.dev/schemas/rules.schema.json',
    title: 'Hardstop rule file',
    type: 'object',
    additionalProperties: false,
    required: ['version'],
    properties: {
      version: {const: 1},
      lists: {type: 'object', additionalProperties: {type: 'array', items: {anyOf: [scalar, {type: 'object', additionalProperties: scalar}]}}},
      macros: {type: 'object', additionalProperties: expr},
      types: {type: 'array', items: types},
      suppress: {type: 'array', items: {anyOf: [suppress, compatSuppress]}},
      score_bounds: obj({min: {type: 'number'}, max: {type: 'number'}}),
      score: {type: 'array', items: score},
      classify: {type: 'array', items: classify},
      quality: {type: 'array', items: quality},
      correlate: {type: 'array', items: correlate},
      tests: {type: 'array', items: test},
    },
  };
}
