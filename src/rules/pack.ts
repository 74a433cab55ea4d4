import type {Node} from 'yaml';
import {artifactHash, canonicalJson, sha256Hex} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {hasErrors, sortDiagnostics} from '../kernel/diagnostic.js';
import type {YamlSource} from '../kernel/yaml-source.js';
import type {Env, Tracer, Witness} from './env.js';
import {RuleEvalError} from './errors.js';
import type {PackBuilder} from './pack-builder.js';
import type {
  ClassifyResult, ClassifyRule, CompiledExpr, CorrelateRule, CorrelationResult, QualityResult, QualityRule, RuleTestCase,
  ScoreContribution, ScoreResult, ScoreRule, SuppressionMatch, SuppressionVerdict, SuppressRule, Template, TypeResult, TypeRule,
} from './model.js';
import type {RuleContext} from './schema.js';
import {exprText} from './shadow.js';
import {valueToText} from './values.js';
import {FileDiags, seqItems} from './yaml-walk.js';

/** The type of an event no row of the `types:` table matches. */
export const DEFAULT_EVENT_TYPE = 'OTHER';

export interface SuppressOptions {
  /** Per-source rules (compileSourceSuppressRules), evaluated after the global ones. */
  sourceRules?: readonly SuppressRule[];
  /** Which pass to evaluate: before linking (default), after linking, or both. */
  pass?: 'pre_link' | 'post_link' | 'all';
}

function newEnv(ctx: RuleContext, t: Tracer | null = null, w: Witness | null = null): Env {
  return {ctx, v: [], o: [], t, w, m: []};
}

function render(t: Template, env: Env): string {
  let s = '';
  for (const p of t.parts) s += typeof p === 'string' ? p : valueToText(p.fn(env));
  return s;
}

function guard<T>(what: string, meta: {file: string; line: number; col: number}, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new RuleEvalError(`evaluating ${what} failed: ${(e as Error).message}`, {file: meta.file, line: meta.line, col: meta.col, hint: 'this is a bug in Hardstop; please report it with the rule file'});
  }
}

/** The follow keys of a correlation: non-empty texts in order, without repeats or the item's own key. */
function followKeys(value: unknown, key: string): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const v of value) if (typeof v === 'string' && v !== '' && v !== key && !out.includes(v)) out.push(v);
  return out;
}

/** What a RunRecord names of a pack: its hash and its files by content. */
export interface RulePackIdentity {
  readonly hash: string;
  readonly files: readonly {path: string; sha256: string}[];
}

/**
 * A checked and compiled rule pack: what the decision pipeline evaluates. Pure: the same
 * context always gives the same results.
 */
export class CompiledRulePack implements RulePackIdentity {
  readonly files: readonly {path: string; sha256: string}[];
  /** sha256 over the rule files' digests and the compiled form (ids, expressions, settings). */
  readonly hash: string;
  private readonly builder_: PackBuilder | null;
  private bounds_: {min: number | null; max: number | null} | undefined;

  constructor(builder: PackBuilder, files: {path: string; sha256: string}[]);
  constructor(builder: null, identity: RulePackIdentity);
  constructor(builder: PackBuilder | null, filesOrIdentity: {path: string; sha256: string}[] | RulePackIdentity) {
    this.builder_ = builder;
    if (builder === null) {
      const id = filesOrIdentity as RulePackIdentity;
      this.files = id.files;
      this.hash = id.hash;
    } else {
      this.files = filesOrIdentity as {path: string; sha256: string}[];
      this.hash = artifactHash({files: this.files, compiled: this.compiledForm()});
    }
  }

  /**
   * A pack known only by its identity (a check of exactly these files by this build, cached):
   * what a run that decides nothing records. Evaluating it is a bug, reported as one.
   */
  static identityOnly(identity: RulePackIdentity): CompiledRulePack {
    return new CompiledRulePack(null, {hash: identity.hash, files: identity.files});
  }

