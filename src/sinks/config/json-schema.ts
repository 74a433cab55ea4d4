import {FIELDS_BY_TYPE, RETRY_FIELDS, ROUTE_FIELDS, SINK_ID_PATTERN, ENV_NAME_PATTERN, type FieldSpec} from './fields.js';

function property(spec: FieldSpec): Record<string, unknown> {
  const k = spec.kind;
  const withDoc = (o: Record<string, unknown>) => ({...o, description: spec.doc});
  switch (k.k) {
    case 'id':
      return withDoc({type: 'string', pattern: SINK_ID_PATTERN.source});
    case 'env':
      return withDoc({type: 'string', pattern: ENV_NAME_PATTERN.source});
    case 'url':
      return withDoc({type: 'string', pattern: '^https?://'});
    case 'string':
      return withDoc({type: 'string', minLength: 1});
    case 'bool':
      return withDoc({type: 'boolean'});
    case 'int':
      return withDoc({type: 'integer', minimum: k.min, ...(k.max === undefined ? {} : {maximum: k.max})});
    case 'number':
      return withDoc({type: 'number', minimum: k.min, ...(k.max === undefined ? {} : {maximum: k.max})});
    case 'enum':
      return withDoc({enum: [...k.values]});
    case 'const':
      return withDoc({const: k.value});
    case 'string_list':
      return withDoc({type: 'array', items: {type: 'string', minLength: 1}});
    case 'nullable_string':
      return withDoc({type: ['string', 'null']});
    case 'priority_map':
      return withDoc({type: 'object', additionalProperties: false, patternProperties: {'^[012]$': {type: 'integer', minimum: 0, maximum: 4}}});
    case 'routes':
      return withDoc({type: 'array', items: objectOf(ROUTE_FIELDS)});
  }
}

function objectOf(fields: Record<string, FieldSpec>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(fields)) properties[name] = property(spec);
  Object.assign(properties, extra);
  const required = Object.entries(fields).filter(([, s]) => s.required).map(([n]) => n);
  return {type: 'object', additionalProperties: false, required, properties};
}

/**
 * JSON Schema (draft-07) of sink files, for editor completion; committed as
 * `sinks/sinks.schema.json`. `hardstop sinks check` is stricter (mode/field agreement, route
 * conditions typed by the rule checker, duplicate ids across files).
 */
export function sinksJsonSchema(): Record<string, unknown> {
  const bySink = Object.entries(FIELDS_BY_TYPE).map(([type, fields]) => objectOf(fields, {type: {const: type}}));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://hardstop.dev/schemas/sinks.schema.json',
    title: 'Hardstop sink file (sinks/*.yaml)',
    type: 'object',
    additionalProperties: false,
    required: ['version'],
    properties: {
      version: {const: 1},
      sinks: {type: 'array', items: {oneOf: bySink}},
      retry: objectOf(RETRY_FIELDS),
    },
  };
}
