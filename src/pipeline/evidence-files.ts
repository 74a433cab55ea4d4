import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {ATOMIC_TEMP_PATTERN, writeFileAtomic} from '../kernel/atomic-file.js';
import type {Store} from '../store/db.js';
import {versionsOfInterruptedRuns} from '../store/replay-repo.js';
import type {AlertDocument} from './alert.js';
import {INGEST_EXTERNAL_OPERATOR} from './ingest-external.js';

/**
 * Evidence files are derived copies written after commit. A run killed between a commit and
 * its file writes leaves committed versions without files (and temp files): rewrite those
 * from the store and remove the temp files. Only versions of runs that never finished are
 * checked, so the cost does not grow with history.
 */
export function restoreEvidenceFiles(store: Store, outputDir: string): {restored: string[]; removedTemp: number} {
  const dir = join(outputDir, 'incidents');
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
  // Later versions of the same (alert, event, key) overwrite earlier ones: keep the last.
  const latest = new Map<string, string>();
  for (const row of versionsOfInterruptedRuns(store, INGEST_EXTERNAL_OPERATOR)) {
    const doc = JSON.parse(row.alert_json) as AlertDocument;
    latest.set(doc.evidence.incident_evidence.artifact_path, row.evidence_json);
  }
  for (const [rel, evidenceJson] of latest) {
    const file = join(outputDir, rel.replace(/^output\//, ''));
    // The stored payload is the canonical JSON the file holds.
    const content = evidenceJson;
    if (existsSync(file) && readFileSync(file, 'utf8') === content) continue;
    writeFileAtomic(file, content);
    restored.push(file);
  }
  return {restored, removedTemp};
}
