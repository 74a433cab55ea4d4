import {existsSync} from 'node:fs';
import type {ErrorObject} from 'ajv';
import {isScalar, parse as parseYamlScalar} from 'yaml';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {nodeAt, positionOf, readYamlFile, type YamlSource} from '../kernel/yaml-source.js';
import {didYouMean, unknownNameHint} from '../kernel/text.js';
import {RUNTIME_SCHEMA} from './runtime-schema.js';
import {validateRuntimeConfig} from './runtime-validator.js';

/** hardstop.config.yaml, resolved: every key present. */
export interface RuntimeConfig {
  version: number;
  storage: {sqlite_path: string};
  logging: {level: 'debug' | 'info' | 'warn' | 'error'};
  domain: {active_pack: string};
  network: {facilities_csv: string; lanes_csv: string; shipments_csv: string};
  alert_quality: {
    min_confidence_class_1: number;
    min_confidence_class_2: number;
    min_confidence_ambiguous: number;
    allow_quality_override_floor: boolean;
  };
  correlation: {window_hours: number; max_candidates: number};
  linking: {max_shipments: number; shipment_days_ahead: number; shipment_days_back: number; shipment_window: boolean; ambiguous_city_state: 'all' | 'top'};
  scoring: {eta_window_hours_ahead: number; eta_window_days_back: number};
  fetch: {max_bytes: number; max_item_bytes: number; max_redirects: number; retries: number};
}

/** Built-in defaults (documented in docs/CONFIGURATION.md). */
export const RUNTIME_DEFAULTS: RuntimeConfig = {
  version: 1,
  storage: {sqlite_path: 'hardstop.db'},
  logging: {level: 'info'},
  domain: {active_pack: 'supply-chain'},
  network: {facilities_csv: 'network/facilities.csv', lanes_csv: 'network/lanes.csv', shipments_csv: 'network/shipments.csv'},
  alert_quality: {
    min_confidence_class_1: 0.6,
    min_confidence_class_2: 0.7,
    min_confidence_ambiguous: 0.5,
    allow_quality_override_floor: true,
  },
  correlation: {window_hours: 168, max_candidates: 20},
  linking: {max_shipments: 50, shipment_days_ahead: 30, shipment_days_back: 7, shipment_window: true, ambiguous_city_state: 'all'},
  scoring: {eta_window_hours_ahead: 48, eta_window_days_back: 7},
  fetch: {max_bytes: 5 * 1024 * 1024, max_item_bytes: 256 * 1024, max_redirects: 5, retries: 2},
};

// Generated from RUNTIME_SCHEMA (scripts/schema-validators.ts): no schema is compiled at start-up.
// Its errors are verbose: they carry their parent schema, whose keys the did-you-mean hints choose from.
const validate = validateRuntimeConfig;

type SchemaNode = {type?: string; properties?: Record<string, SchemaNode>};
const ROOT_SCHEMA = RUNTIME_SCHEMA as unknown as SchemaNode;

/** Whether `path` names a leaf key of hardstop.config.yaml (not a section). */
function isConfigKey(path: readonly string[]): boolean {
  let node: SchemaNode | undefined = ROOT_SCHEMA;
  for (const seg of path) node = node?.properties?.[seg];
  return node !== undefined && node.type !== 'object';
}

/** The leaf key each misspelt segment of `path` is closest to, or undefined when one is not close. */
function nearestConfigKey(path: readonly string[]): string[] | undefined {
  const out: string[] = [];
  let node: SchemaNode | undefined = ROOT_SCHEMA;
  for (const seg of path) {
    const keys: string[] = Object.keys(node?.properties ?? {});
    const near: string | undefined = keys.includes(seg) ? seg : didYouMean(seg, keys);
    if (near === undefined) return undefined;
    out.push(near);
    node = node?.properties?.[near];
  }
  return isConfigKey(out) ? out : undefined;
}

export interface EnvOverride {
  name: string;
  path: string[];
  value: unknown;
}

/**
 * `HARDSTOP_<SECTION>__<KEY>` overrides (double underscore between segments, lower-cased).
 * Only names containing `__` are overrides, so HARDSTOP_HOME and secret variables are not.
 */
