import type {RunGroup} from '../kernel/run-group.js';
import type {IngestDeps, IngestOptions} from './ingest-deps.js';
import {INGEST_EXTERNAL_OPERATOR, ingestExternal, type IngestSummary} from './ingest-external.js';

/** Runs the decision pipeline as the `hardstop.ingest@1.0.0` operator: one RunRecord. */
export function runIngestOperator(deps: IngestDeps, group: RunGroup, opts: IngestOptions = {}): Promise<IngestSummary> {
  return group.run(INGEST_EXTERNAL_OPERATOR, (trace) => ingestExternal(deps, group, trace, opts));
}
