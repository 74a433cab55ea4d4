const num = (min: number, max?: number) => ({type: 'number', minimum: min, ...(max === undefined ? {} : {maximum: max})});
const int = (min: number, max?: number) => ({type: 'integer', minimum: min, ...(max === undefined ? {} : {maximum: max})});
const section = (properties: Record<string, unknown>) => ({type: 'object', additionalProperties: false, properties});

/** JSON Schema of hardstop.config.yaml: validation errors are mapped back to file:line:col. */
export const RUNTIME_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'hardstop.config.yaml',
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    version: {const: 1},
    storage: section({sqlite_path: {type: 'string', minLength: 1}}),
    logging: section({level: {enum: ['debug', 'info', 'warn', 'error']}}),
    domain: section({active_pack: {type: 'string', pattern: '^[A-Za-z0-9_.-]+$'}}),
    network: section({
      facilities_csv: {type: 'string', minLength: 1},
      lanes_csv: {type: 'string', minLength: 1},
      shipments_csv: {type: 'string', minLength: 1},
    }),
    alert_quality: section({
      min_confidence_class_1: num(0, 1),
      min_confidence_class_2: num(0, 1),
      min_confidence_ambiguous: num(0, 1),
      allow_quality_override_floor: {type: 'boolean'},
    }),
    correlation: section({window_hours: int(1), max_candidates: int(1, 1000)}),
    linking: section({
      max_shipments: int(0, 10000),
      shipment_days_ahead: int(0),
      shipment_days_back: int(0),
      shipment_window: {type: 'boolean'},
      ambiguous_city_state: {enum: ['all', 'top']},
    }),
    scoring: section({eta_window_hours_ahead: int(0), eta_window_days_back: int(0)}),
    fetch: section({max_bytes: int(1024), max_item_bytes: int(256), max_redirects: int(0, 20), retries: int(0, 5)}),
  },
} as const;
