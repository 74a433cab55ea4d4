// Fresh-process `hardstop run` measurements (issue 19): each batch is decided by one new
// `node bin/run.js run` process, as cron runs it, wrapped in `/usr/bin/time -v` for its peak
// RSS, with the phase split the CLI appends to HARDSTOP_PHASE_TIMINGS (startup, inputs, fetch,
// decide, write, brief) and the database size per item. Data preparation (generation, init,
// network ingest, feed copies) is not timed.
import {spawnSync} from 'node:child_process';
import {cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {loadavg} from 'node:os';
import {join} from 'node:path';

const MIB = 1024 * 1024;

function dbBytes(home) {
  const db = join(home, 'hardstop.db');
  return ['', '-wal', '-shm'].reduce((n, s) => n + (existsSync(db + s) ? statSync(db + s).size : 0), 0);
}

/** Runs one CLI command as a fresh process; throws on an exit code outside `allow`. */
export function cli(root, home, args, {timeV = null, timingsFile = null, allow = [0, 1]} = {}) {
  const bin = join(root, 'bin', 'run.js');
  const argv = [bin, ...args, '--home', home];
  const env = {...process.env, ...(timingsFile ? {HARDSTOP_PHASE_TIMINGS: timingsFile} : {})};
  const t0 = performance.now();
  const r = timeV
    ? spawnSync(timeV, ['-v', process.execPath, ...argv], {encoding: 'utf8', env, maxBuffer: 64 * MIB})
    : spawnSync(process.execPath, argv, {encoding: 'utf8', env, maxBuffer: 64 * MIB});
  const seconds = (performance.now() - t0) / 1000;
  if (!allow.includes(r.status)) throw new Error(`hardstop ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  // CPU seconds (user + system) stay meaningful when other work shares the machine; wall does not.
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr);
  const cpuSeconds = user && sys ? Number(user[1]) + Number(sys[1]) : null;
  return {seconds, exitCode: r.status, peakRssBytes: m ? Number(m[1]) * 1024 : null, cpuSeconds};
}

/** The phases the timed process appended (the last line is the `run` command's). */
export function lastPhases(file) {
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const last = JSON.parse(lines[lines.length - 1]);
  const out = {};
  for (const [k, v] of Object.entries(last.phases_ms)) out[k] = Math.round(v);
  out.other = Math.round(last.total_ms - Object.values(last.phases_ms).reduce((a, b) => a + b, 0));
  // What the decide worker thread did meanwhile (not part of the main thread's split).
  if (last.worker_phases_ms) out.worker = Object.fromEntries(Object.entries(last.worker_phases_ms).map(([k, v]) => [k, Math.round(v)]));
  return out;
}

/**
 * A home ready to decide a generated workload: generated data, `init`, the network ingested,
 * the feeds copied. `prepare` = {generate(dataDir, size), rewriteSources(yaml, clashIds,
 * maxBytes), packIds(home)}.
 */
function prepareHome({root, work, size, seed, batches, prepare, tag}) {
  const dataDir = join(work, `data-${tag}`);
  const home = join(work, `home-${tag}`);
  rmSync(home, {recursive: true, force: true});
  prepare.generate(dataDir, {facilities: size.facilities, items: size.items, seed, batches});
  const manifest = JSON.parse(readFileSync(join(dataDir, 'manifest.json'), 'utf8'));
  cli(root, home, ['init']);
  for (const f of ['facilities.csv', 'lanes.csv', 'shipments.csv']) cpSync(join(dataDir, 'network', f), join(home, 'network', f));
  cpSync(join(dataDir, 'feeds'), join(home, 'feeds'), {recursive: true});
  const clash = prepare.packIds(home);
  cli(root, home, ['ingest', '--now', manifest.batches[0].first_published]);
  return {dataDir, home, manifest, clash};
}

/** Runs batch `b` of a prepared home as one timed fresh `run` process. */
function timeBatch({root, timeV, prepare, sinceOf = () => '36500d'}, {dataDir, manifest, clash}, home, b, timingsFile) {
  const yaml = readFileSync(join(dataDir, b.dir, 'sources.yaml'), 'utf8');
  let largest = 0;
  for (const s of manifest.sources ?? []) {
    const f = join(dataDir, b.dir, s.file);
    if (existsSync(f)) largest = Math.max(largest, statSync(f).size);
  }
  const maxBytes = Math.max(5 * MIB, 2 ** Math.ceil(Math.log2(largest + 1)));
  writeFileSync(join(home, 'config', 'sources.yaml'), prepare.rewriteSources(yaml, clash, maxBytes));
  const since = sinceOf(b);
  const r = cli(root, home, ['run', '--now', b.last_published, '--since', since], {timeV, timingsFile});
  return {batch: b.batch, items: b.items, since, seconds: Number(r.seconds.toFixed(3)), cpu_seconds: r.cpuSeconds, per_item_ms: Number(((r.seconds * 1000) / b.items).toFixed(4)), per_item_cpu_ms: r.cpuSeconds === null ? null : Number(((r.cpuSeconds * 1000) / b.items).toFixed(4)), load_average_1m: Number(loadavg()[0].toFixed(2)), peak_rss_mib: r.peakRssBytes === null ? null : Number((r.peakRssBytes / MIB).toFixed(1)), exit_code: r.exitCode, phases_ms: lastPhases(timingsFile)};
}

/** Decides a generated workload batch by batch, one fresh `run` process per batch. */
export function freshRuns(opts) {
  const {work, keep, log, tag} = opts;
  const prepared = prepareHome(opts);
  const timingsFile = join(work, `phases-${tag}.jsonl`);
  rmSync(timingsFile, {force: true});
  const runs = [];
  for (const b of prepared.manifest.batches) {
    runs.push(timeBatch(opts, prepared, prepared.home, b, timingsFile));
    log(`  ${tag} batch ${b.batch}/${prepared.manifest.batches.length}: ${b.items} items in ${runs.at(-1).seconds.toFixed(2)} s, peak ${runs.at(-1).peak_rss_mib} MiB (exit ${runs.at(-1).exit_code})`);
  }
  const items = prepared.manifest.counts?.items ?? opts.size.items;
  const bytes = dbBytes(prepared.home);
  if (!keep) rmSync(prepared.home, {recursive: true, force: true});
  return {home: keep ? prepared.home : undefined, items, bytes, runs};
}

/** Median of the numbers in `xs` (nulls skipped; null when none). */
export function median(xs) {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const FRESH_SIZES = [2000, 20000];

/**
 * 2,000 / 10,000 and 20,000 / 10,000, one batch each: the issue-19 wall, RSS and size targets.
 * Each size's home is prepared once; then the two sizes run alternately `rounds` times, each
 * round on a fresh copy, so that a drift of the machine's speed touches both alike. Figures are
 * medians over the rounds; the large-network ratio is the median of the rounds' own ratios.
 */
export function freshRunBench(opts) {
  const rounds = opts.rounds ?? 3;
  const prepared = FRESH_SIZES.map((facilities) => {
    const tag = `fresh-${facilities}x10000`;
    opts.log(`fresh-process run: preparing ${facilities} facilities / 10,000 items…`);
    return {facilities, tag, ...prepareHome({...opts, size: {facilities, items: 10_000}, batches: 1, tag})};
  });
  const results = prepared.map(() => []);
  const bytes = prepared.map(() => 0);
  for (let round = 1; round <= rounds; round++) {
    prepared.forEach((p, i) => {
      const home = `${p.home}-round`;
      rmSync(home, {recursive: true, force: true});
      cpSync(p.home, home, {recursive: true});
      const timingsFile = join(opts.work, `phases-${p.tag}.jsonl`);
      const run = timeBatch(opts, p, home, p.manifest.batches[0], timingsFile);
      results[i].push(run);
      bytes[i] = dbBytes(home);
      opts.log(`  round ${round}/${rounds}, ${p.facilities} facilities: ${run.seconds.toFixed(2)} s, CPU ${run.cpu_seconds?.toFixed(2)} s, peak ${run.peak_rss_mib} MiB (exit ${run.exit_code})`);
      if (!opts.keep || round < rounds) rmSync(home, {recursive: true, force: true});
    });
  }
  const sizes = prepared.map((p, i) => {
    const runs = results[i];
    const items = p.manifest.counts?.items ?? 10_000;
    const byWall = [...runs].sort((a, b) => a.seconds - b.seconds);
    return {
      facilities: p.facilities,
      items,
      rounds: runs.map((r) => ({wall_seconds: r.seconds, cpu_seconds: r.cpu_seconds, peak_rss_mib: r.peak_rss_mib, load_average_1m: r.load_average_1m, exit_code: r.exit_code})),
      wall_seconds: median(runs.map((r) => r.seconds)),
      cpu_seconds: median(runs.map((r) => r.cpu_seconds)),
      peak_rss_mib: median(runs.map((r) => r.peak_rss_mib)),
      phases_ms_of_median_round: byWall[Math.floor((byWall.length - 1) / 2)].phases_ms,
      db_bytes: bytes[i],
      db_bytes_per_item: Math.round(bytes[i] / items),
      exit_codes: [...new Set(runs.map((r) => r.exit_code))],
    };
  });
  if (!opts.keep) for (const p of prepared) rmSync(p.home, {recursive: true, force: true});
  const ratio = (key) => {
    const perRound = results[0].map((r, k) => (r[key] && results[1][k][key] ? results[1][k][key] / r[key] : null));
    return Number(median(perRound).toFixed(3));
  };
  return {
    rounds,
    sizes,
    large_network_ratio: ratio('seconds'),
    large_network_cpu_ratio: ratio('cpu_seconds'),
    targets: {wall_seconds_at_most: 3, peak_rss_mib_at_most: 150, large_network_ratio_at_most: 1.2, db_bytes_per_item_at_most: 5000},
  };
}

/** The `--since` window that covers a batch: from its first to its last published item, in whole hours. */
export function batchWindow(batch) {
  const spanMs = Date.parse(batch.last_published) - Date.parse(batch.first_published);
  return `${Math.ceil(spanMs / 3_600_000) + 1}h`;
}

/** `--huge`: 1,000,000 items over 20,000 facilities in the generator's batches, one fresh run each. */
export function hugeBench(opts) {
  const batches = 20;
  opts.log(`huge: 20,000 facilities / 1,000,000 items in ${batches} batches, one fresh run per batch…`);
  // Each batch's run covers its own span, as a backfill run batch by batch would: with one
  // window over all history the brief of batch k reads every alert of batches 1..k (0.4 s at
  // batch 1, 15 s at batch 20), which measures the window, not the cost per item.
  const r = freshRuns({...opts, size: {facilities: 20_000, items: 1_000_000}, batches, tag: 'huge-20000x1000000', sinceOf: batchWindow});
  const total = r.runs.reduce((a, x) => a + x.seconds, 0);
  const first = r.runs[0];
  const last = r.runs[r.runs.length - 1];
  return {
    facilities: 20_000,
    items: r.items,
    batches: r.runs.length,
    total_seconds: Number(total.toFixed(1)),
    peak_rss_mib: Math.max(...r.runs.map((x) => x.peak_rss_mib ?? 0)),
    per_item_ms_first_batch: first.per_item_ms,
    per_item_ms_last_batch: last.per_item_ms,
    per_item_cost_ratio_last_to_first: Number((last.per_item_ms / first.per_item_ms).toFixed(3)),
    total_cpu_seconds: r.runs.every((x) => x.cpu_seconds !== null) ? Number(r.runs.reduce((a, x) => a + x.cpu_seconds, 0).toFixed(1)) : null,
    per_item_cpu_ms_first_batch: first.per_item_cpu_ms,
    per_item_cpu_ms_last_batch: last.per_item_cpu_ms,
    db_bytes: r.bytes,
    db_bytes_per_item: Math.round(r.bytes / r.items),
    runs: r.runs,
    targets: {total_seconds_at_most: 300, peak_rss_mib_at_most: 512},
  };
}
