/**
 * Daily brief v1 read model (outputs.md §2) with the TS fixes of §9: run clock only,
 * final tie-breaker by alert id and id-ordered rollup ties, unrecognised tiers counted
 * and rendered as Unknown, class-0 alerts always counted and reported as hidden,
 * evidence read from the alert version it belongs to. Reports read; they never decide.
 */
import {mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import {canonicalJson} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {HardstopError} from '../kernel/errors.js';
import type {OperatorTrace, RunGroup} from '../kernel/run-group.js';
import {type ArtifactRef, batchRef, textRef, valueRef} from '../kernel/run-record.js';
import {type EpochMicros, formatInstant, MICROS_PER_HOUR, parseIsoInstant} from '../kernel/time.js';
import {verifyIncidentEvidence} from '../pipeline/evidence.js';
import type {Store} from '../store/db.js';
import {type AlertRankRow, alertRanks, AlertSummaries, type AlertSummaryRow, suppressedCounts, VersionPayloads} from '../store/read-models-repo.js';
import {writeFileAtomic} from '../kernel/atomic-file.js';
import {type BriefFormat, renderBrief} from './render-brief.js';

export const BRIEF_OPERATOR = 'hardstop.brief@1.0.0';
export const BRIEF_READ_MODEL_VERSION = 'brief.v1';
export const TOP_LIMIT = 2;

export type CorrelationAction = 'CREATED' | 'UPDATED';

export interface BriefScope {
  facilities: string[];
  lanes: string[];
  shipments: string[];
  shipments_total_linked: number;
  shipments_truncated: boolean;
  [key: string]: unknown;
}

/** §2.4 alert entry. */
export interface BriefAlertEntry {
  alert_id: string;
  classification: number;
  impact_score: number | null;
  summary: string;
  correlation: {key: string; action: CorrelationAction; alert_id: string};
  scope: BriefScope;
  first_seen_utc: string;
  last_seen_utc: string;
  update_count: number;
  tier: string | null;
  trust_tier: number | null;
  /** Alert version the entry shows (TS: evidence is referenced by version, R-13). */
  version: number;
  /**
   * The incident-evidence payload of that version, or null. On a hash mismatch two keys are
   * added: `artifact_hash_verified: false` and `artifact_hash_expected`.
   */
  evidence_summary: Record<string, unknown> | null;
}

export interface RuleCount {
  rule_id: string;
  count: number;
}
export interface SourceCount {
  source_id: string;
  count: number;
}

export interface BriefPublication {
  state: 'DRAFT_ONLY' | 'AUTHORITATIVE';
  readiness_state: string;
  reasons: string[];
}

export interface BriefModel {
  read_model_version: typeof BRIEF_READ_MODEL_VERSION;
  /** The run clock (never the wall clock). */
  generated_at_utc: string;
  window: {since: string; since_hours: number; start: string; end: string};
  counts: {new: number; updated: number; impactful: number; relevant: number; interesting: number};
  /** Class-0 alerts in the window that the lists leave out (0 with include_class0). */
  hidden: {class0: number};
  tier_counts: {global: number; regional: number; local: number; unknown: number};
  top: BriefAlertEntry[];
  updated: BriefAlertEntry[];
  created: BriefAlertEntry[];
  suppressed: {count: number; by_rule: RuleCount[]; by_source: SourceCount[]};
  suppressed_legacy: {total_queried: number; limit_applied: number};
  publication?: BriefPublication;
}

export interface BriefOptions {
  /** The run clock. */
  now: EpochMicros;
  sinceMicros: EpochMicros;
  includeClass0: boolean;
  limit: number;
  /** Attached by `run` when readiness is BROKEN in best-effort mode. */
  publication?: BriefPublication | null;
}

// ---------------------------------------------------------------------------------------
// ordering

const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(\d{1,6}))?Z$/;

/** Epoch micros of an instant text; a fast path for the canonical form the store writes. */
export function instantMicros(text: string | null | undefined): EpochMicros | null {
  if (!text) return null;
  const m = CANONICAL_INSTANT.exec(text);
  if (m) {
    const ms = Date.parse(`${text.slice(0, 19)}Z`);
    if (Number.isFinite(ms)) return ms * 1000 + (m[1] ? Number(m[1].padEnd(6, '0')) : 0);
  }
  return parseIsoInstant(text)?.micros ?? null;
}

const instant = instantMicros;

/** Descending with nulls last. */
function descNullsLast(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return b - a;
}

function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Candidate {
  row: AlertRankRow;
  action: CorrelationAction;
  firstSeen: EpochMicros | null;
  lastSeen: EpochMicros | null;
}

/**
 * §2.2 canonical order: classification desc, impact desc, update_count desc, last_seen desc
 * (nulls last each), then alert id ascending.
 */
