import {createHash} from 'node:crypto';
import {AtomicFileWriter} from '../kernel/atomic-file.js';
import {artifactHash} from '../kernel/canonical-json.js';
import type {OperatorTrace, RunGroup} from '../kernel/run-group.js';
import type {ArtifactRef} from '../kernel/run-record.js';
import type {Store} from '../store/db.js';
import {type DecisionRow, iterateDecisionRows} from '../store/read-models-repo.js';

export const EXPORT_DECISIONS_OPERATOR = 'hardstop.export-decisions@1.0.0';

/** One line of the decisions export (the benchmark's `predictions.jsonl` format, extended). */
export interface DecisionLine {
  item_id: string;
  raw_id: string;
  source_id: string;
  event_id: string;
  suppressed: boolean;
  suppression_rule_ids: string[];
  facility_ids: string[];
  link_paths: Record<string, string>;
  incident_id: string | null;
  /**
   * The item's event type: its own (the pack's types table), or the incident's when it joined
   * an incident as a follow-up (its own type then says nothing: "UPDATE: …").
   */
  event_type: string | null;
}

function parseStringList(json: string | null): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function parsePaths(json: string | null): Record<string, string> {
  if (!json) return {};
  try {
    const v = JSON.parse(json) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    const out: Record<string, string> = {};
    for (const k of Object.keys(v).sort()) {
      const p = (v as Record<string, unknown>)[k];
      if (typeof p === 'string') out[k] = p;
    }
    return out;
  } catch {
    return {};
  }
}

/** Primary rule first, then every other matching rule id in audit order, without repeats. */
function ruleIds(row: DecisionRow): string[] {
  if (!row.suppressed && !row.primary_rule_id) return [];
  const ids: string[] = [];
  if (row.primary_rule_id) ids.push(row.primary_rule_id);
  if (row.matches_json) {
    try {
      const matches = JSON.parse(row.matches_json) as unknown;
      if (Array.isArray(matches)) {
        for (const m of matches) {
          const id = (m as {rule_id?: unknown})?.rule_id;
          if (typeof id === 'string' && !ids.includes(id)) ids.push(id);
        }
      }
    } catch {
      // an unparseable audit keeps the primary rule only
    }
  }
  return ids;
}

export function decisionLineOf(row: DecisionRow): DecisionLine {
  return {
    item_id: row.item_id,
    raw_id: row.raw_id,
    source_id: row.source_id,
    event_id: row.event_id,
    suppressed: row.suppressed === 1,
    suppression_rule_ids: ruleIds(row),
    facility_ids: [...new Set(parseStringList(row.facilities_json))].sort(),
    link_paths: parsePaths(row.paths_json),
    incident_id: row.incident_id,
    event_type: row.follow_type ?? row.event_type,
  };
}

/** One JSON line, keys in a fixed order (item_id first, as score.py documents it), LF-terminated. */
export function serializeDecisionLine(line: DecisionLine): string {
  return `${JSON.stringify({
    item_id: line.item_id,
    raw_id: line.raw_id,
    source_id: line.source_id,
    event_id: line.event_id,
    suppressed: line.suppressed,
    suppression_rule_ids: line.suppression_rule_ids,
    facility_ids: line.facility_ids,
    link_paths: line.link_paths,
    incident_id: line.incident_id,
    event_type: line.event_type,
  })}\n`;
}

/** Every decision line, sorted by item id then raw id; one per processed raw item. Streams. */
export function* decisionLines(store: Store, opts: {runGroupId?: string | null} = {}): Generator<DecisionLine & {event_hash: string}> {
  let lastRaw: string | null = null;
  for (const row of iterateDecisionRows(store, opts)) {
    if (row.raw_id === lastRaw) continue;
    lastRaw = row.raw_id;
    yield {...decisionLineOf(row), event_hash: row.event_hash};
  }
}

export interface DecisionsExportResult {
  lines: number;
  suppressed: number;
  linked: number;
  bytes: number;
  /** SHA-256 of exactly the bytes written. */
  hash: string;
  /** Batch ref over the events read (`{id: event_id, hash: event_hash}`). */
  eventsRef: ArtifactRef;
}

const CHUNK_BYTES = 1 << 20;

