import {readFileSync} from 'node:fs';
import {isMap, isScalar, isSeq, type Node, type YAMLMap} from 'yaml';
import {sha256Hex} from '../../kernel/canonical-json.js';
import {hasErrors, sortDiagnostics, type Diagnostic} from '../../kernel/diagnostic.js';
import {didYouMean, unknownNameHint} from '../../kernel/text.js';
import {parseYamlText, type YamlSource} from '../../kernel/yaml-source.js';
import {compileRouteConditions, type CompiledRulePack} from '../../rules/index.js';
import {checkEndpoint} from '../endpoint.js';
import {sinkFilesIn} from './sink-files.js';
import {ENV_NAME_PATTERN, FIELDS_BY_TYPE, RETRY_FIELDS, ROUTE_FIELDS, SINK_ID_PATTERN, SINK_TYPES, TOP_KEYS, type FieldSpec, type SinkType} from './fields.js';
import {
  DEFAULT_LINEAR_PRIORITY, DEFAULT_MIN_INTERVAL_MS, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, type DeclaredAt, type RetrySettings, type RouteConfig,
  type SinkConfig,
} from './model.js';
import type {DiagnosticCode} from '../../kernel/diagnostic-codes.js';

/** Every sink file of the home, validated, with its routes compiled. */
export interface LoadedSinks {
  sinks: SinkConfig[];
  /** Home-relative path and SHA-256 of each file read: the config fingerprint member. */
  files: {path: string; sha256: string}[];
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

type Fields = Map<string, {keyNode: Node; value: Node | null}>;

/** Reads one file's nodes, reporting each problem at its position. */
class SinkFileReader {
  constructor(
    readonly src: YamlSource,
    readonly out: Diagnostic[],
  ) {}

  at(node: Node | null | undefined): DeclaredAt & {endLine?: number; endCol?: number} {
    if (!node?.range) return {file: this.src.file, line: 1, col: 1};
    const s = this.src.lineCounter.linePos(node.range[0]);
    const e = this.src.lineCounter.linePos(node.range[1]);
    return {file: this.src.file, line: s.line, col: s.col, endLine: e.line, endCol: e.col};
  }

  problem(node: Node | null | undefined, code: DiagnosticCode, message: string, hint: string, severity: 'error' | 'warning' = 'error'): void {
    this.out.push({code, severity, message, hint, ...this.at(node)});
  }

  /** A mapping's entries by key; unknown keys are errors with did-you-mean. */
  fields(node: Node | null | undefined, allowed: readonly string[], what: string): Fields | null {
    if (!isMap(node)) {
      this.problem(node, 'SINK_WRONG_TYPE', `${what} must be a mapping`, 'see docs/SINKS.md for the layout of a sink file');
      return null;
    }
    const out: Fields = new Map();
    for (const pair of (node as YAMLMap).items) {
      const keyNode = pair.key as Node;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      if (!allowed.includes(key)) {
        this.problem(keyNode, 'SINK_UNKNOWN_KEY', `unknown key "${key}" in ${what}`, unknownNameHint(key, allowed));
        continue;
      }
      out.set(key, {keyNode, value: (pair.value as Node | null) ?? null});
    }
    return out;
  }

  required(f: Fields, node: Node | null | undefined, specs: Record<string, FieldSpec>, what: string): void {
    for (const [name, spec] of Object.entries(specs)) {
      if (spec.required && !f.has(name)) this.problem(node, 'SINK_MISSING_KEY', `${what} is missing the required key "${name}"`, spec.doc);
    }
  }