export function envOverrides(env: NodeJS.ProcessEnv): {overrides: EnvOverride[]; diagnostics: Diagnostic[]} {
  const overrides: EnvOverride[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('HARDSTOP_') || !name.includes('__')) continue;
    const path = name.slice('HARDSTOP_'.length).toLowerCase().split('__');
    if (!isConfigKey(path)) {
      const near = nearestConfigKey(path);
      diagnostics.push({
        code: 'CONFIG_ENV_UNKNOWN',
        severity: 'error',
        message: `environment variable ${name} names no configuration key (${path.join('.')})`,
        hint: near
          ? `did you mean HARDSTOP_${near.join('__').toUpperCase()}?`
          : 'unset it, or fix the name: HARDSTOP_<SECTION>__<KEY>, e.g. HARDSTOP_CORRELATION__WINDOW_HOURS',
      });
      continue;
    }
    overrides.push({name, path, value: parseYamlScalar(env[name] ?? '')});
  }
  return {overrides, diagnostics};
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const seg of path.slice(0, -1)) {
    if (typeof node[seg] !== 'object' || node[seg] === null) node[seg] = {};
    node = node[seg] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function mergeDefaults(defaults: unknown, value: unknown): unknown {
  if (value === undefined || value === null) return structuredClone(defaults);
  if (typeof defaults === 'object' && defaults !== null && !Array.isArray(defaults) && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = {...(value as Record<string, unknown>)};
    for (const [k, v] of Object.entries(defaults)) out[k] = mergeDefaults(v, (value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** The keys a schema object allows (the parent schema of an `additionalProperties` error). */
function allowedKeys(e: ErrorObject): string[] {
  return Object.keys((e.parentSchema as {properties?: Record<string, unknown>} | undefined)?.properties ?? {});
}

function ajvDiagnostic(e: ErrorObject, src: YamlSource | undefined, file: string, strict: boolean): Diagnostic {
  const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'additionalProperties') {
    const key = (e.params as {additionalProperty: string}).additionalProperty;
    const pos = src ? positionOf(src, [...path, key], {key: true}) : undefined;
    return {
      code: 'CONFIG_UNKNOWN_KEY',
      severity: strict ? 'error' : 'warning',
      message: `unknown key "${[...path, key].join('.')}"`,
      hint: unknownNameHint(key, allowedKeys(e), path.length ? `keys of ${path.join('.')}` : 'sections'),
      file,
      ...pos,
    };
  }
  const pos = src ? positionOf(src, path) : undefined;
  const value = src && e.keyword === 'enum' ? nodeAt(src.doc, path) : undefined;
  const allowed = ((e.params as {allowedValues?: unknown[]}).allowedValues ?? []).map(String);
  return {
    code: 'CONFIG_INVALID',
    severity: 'error',
    message: `${path.join('.') || '(top level)'}: ${isScalar(value) ? `${JSON.stringify(value.value)} is not one of ${allowed.join(', ')}` : (e.message ?? 'invalid value')}`,
    hint: isScalar(value) ? unknownNameHint(String(value.value), allowed, 'allowed values') : 'see docs/CONFIGURATION.md for the allowed values',
    file,
    ...pos,
  };
}

export interface LoadedRuntimeConfig {
  config: RuntimeConfig | null;
  diagnostics: Diagnostic[];
  overrides: EnvOverride[];
  source?: YamlSource;
  /** Keys whose built-in default was used because the file did not set them. */
  defaultsUsed: string[];
}

/**
 * Reads hardstop.config.yaml, applies defaults and HARDSTOP_* overrides, validates.
 * A missing file is an error (CONFIG_MISSING): every command needs a home.
 */
export function loadRuntimeConfig(path: string, displayName: string, env: NodeJS.ProcessEnv, opts: {strict: boolean}): LoadedRuntimeConfig {
  if (!existsSync(path)) {
    return {
      config: null,
      overrides: [],
      defaultsUsed: [],
      diagnostics: [
        {
          code: 'CONFIG_MISSING',
          severity: 'error',
          message: `${displayName} not found`,
          hint: 'run `hardstop init` in this folder, or pass --home pointing at a Hardstop home',
          file: displayName,
        },
      ],
    };
  }
  const src = readYamlFile(path, displayName);
  const diagnostics = [...src.diagnostics];
  if (diagnostics.some((d) => d.severity === 'error')) return {config: null, diagnostics, overrides: [], source: src, defaultsUsed: []};
  const raw = src.value ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    diagnostics.push({code: 'CONFIG_INVALID', severity: 'error', message: 'the file must be a mapping of sections', file: displayName, line: 1, col: 1});
    return {config: null, diagnostics, overrides: [], source: src, defaultsUsed: []};
  }
  if (!validate(raw)) for (const e of validate.errors ?? []) diagnostics.push(ajvDiagnostic(e, src, displayName, opts.strict));
  const defaultsUsed: string[] = [];
  for (const [sec, vals] of Object.entries(RUNTIME_DEFAULTS)) {
    if (typeof vals !== 'object') continue;
    for (const k of Object.keys(vals)) if ((raw as Record<string, Record<string, unknown>>)[sec]?.[k] === undefined) defaultsUsed.push(`${sec}.${k}`);
  }
  const merged = mergeDefaults(RUNTIME_DEFAULTS, raw) as Record<string, unknown>;
  const env_ = envOverrides(env);
  diagnostics.push(...env_.diagnostics);
  for (const o of env_.overrides) setPath(merged, o.path, o.value);
  if (env_.overrides.length && !validate(merged)) {
    for (const e of validate.errors ?? []) {
      diagnostics.push({
        code: 'CONFIG_ENV_INVALID',
        severity: 'error',
        message: `environment override ${e.instancePath.slice(1).replace(/\//g, '.')}: ${e.message}`,
        hint: 'fix or unset the HARDSTOP_* variable',
      });
    }
  }
  const cfg = merged as unknown as RuntimeConfig;
  if (cfg.alert_quality.min_confidence_class_1 > cfg.alert_quality.min_confidence_class_2) {
    diagnostics.push({
      code: 'CONFIG_INVALID',
      severity: 'error',
      message: 'alert_quality.min_confidence_class_1 must not exceed min_confidence_class_2',
      hint: 'class 2 (Impactful) needs at least the confidence of class 1 (Relevant)',
      file: displayName,
      ...positionOf(src, ['alert_quality', 'min_confidence_class_1']),
    });
  }
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return {config: ok ? cfg : null, diagnostics, overrides: env_.overrides, source: src, defaultsUsed};
}

/** The runtime member of the config snapshot: excluded keys removed (paths, logging). */
export function runtimeSnapshot(cfg: RuntimeConfig): Record<string, unknown> {
  const {storage: _storage, logging: _logging, network: _network, ...rest} = cfg;
  return rest;
}