/**
 * The same ref as the kernel's `batchRef` (hash of the canonical JSON of `[{hash, id}]` sorted
 * by id), computed by streaming the canonical text into the hash instead of canonicalizing one
 * large array: at 100,000 items this is ~20× faster. For string members JCS serializes exactly
 * as JSON.stringify does (RFC 8785 §3.2.2.2), and `hash` sorts before `id`.
 */
export function streamedBatchRef(kind: string, runGroupId: string, items: {id: string; hash: string}[], schema?: string): ArtifactRef {
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const h = createHash('sha256');
  h.update('[');
  let chunk = '';
  sorted.forEach((it, i) => {
    chunk += `${i ? ',' : ''}{"hash":${JSON.stringify(it.hash)},"id":${JSON.stringify(it.id)}}`;
    if (chunk.length >= CHUNK_BYTES) {
      h.update(chunk, 'utf8');
      chunk = '';
    }
  });
  h.update(`${chunk}]`, 'utf8');
  const ref: ArtifactRef = {id: `${kind}-batch:${runGroupId}`, kind, hash: h.digest('hex')};
  if (schema) ref.schema = schema;
  return ref;
}

/**
 * Writes the JSONL export through `write` in chunks of about 1 MiB, hashing as it goes:
 * memory stays flat in the number of items (the event refs kept for the batch ref are two
 * short strings per item).
 */
export function writeDecisions(store: Store, write: (chunk: string) => void, opts: {runGroupId?: string | null; refGroupId: string}): DecisionsExportResult {
  const hash = createHash('sha256');
  let buf = '';
  let bytes = 0;
  let lines = 0;
  let suppressed = 0;
  let linked = 0;
  const refs: {id: string; hash: string}[] = [];
  const flush = () => {
    if (buf === '') return;
    hash.update(buf, 'utf8');
    bytes += Buffer.byteLength(buf, 'utf8');
    write(buf);
    buf = '';
  };
  for (const line of decisionLines(store, {runGroupId: opts.runGroupId})) {
    buf += serializeDecisionLine(line);
    lines++;
    if (line.suppressed) suppressed++;
    if (line.facility_ids.length > 0) linked++;
    refs.push({id: line.event_id, hash: line.event_hash});
    if (buf.length >= CHUNK_BYTES) flush();
  }
  flush();
  return {lines, suppressed, linked, bytes, hash: hash.digest('hex'), eventsRef: streamedBatchRef('SignalCanonical', opts.refGroupId, refs, 'signals/v1')};
}

export interface ExportDecisionsOptions {
  /** Only events decided in this run group. */
  runGroupId?: string | null;
  /** Absolute output path; absent = `write` (stdout). */
  outPath?: string | null;
  /** Where stdout chunks go when there is no `outPath`. */
  write?: (chunk: string) => void;
  /** Home-relative display form of `outPath` for the ref id. */
  outDisplay?: string | null;
}

/**
 * The `hardstop.export-decisions@1.0.0` operator: one RunRecord whose inputs are the export
 * filter and the batch of events read, and whose output is the bytes written (file or stdout).
 */
export function runExportDecisionsOperator(store: Store, group: RunGroup, opts: ExportDecisionsOptions): Promise<DecisionsExportResult> {
  return group.run(EXPORT_DECISIONS_OPERATOR, (trace: OperatorTrace) => {
    trace.input({id: 'export-filter:decisions', kind: 'ExportFilter', hash: artifactHash({run_group_id: opts.runGroupId ?? null})});
    let result: DecisionsExportResult;
    if (opts.outPath) {
      const w = new AtomicFileWriter(opts.outPath);
      try {
        result = writeDecisions(store, (c) => w.write(c), {runGroupId: opts.runGroupId, refGroupId: group.id});
        w.commit();
      } catch (err) {
        w.abort();
        throw err;
      }
    } else {
      const sink = opts.write ?? ((c: string) => void process.stdout.write(c));
      result = writeDecisions(store, sink, {runGroupId: opts.runGroupId, refGroupId: group.id});
    }
    trace.input(result.eventsRef);
    trace.output({
      id: `export:decisions:${group.id}`,
      kind: 'Export',
      hash: result.hash,
      bytes: result.bytes,
      schema: 'export::jsonl',
    });
    trace.bytesOut = result.bytes;
    return result;
  });
}
