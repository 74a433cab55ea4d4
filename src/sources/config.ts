import {fsErrorReason} from '../kernel/errors.js';
import {existsSync, realpathSync} from 'node:fs';
import {isAbsolute, relative, resolve, sep} from 'node:path';
import type {ErrorObject} from 'ajv';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {isScalar} from 'yaml';
import {nodeAt, positionOf, readYamlFile, type YamlSource} from '../kernel/yaml-source.js';
import {didYouMean, unknownNameHint} from '../kernel/text.js';
import type {Home} from '../config/home.js';
import type {RuntimeConfig} from '../config/runtime.js';
import {HARDSTOP_VERSION} from '../config/version.js';
import type {SourceType, Tier} from '../model/raw-item.js';
import {SOURCE_TYPES, TIERS} from './sources-schema.js';
import {validateSourcesConfig} from './sources-validator.js';

/** Display name of the sources file in diagnostics (home-relative). */
export const SOURCES_FILE = 'config/sources.yaml';

/** Built-in values, the last step of resolution (documented in docs/SOURCES.md). */
export const SOURCE_BUILTINS = {
  enabled: true,
  trust_tier: {global: 3, regional: 2, local: 1} as Record<Tier, number>,
  classification_floor: 0,
  weighting_bias: 0,
  max_items: 50,
  timeout_seconds: 20,
  user_agent: `hardstop/${HARDSTOP_VERSION}`,
  /** Used when neither the source nor the runtime config (`fetch.max_bytes`) sets one. */
  max_bytes: 5 * 1024 * 1024,
  adapter_version: '1.0',
  rate_limit: {per_host_min_seconds: 2, jitter_seconds: 1},
} as const;

export interface SourceGeo {
  country?: string;
  state?: string;
  city?: string;
}

/**
 * A source's raw `suppress:` entries, kept with the YAML they came from so the rule-language
 * compiler can turn them into pack rules with positions. `path` points at the `suppress`
 * sequence (e.g. `['tiers', 'local', 0, 'suppress']`); entry i is at `[...path, i]`.
 */
export interface SuppressBlock {
  src: YamlSource;
  path: (string | number)[];
  entries: unknown[];
}

/** One source with every field resolved (source → tier_defaults.<tier> → defaults → built-in). */
export interface ResolvedSource {
  id: string;
  type: SourceType;
  tier: Tier;
  url: string;
  enabled: boolean;
  trust_tier: number;
  classification_floor: number;
  weighting_bias: number;
  tags: string[];
  geo: SourceGeo;
  max_items: number;
  timeout_seconds: number;
  user_agent: string;
  max_bytes: number;
  adapter_version: string;
  /** Raw per-source suppression entries (empty block when the source has none). */
  suppress: SuppressBlock | null;
  /** Where the source is declared: position of its `id`. */
  position: {file: string; line: number; col: number};
  /** Index in file order (0-based, across all tier sections). */
  order: number;
}

export interface RateLimitSettings {
  per_host_min_seconds: number;
  jitter_seconds: number;
}

export interface LoadedSourcesConfig {
  /** Sources in file order; empty when the file is invalid. */
  sources: ResolvedSource[];
  /** Every problem; any `error` means the configuration must not be used. */
  diagnostics: Diagnostic[];
  source?: YamlSource;
  /** Resolved `defaults` block (every key present). */
  defaults: ResolvedDefaults;
  /** `tier_defaults` as written (only the keys the file sets). */
  tierDefaults: Partial<Record<Tier, Record<string, unknown>>>;
  ok: boolean;
}

export interface ResolvedDefaults {
  enabled: boolean;
  max_items: number;
  timeout_seconds: number;
  user_agent: string;
  max_bytes: number;
  adapter_version: string;
  classification_floor: number;
  weighting_bias: number;
  rate_limit: RateLimitSettings;
  dedupe: {strategy: 'canonical_id_or_hash'};
  /** Optional defaults a file may set for every source (absent = per-tier built-ins). */
  trust_tier?: number;
  tags?: string[];
  geo?: SourceGeo;
}

// Generated from SOURCES_SCHEMA (scripts/schema-validators.ts): no schema is compiled at start-up.
// Its errors are verbose: they carry their parent schema, whose keys the did-you-mean hints choose from.
const validateSchema = validateSourcesConfig;

