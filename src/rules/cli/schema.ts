import {rulesJsonSchema} from '../json-schema.js';
import type {CommandOutcome} from './common.js';

/** `hardstop rules schema`: the JSON Schema of rule files (committed as rules/rules.schema.json). */
export function rulesSchema(): CommandOutcome {
  const schema = rulesJsonSchema();
  return {exitCode: 0, text: `${JSON.stringify(schema, null, 2)}\n`, json: schema, diagnostics: [], sources: new Map()};
}