function canonicalOrder(a: Candidate, b: Candidate): number {
  return (
    b.row.classification - a.row.classification ||
    descNullsLast(a.row.impact_score, b.row.impact_score) ||
    descNullsLast(a.row.update_count, b.row.update_count) ||
    descNullsLast(a.lastSeen, b.lastSeen) ||
    byId(a.row.alert_id, b.row.alert_id)
  );
}

function actionOf(row: AlertRankRow): CorrelationAction {
  if (row.correlation_action === 'CREATED' || row.correlation_action === 'UPDATED') return row.correlation_action;
  return row.status === 'UPDATED' ? 'UPDATED' : 'CREATED';
}

export type TierGroup = 'global' | 'regional' | 'local' | 'unknown';

/** Tier group of an alert: null and unrecognised tiers are Unknown. */
export function tierGroup(tier: string | null | undefined): TierGroup {
  return tier === 'global' || tier === 'regional' || tier === 'local' ? tier : 'unknown';
}

// ---------------------------------------------------------------------------------------
// entries

function emptyScope(): BriefScope {
  return {facilities: [], lanes: [], shipments: [], shipments_total_linked: 0, shipments_truncated: false};
}

function parseBriefScope(json: string | null): BriefScope {
  if (!json) return emptyScope();
  try {
    const v = JSON.parse(json) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return emptyScope();
    const o = v as Record<string, unknown>;
    const list = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
    const shipments = list(o.shipments);
    return {
      ...o,
      facilities: list(o.facilities),
      lanes: list(o.lanes),
      shipments,
      shipments_total_linked: typeof o.shipments_total_linked === 'number' ? o.shipments_total_linked : shipments.length,
      shipments_truncated: o.shipments_truncated === true,
    };
  } catch {
    return emptyScope();
  }
}

/** What the brief read of one listed alert version (for the RunRecord refs). */
interface VersionRead {
  id: string;
  alert_hash: string;
  evidence_hash: string;
}

