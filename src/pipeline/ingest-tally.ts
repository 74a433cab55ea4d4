import type {Diagnostic} from '../kernel/diagnostic.js';
import type {ResolvedSource} from '../sources/config.js';

/** What happened to each item: the decisions export reads the same facts from the store. */
export interface IngestCounts {
  processed: number;
  suppressed: number;
  events_created: number;
  alerts_created: number;
  alerts_updated: number;
  failed: number;
}

export function zeroCounts(): IngestCounts {
  return {processed: 0, suppressed: 0, events_created: 0, alerts_created: 0, alerts_updated: 0, failed: 0};
}

export type SourceTally = IngestCounts & {suppression_reason_counts: Record<string, number>; errors: string[]};
type Ref = {id: string; hash: string};

/** Everything the item loop counts and names: counts per source and in all, and the RunRecord refs. */
export class IngestTally {
  readonly counts = zeroCounts();
  readonly perSource = new Map<string, SourceTally>();
  readonly diagnostics: Diagnostic[] = [];
  readonly evidenceFiles: string[] = [];
  /** Refs of the per-item artifacts the store cannot name by run group; alert versions and their evidence are read back from the store. */
  readonly refs = {raw: [] as Ref[], events: [] as Ref[], suppressions: [] as Ref[]};

  constructor(sources: readonly ResolvedSource[]) {
    for (const s of sources) this.perSource.set(s.id, {...zeroCounts(), suppression_reason_counts: {}, errors: []});
  }

  /** One more for a counter of the source and of the total. */
  count(sc: SourceTally, key: keyof IngestCounts): void {
    sc[key]++;
    this.counts[key]++;
  }
}