  /** The value of a scalar field checked against its spec; undefined after a reported problem. */
  value(f: Fields, name: string, spec: FieldSpec, what: string): unknown {
    const entry = f.get(name);
    if (!entry) return undefined;
    const node = entry.value;
    const v = isScalar(node) ? node.value : undefined;
    const wrong = (expected: string, hint = spec.doc): undefined => {
      this.problem(node ?? entry.keyNode, 'SINK_WRONG_TYPE', `${what}.${name} must be ${expected}`, hint);
      return undefined;
    };
    const k = spec.kind;
    switch (k.k) {
      case 'id':
        return typeof v === 'string' && SINK_ID_PATTERN.test(v) ? v : wrong('an id of 1 to 64 characters a-z, 0-9, _ and -');
      case 'env':
        return typeof v === 'string' && ENV_NAME_PATTERN.test(v)
          ? v
          : wrong('the NAME of an environment variable', 'secrets never go into sink files: put the value in an environment variable and name it here');
      case 'string':
        return typeof v === 'string' && v !== '' ? v : wrong('a non-empty string');
      case 'nullable_string':
        return v === null || (typeof v === 'string' && v !== '') ? v : wrong('a string or null');
      case 'bool':
        return typeof v === 'boolean' ? v : wrong('true or false');
      case 'int':
      case 'number': {
        const ok = typeof v === 'number' && Number.isFinite(v) && (k.k === 'number' || Number.isInteger(v)) && v >= k.min && (k.max === undefined || v <= k.max);
        return ok ? v : wrong(`${k.k === 'int' ? 'an integer' : 'a number'} in ${k.min}..${k.max ?? '∞'}`);
      }
      case 'enum': {
        if (typeof v === 'string' && k.values.includes(v)) return v;
        const s = typeof v === 'string' ? didYouMean(v, k.values) : undefined;
        return wrong(`one of ${k.values.join(', ')}`, s ? `did you mean ${s}?` : spec.doc);
      }
      case 'const':
        return v === k.value ? v : wrong(String(k.value), 'this Hardstop reads sink files of version 1');
      case 'url': {
        if (typeof v !== 'string') return wrong('a URL');
        const c = checkEndpoint(v);
        if (!c.ok) {
          this.problem(node, 'SINK_URL_INVALID', `${what}.${name} ${c.reason}`, 'use an https:// URL');
          return undefined;
        }
        return v.replace(/\/+$/, '');
      }
      case 'string_list': {
        if (!isSeq(node)) return wrong('a list of strings');
        const items = node.items.map((n) => (isScalar(n) ? n.value : undefined));
        return items.every((x) => typeof x === 'string' && x !== '') ? items : wrong('a list of non-empty strings');
      }
      case 'priority_map': {
        const m = this.fields(node, ['0', '1', '2'], `${what}.priority`);
        if (!m) return undefined;
        const out: Record<number, number> = {...DEFAULT_LINEAR_PRIORITY};
        for (const [cls, e] of m) {
          const p = isScalar(e.value) ? e.value.value : undefined;
          if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 4) {
            this.problem(e.value ?? e.keyNode, 'SINK_WRONG_TYPE', `priority for classification ${cls} must be an integer 0..4`, '0 none, 1 urgent, 2 high, 3 medium, 4 low');
          } else out[Number(cls)] = p;
        }
        return out;
      }
      case 'routes':
        return node;
    }
  }
}

interface PendingRoute {
  sink: SinkConfig;
  id: string;
  node: Node | null;
  at: DeclaredAt;
}

function readRetry(r: SinkFileReader, node: Node | null | undefined): RetrySettings {
  const f = node === undefined ? new Map() : (r.fields(node, Object.keys(RETRY_FIELDS), 'retry') ?? new Map());
  const v = (name: string) => r.value(f, name, RETRY_FIELDS[name], 'retry');
  const num = (name: string, dflt: number) => (v(name) as number | undefined) ?? dflt;
  const seed = v('seed') as string | null | undefined;
  return {
    seed: seed ?? DEFAULT_RETRY.seed,
    policy: {
      maxAttempts: num('max_attempts', DEFAULT_RETRY.maxAttempts),
      baseMs: num('base_ms', DEFAULT_RETRY.baseMs),
      factor: num('factor', DEFAULT_RETRY.factor),
      maxDelayMs: num('max_delay_ms', DEFAULT_RETRY.maxDelayMs),
      jitter: num('jitter', DEFAULT_RETRY.jitter),
    },
    deadlineMs: num('deadline_s', DEFAULT_RETRY.deadlineS) * 1000,
  };
}

