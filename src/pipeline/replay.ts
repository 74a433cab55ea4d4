import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {artifactHash, canonicalJson, sha256Hex} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import type {RunRecord} from '../kernel/run-record.js';
import {MICROS_PER_HOUR} from '../kernel/time.js';
import type {NetworkIndex} from '../network/network-index.js';
import type {SuppressRule} from '../rules/model.js';
import type {CompiledRulePack} from '../rules/pack.js';
import type {RuntimeConfig} from '../config/runtime.js';
import type {ResolvedSource} from '../sources/config.js';
import {configSnapshot} from '../store/config-snapshots-repo.js';
import type {Store} from '../store/db.js';
import type {AlertVersionRow, IncidentRow} from '../store/decisions-repo.js';
import {contentHashOf} from '../store/raw-items-repo.js';
import {ReplayRepo} from '../store/replay-repo.js';
import {type AlertDocument, buildAlertVersion} from './alert.js';
import {resolveIncident} from './correlate.js';
import {candidateOf, decideItem} from './decide.js';
import {type StoredEvent, storedEventJson} from './event.js';
import {verifyIncidentEvidence} from './evidence.js';
import {INGEST_EXTERNAL_OPERATOR} from './ingest-external.js';
import {instantOf} from '../kernel/time.js';
import {versionBatchRefs} from './version-batch-refs.js';
import type {DiagnosticCode} from '../kernel/diagnostic-codes.js';

/** One recomputed value that differs from what was stored. */
export interface ReplayDifference {
  field: string;
  stored: unknown;
  recomputed: unknown;
}

export interface VersionReplay {
  alert_id: string;
  version: number;
  event_id: string;
  correlation_action: string;
  stored: {alert_hash: string; evidence_hash: string};
  recomputed: {alert_hash: string; evidence_hash: string} | null;
  differences: ReplayDifference[];
  diagnostics: Diagnostic[];
}

/** Rules resolved for one recorded decision, and where they came from. */
export interface ResolvedRules {
  pack: CompiledRulePack;
  sourceRules: ReadonlyMap<string, readonly SuppressRule[]>;
  /**
   * `recorded`: the pack that decided (rebuilt from its stored snapshot, or the home's when
   * identical); `current`: the home's, by choice or because no snapshot exists; `dir`: --rules DIR.
   */
  origin: 'recorded' | 'current' | 'dir';
}

/** Chooses the rule pack a stored decision is recomputed with. */
export interface ReplayRules {
  /** `packHash`: the RulePack the deciding RunRecord names (null when there is no record). */
  forRecorded(packHash: string | null): ResolvedRules;
}

/** The decision inputs of today, against which stored decisions are replayed. */
export interface ReplayCurrent {
  config: RuntimeConfig;
  configHash: string;
  runtimeSnapshotHash: string;
  rules: ReplayRules;
  sources: readonly ResolvedSource[];
  index: NetworkIndex;
  networkHash: string | null;
  outputDir: string;
}

/** An incident row as it stood at a version, rebuilt from that version's document. */
export function incidentFromDocument(doc: AlertDocument): IncidentRow {
  return {
    alert_id: doc.alert_id,
    correlation_key: doc.correlation.key,
    first_event_id: doc.root_event_id,
    first_seen: doc.first_seen,
    last_seen: doc.last_seen,
    last_event_time: doc.last_event_time,
    current_version: doc.version,
    classification: doc.classification,
    impact_score: doc.impact_score,
    risk_type: doc.risk_type,
    summary: doc.summary,
    status: doc.status,
    source_id: doc.source.id,
    tier: doc.source.tier,
    trust_tier: doc.source.trust_tier,
    update_count: doc.update_count,
    root_event_ids_json: JSON.stringify(doc.root_event_ids),
    scope_json: canonicalJson(doc.scope),
  };
}

/** Field-level differences between two JSON values, down to `depth` levels. */
export function diffValues(stored: unknown, recomputed: unknown, path = '', depth = 4): ReplayDifference[] {
  if (canonicalJson(stored ?? null) === canonicalJson(recomputed ?? null)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (depth > 0 && isObj(stored) && isObj(recomputed)) {
    const s = stored as Record<string, unknown>;
    const r = recomputed as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(s), ...Object.keys(r)])].sort();
    return keys.flatMap((k) => diffValues(s[k], r[k], path ? `${path}.${k}` : k, depth - 1));
  }
  return [{field: path || '(value)', stored, recomputed}];
}

