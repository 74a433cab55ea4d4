import {type ArtifactRef, batchRef} from '../kernel/run-record.js';
import type {ReplayRepo} from '../store/replay-repo.js';

/**
 * The AlertVersion and IncidentEvidence batch refs of a run group, read from the versions it
 * stored. The decide step records them this way (it keeps no per-item list in memory), and
 * `verify` and `incidents replay` check a RunRecord against the same reading.
 */
export function versionBatchRefs(repo: ReplayRepo, runGroupId: string): {versions: ArtifactRef; evidence: ArtifactRef} {
  const rows = repo.versionsOfRun(runGroupId);
  return {
    versions: batchRef('AlertVersion', runGroupId, rows.map((r) => ({id: `alert-version:${r.alert_id}@${r.version}`, hash: r.alert_hash})), 'alert-versions/v1'),
    evidence: batchRef('IncidentEvidence', runGroupId, rows.map((r) => ({id: `incident-evidence:${r.alert_id}@${r.version}`, hash: r.evidence_hash})), 'incident-evidence/v1'),
  };
}
