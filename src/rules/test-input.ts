import {isMap, isScalar, isSeq, type Node} from 'yaml';
import {parseIsoInstant} from '../kernel/time.js';
import type {PackBuilder} from './pack-builder.js';
import type {RuleTestCase, SuppressRule, TestExpectation} from './model.js';
import {emptyContext, ROOTS, type RuleContext} from './schema.js';
import type {Type} from './types.js';
import {didYouMean} from '../kernel/text.js';
import {entries, FileDiags, keyed, scalarValue, seqItems, str} from './yaml-walk.js';

export const TEST_KEYS = ['name', 'now', 'event', 'source', 'facilities', 'lanes', 'shipments', 'link', 'config', 'quality', 'source_rules', 'expect'] as const;
export const EXPECT_KEYS = [
  'type', 'type_rule', 'suppressed_by', 'not_suppressed', 'matched', 'matched_field', 'breakdown', 'base', 'score', 'classification', 'flags',
  'cap', 'cap_rule', 'correlation_key', 'correlation_follow',
] as const;

/** Converts a YAML test input to a context value of the given schema type; null on error. */
function convert(fd: FileDiags, node: Node | null, type: Type, path: string): {ok: boolean; value: unknown} {
  if (node === null || (isScalar(node) && node.value === null)) return {ok: true, value: type.t === 'list' ? [] : null};
  const bad = (msg: string): {ok: boolean; value: unknown} => {
    fd.error(node, 'RULE_TEST_BAD_VALUE', `${path}: ${msg}`);
    return {ok: false, value: null};
  };
  switch (type.t) {
    case 'string': {
      const v = scalarValue(node);
      return typeof v === 'string' ? {ok: true, value: v} : bad('expected text (quote numbers)');
    }
    case 'number': {
      const v = scalarValue(node);
      return typeof v === 'number' ? {ok: true, value: v} : bad('expected a number');
    }
    case 'bool': {
      const v = scalarValue(node);
      return typeof v === 'boolean' ? {ok: true, value: v} : bad('expected true or false');
    }
    case 'instant': {
      const v = scalarValue(node);
      if (typeof v === 'number') return {ok: true, value: v};
      const p = typeof v === 'string' ? parseIsoInstant(v) : null;
      if (!p) return bad('expected an ISO 8601 instant such as 2024-12-24T12:00:00Z');
      // Date-only values mean the end of that day, as for shipment ETAs (domain.md §4.3).
      return {ok: true, value: p.dateOnly ? p.micros + 86_399_000_000 : p.micros};
    }
    case 'list': {
      if (!isSeq(node)) return bad('expected a list');
      const out: unknown[] = [];
      let ok = true;
      node.items.forEach((it, i) => {
        const r = convert(fd, it as Node, type.of, `${path}[${i}]`);
        ok &&= r.ok;
        out.push(r.value);
      });
      return {ok, value: out};
    }
    case 'object': {
      if (!isMap(node)) return bad('expected a mapping');
      const out: Record<string, unknown> = {};
      for (const [k, t] of Object.entries(type.fields)) out[k] = t.t === 'list' ? [] : null;
      let ok = true;
      for (const e of entries(fd, node, path) ?? []) {
        const ft = type.fields[e.key];
        if (!ft) {
          const s = didYouMean(e.key, Object.keys(type.fields));
          fd.error(e.keyNode, 'RULE_TEST_UNKNOWN_FIELD', `unknown field ${path}.${e.key}`, s ? `did you mean ${s}?` : `fields: ${Object.keys(type.fields).join(', ')}`);
          ok = false;
          continue;
        }
        const r = convert(fd, e.value, ft, `${path}.${e.key}`);
        ok &&= r.ok;
        out[e.key] = r.value;
      }
      return {ok, value: out};
    }
    default:
      return {ok: true, value: scalarValue(node) ?? null};
  }
}

