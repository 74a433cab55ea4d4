/**
 * JSON Schema of `config/sources.yaml` (operations.md §3, domain.md §10.2). Structure only:
 * the cross-field checks (duplicate ids, tier/section agreement, URL schemes, file URLs that
 * leave the home) are done by `config.ts`, which also turns every schema error into a
 * diagnostic with file:line:col, a code and a hint.
 */

/** Source types Hardstop has adapters for (one module per feed family). */
export const SOURCE_TYPES = ['rss', 'nws_alerts', 'nws_cap', 'fema', 'fsis', 'nga_msi'] as const;

export const TIERS = ['global', 'regional', 'local'] as const;

const int = (minimum: number, maximum?: number) => ({type: 'integer', minimum, ...(maximum === undefined ? {} : {maximum})});

/** Fields a source may set and that `tier_defaults.<tier>` and `defaults` may also set. */
const inheritable = {
  enabled: {type: 'boolean'},
  trust_tier: int(1, 3),
  classification_floor: int(0, 2),
  weighting_bias: int(-2, 2),
  tags: {type: 'array', items: {type: 'string', minLength: 1}},
  geo: {
    type: 'object',
    additionalProperties: false,
    properties: {country: {type: 'string'}, state: {type: 'string'}, city: {type: 'string'}},
  },
  max_items: int(1, 1_000_000),
  max_items_per_fetch: int(1, 1_000_000),
  timeout_seconds: {type: 'number', exclusiveMinimum: 0, maximum: 600},
  user_agent: {type: 'string', minLength: 1},
  max_bytes: int(1024),
  adapter_version: {type: 'string', minLength: 1},
} as const;

const sourceEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'url'],
  properties: {
    id: {type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$'},
    type: {enum: [...SOURCE_TYPES]},
    tier: {enum: [...TIERS]},
    url: {type: 'string', minLength: 1},
    suppress: {type: 'array', items: {type: 'object'}},
    ...inheritable,
  },
} as const;

const inheritableBlock = {type: 'object', additionalProperties: false, properties: inheritable} as const;

// The repeated parts are definitions referenced by name, so that the generated validator
// checks each in one function instead of a copy per place (a third of the code to compile).
const SOURCE_ENTRY_REF = {$ref: '#/definitions/source_entry'} as const;
const INHERITABLE_BLOCK_REF = {$ref: '#/definitions/inheritable_block'} as const;

export const SOURCES_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'config/sources.yaml',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'tiers'],
  definitions: {source_entry: sourceEntry, inheritable_block: inheritableBlock},
  properties: {
    version: {const: 1},
    defaults: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ...inheritable,
        rate_limit: {
          type: 'object',
          additionalProperties: false,
          properties: {
            per_host_min_seconds: {type: 'number', minimum: 0, maximum: 3600},
            jitter_seconds: {type: 'number', minimum: 0, maximum: 3600},
          },
        },
        dedupe: {type: 'object', additionalProperties: false, properties: {strategy: {enum: ['canonical_id_or_hash']}}},
      },
    },
    tier_defaults: {
      type: 'object',
      additionalProperties: false,
      properties: {global: INHERITABLE_BLOCK_REF, regional: INHERITABLE_BLOCK_REF, local: INHERITABLE_BLOCK_REF},
    },
    tiers: {
      type: 'object',
      additionalProperties: false,
      properties: {
        global: {type: ['array', 'null'], items: SOURCE_ENTRY_REF},
        regional: {type: ['array', 'null'], items: SOURCE_ENTRY_REF},
        local: {type: ['array', 'null'], items: SOURCE_ENTRY_REF},
      },
    },
  },
} as const;