function readSink(r: SinkFileReader, node: Node, retry: RetrySettings, routes: PendingRoute[]): SinkConfig | null {
  const typeNode = isMap(node) ? (node.get('type', true) as Node | undefined) : undefined;
  const typeValue = isScalar(typeNode) ? typeNode.value : undefined;
  if (!SINK_TYPES.includes(typeValue as SinkType)) {
    const s = typeof typeValue === 'string' ? didYouMean(typeValue, SINK_TYPES) : undefined;
    r.problem(typeNode ?? node, typeNode ? 'SINK_WRONG_TYPE' : 'SINK_MISSING_KEY', typeNode ? `unknown sink type "${String(typeValue)}"` : 'a sink needs a type', s ? `did you mean ${s}?` : `sink types: ${SINK_TYPES.join(', ')}`);
    return null;
  }
  const type = typeValue as SinkType;
  const specs = FIELDS_BY_TYPE[type];
  const f = r.fields(node, Object.keys(specs), `a ${type} sink`);
  if (!f) return null;
  r.required(f, node, specs, `this ${type} sink`);
  const get = (name: string) => r.value(f, name, specs[name], String(r.value(f, 'id', specs.id, 'sink') ?? 'sink'));
  const id = get('id') as string | undefined;
  if (!id) return null;
  const at = r.at(node);
  const common = {
    id,
    file: at.file,
    line: at.line,
    col: at.col,
    enabled: (get('enabled') as boolean | undefined) ?? true,
    routes: [] as RouteConfig[],
    retry,
    apiUrl: (get('api_url') as string | undefined) ?? null,
    minIntervalMs: (get('min_interval_ms') as number | undefined) ?? DEFAULT_MIN_INTERVAL_MS,
    timeoutMs: (get('timeout_ms') as number | undefined) ?? DEFAULT_TIMEOUT_MS,
  };
  let sink: SinkConfig;
  if (type === 'slack') {
    const mode = get('mode') as 'webhook' | 'web_api' | undefined;
    if (!mode) return null;
    const misplaced = mode === 'webhook' ? ['token_env', 'channel', 'api_url'] : ['webhook_url_env', 'in_doubt'];
    for (const name of misplaced) {
      const e = f.get(name);
      if (e) r.problem(e.keyNode, 'SINK_MODE_MISMATCH', `${name} is not used in ${mode} mode`, mode === 'webhook' ? 'webhook mode needs only webhook_url_env; use mode: web_api for a bot token and channel' : 'web_api mode reads token_env and channel; webhook_url_env and in_doubt belong to webhook mode');
    }
    const needed = mode === 'webhook' ? ['webhook_url_env'] : ['token_env', 'channel'];
    for (const name of needed) if (!f.has(name)) r.problem(node, 'SINK_MISSING_KEY', `sink ${id} (${mode} mode) is missing "${name}"`, specs[name].doc);
    const updates = get('updates') as 'edit' | 'thread' | 'new_message' | undefined;
    if (mode === 'webhook' && updates !== undefined && updates !== 'new_message') {
      r.problem(f.get('updates')!.value, 'SINK_MODE_MISMATCH', `updates: ${updates} needs web_api mode`, 'a webhook post returns no message handle, so later versions are always new messages (updates: new_message)');
    }
    sink = {
      ...common,
      type: 'slack',
      mode,
      webhookUrlEnv: (get('webhook_url_env') as string | undefined) ?? null,
      tokenEnv: (get('token_env') as string | undefined) ?? null,
      channel: (get('channel') as string | undefined) ?? null,
      updates: mode === 'webhook' ? 'new_message' : (updates ?? 'edit'),
      digest: (get('digest') as boolean | undefined) ?? true,
      inDoubt: (get('in_doubt') as 'resend' | 'skip' | undefined) ?? 'resend',
    };
  } else {
    sink = {
      ...common,
      type: 'linear',
      apiKeyEnv: (get('api_key_env') as string | undefined) ?? '',
      teamId: (get('team_id') as string | undefined) ?? '',
      priority: (get('priority') as Record<number, number> | undefined) ?? {...DEFAULT_LINEAR_PRIORITY},
      labelIds: (get('label_ids') as string[] | undefined) ?? [],
      projectId: (get('project_id') as string | null | undefined) ?? null,
      linkBaseUrl: (get('link_base_url') as string | undefined) ?? '',
    };
  }
  const routesNode = f.get('routes')?.value ?? null;
  if (routesNode === null || (isScalar(routesNode) && routesNode.value === null)) {
    r.problem(f.get('routes')?.keyNode ?? node, 'SINK_NO_ROUTES', `sink ${id} has no routes: it will receive nothing`, 'add routes: with at least one `when:` condition, e.g. alert.classification >= 2', 'warning');
  } else if (!isSeq(routesNode)) {
    r.problem(routesNode, 'SINK_WRONG_TYPE', `routes of sink ${id} must be a list`, ROUTE_FIELDS.when.doc);
  } else {
    const seen = new Set<string>();
    for (const item of routesNode.items as Node[]) {
      const rf = r.fields(item, Object.keys(ROUTE_FIELDS), `a route of sink ${id}`);
      if (!rf) continue;
      r.required(rf, item, ROUTE_FIELDS, `this route of sink ${id}`);
      const routeId = r.value(rf, 'id', ROUTE_FIELDS.id, 'route') as string | undefined;
      if (!routeId || !rf.has('when')) continue;
      if (seen.has(routeId)) r.problem(rf.get('id')!.value, 'SINK_DUPLICATE_ID', `route id ${routeId} appears twice in sink ${id}`, 'route ids are unique within a sink (they are recorded with each delivery)');
      seen.add(routeId);
      routes.push({sink, id: routeId, node: rf.get('when')!.value, at: r.at(item)});
    }
  }
  return sink;
}