/** Reads one `tests:` case: the context it describes and what it expects. */
export function buildTestCase(b: PackBuilder, fd: FileDiags, item: Node): RuleTestCase | null {
  const m = keyed(fd, entries(fd, item, 'a test case') ?? [], TEST_KEYS, 'a test case');
  const name = str(fd, m.get('name')?.value, 'name', {required: true});
  if (!m.has('name')) fd.error(item, 'RULE_SCHEMA', 'a test case needs a name');
  if (!name) return null;
  const p = fd.pos(m.get('name')!.value);
  const ctx: RuleContext = emptyContext();
  let ok = true;
  const rec = ctx as unknown as Record<string, unknown>;
  for (const root of ['now', 'event', 'source', 'facilities', 'lanes', 'shipments', 'link', 'config', 'quality']) {
    const e = m.get(root);
    if (!e) continue;
    const r = convert(fd, e.value, ROOTS[root], root);
    ok &&= r.ok;
    if (r.value !== null || root === 'now') {
      // Partial objects keep the defaults of emptyContext for fields the test leaves out.
      const base = rec[root];
      rec[root] = base && typeof base === 'object' && !Array.isArray(base) && r.value && typeof r.value === 'object' && !Array.isArray(r.value)
        ? {...(base as object), ...Object.fromEntries(Object.entries(r.value).filter(([k]) => k in (r.value as object) && hasKey(e.value, k)))}
        : r.value;
    }
  }
  const sourceRules: SuppressRule[] = [];
  if (m.has('source_rules')) {
    const scope = `source:${ctx.source.id ?? 'unknown'}`;
    for (const it of seqItems(fd, m.get('source_rules')!.value, 'source_rules') ?? []) {
      const r = b.suppressEntry(fd, it, scope);
      if (r) sourceRules.push(r);
    }
  }
  const expect: TestExpectation[] = [];
  if (!m.has('expect')) fd.error(item, 'RULE_SCHEMA', `test ${name} has no expect:`);
  else {
    for (const e of keyed(fd, entries(fd, m.get('expect')!.value, 'expect') ?? [], EXPECT_KEYS, 'expect').values()) {
      const pos = fd.pos(e.value ?? e.keyNode);
      const v = e.value ? (e.value as unknown as {toJSON(): unknown}).toJSON() : null;
      expect.push({key: e.key, value: v, line: pos.line, col: pos.col});
    }
  }
  if (!ok) return null;
  return {name, file: fd.src.file, line: p.line, col: p.col, ctx, source_rules: sourceRules, expect};
}

function hasKey(node: Node | null, key: string): boolean {
  return isMap(node) && node.items.some((p) => isScalar(p.key) && String(p.key.value) === key);
}

export const CONTEXT_KEYS = ['now', 'event', 'source', 'facilities', 'lanes', 'shipments', 'link', 'config', 'quality'] as const;

/**
 * Reads an evaluation context from a YAML or JSON document shaped like a test case's input
 * (`{now, event, source, facilities, lanes, shipments, link, config, quality}`); instants are
 * ISO 8601 text. Unknown fields are errors with position.
 */
export function contextFromYaml(src: import('../kernel/yaml-source.js').YamlSource): {ctx: RuleContext | null; diagnostics: import('../kernel/diagnostic.js').Diagnostic[]} {
  const diagnostics = [...src.diagnostics];
  if (diagnostics.some((d) => d.severity === 'error')) return {ctx: null, diagnostics};
  const fd = new FileDiags(src, diagnostics);
  const m = keyed(fd, entries(fd, src.doc.contents as Node, 'an event file') ?? [], CONTEXT_KEYS, 'an event file');
  const ctx = emptyContext();
  const rec = ctx as unknown as Record<string, unknown>;
  let ok = true;
  for (const [root, e] of m) {
    const r = convert(fd, e.value, ROOTS[root], root);
    ok &&= r.ok;
    const base = rec[root];
    rec[root] = base && typeof base === 'object' && !Array.isArray(base) && r.value && typeof r.value === 'object' && !Array.isArray(r.value)
      ? {...(base as object), ...Object.fromEntries(Object.entries(r.value).filter(([k]) => hasKey(e.value, k)))}
      : r.value;
  }
  return {ctx: ok && !diagnostics.some((d) => d.severity === 'error') ? ctx : null, diagnostics};
}
