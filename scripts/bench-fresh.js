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
 * Decides a generated workload batch by batch, one fresh `run` process per batch.
 * `prepare` = {generate(dataDir, size), rewriteSources(yaml, clashIds, maxBytes), packIds(home)}.
 */
export function freshRuns({root, work, size, seed, batches, timeV, log, keep, prepare, tag, sinceOf = () => '36500d'}) {
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
  const timingsFile = join(work, `phases-${tag}.jsonl`);
  rmSync(timingsFile, {force: true});
  const runs = [];
  for (const b of manifest.batches) {
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
    runs.push({batch: b.batch, items: b.items, since, seconds: Number(r.seconds.toFixed(3)), cpu_seconds: r.cpuSeconds, per_item_ms: Number(((r.seconds * 1000) / b.items).toFixed(4)), per_item_cpu_ms: r.cpuSeconds === null ? null : Number(((r.cpuSeconds * 1000) / b.items).toFixed(4)), load_average_1m: Number(loadavg()[0].toFixed(2)), peak_rss_mib: r.peakRssBytes === null ? null : Number((r.peakRssBytes / MIB).toFixed(1)), exit_code: r.exitCode, phases_ms: lastPhases(timingsFile)});
    log(`  ${tag} batch ${b.batch}/${manifest.batches.length}: ${b.items} items in ${r.seconds.toFixed(2)} s, peak ${runs.at(-1).peak_rss_mib} MiB (exit ${r.exitCode})`);
  }
  const items = manifest.counts?.items ?? size.items;
  const bytes = dbBytes(home);
  if (!keep) rmSync(home, {recursive: true, force: true});
  return {home: keep ? home : undefined, items, bytes, runs};
}

/** 2,000 / 10,000 and 20,000 / 10,000, one batch each: the issue-19 wall, RSS and size targets. */
export function freshRunBench(opts) {
  const out = [];
  for (const facilities of [2000, 20000]) {
    const tag = `fresh-${facilities}x10000`;
    opts.log(`fresh-process run: ${facilities} facilities / 10,000 items, one batch…`);
    const r = freshRuns({...opts, size: {facilities, items: 10_000}, batches: 1, tag});
    const run = r.runs[0];
    out.push({facilities, items: r.items, wall_seconds: run.seconds, cpu_seconds: run.cpu_seconds, load_average_1m: run.load_average_1m, peak_rss_mib: run.peak_rss_mib, phases_ms: run.phases_ms, db_bytes: r.bytes, db_bytes_per_item: Math.round(r.bytes / r.items), exit_code: run.exit_code});
  }
  return {
    sizes: out,
    large_network_ratio: Number((out[1].wall_seconds / out[0].wall_seconds).toFixed(3)),
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
