import {rulesJsonSchema} from '../json-schema.js';
import type {RulesOutcome} from './common.js';

/** `hardstop rules schema`: the JSON Schema of rule files (committed as rules/rules.schema.json). */
export function rulesSchema(): RulesOutcome {
  const schema = rulesJsonSchema();
  return {exitCode: 0, text: `${JSON.stringify(schema, null, 2)}\n`, json: schema, diagnostics: [], sources: new Map()};
}