function finding(strict: boolean, code: DiagnosticCode, message: string, hint?: string): Diagnostic {
  return {code, severity: strict ? 'error' : 'warning', message, hint};
}

/** The source as a stored event saw it: today's settings with the trust values the event carried. */
export function decisionSource(event: StoredEvent, sources: readonly ResolvedSource[]): ResolvedSource {
  const current = sources.find((s) => s.id === event.source_id);
  // The trust values the event carried are inputs of the decision: replay uses them, not
  // whatever the source says today.
  const base = current ?? ({id: event.source_id, type: event.source_kind, tier: event.tier, geo: {}, tags: []} as unknown as ResolvedSource);
  return {...base, tier: event.tier, trust_tier: event.trust_tier, classification_floor: event.classification_floor, weighting_bias: event.weighting_bias};
}

interface StoredConfig {
  networkHash: string | null;
  runtimeHash: string;
}

interface GroupProvenance {
  record: RunRecord | null;
  versionsMatch: boolean;
  evidenceMatch: boolean;
}

/**
 * What replay checks once per run group: its producing RunRecord, and whether the record's
 * AlertVersion and IncidentEvidence refs match the versions the group stored; and once per
 * config hash, the stored config snapshot the decisions were made under. Every version
 * of a group shares the answer; computing it per version made replaying a run quadratic in its
 * size (the 4,124 incidents of one 10,000-item run: 3 minutes, 90 % of them here).
 */
export class RunGroupProvenance {
  private readonly groups = new Map<string, GroupProvenance>();
  private readonly configs = new Map<string, StoredConfig | null>();

  constructor(
    private readonly store: Store,
    readonly repo: ReplayRepo = new ReplayRepo(store),
  ) {}

  /** The stored config snapshot of a config hash, with the hash of its runtime part. */
  config(configHash: string): StoredConfig | null {
    let known = this.configs.get(configHash);
    if (known === undefined) {
      const snap = configSnapshot(this.store, configHash) as {inputs?: {network_snapshot_hash?: string | null}; runtime?: unknown} | null;
      known = snap && {networkHash: snap.inputs?.network_snapshot_hash ?? null, runtimeHash: artifactHash(snap.runtime ?? null)};
      this.configs.set(configHash, known);
    }
    return known;
  }

  of(runGroupId: string): GroupProvenance {
    let known = this.groups.get(runGroupId);
    if (!known) {
      const json = this.repo.producingRecords(runGroupId, INGEST_EXTERNAL_OPERATOR)[0];
      if (!json) known = {record: null, versionsMatch: false, evidenceMatch: false};
      else {
        const record = JSON.parse(json) as RunRecord;
        const {versions, evidence} = versionBatchRefs(this.repo, runGroupId);
        const out = (kind: string) => record.output_refs.find((r) => r.kind === kind)?.hash;
        known = {record, versionsMatch: out('AlertVersion') === versions.hash, evidenceMatch: out('IncidentEvidence') === evidence.hash};
      }
      this.groups.set(runGroupId, known);
    }
    return known;
  }
}

/** Checks that the producing RunRecord exists and names this version and its evidence. */
function provenanceFindings(provenance: RunGroupProvenance, v: AlertVersionRow, strict: boolean): {record: RunRecord | null; diagnostics: Diagnostic[]} {
  const {record, versionsMatch, evidenceMatch} = provenance.of(v.run_group_id);
  if (!record) {
    return {
      record: null,
      diagnostics: [finding(strict, 'RUN_RECORD_MISSING', `no ${INGEST_EXTERNAL_OPERATOR} RunRecord of run group ${v.run_group_id} produced ${v.alert_id} v${v.version}`, 'the run that decided it was interrupted before its RunRecord was written, or run_records were deleted')],
    };
  }
  const diagnostics: Diagnostic[] = [];
  if (!versionsMatch) diagnostics.push(finding(strict, 'RUN_RECORD_MISMATCH', `the RunRecord ${record.run_id} does not match the stored alert versions of its run group`));
  if (!evidenceMatch) diagnostics.push(finding(strict, 'RUN_RECORD_MISMATCH', `the RunRecord ${record.run_id} does not match the stored incident evidence of its run group`));
  return {record, diagnostics};
}

