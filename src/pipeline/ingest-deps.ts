import type {Home} from '../config/home.js';
import type {RuntimeConfig} from '../config/runtime.js';
import type {EpochMicros} from '../kernel/time.js';
import type {NetworkSnapshot} from '../model/network.js';
import type {SuppressRule} from '../rules/model.js';
import type {CompiledRulePack} from '../rules/pack.js';
import type {ResolvedSource} from '../sources/config.js';
import type {Store} from '../store/db.js';
import type {RulePackSnapshot} from '../store/rule-snapshots-repo.js';
import type {DecideWorkerOptions} from './decide-ahead.js';

/** Items committed per IMMEDIATE transaction (each item in its own savepoint inside it). */
export const ITEMS_PER_TRANSACTION = 256;

export interface IngestDeps {
  store: Store;
  home: Home;
  config: RuntimeConfig;
  sources: readonly ResolvedSource[];
  pack: CompiledRulePack;
  /** Compiled per-source suppression rules by source id. */
  sourceRules: ReadonlyMap<string, readonly SuppressRule[]>;
  network: NetworkSnapshot;
  /** The rule files `pack` was compiled from: a decide worker rebuilds the pack from them. Without them every item is decided in this thread. */
  rulesSnapshot?: RulePackSnapshot;
}

export interface IngestOptions {
  sourceId?: string;
  /** Only items fetched at or after this instant. */
  sinceMicros?: EpochMicros;
  limit?: number;
  noSuppress?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Where items are decided (default `auto`: a worker thread for runs of 512 items and more). */
  decideWorker?: DecideWorkerOptions;
}
