import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {ATOMIC_TEMP_PATTERN, writeFileAtomic} from '../kernel/atomic-file.js';
import {sha256Hex} from '../kernel/canonical-json.js';
import type {EpochMicros} from '../kernel/time.js';
import type {Store} from '../store/db.js';
import {evidenceFileWriters, evidenceJsonReader} from '../store/evidence-repo.js';
import {versionsOfInterruptedRuns} from '../store/replay-repo.js';
import type {AlertDocument} from './alert.js';
import {instantOf} from '../kernel/time.js';

/*
 * Incident evidence files (output/incidents/*.json) are derived copies of the stored payloads;
 * the store is the source of truth. They are written on demand (`hardstop evidence
 * materialize`, `alerts show --evidence`, `incidents replay`), not by every run: one synced
 * file per alert version was the largest single cost of a run. A run keeps the files that
 * already exist current, so a materialized folder never holds a superseded payload.
 */

/** The evidence folder under the output folder. */
export function evidenceDirOf(outputDir: string): string {
  return join(outputDir, 'incidents');
}

/** Names of the evidence files present (empty when the folder is absent). */
export function presentEvidenceFiles(outputDir: string): Set<string> {
  const dir = evidenceDirOf(outputDir);
  return new Set(existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')) : []);
}

/** The absolute file of a home-relative `output/incidents/…` path. */
function fileOf(outputDir: string, rel: string): string {
  return join(outputDir, rel.replace(/^output\//, ''));
}

export interface MaterializeOptions {
  /** Only the evidence of these alerts. */
  alertIds?: readonly string[];
  /** Only files whose payload was decided at or after this instant. */
  sinceMicros?: EpochMicros;
  /** Rewrite files that differ from the stored payload (else they are reported, not touched). */
  overwrite: boolean;
}

export interface MaterializeResult {
  /** Files written because they were missing. */
  created: string[];
  /** Files rewritten because they differed (only with `overwrite`). */
  rewritten: string[];
  /** Files that differ from the stored payload and were left as they are. */
  differing: string[];
  /** Files that already held the stored payload. */
  unchanged: string[];
  /** SHA-256 of each file written (created or rewritten). */
  writtenHashes: Map<string, string>;
}

/** Writes the evidence files the store names (filtered), each with the payload of its latest version. */
export function materializeEvidenceFiles(store: Store, outputDir: string, opts: MaterializeOptions): MaterializeResult {
  const result: MaterializeResult = {created: [], rewritten: [], differing: [], unchanged: [], writtenHashes: new Map()};
  const payloadOf = evidenceJsonReader(store);
  for (const w of evidenceFileWriters(store, opts.alertIds)) {
    if (opts.sinceMicros !== undefined && (instantOf(w.decided_at) ?? 0) < opts.sinceMicros) continue;
    const content = payloadOf(w.alert_id, w.version)!;
    const file = fileOf(outputDir, w.path);
    const present = existsSync(file) ? readFileSync(file, 'utf8') : null;
    if (present === content) {
      result.unchanged.push(file);
    } else if (present === null || opts.overwrite) {
      writeFileAtomic(file, content);
      (present === null ? result.created : result.rewritten).push(file);
      result.writtenHashes.set(file, sha256Hex(content));
    } else {
      result.differing.push(file);
    }
  }
  return result;
}

/**
 * Before deciding: removes temp files a killed write left, and brings the present files of runs
 * that never finished up to date (a run killed between a commit and its file refresh leaves a
 * superseded payload). Only versions of interrupted runs are read, so the cost does not grow
 * with history; missing files stay missing (they are written on demand).
 */
export function restoreEvidenceFiles(store: Store, outputDir: string, ingestOperatorId: string): {restored: string[]; removedTemp: number} {
  const dir = evidenceDirOf(outputDir);
  let removedTemp = 0;
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      if (ATOMIC_TEMP_PATTERN.test(name)) {
        rmSync(join(dir, name), {force: true});
        removedTemp++;
      }
    }
  }
  const restored: string[] = [];
  // Later versions of the same (alert, event, key) supersede earlier ones: keep the last.
  const latest = new Map<string, string>();
  for (const row of versionsOfInterruptedRuns(store, ingestOperatorId)) {
    const doc = JSON.parse(row.alert_json) as AlertDocument;
    latest.set(doc.evidence.incident_evidence.artifact_path, row.evidence_json);
  }
  for (const [rel, content] of latest) {
    const file = fileOf(outputDir, rel);
    if (!existsSync(file) || readFileSync(file, 'utf8') === content) continue;
    writeFileAtomic(file, content);
    restored.push(file);
  }
  return {restored, removedTemp};
}
