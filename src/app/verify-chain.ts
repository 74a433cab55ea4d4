import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {artifactHash, sha256Hex} from '../kernel/canonical-json.js';
import {recordHash, type RunRecord} from '../kernel/run-record.js';
import type {Store} from '../store/db.js';
import {ReplayRepo} from '../store/replay-repo.js';
import {allRunRecordRows, type RunRecordRow} from '../store/run-records-repo.js';
import {ruleFileText, hasRulePackSnapshot} from '../store/rule-snapshots-repo.js';
import {evidenceFileWriters, evidenceJsonReader} from '../store/evidence-repo.js';
import {configSnapshotText} from '../store/verify-repo.js';
import {versionBatchRefs} from '../pipeline/version-batch-refs.js';
import type {AppContext} from './context.js';
import type {DiagnosticCode} from '../kernel/diagnostic-codes.js';

/** One thing wrong with the RunRecord chain or an artifact a record names. */
export interface ChainProblem {
  code: DiagnosticCode;
  run_group_id: string | null;
  seq: number | null;
  run_id: string | null;
  /** Home-relative file involved, if any. */
  file: string | null;
  message: string;
}

export interface ChainVerification {
  ok: boolean;
  records: number;
  run_groups: number;
  artifacts_checked: number;
  /** The earliest problem in chain order (run groups by start, then seq). */
  first_broken: ChainProblem | null;
  problems: ChainProblem[];
}

/** Every `*.json` under run_records/<group>/, home-relative. */
function recordFiles(ctx: AppContext): string[] {
  const dir = ctx.home.runRecordsDir;
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const g of readdirSync(dir).sort()) {
    const gd = join(dir, g);
    if (!statSync(gd).isDirectory()) continue;
    for (const f of readdirSync(gd).sort()) if (f.endsWith('.json')) out.push(ctx.home.rel(join(gd, f)));
  }
  return out;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * `hardstop verify`: walks every RunRecord — the files under run_records/ against the
 * `run_records` table, each record's own hash, every `prev_record_hash` link, and each
 * artifact a record names whose bytes live in the store or under output/ (rule files, config
 * snapshot, alert versions, incident evidence payloads and files). Reports every problem.
 */