const RULES_HINT: Record<ResolvedRules['origin'], string> = {
  recorded: 'the stored snapshot of that run does not rebuild its pack; run `hardstop verify`',
  current: 'replayed with the current rule files (--rules current, or no snapshot is stored because the run predates them): replay with --rules DIR holding its rule files, or use --best-effort to see the differences',
  dir: 'the --rules folder is not the pack that decided; use --best-effort to see the differences',
};

function inputFindings(provenance: RunGroupProvenance, record: RunRecord, rules: ResolvedRules, current: ReplayCurrent, strict: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const packRef = record.input_refs.find((r) => r.kind === 'RulePack');
  if (packRef && packRef.hash !== rules.pack.hash) {
    out.push(finding(strict, 'RULES_CHANGED', `the rule pack differs from the one that decided (was ${packRef.hash.slice(0, 12)}, replayed with ${rules.origin === 'dir' ? 'the --rules folder' : `the ${rules.origin} rules`} ${rules.pack.hash.slice(0, 12)})`, RULES_HINT[rules.origin]));
  }
  const snap = provenance.config(record.config_hash);
  if (!snap) {
    out.push(finding(strict, 'CONFIG_SNAPSHOT_MISSING', `no stored config snapshot ${record.config_hash.slice(0, 12)} for the decision's run`));
    return out;
  }
  const was = snap.networkHash;
  if (was !== current.networkHash) {
    out.push(finding(strict, 'NETWORK_CHANGED', `the network changed since the decision (network snapshot was ${was ?? 'none'}, now ${current.networkHash ?? 'none'})`, 'reload the network of that run, or use --best-effort to see the differences'));
  }
  if (snap.runtimeHash !== current.runtimeSnapshotHash) {
    out.push(finding(strict, 'CONFIG_FINGERPRINT_MISMATCH', 'hardstop.config.yaml settings changed since the decision'));
  }
  return out;
}

