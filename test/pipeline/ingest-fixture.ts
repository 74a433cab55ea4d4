import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {Home} from '../../src/config/home.js';
import {RUNTIME_DEFAULTS} from '../../src/config/runtime.js';
import {PinnedClock} from '../../src/kernel/clock.js';
import {RunGroup} from '../../src/kernel/run-group.js';
import type {RunRecord} from '../../src/kernel/run-record.js';
import {parseIsoInstant} from '../../src/kernel/time.js';
import type {NetworkSnapshot} from '../../src/model/network.js';
import type {IngestDeps} from '../../src/pipeline/ingest-deps.js';
import {compileSourceRules} from '../../src/pipeline/source-rules.js';
import {loadRulePack, type LoadResult} from '../../src/rules/loader.js';
import {loadSourcesConfig} from '../../src/sources/config.js';
import {Store} from '../../src/store/db.js';
import {ROOT, tempHome} from '../helpers/cli.js';
import {fac, lane, shipment} from './link-fixtures.js';

/** The ingest path in-process: a migrated store in a temp home, the shipped pack, a pinned run clock. */

/** The shipped rule pack, compiled once per test file (with the texts it compiled). */
export const SHIPPED_RULES: LoadResult & {pack: NonNullable<LoadResult['pack']>} = (() => {
  const r = loadRulePack('rules/supply-chain', {cwd: ROOT});
  if (!r.pack) throw new Error(`shipped pack does not compile: ${JSON.stringify(r.diagnostics)}`);
  return r as LoadResult & {pack: NonNullable<LoadResult['pack']>};
})();

/** A small network where DC-02 has a high-volume lane and a priority shipment in the window (SC-3). */
export function smallNetwork(): NetworkSnapshot {
  return {
    facilities: [
      fac('PLANT-01', 'Avon Chemical Manufacturing', 'PLANT', 'Avon', 'IN', {criticality_score: 8, state_code: 'IN'}),
      fac('DC-01', 'Memphis Logistics Hub', 'DC', 'Memphis', 'TN', {criticality_score: 7, state_code: 'TN'}),
      fac('DC-02', 'Atlanta Distribution Center', 'DC', 'Atlanta', 'GA', {criticality_score: 5, state_code: 'GA'}),
    ],
    lanes: [
      {...lane('LANE-001', 'PLANT-01', 'DC-01'), volume_score: 8},
      {...lane('LANE-002', 'PLANT-01', 'DC-02'), volume_score: 7},
    ],
    shipments: [
      shipment('SHP-1001', 'LANE-001', {status: 'IN_TRANSIT', ship_date: '2025-12-28', eta_date: '2025-12-31', priority_flag: 1}),
      shipment('SHP-1003', 'LANE-002', {status: 'IN_TRANSIT', ship_date: '2025-12-28', eta_date: '2026-01-02', priority_flag: 1}),
    ],
  };
}

export interface IngestFixture {
  dir: string;
  store: Store;
  /** The RunRecords the group wrote. */
  records: RunRecord[];
  group: RunGroup;
  deps: IngestDeps;
}

/**
 * A temp home (added to `dirs` for cleanup) with `sourcesYaml`, a migrated store, the shipped
 * pack with the sources' own rules, the small network and a strict run group pinned at `now`.
 */
export function ingestFixture(sourcesYaml: string, now: string, dirs: string[]): IngestFixture {
  const dir = tempHome('hardstop-ingest-');
  dirs.push(dir);
  mkdirSync(join(dir, 'config'), {recursive: true});
  writeFileSync(join(dir, 'config', 'sources.yaml'), sourcesYaml);
  const home = new Home(dir);
  const sourcesConfig = loadSourcesConfig(home, {runtime: RUNTIME_DEFAULTS});
  const errors = sourcesConfig.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(JSON.stringify(errors));
  const store = Store.open(join(dir, 'hardstop.db'));
  store.migrate();
  const records: RunRecord[] = [];
  const group = new RunGroup({
    command: 'ingest-external',
    args: {},
    clock: new PinnedClock((parseIsoInstant(now) as {micros: number}).micros),
    mode: 'strict',
    configHash: 'test-config',
    version: '0.0.0-test',
    sink: {write: (r) => void records.push(r)},
  });
  const pack = SHIPPED_RULES.pack;
  const deps: IngestDeps = {
    store,
    home,
    config: RUNTIME_DEFAULTS,
    sources: sourcesConfig.sources,
    pack,
    sourceRules: compileSourceRules(pack, sourcesConfig.sources).rules,
    network: smallNetwork(),
  };
  return {dir, store, records, group, deps};
}
