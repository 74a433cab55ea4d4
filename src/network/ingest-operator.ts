import {readFileSync, existsSync} from 'node:fs';
import {sha256Hex} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {HardstopError} from '../kernel/errors.js';
import {ExitCode} from '../kernel/exit-status.js';
import type {RunGroup} from '../kernel/run-group.js';
import type {Store} from '../store/db.js';
import {type NetworkCounts, replaceNetwork} from '../store/network-repo.js';
import {normalizeStateCode} from './geo/states.js';
import {loadNetworkFiles, type NetworkFiles} from './network-loader.js';

export const INGEST_NETWORK_OPERATOR = 'hardstop.ingest-network@1.0.0';

export interface IngestNetworkResult {
  counts: NetworkCounts;
  snapshotHash: string;
  rejectedRows: number;
  diagnostics: Diagnostic[];
  exitCode: ExitCode;
}

/**
 * Loads the three network CSVs and replaces the stored network in one transaction. Any
 * error rejects the whole load (exit 2, store untouched) unless `allowPartial`.
 */
export async function ingestNetwork(store: Store, group: RunGroup, files: NetworkFiles, opts: {allowPartial: boolean}): Promise<IngestNetworkResult> {
  return group.run(INGEST_NETWORK_OPERATOR, (trace) => {
    for (const [kind, f] of Object.entries(files) as [string, {path: string; display: string}][]) {
      if (existsSync(f.path)) {
        const bytes = readFileSync(f.path);
        trace.bytesIn += bytes.length;
        trace.input({id: `network-csv:${kind}:${f.display}`, kind: 'NetworkCsv', hash: sha256Hex(bytes), bytes: bytes.length, schema: `network/${kind}.v1`});
      }
    }
    const result = loadNetworkFiles(files, {allowPartial: opts.allowPartial, normalizeState: normalizeStateCode});
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      throw new HardstopError('NETWORK_REJECTED', `network load rejected: ${errors.length} error(s); nothing was stored`, {
        exitCode: ExitCode.BROKEN,
        diagnostics: result.diagnostics,
      });
    }
    trace.report(...result.diagnostics);
    const counts = store.write(() =>
      replaceNetwork(store, result.network, result.lines, {
        loadedAt: group.clock.nowText(),
        snapshotHash: result.snapshotHash,
        files: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, f.display])),
        runGroupId: group.id,
      }),
    );
    trace.output({id: `network-snapshot:${result.snapshotHash.slice(0, 16)}`, kind: 'NetworkSnapshot', hash: result.snapshotHash, schema: 'network/v1'});
    const warned = result.diagnostics.some((d) => d.severity === 'warning');
    return {
      counts,
      snapshotHash: result.snapshotHash,
      rejectedRows: result.rejectedRows,
      diagnostics: result.diagnostics,
      exitCode: result.rejectedRows > 0 || warned ? ExitCode.WARNING : ExitCode.HEALTHY,
    };
  });
}