export function verifyRunRecordChain(ctx: AppContext, store: Store): ChainVerification {
  const problems: ChainProblem[] = [];
  const rows = allRunRecordRows(store);
  const add = (code: DiagnosticCode, row: RunRecordRow | null, message: string, file: string | null = row?.file_path ?? null) =>
    problems.push({code, run_group_id: row?.run_group_id ?? null, seq: row?.seq ?? null, run_id: row?.run_id ?? null, file, message});
  let artifacts = 0;

  // Files against rows.
  const tracked = new Set(rows.map((r) => r.file_path).filter((p): p is string => p !== null));
  for (const f of recordFiles(ctx)) if (!tracked.has(f)) add('RUNRECORD_UNTRACKED', null, `${f} is not in the run_records table`, f);

  const parsed = new Map<string, RunRecord>();
  for (const row of rows) {
    let record: RunRecord;
    try {
      record = JSON.parse(row.record_json) as RunRecord;
    } catch {
      add('RUNRECORD_ROW_UNREADABLE', row, `the table row of ${row.run_id} is not valid JSON`);
      continue;
    }
    parsed.set(row.run_id, record);
    if (recordHash(record) !== row.record_hash) add('RUNRECORD_HASH_MISMATCH', row, `the record's own hash ${recordHash(record).slice(0, 12)} differs from the stored record_hash ${row.record_hash.slice(0, 12)}`);
    const cols: [string, unknown, unknown][] = [
      ['run_id', row.run_id, record.run_id],
      ['run_group_id', row.run_group_id, record.run_group_id],
      ['seq', row.seq, record.seq],
      ['operator_id', row.operator_id, record.operator_id],
      ['mode', row.mode, record.mode],
      ['started_at', row.started_at, record.started_at],
      ['ended_at', row.ended_at, record.ended_at],
    ];
    for (const [name, col, field] of cols) if (col !== field) add('RUNRECORD_ROW_MISMATCH', row, `column ${name} is ${JSON.stringify(col)} but the record says ${JSON.stringify(field)}`);
    if (!row.file_path) {
      add('RUNRECORD_FILE_MISSING', row, `the row of ${row.run_id} names no file`);
    } else {
      const text = readText(ctx.home.resolve(row.file_path));
      if (text === null) add('RUNRECORD_FILE_MISSING', row, `${row.file_path} is missing`);
      else if (text !== row.record_json) {
        let fileHash = 'unparseable';
        try {
          fileHash = recordHash(JSON.parse(text) as RunRecord).slice(0, 12);
        } catch {
          // The file is not JSON at all: reported by the same mismatch below.
        }
        add('RUNRECORD_FILE_MISMATCH', row, `${row.file_path} differs from its table row (file hash ${fileHash}, row ${row.record_hash.slice(0, 12)})`);
      }
    }
  }

  // The chain of each group: seq 1..n, each record pointing at the hash of the one before.
  const groups = new Map<string, RunRecordRow[]>();
  for (const row of rows) {
    const list = groups.get(row.run_group_id);
    if (list) list.push(row);
    else groups.set(row.run_group_id, [row]);
  }
  for (const [, list] of groups) {
    list.forEach((row, i) => {
      if (row.seq !== i + 1) add('RUNRECORD_SEQ_GAP', row, `seq ${row.seq} where ${i + 1} was expected: a record of this run group is missing`);
      const record = parsed.get(row.run_id);
      if (!record) return;
      const prev = i > 0 ? parsed.get(list[i - 1].run_id) : undefined;
      const expected = i === 0 ? undefined : prev ? recordHash(prev) : null;
      if (expected === null) return;
      if (record.prev_record_hash !== expected) {
        add('RUNRECORD_CHAIN_BROKEN', row, i === 0 ? `the first record of its group names a previous record ${String(record.prev_record_hash).slice(0, 12)}` : `prev_record_hash ${String(record.prev_record_hash ?? 'none').slice(0, 12)} is not the hash ${expected!.slice(0, 12)} of record ${list[i - 1].seq}`);
      }
    });
  }

  // Artifacts the records name that live in the store.
  const replay = new ReplayRepo(store);
  const ingestOf = new Map<string, RunRecordRow>();
  const configSeen = new Map<string, boolean>();
  for (const row of rows) {
    const record = parsed.get(row.run_id);
    if (!record) continue;
    if (!configSeen.has(record.config_hash)) {
      const text = configSnapshotText(store, record.config_hash);
      configSeen.set(record.config_hash, text === null || artifactHash(JSON.parse(text)) === record.config_hash);
      if (text !== null) artifacts++;
    }
    if (!configSeen.get(record.config_hash)) add('CONFIG_SNAPSHOT_ALTERED', row, `the stored config snapshot ${record.config_hash.slice(0, 12)} no longer hashes to its config_hash`);
    for (const ref of record.input_refs) {
      if (ref.kind === 'RuleFile') {
        artifacts++;
        const text = ruleFileText(store, ref.hash);
        if (text === null) add('RULE_SNAPSHOT_MISSING', row, `the text of ${ref.id} (sha256 ${ref.hash.slice(0, 12)}) is not in the store`);
        else if (sha256Hex(text) !== ref.hash) add('RULE_SNAPSHOT_ALTERED', row, `the stored text of ${ref.id} no longer hashes to ${ref.hash.slice(0, 12)}`);
      } else if (ref.kind === 'RulePack' && record.input_refs.some((r) => r.kind === 'RuleFile')) {
        artifacts++;
        if (!hasRulePackSnapshot(store, ref.hash)) add('RULE_SNAPSHOT_MISSING', row, `the manifest of rule pack ${ref.hash.slice(0, 12)} is not in the store`);
      }
    }
    const out = (kind: string) => record.output_refs.find((r) => r.kind === kind);
    if (out('AlertVersion') || out('IncidentEvidence')) {
      ingestOf.set(row.run_group_id, row);
      const written = versionBatchRefs(replay, row.run_group_id);
      for (const [kind, now] of [
        ['AlertVersion', written.versions],
        ['IncidentEvidence', written.evidence],
      ] as const) {
        const ref = out(kind);
        if (!ref) continue;
        artifacts++;
        if (now.hash !== ref.hash) add('ARTIFACT_MISMATCH', row, `the stored ${kind} batch of its run group hashes to ${now.hash.slice(0, 12)}, the record says ${ref.hash.slice(0, 12)}`);
      }
    }
  }

  // Every stored document must decode (stored-json-codec.ts): a damaged blob is named by
  // table, column and rowid. The evidence-file check below reads the documents, so it runs only
  // when they all decode.
  const unreadable = store.json.problems();
  for (const p of unreadable) add('STORED_DOCUMENT_CORRUPT', null, p.message);

  // Evidence files under output/ are written on demand: each one present must hold the payload
  // of the version that last named it.
  const payloadOf = unreadable.length === 0 ? evidenceJsonReader(store) : null;
  for (const w of payloadOf ? evidenceFileWriters(store) : []) {
    const text = readText(ctx.home.resolve(w.path));
    if (text === null) continue;
    artifacts++;
    const row = ingestOf.get(w.run_group_id) ?? null;
    const expected = payloadOf!(w.alert_id, w.version);
    const who = row ? '' : ` (run group ${w.run_group_id} has no ingest RunRecord)`;
    if (text !== expected) add('EVIDENCE_FILE_MISMATCH', row, `${w.path} differs from the stored evidence of ${w.alert_id} v${w.version} (sha256 ${sha256Hex(text).slice(0, 12)})${who}`, w.path);
  }



  // Chain order: run groups by their first record's start, then seq; untracked files last.
  const start = new Map([...groups].map(([g, list]) => [g, list[0].started_at]));
  const rank = (p: ChainProblem) => (p.run_group_id === null ? '\uffff' : `${start.get(p.run_group_id) ?? ''}|${p.run_group_id}|${String(p.seq ?? 0).padStart(6, '0')}`);
  problems.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return {ok: problems.length === 0, records: rows.length, run_groups: groups.size, artifacts_checked: artifacts, first_broken: problems[0] ?? null, problems};
}