  private get builder(): PackBuilder {
    if (!this.builder_) throw new Error(`rule pack ${this.hash.slice(0, 12)} was not compiled in this process (only its identity is known)`);
    return this.builder_;
  }

  get typeRules(): readonly TypeRule[] {
    return this.builder.types;
  }
  get suppressRules(): readonly SuppressRule[] {
    return this.builder.suppress;
  }
  get scoreRules(): readonly ScoreRule[] {
    return this.builder.score;
  }
  get classifyRules(): readonly ClassifyRule[] {
    return this.builder.classify;
  }
  get qualityRules(): readonly QualityRule[] {
    return this.builder.quality;
  }
  get correlateRules(): readonly CorrelateRule[] {
    return this.builder.correlate;
  }
  get tests(): readonly RuleTestCase[] {
    return this.builder.testCases;
  }
  get bounds(): {min: number | null; max: number | null} {
    const b = this.builder.bounds;
    this.bounds_ ??= {min: b?.min ?? null, max: b?.max ?? null};
    return this.bounds_;
  }

  /** The normalized, closure-free form of the pack (what the hash covers besides the bytes). */
  compiledForm(): unknown {
    const x = (e: CompiledExpr | null) => (e ? exprText(e.ast) : null);
    const tpl = (t: Template | null) => (t ? t.parts.map((p) => (typeof p === 'string' ? p : {expr: x(p)})) : null);
    return {
      lists: [...this.builder.lists.values()].map((l) => ({name: l.name, values: l.values})),
      macros: [...this.builder.macros.values()].map((m) => ({name: m.name, expr: m.ast ? exprText(m.ast) : null})),
      types: this.typeRules.map((r) => ({id: r.id, when: x(r.when), type: r.type})),
      suppress: this.suppressRules.map((r) => ({id: r.id, scope: r.scope, pass: r.pass, enabled: r.enabled, sources: r.sources, reason_code: r.reason_code, note: r.note, when: x(r.when)})),
      score: this.scoreRules.map((r) => ({id: r.id, enabled: r.enabled, phase: r.phase, when: x(r.when), add: x(r.add), cap: r.cap, flag: r.flag, rationale: tpl(r.rationale), line: tpl(r.line_template), data: r.data.map(([k, e]) => [k, x(e)])})),
      bounds: this.bounds,
      classify: this.classifyRules.map((r) => ({id: r.id, when: x(r.when), class: r.classification})),
      quality: this.qualityRules.map((r) => ({id: r.id, when: x(r.when), cap: r.cap, reason: tpl(r.reason)})),
      correlate: this.correlateRules.map((r) => ({id: r.id, when: x(r.when), key: r.key.map(x), follow: x(r.follow), window_micros: r.window_micros, max_candidates: r.max_candidates})),
    };
  }

  /** The closure-free view of a list (e.g. `risk_keywords`), for engines and reports. */
  list(name: string): readonly unknown[] | null {
    return this.builder.lists.get(name)?.values ?? null;
  }

  /**
   * Compiles per-source suppression rules (config/sources.yaml `suppress:` blocks, in either
   * the reference shape or the `when:` shape) against this pack's lists and macros. Ids must
   * be unique across the pack and, through `seenIds`, across all sources.
   */
  compileSourceSuppressRules(src: YamlSource, path: readonly (string | number)[], sourceId: string, seenIds?: Set<string>): {rules: SuppressRule[]; diagnostics: Diagnostic[]} {
    const b = this.builder;
    const diagnostics: Diagnostic[] = [];
    const fd = new FileDiags(src, diagnostics);
    let node: unknown = src.doc.contents;
    for (const seg of path) {
      const n = node as {get?: (k: unknown, keep: boolean) => unknown} | null;
      node = n && typeof n.get === 'function' ? n.get(seg, true) : undefined;
    }
    const rules: SuppressRule[] = [];
    const idsBefore = new Set(b.ids.keys());
    for (const item of seqItems(fd, (node ?? null) as Node | null, 'suppress') ?? []) {
      const r = b.suppressEntry(fd, item, `source:${sourceId}`);
      if (!r) continue;
      if (seenIds?.has(r.id)) fd.error(item, 'RULE_DUPLICATE_ID', `duplicate suppress rule id ${r.id}`, 'ids are unique across global and all source rules');
      seenIds?.add(r.id);
      rules.push(r);
    }
    const batch = b.checkPending();
    diagnostics.push(...b.checker.diagnostics.splice(0));
    // Source rules are not part of the pack: release their ids so another load can reuse them.
    for (const id of [...b.ids.keys()]) if (!idsBefore.has(id)) b.ids.delete(id);
    if (hasErrors(diagnostics)) return {rules: [], diagnostics: sortDiagnostics(diagnostics)};
    b.compileBatch(batch);
    return {rules, diagnostics: sortDiagnostics(diagnostics)};
  }

