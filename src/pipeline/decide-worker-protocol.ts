import type {RuntimeConfig} from '../config/runtime.js';
import type {EpochMicros} from '../kernel/time.js';
import type {YamlSource} from '../kernel/yaml-source.js';
import type {NetworkSnapshot} from '../model/network.js';
import type {ResolvedSource} from '../sources/config.js';
import type {PendingRawItem} from '../store/decisions-repo.js';
import type {RulePackSnapshot} from '../store/rule-snapshots-repo.js';
import type {DecidedItem, WriteStamp} from './decided-item.js';

/**
 * Where a run's decisions are made. `auto`: in a decide worker thread for runs of at least
 * WORKER_MIN_ITEMS items (below that the worker's start-up costs more than it saves), else in
 * the writer's thread; `always` / `never` force one or the other (tests, measurements).
 */
export type DecideWorkerMode = 'auto' | 'always' | 'never';

export const DECIDE_WORKER_MODES: readonly DecideWorkerMode[] = ['auto', 'always', 'never'];

/*
 * What the writer thread and the decide worker (decide-worker.ts) say to each other. Everything
 * crosses as structured-clone data: the worker rebuilds the pack, the per-source rules and the
 * network index from the same inputs the writer's own came from.
 */

/** A source as it crosses threads: the YAML document of its `suppress:` block goes as text and is parsed again. */
export type PortableSource = Omit<ResolvedSource, 'suppress'> & {suppress: {file: string; text: string; path: (string | number)[]; entries: unknown[]} | null};

export interface DecideWorkerData {
  /** The rule files the writer's pack was compiled from. */
  rules: RulePackSnapshot;
  /** What the worker must compile to: the writer's pack hash and per-source rule ids. */
  expect: {packHash: string; sourceRuleIds: [string, string[]][]};
  sources: PortableSource[];
  network: NetworkSnapshot;
  config: RuntimeConfig;
  now: EpochMicros;
  noSuppress: boolean;
  stamp: WriteStamp;
}

export interface DecideRequest {
  chunk: number;
  items: PendingRawItem[];
}

export type DecideAnswer =
  | {kind: 'ready'; setupMs: number}
  | {kind: 'decided'; chunk: number; decided: DecidedItem[]; busyMs: number}
  | {kind: 'failed'; message: string};

export function portableSource(s: ResolvedSource): PortableSource {
  const {suppress, ...rest} = s;
  return {...rest, suppress: suppress ? {file: suppress.src.file, text: suppress.src.text, path: suppress.path, entries: suppress.entries} : null};
}

/** The source again, its `suppress:` document parsed by `parse` (called once per file and text). */
export function revivedSources(sources: readonly PortableSource[], parse: (text: string, file: string) => YamlSource): ResolvedSource[] {
  const parsed = new Map<string, YamlSource>();
  return sources.map((s) => {
    if (!s.suppress) return {...s, suppress: null};
    const {file, text, path, entries} = s.suppress;
    const key = `${file}\n${text}`;
    let src = parsed.get(key);
    if (!src) parsed.set(key, (src = parse(text, file)));
    return {...s, suppress: {src, path, entries}};
  });
}
