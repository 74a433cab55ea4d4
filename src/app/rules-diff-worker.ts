import {parentPort, workerData} from 'node:worker_threads';
import {HardstopError} from '../kernel/errors.js';
import {AppContext} from './context.js';
import {diffItem} from './rules-diff-items.js';
import {loadRulesDiffInputs, type LoadedRulesDiffInputs} from './rules-diff-inputs.js';
import type {RulesDiffJob, RulesDiffReply, RulesDiffWorkerData} from './rules-diff-threads.js';

/*
 * The worker thread of `rules diff` (started by RulesDiffWorker): loads the inputs as the main
 * thread does, from the same home and flags, then recomputes the slice of items it receives.
 */

const port = parentPort!;
const data = workerData as RulesDiffWorkerData;

function failed(err: unknown): RulesDiffReply {
  if (err instanceof HardstopError) return {kind: 'failed', code: err.code, message: err.message, hint: err.hint};
  throw err;
}

let ctx: AppContext | undefined;
let loaded: LoadedRulesDiffInputs | RulesDiffReply;
try {
  ctx = AppContext.create({home: data.home, now: data.now, 'best-effort': data.bestEffort}, data.env);
  loaded = loadRulesDiffInputs(ctx, data.opts);
} catch (err) {
  loaded = failed(err);
}

port.once('message', (job: RulesDiffJob) => {
  let reply: RulesDiffReply;
  if ('kind' in loaded) reply = loaded;
  else if (!loaded.ok) reply = {kind: 'failed', code: 'RULES_INVALID', message: loaded.diagnostics.find((d) => d.severity === 'error')?.message ?? 'the rules do not check'};
  else {
    const inputs = loaded.inputs;
    reply = {kind: 'done', fingerprint: inputs.fingerprint, outcomes: job.rows.map((row, i) => diffItem(inputs, row, job.packHashes[i]))};
  }
  ctx?.close();
  port.postMessage(reply);
  port.close();
});
