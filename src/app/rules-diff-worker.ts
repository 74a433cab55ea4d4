import {parentPort, workerData} from 'node:worker_threads';
import {HardstopError} from '../kernel/errors.js';
import {AppContext} from './context.js';
import {ItemDiffer} from './rules-diff-items.js';
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

const setupStart = performance.now();
let ctx: AppContext | undefined;
let loaded: LoadedRulesDiffInputs | RulesDiffReply;
try {
  ctx = AppContext.create({home: data.home, now: data.now, 'best-effort': data.bestEffort}, data.env);
  loaded = loadRulesDiffInputs(ctx, data.opts);
} catch (err) {
  loaded = failed(err);
}
const setupMs = performance.now() - setupStart;

port.once('message', (job: RulesDiffJob) => {
  let reply: RulesDiffReply;
  if ('kind' in loaded) reply = loaded;
  else if (!loaded.ok) reply = {kind: 'failed', code: 'RULES_INVALID', message: loaded.diagnostics.find((d) => d.severity === 'error')?.message ?? 'the rules do not check'};
  else {
    const inputs = loaded.inputs;
    const t0 = performance.now();
    const differ = new ItemDiffer(inputs);
    const outcomes = job.rows.map((row, i) => differ.diff(row, job.packHashes[i]));
    reply = {kind: 'done', fingerprint: inputs.fingerprint, outcomes, setupMs, itemsMs: performance.now() - t0};
  }
  ctx?.close();
  port.postMessage(reply);
  port.close();
});