  /**
   * The event type: the first `types:` row whose condition holds (a row without `when` always
   * does). The rows never see `event.type` (it is null while they run); no row: OTHER.
   */
  eventType(ctx: RuleContext, tracer: Tracer | null = null): TypeResult {
    const env = newEnv({...ctx, event: {...ctx.event, type: null}}, tracer);
    for (const r of this.typeRules) {
      tracer?.rule?.('types', r.id);
      if (r.when === null || guard(`type rule ${r.id}`, r, () => r.when!.fn(env)) === true) {
        return {type: r.type, rule_id: r.id, file: r.file, line: r.line};
      }
    }
    return {type: DEFAULT_EVENT_TYPE, rule_id: null};
  }

  /** Evaluates every applicable rule; all matches are collected, the first is primary. */
  suppress(ctx: RuleContext, opts: SuppressOptions = {}, tracer: Tracer | null = null): SuppressionVerdict {
    const pass = opts.pass ?? 'pre_link';
    const matches: SuppressionMatch[] = [];
    const env = newEnv(ctx, tracer);
    const sourceId = ctx.source?.id ?? null;
    const run = (r: SuppressRule) => {
      if (!r.enabled || (pass !== 'all' && r.pass !== pass)) return;
      if (r.sources !== null && (sourceId === null || !r.sources.includes(sourceId))) return;
      tracer?.rule?.('suppress', r.id);
      const w: Witness = {field: null, span: null};
      env.w = w;
      const hit = guard(`suppress rule ${r.id}`, r, () => r.when.fn(env)) === true;
      if (!hit) return;
      // Keys in code-unit order: canonical JSON then writes the match without a sorted copy.
      const m: SuppressionMatch =
        w.field !== null
          ? {field: w.field, note: r.note, reason_code: r.reason_code, rule_id: r.id, scope: r.scope}
          : {note: r.note, reason_code: r.reason_code, rule_id: r.id, scope: r.scope};
      if (w.span !== null) m.span = w.span;
      matches.push(m);
    };
    for (const r of this.suppressRules) run(r);
    for (const r of opts.sourceRules ?? []) run(r);
    const p = matches[0];
    return {
      suppressed: matches.length > 0,
      primary: p ? {note: p.note, reason_code: p.reason_code, rule_id: p.rule_id, scope: p.scope} : null,
      matches,
    };
  }