function evidenceFileFindings(dir: string, doc: AlertDocument, v: AlertVersionRow, strict: boolean): Diagnostic[] {
  const rel = doc.evidence.incident_evidence.artifact_path;
  const path = join(dir, rel.replace(/^output\//, ''));
  if (!existsSync(path)) return [{code: 'INCIDENT_ARTIFACT_MISSING', severity: 'warning', message: `${rel} is missing (it is a derived copy; the store holds the payload)`}];
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return [finding(strict, 'INCIDENT_ARTIFACT_MISMATCH', `${rel} is not valid JSON`)];
  }
  // The file of an (alert, event, key) is overwritten by a later version of the same event only.
  if (payload.artifact_hash !== v.evidence_hash) {
    const latestForEvent = (payload.inputs as {event?: {event_id?: string}} | undefined)?.event?.event_id === v.event_id;
    if (!latestForEvent) return [];
  }
  const check = verifyIncidentEvidence(payload, {strict: true});
  if (!check.verified || payload.artifact_hash !== v.evidence_hash) {
    return [finding(strict, 'INCIDENT_ARTIFACT_MISMATCH', `${rel} does not match the stored evidence (stored ${v.evidence_hash.slice(0, 12)})`, 'regenerate it with `hardstop incidents replay --best-effort` or investigate who edited it')];
  }
  return [];
}

/**
 * Replays every version of an incident: re-materializes its inputs from the store, checks
 * them against the hashes recorded when it was decided, recomputes the decision with the
 * same code path as ingest, and compares (pipeline.md §11.2). Pass one `provenance` to every
 * call of a replay so that each run group's RunRecord is checked once.
 */
export function replayIncident(store: Store, alertId: string, current: ReplayCurrent, strict: boolean, provenance?: RunGroupProvenance): VersionReplay[] {
  const groups = provenance ?? new RunGroupProvenance(store);
  const repo = groups.repo;
  const versions = repo.versions(alertId);
  const results: VersionReplay[] = [];
  let previous: AlertDocument | null = null;
  for (const v of versions) {
    const storedDoc = JSON.parse(v.alert_json) as AlertDocument;
    const diagnostics: Diagnostic[] = [];
    const result: VersionReplay = {
      alert_id: alertId,
      version: v.version,
      event_id: v.event_id,
      correlation_action: v.correlation_action,
      stored: {alert_hash: v.alert_hash, evidence_hash: v.evidence_hash},
      recomputed: null,
      differences: [],
      diagnostics,
    };
    results.push(result);
    const prov = provenanceFindings(groups, v, strict);
    diagnostics.push(...prov.diagnostics);
    const rules = current.rules.forRecorded(prov.record?.input_refs.find((r) => r.kind === 'RulePack')?.hash ?? null);
    if (prov.record) diagnostics.push(...inputFindings(groups, prov.record, rules, current, strict));
    diagnostics.push(...evidenceFileFindings(current.outputDir, storedDoc, v, strict));
    const eventRow = repo.event(v.event_id);
    const raw = eventRow ? repo.rawItem(eventRow.raw_id) : undefined;
    if (!eventRow || !raw) {
      diagnostics.push({code: 'REPLAY_INPUT_MISSING', severity: 'error', message: `the event ${v.event_id} or its raw item is missing from the store`});
      previous = storedDoc;
      continue;
    }
    if (contentHashOf(candidateOf(raw)) !== raw.content_hash) {
      diagnostics.push(finding(strict, 'RAW_ITEM_ALTERED', `raw item ${raw.raw_id} no longer matches its content hash ${raw.content_hash.slice(0, 12)}`));
    }
    const storedEvent = JSON.parse(eventRow.event_json) as StoredEvent;
    const now = instantOf(v.decided_at)!;
    const decision = decideItem(raw, decisionSource(storedEvent, current.sources), {
      tables: {index: current.index, config: current.config, now},
      pack: rules.pack,
      sourceRules: rules.sourceRules,
      noSuppress: false,
    });
    const recomputedEventHash = sha256Hex(storedEventJson(decision.event));
    if (recomputedEventHash !== eventRow.event_hash) result.differences.push(...diffValues(storedEvent, {...decision.event, payload: undefined}, 'event'));
    if (decision.kind !== 'alert') {
      result.differences.push({field: 'suppressed', stored: false, recomputed: true});
      previous = storedDoc;
      continue;
    }
    const previousIncident = previous ? incidentFromDocument(previous) : null;
    const eventTime = instantOf(decision.event.event_time) ?? now;
    // The incident state at this version is the previous version: the item joins it through its
    // own key or one of its follow keys, exactly as ingest resolved it against the store.
    const match = previousIncident ? resolveIncident((key) => (key === previousIncident.correlation_key ? [previousIncident] : []), decision.correlation, eventTime) : null;
    if (previousIncident && !match) {
      result.differences.push({field: 'correlation.action', stored: 'UPDATED', recomputed: 'CREATED'});
    }
    const existing = match?.incident ?? null;
    const storedEvidence = JSON.parse(v.evidence_json) as {determinism_mode?: string};
    const build = buildAlertVersion({
      followUp: match?.followUp ?? false,
      event: decision.event,
      link: decision.link,
      rawItem: {raw_id: raw.raw_id, fetched_at: raw.fetched_at, published_at: raw.published_at, url: raw.url},
      score: decision.score,
      classify: decision.classify,
      quality: decision.quality,
      correlation: decision.correlation,
      existing,
      decidedAt: v.decided_at,
      runGroupId: v.run_group_id,
      windowHours: Math.round(decision.correlation.window_micros / MICROS_PER_HOUR),
      pinned: storedEvidence.determinism_mode === 'pinned',
    });
    result.recomputed = {alert_hash: build.version.alert_hash, evidence_hash: build.version.evidence_hash};
    if (build.version.alert_hash !== v.alert_hash) result.differences.push(...diffValues(storedDoc, build.document, 'alert'));
    if (build.version.evidence_hash !== v.evidence_hash) result.differences.push(...diffValues(JSON.parse(v.evidence_json), build.evidence, 'evidence'));
    previous = storedDoc;
  }
  return results;
}

export {ReplayRepo};