function evidenceSummary(payloads: VersionPayloads, row: AlertSummaryRow, reads: Map<string, VersionRead>): Record<string, unknown> | null {
  const v = payloads.get(row.alert_id, row.current_version);
  if (!v) return null;
  reads.set(row.alert_id, {id: `${row.alert_id}@${row.current_version}`, alert_hash: v.alert_hash, evidence_hash: v.evidence_hash});
  let payload: Record<string, unknown>;
  try {
    const parsed = JSON.parse(v.evidence_json) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    payload = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  // TS: a payload without a hash is a verification failure, and the stored column
  // must agree with the payload's own hash.
  const check = verifyIncidentEvidence(payload, {strict: true});
  const columnAgrees = check.stored === null || check.stored === v.evidence_hash;
  if (check.verified && columnAgrees) return payload;
  return {...payload, artifact_hash_verified: false, artifact_hash_expected: check.expected};
}

/** Builds the entries the brief lists, each alert once, and records the versions they read. */
class EntryReader {
  private readonly summaries: AlertSummaries;
  private readonly payloads: VersionPayloads;
  private readonly cache = new Map<string, BriefAlertEntry>();
  readonly versionReads = new Map<string, VersionRead>();

  constructor(store: Store) {
    this.summaries = new AlertSummaries(store);
    this.payloads = new VersionPayloads(store);
  }

  entry(c: Candidate): BriefAlertEntry {
    const hit = this.cache.get(c.row.alert_id);
    if (hit) return hit;
    const r = this.summaries.get(c.row.alert_id);
    // The window and the entries are read in one transaction: a ranked alert has its row.
    if (!r) throw new Error(`brief: alert ${c.row.alert_id} vanished while the brief was read`);
    const entry: BriefAlertEntry = {
      alert_id: r.alert_id,
      classification: r.classification,
      impact_score: r.impact_score,
      summary: r.summary,
      correlation: {key: r.correlation_key ?? '', action: c.action, alert_id: r.alert_id},
      scope: parseBriefScope(this.payloads.scope(r.alert_id)),
      first_seen_utc: r.first_seen,
      last_seen_utc: r.last_seen,
      update_count: r.update_count ?? 0,
      tier: r.tier,
      trust_tier: r.trust_tier,
      version: r.current_version,
      evidence_summary: evidenceSummary(this.payloads, r, this.versionReads),
    };
    this.cache.set(r.alert_id, entry);
    return entry;
  }
}

/** Top 5 by count descending, then id ascending. */
function rollup(counts: Map<string, number>): {id: string; count: number}[] {
  return [...counts.entries()]
    .map(([id, count]) => ({id, count}))
    .sort((a, b) => b.count - a.count || byId(a.id, b.id))
    .slice(0, 5);
}

/** The fixed-width seconds prefix used to prefilter canonical instants in SQL. */
function prefixOf(micros: EpochMicros): string {
  return formatInstant(micros).slice(0, 19);
}

/** Hours text of a window (`7d` → `168h`). */
export function sinceText(sinceMicros: EpochMicros): {since: string; since_hours: number} {
  const hours = Math.floor(sinceMicros / MICROS_PER_HOUR);
  return {since: `${hours}h`, since_hours: hours};
}

export interface BriefReadSet {
  /** Every in-window alert (counted or listed) with its current version, sorted canonically. */
  window: {alert_id: string; version: number}[];
  /** Alert versions whose documents and evidence the listed entries show: `{id, hash}` refs. */
  alertVersions: {id: string; hash: string}[];
  /** Evidence of the listed alerts (stored evidence hash). */
  evidence: {id: string; hash: string}[];
}

/**
 * Builds the model and reports what it read (for the RunRecord). Every alert of the window is
 * ranked from narrow columns; only the listed ones are read in full. One read transaction, so
 * the counts and the entries describe the same store state.
 */
export function buildBriefWithReads(store: Store, opts: BriefOptions): {model: BriefModel; reads: BriefReadSet} {
  if (!Number.isInteger(opts.limit) || opts.limit < 0) throw new RangeError(`brief: limit must be a non-negative integer, got ${opts.limit}`);
  return store.read(() => readBrief(store, opts));
}

function readBrief(store: Store, opts: BriefOptions): {model: BriefModel; reads: BriefReadSet} {
  const end = opts.now;
  const start = end - opts.sinceMicros;
  const inWindow = (t: EpochMicros | null) => t !== null && t >= start && t <= end;
  const window: Candidate[] = [];
  for (const row of alertRanks(store, {fromPrefix: prefixOf(start)})) {
    const c: Candidate = {row, action: actionOf(row), firstSeen: instant(row.first_seen), lastSeen: instant(row.last_seen)};
    if (inWindow(c.lastSeen) || inWindow(c.firstSeen)) window.push(c);
  }
  window.sort(canonicalOrder);

  const class0 = window.filter((c) => c.row.classification === 0).length;
  const listed = opts.includeClass0 ? window : window.filter((c) => c.row.classification !== 0);
  const tierCounts = {global: 0, regional: 0, local: 0, unknown: 0};
  for (const c of listed) tierCounts[tierGroup(c.row.tier)]++;
  const counts = {
    new: listed.filter((c) => c.action === 'CREATED').length,
    updated: listed.filter((c) => c.action === 'UPDATED').length,
    impactful: window.filter((c) => c.row.classification === 2).length,
    relevant: window.filter((c) => c.row.classification === 1).length,
    interesting: class0,
  };

  const entries = new EntryReader(store);
  const topCandidates = window.filter((c) => c.row.classification === 2).slice(0, TOP_LIMIT);
  const top = topCandidates
    .map((c) => entries.entry(c))
    .map((e, i) => ({e, i}))
    .sort((a, b) => (b.e.impact_score ?? 0) - (a.e.impact_score ?? 0) || a.i - b.i)
    .map((x) => x.e);
  const updated = listed.filter((c) => c.action === 'UPDATED').slice(0, opts.limit).map((c) => entries.entry(c));
  const created = listed.filter((c) => c.action === 'CREATED').slice(0, opts.limit).map((c) => entries.entry(c));

  const byRule = new Map<string, number>();
  const bySource = new Map<string, number>();
  let suppressedCount = 0;
  for (const s of suppressedCounts(store, prefixOf(start))) {
    if (!inWindow(instant(s.decided_at))) continue;
    suppressedCount += s.n;
    byRule.set(s.primary_rule_id, (byRule.get(s.primary_rule_id) ?? 0) + s.n);
    bySource.set(s.source_id, (bySource.get(s.source_id) ?? 0) + s.n);
  }

  const model: BriefModel = {
    read_model_version: BRIEF_READ_MODEL_VERSION,
    generated_at_utc: formatInstant(end),
    window: {...sinceText(opts.sinceMicros), start: formatInstant(start), end: formatInstant(end)},
    counts,
    hidden: {class0: opts.includeClass0 ? 0 : class0},
    tier_counts: tierCounts,
    top,
    updated,
    created,
    suppressed: {
      count: suppressedCount,
      by_rule: rollup(byRule).map((x) => ({rule_id: x.id, count: x.count})),
      by_source: rollup(bySource).map((x) => ({source_id: x.id, count: x.count})),
    },
    suppressed_legacy: {total_queried: counts.impactful + counts.relevant + (opts.includeClass0 ? counts.interesting : 0), limit_applied: opts.limit},
  };
  if (opts.publication) model.publication = opts.publication;

  const versionReads = [...entries.versionReads.values()];
  const reads: BriefReadSet = {
    window: window.map((c) => ({alert_id: c.row.alert_id, version: c.row.current_version})),
    alertVersions: versionReads.map((r) => ({id: `alert-version:${r.id}`, hash: r.alert_hash})),
    evidence: versionReads.map((r) => ({id: `incident-evidence:${r.id}`, hash: r.evidence_hash})),
  };
  return {model, reads};
}

/** §2 brief v1 read model over the store, as of the run clock `now`. */
export function buildBrief(store: Store, opts: BriefOptions): BriefModel {
  return buildBriefWithReads(store, opts).model;
}

/** Entries of the model whose evidence failed verification (each alert once). */
export function unverifiedEntries(model: BriefModel): BriefAlertEntry[] {
  const seen = new Map<string, BriefAlertEntry>();
  for (const e of [...model.top, ...model.updated, ...model.created]) {
    if (e.evidence_summary && e.evidence_summary.artifact_hash_verified === false) seen.set(e.alert_id, e);
  }
  return [...seen.values()].sort((a, b) => byId(a.alert_id, b.alert_id));
}

export interface RunBriefOptions extends BriefOptions {
  format: BriefFormat;
  /** Absolute path: the rendered text is also written there, atomically. */
  outPath?: string | null;
  /** Display form of `outPath` (home-relative) used in messages. */
  outDisplay?: string | null;
  /** Extra input refs, e.g. the INGEST SourceRun digest of the run group (`run`). */
  extraInputs?: ArtifactRef[];
}

export interface BriefRunResult {
  text: string;
  model: BriefModel;
  diagnostics: Diagnostic[];
}

function schemaOf(format: BriefFormat): string {
  return `brief::${format}`;
}

/**
 * The `hardstop.brief@1.0.0` operator: builds the model, renders it, optionally writes it,
 * and records one RunRecord (inputs: the alert versions and evidence it read as batch refs;
 * output `brief:<run_group_id>`, kind `Brief`, hash and bytes of the rendered text). Evidence
 * that fails verification is an error in strict mode (`INCIDENT_ARTIFACT_MISMATCH`, the
 * record is still written) and a warning in best-effort mode.
 */
export function runBriefOperator(store: Store, group: RunGroup, opts: RunBriefOptions): Promise<BriefRunResult> {
  return group.run(BRIEF_OPERATOR, (trace: OperatorTrace) => {
    for (const ref of opts.extraInputs ?? []) trace.input(ref);
    const {model, reads} = buildBriefWithReads(store, opts);
    trace.input(valueRef(`alert-window:${group.id}`, 'AlertWindow', reads.window, 'brief-window/v1'));
    trace.input(batchRef('AlertVersion', group.id, reads.alertVersions, 'alert-versions/v1'));
    trace.input(batchRef('IncidentEvidence', group.id, reads.evidence, 'incident-evidence/v1'));
    const diagnostics: Diagnostic[] = [];
    const bad = unverifiedEntries(model);
    if (bad.length > 0) {
      const ids = bad.map((e) => e.alert_id).join(', ');
      const d: Diagnostic = {
        code: 'INCIDENT_ARTIFACT_MISMATCH',
        severity: group.mode === 'strict' ? 'error' : 'warning',
        message: `incident evidence failed verification for ${bad.length} alert(s): ${ids}`,
        hint: 'the stored evidence no longer matches its hash; run `hardstop incidents replay <id> --strict` to investigate',
        details: {alert_ids: bad.map((e) => e.alert_id)},
      };
      if (group.mode === 'strict') throw new HardstopError(d.code, d.message, {hint: d.hint, diagnostics: [d]});
      diagnostics.push(d);
    }
    if (model.publication && model.publication.state !== 'AUTHORITATIVE') {
      diagnostics.push({
        code: 'BRIEF_DRAFT_ONLY',
        severity: 'warning',
        message: model.publication.reasons.length ? model.publication.reasons.join('; ') : 'Brief published as DRAFT_ONLY',
      });
    }
    const text = renderBrief(model, opts.format);
    if (opts.outPath) {
      mkdirSync(dirname(opts.outPath), {recursive: true});
      writeFileAtomic(opts.outPath, text);
    }
    const out = textRef(`brief:${group.id}`, 'Brief', text, schemaOf(opts.format));
    trace.output(out);
    trace.bytesOut = out.bytes ?? 0;
    trace.report(...diagnostics);
    return {text, model, diagnostics};
  });
}

/** Hash of the model's canonical JSON (for callers that store the model next to the text). */
export function briefModelJson(model: BriefModel): string {
  return canonicalJson(model);
}