/**
 * Loads and validates every sink file of `dir`; route conditions are compiled with the rule
 * language (root `alert`) and the lists and macros of `pack` when given. File names in
 * diagnostics are `displayDir`-relative.
 */
export function loadSinkFiles(dir: string, displayDir: string, pack: CompiledRulePack | null): LoadedSinks {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const files: {path: string; sha256: string}[] = [];
  const sinks: SinkConfig[] = [];
  const firstDeclared = new Map<string, DeclaredAt>();
  for (const path of sinkFilesIn(dir)) {
    const display = `${displayDir}/${path.slice(dir.length + 1)}`;
    const bytes = readFileSync(path);
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    sources.set(display, text);
    files.push({path: display, sha256: sha256Hex(bytes)});
    const src = parseYamlText(text, display);
    for (const d of src.diagnostics) diagnostics.push({...d, code: d.code === 'YAML_SYNTAX' ? 'SINK_YAML_SYNTAX' : d.code});
    if (hasErrors(src.diagnostics)) continue;
    const r = new SinkFileReader(src, diagnostics);
    const top = r.fields(src.doc.contents as Node | null, TOP_KEYS, 'a sink file');
    if (!top) continue;
    if (!top.has('version')) r.problem(src.doc.contents as Node, 'SINK_MISSING_KEY', 'missing version: 1', 'every sink file starts with version: 1');
    else if (r.value(top, 'version', {kind: {k: 'const', value: 1}, doc: ''}, 'file') === undefined) continue;
    const retry = readRetry(r, top.get('retry')?.value ?? undefined);
    const sinksNode = top.get('sinks')?.value ?? null;
    if (sinksNode !== null && !isSeq(sinksNode)) {
      r.problem(sinksNode, 'SINK_WRONG_TYPE', 'sinks must be a list', 'each item is one sink: id, type, routes …');
      continue;
    }
    const routes: PendingRoute[] = [];
    for (const node of (sinksNode?.items ?? []) as Node[]) {
      const sink = readSink(r, node, retry, routes);
      if (!sink) continue;
      const prev = firstDeclared.get(sink.id);
      if (prev) {
        r.problem(node, 'SINK_DUPLICATE_ID', `duplicate sink id ${sink.id}`, `first declared at ${prev.file}:${prev.line}:${prev.col}; sink ids are unique across all sink files`);
        continue;
      }
      firstDeclared.set(sink.id, sink);
      sinks.push(sink);
    }
    const compiled = compileRouteConditions(src, routes.map((p) => ({node: p.node, what: `route ${p.id}: when`})), pack);
    diagnostics.push(...compiled.diagnostics);
    routes.forEach((p, i) => {
      const condition = compiled.conditions[i];
      if (condition) p.sink.routes.push({id: p.id, condition, ...p.at});
    });
  }
  return {sinks, files, diagnostics: sortDiagnostics(diagnostics), sources};
}