type Path = (string | number)[];

function pointerToPath(pointer: string): Path {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function at(src: YamlSource, path: Path, key = false): {line: number; col: number; endLine?: number; endCol?: number} {
  return positionOf(src, path, {key});
}

function nodeValue(src: YamlSource, path: Path): unknown {
  const node = nodeAt(src.doc, path);
  return isScalar(node) ? node.value : undefined;
}

/** "did you mean …?" when the string value at `path` is close to one of `allowed`. */
function nearHint(src: YamlSource, path: Path, allowed: readonly string[]): string | undefined {
  const value = nodeValue(src, path);
  const near = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
  return near ? `did you mean ${near}?` : undefined;
}

const TRUST_HINTS: Record<string, string> = {
  trust_tier: 'trust_tier is 1 (least trusted), 2 or 3 (most trusted)',
  classification_floor: 'classification_floor is 0, 1 or 2',
  weighting_bias: 'weighting_bias is an integer from -2 to 2',
};

/**
 * Names the place at `path` as an operator knows it: a source by its id (`source "fda"`,
 * `geo of source "fda"`), anything else by its dotted path (`defaults.rate_limit`).
 */
export function describeSourcesPath(raw: unknown, path: Path): string {
  if (path[0] === 'tiers' && typeof path[1] === 'string' && typeof path[2] === 'number') {
    const list = isObj(raw) && isObj(raw.tiers) ? raw.tiers[path[1]] : undefined;
    const entry = Array.isArray(list) ? (list[path[2]] as unknown) : undefined;
    const id = isObj(entry) && typeof entry.id === 'string' && entry.id !== '' ? entry.id : undefined;
    const source = id !== undefined ? `source "${id}"` : `source ${path[2] + 1} of tiers.${path[1]} (it has no id)`;
    const inner = path.slice(3).join('.');
    return inner ? `${inner} of ${source}` : source;
  }
  return path.join('.') || '(top level)';
}

function schemaDiagnostic(e: ErrorObject, src: YamlSource, file: string): Diagnostic | null {
  const path = pointerToPath(e.instancePath);
  const field = path.length ? String(path[path.length - 1]) : '';
  const where = describeSourcesPath(src.value, path);
  if (e.keyword === 'additionalProperties') {
    const key = (e.params as {additionalProperty: string}).additionalProperty;
    const allowed = Object.keys((e.parentSchema as {properties?: Record<string, unknown>} | undefined)?.properties ?? {});
    const parent = path.length ? String(path[path.length - 1]) : '';
    if ((parent === 'tiers' || parent === 'tier_defaults') && path.length === 1) {
      return {
        code: 'SOURCES_UNKNOWN_TIER',
        severity: 'error',
        message: `unknown tier section "${key}" under ${parent}`,
        hint: unknownNameHint(key, TIERS, 'tier sections'),
        file,
        ...at(src, [...path, key], true),
      };
    }
    return {
      code: 'SOURCES_UNKNOWN_KEY',
      severity: 'error',
      message: `unknown key "${key}" in ${where}`,
      hint: unknownNameHint(key, allowed),
      file,
      ...at(src, [...path, key], true),
    };
  }
  if (e.keyword === 'required') {
    const missing = (e.params as {missingProperty: string}).missingProperty;
    return {
      code: 'SOURCES_MISSING_KEY',
      severity: 'error',
      message: `${where} is missing the required key "${missing}"`,
      hint: path[0] === 'tiers' ? 'every source needs id, type and url' : 'the file needs `version: 1` and a `tiers:` mapping',
      file,
      ...at(src, path),
    };
  }
  if (field === 'type' && path[0] === 'tiers' && e.keyword === 'enum') {
    return {
      code: 'SOURCE_UNKNOWN_TYPE',
      severity: 'error',
      message: `${describeSourcesPath(src.value, path.slice(0, -1))}: unknown source type ${JSON.stringify(nodeValue(src, path))}`,
      hint: nearHint(src, path, SOURCE_TYPES) ?? `source types are ${SOURCE_TYPES.join(', ')} (RSS 0.9x/1.0/2.0 and Atom feeds are all "rss")`,
      file,
      ...at(src, path),
    };
  }
  if (field === 'tier' && e.keyword === 'enum') {
    return {
      code: 'SOURCES_UNKNOWN_TIER',
      severity: 'error',
      message: `${describeSourcesPath(src.value, path.slice(0, -1))}: tier must be one of ${TIERS.join(', ')}`,
      hint: nearHint(src, path, TIERS) ?? 'the tier field must name the section the source is listed under',
      file,
      ...at(src, path),
    };
  }
  if (e.keyword === 'type') {
    const expected = (e.params as {type: string | string[]}).type;
    return {
      code: 'SOURCES_WRONG_TYPE',
      severity: 'error',
      message: `${where} must be ${Array.isArray(expected) ? expected.join(' or ') : expected}`,
      hint: TRUST_HINTS[field] ?? (expected === 'integer' ? 'write a whole number without quotes' : 'see docs/SOURCES.md for the expected type'),
      file,
      ...at(src, path),
    };
  }
  if (['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'].includes(e.keyword)) {
    return {
      code: 'SOURCES_OUT_OF_RANGE',
      severity: 'error',
      message: `${where} ${e.message ?? 'is out of range'}`,
      hint: TRUST_HINTS[field] ?? 'see docs/SOURCES.md for the allowed range',
      file,
      ...at(src, path),
    };
  }
  if (field === 'id' && e.keyword === 'pattern') {
    return {
      code: 'SOURCES_BAD_ID',
      severity: 'error',
      message: `${describeSourcesPath(src.value, path.slice(0, -1))}: source ids use letters, digits, "_", "." and "-" and start with a letter or digit`,
      hint: 'rename the source; the id appears in file names, RunRecords and raw-item ids',
      file,
      ...at(src, path),
    };
  }
  if (e.keyword === 'const' && field === 'version') {
    return {code: 'SOURCES_BAD_VERSION', severity: 'error', message: 'version must be 1', hint: 'write `version: 1`', file, ...at(src, path)};
  }
  if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') return null;
  return {
    code: 'SOURCES_INVALID',
    severity: 'error',
    message: `${where}: ${e.message ?? 'invalid value'}`,
    hint: 'see docs/SOURCES.md for the allowed values',
    file,
    ...at(src, path),
  };
}

/**
 * Checks a source URL; returns a problem description or null. A `file://` URL that leaves the
 * home is the source's own problem (its fetch fails with FILE_OUTSIDE_HOME), reported here as
 * `outside` so that the other sources still run.
 */
export function checkSourceUrl(url: string, home: Home): {problem: string; outside: boolean} | null {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  const scheme = m?.[1].toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    try {
      const u = new URL(url);
      if (!u.hostname) return {problem: 'the URL has no host', outside: false};
      return null;
    } catch {
      return {problem: 'the URL cannot be parsed', outside: false};
    }
  }
  if (scheme === 'file') {
    const r = resolveFileUrl(url, home);
    return 'error' in r ? {problem: r.error, outside: r.outside} : null;
  }
  return {problem: scheme ? `scheme "${scheme}://" is not supported` : 'the URL has no scheme', outside: false};
}