  /** Runs the score rules in order; `score` and `fired` inside rules see the running state. */
  score(ctx: RuleContext, tracer: Tracer | null = null): ScoreResult {
    const fired: string[] = [];
    const sctx: RuleContext & {fired: string[]} = {...ctx, score: 0, fired};
    const env = newEnv(sctx, tracer);
    const contributions: ScoreContribution[] = [];
    const flags: string[] = [];
    let total = 0;
    let base = 0;
    for (const r of this.scoreRules) {
      if (!r.enabled) continue;
      sctx.score = total;
      tracer?.rule?.('score', r.id);
      const c = guard(`score rule ${r.id}`, r, () => {
        if (r.when && r.when.fn(env) !== true) return null;
        const value = r.add.fn(env);
        // A null contribution (missing data) counts as no contribution at all.
        if (typeof value !== 'number' || !Number.isFinite(value)) return null;
        let add = value;
        if (r.cap !== null) add = Math.min(add, r.cap);
        const rationale = render(r.rationale, env);
        const text = r.line_template ? render(r.line_template, env) : `${add >= 0 ? '+' : ''}${add}: ${rationale}`;
        const out: ScoreContribution = {rule_id: r.id, file: r.file, line: r.line, add, rationale, text, phase: r.phase};
        if (r.flag) out.flag = r.flag;
        if (r.data.length > 0) out.data = Object.fromEntries(r.data.map(([k, e]) => [k, e.fn(env)]));
        return out;
      });
      if (!c) continue;
      contributions.push(c);
      fired.push(r.id);
      if (r.flag && !flags.includes(r.flag)) flags.push(r.flag);
      total += c.add;
      if (r.phase === 'base') base += c.add;
    }
    let score = total;
    if (this.bounds.max !== null && score > this.bounds.max) score = this.bounds.max;
    if (this.bounds.min !== null && score < this.bounds.min) score = this.bounds.min;
    const capped = score !== total ? {from: total, to: score, text: `Capped at ${score} (was ${total})`} : null;
    const breakdown = contributions.map((c) => c.text);
    if (capped) breakdown.push(capped.text);
    return {score, base, raw: total, contributions, flags, capped, breakdown};
  }

  /** The first classify row whose condition holds (rows without `when` always hold). */
  classify(score: number, ctx?: RuleContext, tracer: Tracer | null = null): ClassifyResult {
    const env = newEnv({...(ctx ?? ({} as RuleContext)), score}, tracer);
    for (const r of this.classifyRules) {
      tracer?.rule?.('classify', r.id);
      if (r.when === null || guard(`classify row ${r.id}`, r, () => r.when!.fn(env)) === true) {
        return {classification: r.classification, rule_id: r.id, file: r.file, line: r.line, when: r.when ? r.when.site.text : null};
      }
    }
    // A pack without a classify table classifies nothing above 0 (checked packs have a default row).
    return {classification: 0, rule_id: '', file: '', line: 0, when: null};
  }

  /** The first quality cap whose condition holds; no cap (2) when none does. */
  quality(ctx: RuleContext, tracer: Tracer | null = null): QualityResult {
    const env = newEnv(ctx, tracer);
    for (const r of this.qualityRules) {
      tracer?.rule?.('quality', r.id);
      if (r.when === null || guard(`quality cap ${r.id}`, r, () => r.when!.fn(env)) === true) {
        return {cap: r.cap, rule_id: r.id, reason: r.reason ? render(r.reason, env) : null, file: r.file, line: r.line};
      }
    }
    return {cap: 2, rule_id: null, reason: null};
  }

  /** The first correlate rule that applies: key parts joined with `|`, null parts dropped. */
  correlate(ctx: RuleContext, tracer: Tracer | null = null): CorrelationResult | null {
    const env = newEnv(ctx, tracer);
    for (const r of this.correlateRules) {
      tracer?.rule?.('correlate', r.id);
      const res = guard(`correlate rule ${r.id}`, r, () => {
        if (r.when && r.when.fn(env) !== true) return null;
        const parts = r.key.map((k) => {
          const v = k.fn(env);
          return typeof v === 'string' && v !== '' ? v : null;
        });
        const key = parts.filter((p) => p !== null).join('|');
        return {rule_id: r.id, key, parts, follow: r.follow ? followKeys(r.follow.fn(env), key) : [], window_micros: r.window_micros, max_candidates: r.max_candidates};
      });
      if (res) return res;
    }
    return null;
  }

  /** Internal access for explain and tests. */
  get internals(): PackBuilder {
    return this.builder;
  }

  toJSON(): unknown {
    return JSON.parse(canonicalJson({hash: this.hash, files: this.files}));
  }

  static digest(text: string): string {
    return sha256Hex(text);
  }
}
