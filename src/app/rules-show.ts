import {HardstopError} from '../kernel/errors.js';
import {ExitCode} from '../kernel/exit-status.js';
import type {RunRecord} from '../kernel/run-record.js';
import {runRecordRowsOf} from '../store/run-records-repo.js';
import {rulePackSnapshot} from '../store/rule-snapshots-repo.js';
import {requireRunGroup} from '../store/known-ids-repo.js';
import type {CommandOutcome} from '../present/command-outcome.js';
import type {AppContext} from './context.js';

/**
 * `rules show --run ID`: the rule files a run decided with, exactly as they were, from the
 * snapshot its RunRecord names (ID: a run group id or a run id).
 */
export function showRunRules(ctx: AppContext, id: string): CommandOutcome {
  const store = ctx.openStoreReadOnly();
  let rows = runRecordRowsOf(store, id);
  // Not a run id nor a full run group id: a unique prefix of a run group, or exit 2 with a did-you-mean.
  if (rows.length === 0) rows = runRecordRowsOf(store, requireRunGroup(store, id));
  const packHash = rows
    .map((r) => (JSON.parse(r.record_json) as RunRecord).input_refs.find((ref) => ref.kind === 'RulePack')?.hash)
    .find((h): h is string => h !== undefined);
  const groupId = rows[0].run_group_id;
  if (!packHash) throw new HardstopError('RUN_DECIDED_NOTHING', `run group ${groupId} compiled no rule pack (it did not decide)`, {hint: 'pick a run of `hardstop run` or `hardstop ingest-external`'});
  const snapshot = rulePackSnapshot(store, packHash);
  if (!snapshot) {
    throw new HardstopError('RULE_SNAPSHOT_MISSING', `run group ${groupId} decided with pack ${packHash.slice(0, 12)}, whose files were not stored`, {
      hint: 'the run predates rule snapshots; only its hash is known',
    });
  }
  const files = snapshot.manifest.files.map((f) => ({...f, text: snapshot.texts.get(f.sha256) ?? null}));
  const missing = files.filter((f) => f.text === null);
  const text = files
    .map((f) => `# ${f.path}  sha256 ${f.sha256}${f.role === 'rules' ? '' : `  (${f.role.replace('_', ' ')})`}\n${f.text ?? '(text missing from the store)\n'}`)
    .join('\n');
  return {
    exitCode: missing.length ? ExitCode.BROKEN : ExitCode.HEALTHY,
    text: `# run group ${groupId}, rule pack ${packHash}\n\n${text}`,
    json: {run: groupId, pack_hash: packHash, files},
    diagnostics: missing.map((f) => ({code: 'RULE_SNAPSHOT_CORRUPT', severity: 'error' as const, message: `the stored text of ${f.path} (sha256 ${f.sha256.slice(0, 12)}) is missing`, hint: 'run `hardstop verify`'})),
  };
}