/**
 * Resolves a `file://` URL under the home. `file://feeds/x.xml` is home-relative;
 * `file:///abs/path` must still lie inside the home (symlinks resolved). Percent escapes are
 * decoded.
 */
export function resolveFileUrl(url: string, home: Home): {path: string} | {error: string; outside: boolean} {
  const rest = url.replace(/^file:\/\//i, '');
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest.split(/[?#]/)[0]);
  } catch {
    return {error: 'the file URL has invalid percent escapes', outside: false};
  }
  if (!decoded) return {error: 'the file URL names no file', outside: false};
  const localhostStripped = decoded.startsWith('localhost/') ? decoded.slice('localhost'.length) : decoded;
  const path = isAbsolute(localhostStripped) ? resolve(localhostStripped) : resolve(home.root, localhostStripped);
  const inside = (p: string, root: string) => {
    const r = relative(root, p);
    return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
  };
  if (!inside(path, home.root)) return {error: 'the file URL leaves the home folder', outside: true};
  if (existsSync(path)) {
    let real: string;
    let realRoot: string;
    try {
      real = realpathSync(path);
      realRoot = realpathSync(home.root);
    } catch {
      return {path};
    }
    if (!inside(real, realRoot)) return {error: 'the file URL leaves the home folder through a symbolic link', outside: true};
  }
  return {path};
}

function builtinDefaults(runtime?: RuntimeConfig): ResolvedDefaults {
  return {
    enabled: SOURCE_BUILTINS.enabled,
    max_items: SOURCE_BUILTINS.max_items,
    timeout_seconds: SOURCE_BUILTINS.timeout_seconds,
    user_agent: SOURCE_BUILTINS.user_agent,
    max_bytes: runtime?.fetch.max_bytes ?? SOURCE_BUILTINS.max_bytes,
    adapter_version: SOURCE_BUILTINS.adapter_version,
    classification_floor: SOURCE_BUILTINS.classification_floor,
    weighting_bias: SOURCE_BUILTINS.weighting_bias,
    rate_limit: {...SOURCE_BUILTINS.rate_limit},
    dedupe: {strategy: 'canonical_id_or_hash'},
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `max_items` with its alias `max_items_per_fetch` (the alias is the reference's name). */
function maxItemsOf(block: Obj | undefined): number | undefined {
  if (!block) return undefined;
  return (block.max_items ?? block.max_items_per_fetch) as number | undefined;
}

function aliasConflicts(block: Obj, path: Path, src: YamlSource, file: string): Diagnostic[] {
  if (block.max_items !== undefined && block.max_items_per_fetch !== undefined && block.max_items !== block.max_items_per_fetch) {
    return [
      {
        code: 'SOURCES_ALIAS_CONFLICT',
        severity: 'error',
        message: `${describeSourcesPath(src.value, path)} sets both max_items (${String(block.max_items)}) and its alias max_items_per_fetch (${String(block.max_items_per_fetch)})`,
        hint: 'keep only max_items',
        file,
        ...at(src, [...path, 'max_items_per_fetch'], true),
      },
    ];
  }
  return [];
}

function emptyResult(diagnostics: Diagnostic[], runtime?: RuntimeConfig, source?: YamlSource): LoadedSourcesConfig {
  return {sources: [], diagnostics, source, defaults: builtinDefaults(runtime), tierDefaults: {}, ok: false};
}

/**
 * Loads, validates and normalizes `config/sources.yaml` (operations.md §3.3). Every problem
 * is an error diagnostic with file:line:col, a code and a hint; the sources are returned only
 * when there is no error. A missing file is `SOURCES_MISSING`.
 */
export function loadSourcesConfig(home: Home, opts: {runtime?: RuntimeConfig} = {}): LoadedSourcesConfig {
  const file = SOURCES_FILE;
  if (!existsSync(home.sourcesFile)) {
    return emptyResult(
      [
        {
          code: 'SOURCES_MISSING',
          severity: 'error',
          message: `${file} not found`,
          hint: 'run `hardstop init` to write an example, or create the file (see docs/SOURCES.md)',
          file,
        },
      ],
      opts.runtime,
    );
  }
  let src: YamlSource;
  try {
    src = readYamlFile(home.sourcesFile, file);
  } catch (err) {
    return emptyResult(
      [{code: 'SOURCES_UNREADABLE', severity: 'error', message: `cannot read ${file}: ${fsErrorReason(err)}`, hint: 'check the file permissions', file}],
      opts.runtime,
    );
  }
  return resolveSourcesDocument(src, home, opts);
}

/** Validates and resolves an already parsed sources document (used by tests and `init`). */
export function resolveSourcesDocument(src: YamlSource, home: Home, opts: {runtime?: RuntimeConfig} = {}): LoadedSourcesConfig {
  const file = src.file;
  const diagnostics: Diagnostic[] = [...src.diagnostics];
  if (diagnostics.some((d) => d.severity === 'error')) return emptyResult(diagnostics, opts.runtime, src);
  const raw = src.value;
  if (!isObj(raw)) {
    diagnostics.push({
      code: 'SOURCES_INVALID',
      severity: 'error',
      message: raw === null || raw === undefined ? `${file} is empty` : `${file} must be a mapping with version and tiers`,
      hint: 'start from the example in docs/SOURCES.md',
      file,
      line: 1,
      col: 1,
    });
    return emptyResult(diagnostics, opts.runtime, src);
  }
  if (!validateSchema(raw)) {
    for (const e of validateSchema.errors ?? []) {
      const d = schemaDiagnostic(e, src, file);
      if (d) diagnostics.push(d);
    }
  }

  const defaultsBlock = isObj(raw.defaults) ? raw.defaults : {};
  diagnostics.push(...aliasConflicts(defaultsBlock, ['defaults'], src, file));
  const tierDefaults: Partial<Record<Tier, Obj>> = {};
  if (isObj(raw.tier_defaults)) {
    for (const t of TIERS) {
      const block = raw.tier_defaults[t];
      if (isObj(block)) {
        tierDefaults[t] = block;
        diagnostics.push(...aliasConflicts(block, ['tier_defaults', t], src, file));
      }
    }
  }
  const builtins = builtinDefaults(opts.runtime);
  const rl = isObj(defaultsBlock.rate_limit) ? defaultsBlock.rate_limit : {};
  const defaults: ResolvedDefaults = {
    ...builtins,
    enabled: (defaultsBlock.enabled as boolean | undefined) ?? builtins.enabled,
    max_items: maxItemsOf(defaultsBlock) ?? builtins.max_items,
    timeout_seconds: (defaultsBlock.timeout_seconds as number | undefined) ?? builtins.timeout_seconds,
    user_agent: (defaultsBlock.user_agent as string | undefined) ?? builtins.user_agent,
    max_bytes: (defaultsBlock.max_bytes as number | undefined) ?? builtins.max_bytes,
    adapter_version: (defaultsBlock.adapter_version as string | undefined) ?? builtins.adapter_version,
    classification_floor: (defaultsBlock.classification_floor as number | undefined) ?? builtins.classification_floor,
    weighting_bias: (defaultsBlock.weighting_bias as number | undefined) ?? builtins.weighting_bias,
    rate_limit: {
      per_host_min_seconds: (rl.per_host_min_seconds as number | undefined) ?? builtins.rate_limit.per_host_min_seconds,
      jitter_seconds: (rl.jitter_seconds as number | undefined) ?? builtins.rate_limit.jitter_seconds,
    },
  };
  if (defaultsBlock.trust_tier !== undefined) defaults.trust_tier = defaultsBlock.trust_tier as number;
  if (defaultsBlock.tags !== undefined) defaults.tags = defaultsBlock.tags as string[];
  if (defaultsBlock.geo !== undefined) defaults.geo = defaultsBlock.geo as SourceGeo;

  const sources: ResolvedSource[] = [];
  const seen = new Map<string, {line: number; col: number}>();
  const tiers = isObj(raw.tiers) ? raw.tiers : {};
  // File order: the order in which the tier sections (and the sources within) appear.
  const sectionOrder = Object.keys(tiers).filter((k): k is Tier => (TIERS as readonly string[]).includes(k));
  let order = 0;
  for (const section of sectionOrder) {
    const list = tiers[section];
    if (!Array.isArray(list)) continue;
    list.forEach((entry, index) => {
      const path: Path = ['tiers', section, index];
      if (!isObj(entry)) return;
      diagnostics.push(...aliasConflicts(entry, path, src, file));
      const id = typeof entry.id === 'string' ? entry.id : undefined;
      const idPos = at(src, [...path, 'id']);
      if (id !== undefined) {
        const prev = seen.get(id);
        if (prev) {
          diagnostics.push({
            code: 'SOURCE_DUPLICATE_ID',
            severity: 'error',
            message: `source id "${id}" is already used at ${file}:${prev.line}:${prev.col}`,
            hint: 'source ids must be unique across all tiers; rename one of them',
            file,
            ...idPos,
          });
        } else {
          seen.set(id, {line: idPos.line, col: idPos.col});
        }
      }
      if (entry.tier !== undefined && entry.tier !== section && (TIERS as readonly unknown[]).includes(entry.tier)) {
        diagnostics.push({
          code: 'SOURCE_TIER_MISMATCH',
          severity: 'error',
          message: `${describeSourcesPath(raw, path)} says tier: ${String(entry.tier)} but is listed under tiers.${section}`,
          hint: `move it under tiers.${String(entry.tier)} or set tier: ${section}`,
          file,
          ...at(src, [...path, 'tier']),
        });
      }
      if (typeof entry.url === 'string') {
        const check = checkSourceUrl(entry.url, home);
        if (check?.outside) {
          diagnostics.push({
            code: 'SOURCE_FILE_OUTSIDE_HOME',
            severity: 'warning',
            message: `${describeSourcesPath(raw, path)}: ${check.problem}: ${entry.url}; only this source fails`,
            hint: 'file:// sources must stay inside the home folder; copy the file into the home or fix the URL',
            file,
            ...at(src, [...path, 'url']),
          });
        } else if (check) {
          diagnostics.push({
            code: 'SOURCE_BAD_URL',
            severity: 'error',
            message: `${describeSourcesPath(raw, path)}: ${check.problem}: ${entry.url}`,
            hint: 'use an http://, https:// or file:// URL; file:// paths are relative to the home and must stay inside it',
            file,
            ...at(src, [...path, 'url']),
          });
        }
      }
      const td: Obj = tierDefaults[section] ?? {};
      const pick = <T>(key: string, fallback: T): T => (entry[key] ?? td[key] ?? (defaultsBlock as Obj)[key] ?? fallback) as T;
      const suppressEntries = Array.isArray(entry.suppress) ? (entry.suppress as unknown[]) : [];
      sources.push({
        id: id ?? '',
        type: entry.type as SourceType,
        tier: section,
        url: typeof entry.url === 'string' ? entry.url : '',
        enabled: pick('enabled', defaults.enabled),
        trust_tier: pick('trust_tier', SOURCE_BUILTINS.trust_tier[section]),
        classification_floor: pick('classification_floor', defaults.classification_floor),
        weighting_bias: pick('weighting_bias', defaults.weighting_bias),
        tags: [...pick<string[]>('tags', [])],
        geo: {...pick<SourceGeo>('geo', {})},
        max_items: maxItemsOf(entry) ?? maxItemsOf(td) ?? defaults.max_items,
        timeout_seconds: pick('timeout_seconds', defaults.timeout_seconds),
        user_agent: pick('user_agent', defaults.user_agent),
        max_bytes: pick('max_bytes', defaults.max_bytes),
        adapter_version: pick('adapter_version', defaults.adapter_version),
        suppress: suppressEntries.length ? {src, path: [...path, 'suppress'], entries: suppressEntries} : null,
        position: {file, line: idPos.line, col: idPos.col},
        order: order++,
      });
    });
  }
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return {sources: ok ? sources : [], diagnostics, source: src, defaults, tierDefaults, ok};
}

/** The fields of a resolved source that the config fingerprint hashes (no positions, no YAML). */
export function normalizedSource(s: ResolvedSource): Record<string, unknown> {
  return {
    id: s.id,
    type: s.type,
    tier: s.tier,
    url: s.url,
    enabled: s.enabled,
    trust_tier: s.trust_tier,
    classification_floor: s.classification_floor,
    weighting_bias: s.weighting_bias,
    tags: s.tags,
    geo: s.geo,
    max_items: s.max_items,
    timeout_seconds: s.timeout_seconds,
    user_agent: s.user_agent,
    max_bytes: s.max_bytes,
    adapter_version: s.adapter_version,
    suppress: s.suppress ? s.suppress.entries : [],
  };
}

/**
 * The `sources` member of the config snapshot (operations.md §2.2): the normalized source
 * list in file order plus `defaults` and `tier_defaults` as resolved. An invalid file yields
 * `{error: true, codes}` — callers must refuse to run on it anyway.
 */
export function sourcesSnapshotMember(loaded: LoadedSourcesConfig): Record<string, unknown> {
  if (!loaded.ok) {
    return {invalid: true, codes: [...new Set(loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))].sort()};
  }
  return {
    sources: loaded.sources.map(normalizedSource),
    defaults: loaded.defaults,
    tier_defaults: loaded.tierDefaults,
  };
}

/** Sources in fetch order: global, regional, local; file order within a tier. */
export function fetchOrder(sources: readonly ResolvedSource[]): ResolvedSource[] {
  const rank = (t: Tier) => TIERS.indexOf(t);
  return [...sources].sort((a, b) => rank(a.tier) - rank(b.tier) || a.order - b.order);
}

/** Throws a ConfigError-shaped failure when the load has errors (for commands). */
export function sourcesErrors(loaded: LoadedSourcesConfig): Diagnostic[] {
  return loaded.diagnostics.filter((d) => d.severity === 'error');
}
