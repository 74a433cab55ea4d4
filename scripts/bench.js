#!/usr/bin/env node
// Hardstop benchmark (issue 5, item 10; issue 3 rule evaluations; issue 4 parser memory;
// issue 15 sinks: scripts/sinks-bench.ts).
//
//   npm run bench                        # 2,000 / 10,000 and 20,000 / 100,000
//   npm run bench -- --small             # 2,000 / 10,000 only
//   npm run bench -- --sizes 200x1000,2000x10000 [--seed 7] [--batches 10] [--keep] [--verbose]
//   npm run bench -- --quality-only [--quality-seeds 11,29]   # decision quality only (issue 18)
//   npm run bench -- --no-quality        # skip the decision-quality runs
//   npm run bench -- --only rules-diff   # the 10,000-item set and `rules diff` over it, nothing else
//   npm run bench -- --fresh-only [--fresh-rounds 3]   # fresh-process `run` of 2,000 and 20,000 / 10,000, one batch, sizes alternating (issue 19)
//   npm run bench -- --noop-only         # the no-op incremental run: second identical `run` over the golden home (issue 19)
//   npm run bench -- --huge              # 20,000 / 1,000,000 in 20 batches, one fresh `run` each (not in CI)
//
// One JSON document on stdout; progress on stderr. docs/BENCHMARK.md explains every figure.
//
// Layout: the parent generates the data (python3 gen_feeds.py, not timed), then runs the whole
// pipeline for one size in a child node process (`--worker`), wrapped in `/usr/bin/time -v` when
// present so peak RSS is that of the Hardstop process alone. The worker drives the real CLI
// commands in-process through oclif (init, ingest, then `run --now <batch end>` per batch, then
// `export decisions`), so there is one Node start-up per size instead of one per batch. The parent
// then scores predictions.jsonl with the generator's score.py.
import {spawn, spawnSync} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {decisionQuality} from './decision-quality.js';
import {cli as freshCli, freshRunBench, hugeBench, lastPhases} from './bench-fresh.js';
import {noopRunBench} from './bench-noop.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const log = (s) => process.stderr.write(`bench: ${s}\n`);

// ---------------------------------------------------------------------------------------------
// Worker: one size, in-process CLI commands.
// ---------------------------------------------------------------------------------------------

/** Rewrites a generated per-batch sources.yaml: file:// URLs inside the home, and source rule ids
 *  that would clash with the shipped pack's rule ids get a `bench_` prefix. */
function rewriteSources(text, clashIds, maxBytes) {
  let out = text.replace(/url: "\.\/feeds\//g, 'url: "file://feeds/');
  // At 100k items a batch's NWS file is ~7 MB, above the 5 MiB default response cap.
  out = out.replace(/^defaults:\n/m, `defaults:\n  max_bytes: ${maxBytes}\n`);
  out = out.replace(/^(\s*-\s*id:\s*)([A-Za-z0-9_.-]+)\s*$/gm, (m, pre, id) => (clashIds.has(id) ? `${pre}bench_${id}` : m));
  return out;
}

/**
 * A candidate pack for `rules diff`: the home's rules with a score modifier raised by 1 and a new
 * suppress rule, so that the diff has changes to trace on every item it touches.
 */
function writeCandidateRules(home) {
  const dir = join(home, 'candidate-rules', 'supply-chain');
  cpSync(join(home, 'rules', 'supply-chain'), dir, {recursive: true});
  const scoring = join(dir, 'scoring.yaml');
  writeFileSync(scoring, readFileSync(scoring, 'utf8').replace('when: trust_tier == 3\n    add: 1\n', 'when: trust_tier == 3\n    add: 2\n'));
  const suppression = join(dir, 'suppression.yaml');
  const rule = '  - id: bench_candidate_closures\n    reason_code: BENCH\n    when: event.title icontains "closed"\n\n';
  writeFileSync(suppression, readFileSync(suppression, 'utf8').replace(/^suppress:\n/m, `suppress:\n${rule}`));
  return dir;
}

/** Shipped pack rule ids: a bench source rule with the same id would be a duplicate id. */
function packIdsOf(home) {
  const ids = new Set();
  for (const f of readdirSync(join(home, 'rules'), {recursive: true})) {
    if (!/\.ya?ml$/.test(f)) continue;
    for (const m of readFileSync(join(home, 'rules', f), 'utf8').matchAll(/^\s*-\s*id:\s*([A-Za-z0-9_.-]+)\s*$/gm)) ids.add(m[1]);
  }
  return ids;
}

/**
 * `rules diff` again as a fresh process, as CI runs it: wall and CPU seconds, peak RSS, and the
 * phase split (the main thread's phases, and each worker thread's setup and items apart; the
 * thread count is 1 + the worker threads that reported).
 */
function freshRulesDiff(home, candidate, now) {
  const timingsFile = join(home, 'rules-diff-phases.jsonl');
  rmSync(timingsFile, {force: true});
  const timeV = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const load = loadavg()[0];
  const r = freshCli(root, home, ['rules', 'diff', '--rules', candidate, '--since', '36500d', '--now', now, '--format', 'json'], {timeV, timingsFile});
  const phases = lastPhases(timingsFile);
  const workerItems = Object.keys(phases?.worker ?? {}).filter((k) => k.endsWith('_items')).length;
  return {
    seconds: r.seconds,
    cpu_seconds: r.cpuSeconds,
    peak_rss_bytes: r.peakRssBytes,
    load_average_1m: load,
    exit_code: r.exitCode,
    threads: 1 + workerItems,
    phases_ms: phases,
  };
}

async function worker(dataDir, home, outFile, verbose, rulesDiff) {
  const {run} = await import('@oclif/core');
  const binUrl = pathToFileURL(join(root, 'bin', 'run.js')).href;
  const realStdout = process.stdout.write.bind(process.stdout);
  // Command output (status lines, summaries) goes to stderr when verbose, else nowhere.
  let captured = null;
  process.stdout.write = (chunk, ...rest) => {
    if (captured !== null) captured += chunk;
    if (verbose) process.stderr.write(chunk);
    const cb = rest.find((x) => typeof x === 'function');
    if (cb) cb();
    return true;
  };
  const clock = () => performance.now();
  const phases = {};
  const cli = async (name, args, allow = [0, 1]) => {
    process.exitCode = 0;
    const t0 = clock();
    await run([...args, '--home', home], binUrl);
    const ms = clock() - t0;
    const code = process.exitCode ?? 0;
    process.exitCode = 0;
    if (!allow.includes(code)) throw new Error(`hardstop ${args.join(' ')} exited ${code}`);
    phases[name] = (phases[name] ?? 0) + ms;
    return {ms, code};
  };

  const manifest = JSON.parse(readFileSync(join(dataDir, 'manifest.json'), 'utf8'));
  const tAll = clock();
  await cli('init', ['init']);
  // Network CSVs: the generated ones replace the samples `init` wrote.
  for (const f of ['facilities.csv', 'lanes.csv', 'shipments.csv']) cpSync(join(dataDir, 'network', f), join(home, 'network', f));
  // Feeds must live under the home (file:// URLs are home-relative); copying is data preparation, not timed.
  const tCopy = clock();
  cpSync(join(dataDir, 'feeds'), join(home, 'feeds'), {recursive: true});
  const copyMs = clock() - tCopy;
  const packIds = packIdsOf(home);
  const lastNow = manifest.batches[manifest.batches.length - 1].last_published;
  await cli('ingest', ['ingest', '--now', manifest.batches[0].first_published]);
  const batches = [];
  for (const b of manifest.batches) {
    const yaml = readFileSync(join(dataDir, b.dir, 'sources.yaml'), 'utf8');
    let largest = 0;
    for (const f of readdirSync(join(dataDir, b.dir))) largest = Math.max(largest, statSync(join(dataDir, b.dir, f)).size);
    const maxBytes = Math.max(5 * 1024 * 1024, 2 ** Math.ceil(Math.log2(largest + 1)));
    writeFileSync(join(home, 'config', 'sources.yaml'), rewriteSources(yaml, packIds, maxBytes));
    const r = await cli('run', ['run', '--now', b.last_published, '--since', '36500d']);
    batches.push({batch: b.batch, items: b.items, now: b.last_published, seconds: r.ms / 1000, exit_code: r.code});
    log(`  batch ${b.batch}/${manifest.batches.length}: ${b.items} items in ${(r.ms / 1000).toFixed(2)} s (exit ${r.code})`);
  }
  await cli('export', ['export', 'decisions', '--out', join(home, 'predictions.jsonl'), '--now', lastNow]);
  const totalMs = clock() - tAll - copyMs;
  let rulesDiffResult;
  if (rulesDiff) {
    // Every stored item, recomputed under the recorded rules and a candidate pack (issue 17).
    const candidate = writeCandidateRules(home);
    captured = '';
    const cpu0 = process.cpuUsage();
    const r = await cli('rules_diff', ['rules', 'diff', '--rules', candidate, '--since', '36500d', '--now', lastNow, '--format', 'json']);
    const report = JSON.parse(captured);
    captured = null;
    const cpu = process.cpuUsage(cpu0);
    rulesDiffResult = {
      seconds: r.ms / 1000,
      // CPU time of the command (user + system): wall time on a shared, loaded machine is not its cost.
      cpu_seconds: (cpu.user + cpu.system) / 1e6,
      load_average_1m: (await import('node:os')).loadavg()[0],
      exit_code: r.code,
      items_compared: report.items_compared,
      items_changed: report.summary.items_changed,
      items_failing: report.summary.items_failing,
      by_kind: report.summary.by_kind,
    };
    log(`  rules diff: ${report.items_compared} items in ${(r.ms / 1000).toFixed(2)} s, ${report.summary.items_changed} changed (exit ${r.code})`);
    rulesDiffResult.fresh = freshRulesDiff(home, candidate, lastNow);
    rulesDiffResult.threads = rulesDiffResult.fresh.threads;
    log(`  rules diff, fresh process: ${rulesDiffResult.fresh.seconds.toFixed(2)} s, ${rulesDiffResult.fresh.cpu_seconds} CPU s on ${rulesDiffResult.fresh.threads} thread(s)`);
  }
  process.stdout.write = realStdout;
  const ru = process.resourceUsage();
  writeFileSync(
    outFile,
    JSON.stringify({
      phases_seconds: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, v / 1000])),
      total_seconds: totalMs / 1000,
      batches,
      rules_diff: rulesDiffResult,
      max_rss_bytes: ru.maxRSS * 1024,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Parent
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = {sizes: null, small: false, seed: 7, batches: 10, keep: false, verbose: false, workDir: null, only: null, qualitySeeds: [11, 29], quality: true, qualityOnly: false, fresh: true, freshOnly: false, huge: false, noopOnly: false, freshRounds: 3};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--small') o.small = true;
    else if (a === '--sizes') o.sizes = argv[++i];
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--batches') o.batches = Number(argv[++i]);
    else if (a === '--keep') o.keep = true;
    else if (a === '--verbose') o.verbose = true;
    else if (a === '--dir') o.workDir = resolve(argv[++i]);
    else if (a === '--quality-seeds') o.qualitySeeds = argv[++i].split(',').map(Number);
    else if (a === '--no-quality') o.quality = false;
    else if (a === '--quality-only') o.qualityOnly = true;
    else if (a === '--only' && argv[i + 1] === 'rules-diff') o.only = argv[++i];
    else if (a === '--fresh-only') o.freshOnly = true;
    else if (a === '--no-fresh') o.fresh = false;
    else if (a === '--fresh-rounds') o.freshRounds = Number(argv[++i]);
    else if (a === '--huge') o.huge = true;
    else if (a === '--noop-only') o.noopOnly = true;
    else {
      log(`unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(o.freshRounds) || o.freshRounds < 1) {
    log('--fresh-rounds expects a whole number of rounds, e.g. 3');
    process.exit(2);
  }
  if (o.qualitySeeds.some((x) => !Number.isInteger(x))) {
    log('--quality-seeds expects integers, e.g. 11,29');
    process.exit(2);
  }
  const spec = o.sizes ?? (o.small || o.only ? '2000x10000' : '2000x10000,20000x100000');
  o.sizeList = spec.split(',').map((s) => {
    const m = /^(\d+)x(\d+)$/.exec(s.trim());
    if (!m) {
      log(`--sizes expects FACILITIESxITEMS[,...], got "${s}"`);
      process.exit(2);
    }
    return {facilities: Number(m[1]), items: Number(m[2])};
  });
  return o;
}

function findSharedBench() {
  const candidates = [process.env.HARDSTOP_BENCH_DIR, join(root, '..', 'shared', 'bench'), join(root, '..', '..', 'shared', 'bench')].filter(Boolean);
  for (const c of candidates) if (existsSync(join(c, 'gen_feeds.py')) && existsSync(join(c, 'score.py'))) return resolve(c);
  return null;
}

function dirBytes(p) {
  let n = 0;
  for (const f of readdirSync(p)) {
    const s = statSync(join(p, f));
    n += s.isDirectory() ? dirBytes(join(p, f)) : s.size;
  }
  return n;
}

/** `/usr/bin/time -v` output → peak RSS bytes. */
function timeVPeak(stderr) {
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return m ? Number(m[1]) * 1024 : null;
}

const round = (x, d = 4) => (x == null || !Number.isFinite(x) ? x : Number(x.toFixed(d)));

async function ruleBench() {
  const {loadRulePack} = await import(pathToFileURL(join(root, 'dist', 'rules', 'loader.js')).href);
  const {benchRuleEvaluations, benchTypeEvaluations} = await import(pathToFileURL(join(root, 'dist', 'rules', 'bench.js')).href);
  const loaded = loadRulePack(join(root, 'rules', 'supply-chain'), {cwd: root});
  if (!loaded.pack) return {error: 'the shipped pack does not compile'};
  const clock = () => performance.now();
  benchRuleEvaluations(loaded.pack, 20_000, clock); // warm-up
  const r = benchRuleEvaluations(loaded.pack, 200_000, clock);
  benchTypeEvaluations(loaded.pack, 2_000, clock); // warm-up
  const t = benchTypeEvaluations(loaded.pack, 20_000, clock);
  return {
    pack: 'rules/supply-chain', evaluations: r.evaluations, seconds: round(r.seconds), evaluations_per_second: Math.round(r.perSecond), target_per_second: 1_000_000,
    type_evaluations: t.evaluations, type_seconds: round(t.seconds), type_evaluations_per_second: Math.round(t.perSecond),
  };
}

/** Parser memory/time: each case in its own child so the RSS delta is not polluted. */
function parserBench() {
  const out = {};
  for (const kind of ['billion_laughs', 'body_100mb']) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--parser-case', kind], {encoding: 'utf8', maxBuffer: 1 << 20});
    try {
      out[kind] = JSON.parse(r.stdout);
    } catch {
      out[kind] = {error: `child failed (exit ${r.status}): ${r.stderr.slice(0, 400)}`};
    }
  }
  return out;
}

async function parserCase(kind) {
  const {parseFeed, DEFAULT_MAX_FEED_BYTES} = await import(pathToFileURL(join(root, 'dist', 'sources', 'parse-feed.js')).href);
  let body;
  if (kind === 'billion_laughs') {
    const ents = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) ents.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    body = Buffer.from(`<?xml version="1.0"?>\n<!DOCTYPE lolz [\n ${ents.join('\n ')}\n]>\n<rss version="2.0"><channel><item><title>&lol9;</title></item></channel></rss>`);
  } else {
    // A 100 MB RSS body: the fetcher would stop reading at the cap; here the whole buffer is handed
    // to the parser, which must refuse it by size before parsing.
    const item = '<item><title>x</title><description>' + 'y'.repeat(1000) + '</description></item>';
    const head = '<?xml version="1.0"?><rss version="2.0"><channel>';
    const n = Math.ceil((100 * 1024 * 1024 - head.length) / item.length);
    body = Buffer.from(head + item.repeat(n) + '</channel></rss>');
  }
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let error = null;
  let items = null;
  try {
    items = parseFeed(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), {type: 'rss'}).items.length;
  } catch (e) {
    error = e.code ?? e.message;
  }
  const ms = performance.now() - t0;
  const rss1 = process.memoryUsage().rss;
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(
    JSON.stringify({
      body_bytes: body.byteLength,
      max_bytes_cap: DEFAULT_MAX_FEED_BYTES,
      rejected: error !== null,
      error,
      items,
      elapsed_ms: round(ms, 2),
      rss_delta_bytes: rss1 - rss0,
      process_peak_rss_bytes: peak,
    }),
  );
}

function scorePredictions(sharedBench, truth, pred) {
  if (!sharedBench) return {error: 'score.py not found (looked for ../shared/bench relative to the repo, or $HARDSTOP_BENCH_DIR)'};
  const r = spawnSync('python3', [join(sharedBench, 'score.py'), '--truth', truth, '--pred', pred], {encoding: 'utf8', maxBuffer: 256 << 20});
  if (r.status !== 0) return {error: `score.py exited ${r.status}: ${r.stderr.slice(0, 400)}`};
  return JSON.parse(r.stdout);
}

/**
 * Figures score.py does not give: suppressions per primary rule, suppression scored as if the
 * spec's NWS_EXPIRED rule (pipeline.md §3.9, which the truth does not model) had not fired, and
 * how many truth pairs were lost because an item was suppressed as expired.
 */
function extraScores(truthPath, predPath, expiredRule = 'nws_expired') {
  const pred = new Map();
  for (const line of readFileSync(predPath, 'utf8').split('\n')) {
    if (!line) continue;
    const p = JSON.parse(line);
    pred.set(p.item_id, p);
  }
  const byRule = {};
  let tp = 0, fp = 0, fn = 0, tn = 0, expired = 0, expiredLinked = 0;
  const incidents = new Map();
  for (const line of readFileSync(truthPath, 'utf8').split('\n')) {
    if (!line) continue;
    const t = JSON.parse(line);
    const p = pred.get(t.item_id);
    const primary = p?.suppressed ? (p.suppression_rule_ids?.[0] ?? 'unknown') : null;
    if (primary) byRule[primary] = (byRule[primary] ?? 0) + 1;
    const isExpired = primary === expiredRule;
    if (isExpired) {
      expired++;
      if ((t.expected_facility_ids ?? []).length > 0) expiredLinked++;
    }
    const s = Boolean(p?.suppressed) && !isExpired;
    if (t.expected_suppressed) s ? tp++ : fn++;
    else s ? fp++ : tn++;
    if (!t.expected_suppressed && t.expected_incident) {
      const c = incidents.get(t.expected_incident) ?? {n: 0, k: 0};
      c.n++;
      if (isExpired) c.k++;
      incidents.set(t.expected_incident, c);
    }
  }
  let pairsTouchingExpired = 0;
  for (const {n, k} of incidents.values()) pairsTouchingExpired += (n * (n - 1)) / 2 - ((n - k) * (n - k - 1)) / 2;
  const total = tp + fp + fn + tn;
  return {
    suppressed_by_primary_rule: Object.fromEntries(Object.entries(byRule).sort()),
    nws_expired_suppressed_items: expired,
    nws_expired_items_the_truth_links: expiredLinked,
    truth_pairs_touching_nws_expired_items: pairsTouchingExpired,
    suppression_without_nws_expired: {
      accuracy: round((tp + tn) / total, 6),
      precision: round(tp + fp ? tp / (tp + fp) : 0, 6),
      recall: round(tp + fn ? tp / (tp + fn) : 0, 6),
      fp,
      fn,
    },
  };
}

/** Generates one workload (unless already there) with gen_feeds.py; not timed. */
function generate(sharedBench, corpus, dataDir, {facilities, items, seed, batches}) {
  if (existsSync(join(dataDir, 'manifest.json'))) return;
  log(`generating ${facilities} facilities / ${items} items, seed ${seed}, ${batches} batch(es)…`);
  const g = spawnSync(
    'python3',
    [join(sharedBench, 'gen_feeds.py'), '--facilities', String(facilities), '--items', String(items), '--seed', String(seed), '--batches', String(batches), '--out', dataDir, '--corpus', corpus],
    {encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe']},
  );
  if (g.status !== 0) throw new Error(`gen_feeds.py failed: ${g.stderr}`);
}

/** The issue-18 targets: 500 facilities, 5,000 items, one batch, on seeds the tests do not use. */
export const QUALITY_SIZE = {facilities: 500, items: 5000, batches: 1};

/**
 * Decision quality on one seed: score.py's suppression, link and incident figures plus type
 * accuracy, the type confusion matrix and incident pairs per truth kind (decision-quality.js).
 */
function qualityRun(sharedBench, corpus, work, seed, opts) {
  const tag = `quality-seed${seed}`;
  const dataDir = join(work, `data-${tag}`);
  const home = join(work, `home-${tag}`);
  rmSync(home, {recursive: true, force: true});
  generate(sharedBench, corpus, dataDir, {...QUALITY_SIZE, seed});
  log(`decision quality, seed ${seed}: running the pipeline in ${home}…`);
  const outFile = join(work, `worker-${tag}.json`);
  const w = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--worker', dataDir, home, outFile, ...(opts.verbose ? ['--verbose'] : [])], {stdio: ['ignore', 'ignore', 'inherit']});
  if (w.status !== 0) return {seed, error: `pipeline worker failed (exit ${w.status})`};
  const truth = join(dataDir, 'truth.jsonl');
  const pred = join(home, 'predictions.jsonl');
  const score = scorePredictions(sharedBench, truth, pred);
  const extra = extraScores(truth, pred);
  const quality = decisionQuality(truth, pred);
  if (!opts.keep) rmSync(home, {recursive: true, force: true});
  return {
    seed,
    ...QUALITY_SIZE,
    suppression_without_nws_expired: extra.suppression_without_nws_expired,
    facility_link: {score_py: {precision: score.facility_link?.precision, recall: score.facility_link?.recall, f1: score.facility_link?.f1}, without_nws_expired: quality.facility_link},
    event_type: quality.event_type,
    incidents: {
      score_py: {pairwise_precision: score.incidents?.pairwise_precision, pairwise_recall: score.incidents?.pairwise_recall, truth_pairs_touching_nws_expired_items: extra.truth_pairs_touching_nws_expired_items},
      ...quality.incidents.all,
      by_truth_kind: quality.incidents.by_truth_kind,
    },
  };
}

async function parent(opts) {
  if (opts.noopOnly) {
    // Needs only the repository's golden fixtures, not the shared generator.
    const noopRun = noopRunBench({root, timeV: existsSync('/usr/bin/time') ? '/usr/bin/time' : null, log, keep: opts.keep});
    process.stdout.write(`${JSON.stringify({machine: {node: process.version, platform: process.platform, arch: process.arch}, noop_run: noopRun}, null, 2)}\n`);
    return;
  }
  const sharedBench = findSharedBench();
  if (!sharedBench) {
    log('cannot find ../shared/bench (gen_feeds.py, score.py) relative to the repository; set HARDSTOP_BENCH_DIR to the folder that holds them');
    process.stdout.write(`${JSON.stringify({error: 'benchmark data generator not found', looked_for: join(root, '..', 'shared', 'bench')}, null, 2)}\n`);
    process.exit(2);
  }
  const corpus = join(dirname(sharedBench), 'corpus', 'reference');
  const work = opts.workDir ?? mkdtempSync(join(tmpdir(), 'hardstop-bench-'));
  mkdirSync(work, {recursive: true});
  log(`work folder ${work}`);
  const timeV = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

  const result = {
    machine: {node: process.version, platform: process.platform, arch: process.arch, cpus: (await import('node:os')).cpus().length},
    seed: opts.seed,
    batches: opts.batches,
    sizes: [],
  };

  // Fresh-process `run` figures (issue 19): one new process per batch, as cron runs it.
  const freshOpts = {
    root,
    work,
    seed: opts.seed,
    timeV,
    log,
    keep: opts.keep,
    rounds: opts.freshRounds,
    prepare: {generate: (dataDir, size) => generate(sharedBench, corpus, dataDir, size), rewriteSources, packIds: packIdsOf},
  };
  if (opts.huge) result.huge = hugeBench(freshOpts);
  else if (opts.freshOnly || (opts.fresh && !opts.only && !opts.qualityOnly)) result.fresh_run = freshRunBench(freshOpts);
  if (!opts.huge && !opts.only && !opts.qualityOnly) result.noop_run = noopRunBench({root, timeV, log, keep: opts.keep});
  if (opts.freshOnly || opts.huge) {
    if (!opts.keep && !opts.workDir) rmSync(work, {recursive: true, force: true});
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }

  if (opts.quality && !opts.only) {
    result.decision_quality = opts.qualitySeeds.map((seed) => qualityRun(sharedBench, corpus, work, seed, opts));
  }
  if (!opts.only && !opts.qualityOnly) {
    log('rule evaluations (shipped pack)…');
    result.rule_evaluations = await ruleBench();
    log('feed parser: billion laughs and a 100 MB body…');
    result.feed_parser = parserBench();
  }

  for (const size of opts.qualityOnly ? [] : opts.sizeList) {
    const tag = `${size.facilities}x${size.items}`;
    const dataDir = join(work, `data-${tag}`);
    const home = join(work, `home-${tag}`);
    rmSync(home, {recursive: true, force: true});
    generate(sharedBench, corpus, dataDir, {facilities: size.facilities, items: size.items, seed: opts.seed, batches: opts.batches});
    log(`running the pipeline on ${tag} in ${home}…`);
    const outFile = join(work, `worker-${tag}.json`);
    // `rules diff` is measured on sets of up to 10,000 items (its target is for 10,000).
    const workerArgs = [fileURLToPath(import.meta.url), '--worker', dataDir, home, outFile, ...(opts.verbose ? ['--verbose'] : []), ...(size.items <= 10_000 ? ['--rules-diff'] : [])];
    const cmd = timeV ? timeV : process.execPath;
    const args = timeV ? ['-v', process.execPath, ...workerArgs] : workerArgs;
    const t0 = performance.now();
    // The worker's progress lines stream to our stderr; /usr/bin/time's report (at the end) is
    // held back and parsed.
    const w = await new Promise((resolveRun) => {
      const child = spawn(cmd, args, {stdio: ['ignore', 'ignore', 'pipe']});
      let held = '';
      let timing = false;
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk) => {
        if (!timing) {
          const at = chunk.indexOf('\tCommand being timed');
          if (at < 0) return void process.stderr.write(chunk);
          process.stderr.write(chunk.slice(0, at));
          chunk = chunk.slice(at);
          timing = true;
        }
        held += chunk;
      });
      child.on('close', (status) => resolveRun({status, stderr: held}));
    });
    const processSeconds = (performance.now() - t0) / 1000;
    const werr = w.stderr;
    if (w.status !== 0) {
      log(`worker for ${tag} failed (exit ${w.status})`);
      result.sizes.push({facilities: size.facilities, items: size.items, error: `pipeline worker failed (exit ${w.status}); see stderr`});
      continue;
    }
    const wr = JSON.parse(readFileSync(outFile, 'utf8'));
    const timedPeak = timeV ? timeVPeak(werr) : null;
    const peak = timedPeak ?? wr.max_rss_bytes;
    const manifest = JSON.parse(readFileSync(join(dataDir, 'manifest.json'), 'utf8'));
    const items = manifest.counts?.items ?? size.items;
    if (opts.only) {
      result.sizes.push({facilities: size.facilities, items, rules_diff: wr.rules_diff, fetch_decide_seconds: round(wr.phases_seconds.run ?? 0, 3), home: opts.keep ? home : undefined});
      if (!opts.keep) rmSync(home, {recursive: true, force: true});
      continue;
    }
    log(`scoring ${tag}…`);
    const score = scorePredictions(sharedBench, join(dataDir, 'truth.jsonl'), join(home, 'predictions.jsonl'));
    const extra = extraScores(join(dataDir, 'truth.jsonl'), join(home, 'predictions.jsonl'));
    const dbPath = join(home, 'hardstop.db');
    const dbBytes = ['', '-wal', '-shm'].reduce((n, s) => n + (existsSync(dbPath + s) ? statSync(dbPath + s).size : 0), 0);
    const ph = wr.phases_seconds;
    const fetchDecide = ph.run ?? 0;
    const e2e = (ph.ingest ?? 0) + fetchDecide + (ph.export ?? 0);
    const sup = score.suppression ?? {};
    const fl = score.facility_link ?? {};
    const inc = score.incidents ?? {};
    result.sizes.push({
      facilities: size.facilities,
      items,
      wall_seconds_end_to_end: round(e2e, 3),
      items_per_second: Math.round(items / e2e),
      ingest_seconds: round(ph.ingest, 3),
      fetch_decide_seconds: round(fetchDecide, 3),
      export_seconds: round(ph.export, 3),
      init_seconds: round(ph.init, 3),
      worker_process_seconds: round(processSeconds, 3),
      per_item_ms: round((fetchDecide * 1000) / items, 4),
      peak_rss_bytes: peak,
      peak_rss_source: timedPeak !== null ? '/usr/bin/time -v (worker process)' : 'process.resourceUsage().maxRSS (worker process)',
      db_bytes: dbBytes,
      home_bytes: dirBytes(home),
      suppression: {accuracy: sup.accuracy, precision: sup.precision, recall: sup.recall, f1: sup.f1, fp: sup.fp, fn: sup.fn, recall_by_expected_rule: sup.recall_by_expected_rule},
      facility_link: {precision: fl.precision, recall: fl.recall, f1: fl.f1, exact_set_match_rate: fl.exact_set_match_rate},
      incidents: {
        pairwise_precision: inc.pairwise_precision,
        pairwise_recall: inc.pairwise_recall,
        pairwise_f1: inc.pairwise_f1,
        false_merge_pairs: inc.false_merge_pairs,
        false_merge_pairs_among_unlinked_items: inc.false_merge_pairs_among_unlinked_items,
        missed_pairs: inc.missed_pairs,
        predicted_incidents: inc.predicted_incidents,
        truth_incidents: inc.truth_incidents,
      },
      suppression_detail: extra,
      items_check: score.items,
      score_error: score.error,
      batches: wr.batches,
      rules_diff: wr.rules_diff,
      home: opts.keep ? home : undefined,
    });
    if (!opts.keep) rmSync(home, {recursive: true, force: true});
  }

  if (result.decision_quality) {
    const dq = result.decision_quality.filter((x) => !x.error);
    result.decision_quality_targets = {
      event_type_accuracy_at_least: 0.95,
      incident_pairwise_precision_at_least: 0.99,
      incident_pairwise_recall_at_least: 0.95,
      link_f1: 1,
      met_on_every_seed: dq.length === result.decision_quality.length && dq.every((x) => x.event_type.accuracy >= 0.95 && x.incidents.pairwise_precision >= 0.99 && x.incidents.pairwise_recall >= 0.95),
    };
  }
  const ok = result.sizes.filter((x) => !x.error);
  if (ok.length >= 2) {
    const a = ok[0];
    const b = ok[ok.length - 1];
    result.flat_cost = {
      small: `${a.facilities}x${a.items}`,
      large: `${b.facilities}x${b.items}`,
      per_item_ms_small: a.per_item_ms,
      per_item_ms_large: b.per_item_ms,
      // 1.0 = the same cost per item; the network is 10x larger in the large set.
      per_item_cost_ratio: round(b.per_item_ms / a.per_item_ms, 3),
      end_to_end_per_item_ratio: round(b.wall_seconds_end_to_end / b.items / (a.wall_seconds_end_to_end / a.items), 3),
    };
  }
  if (opts.only) {
    result.targets = {rules_diff_10k_items_under_seconds: 5};
    if (!opts.keep && !opts.workDir) rmSync(work, {recursive: true, force: true});
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  log('sinks: 1,000 alert versions to a fake Slack Web API, every 10th request answered 429');
  try {
    const {tsImport} = await import('tsx/esm/api');
    const {sinksBench} = await tsImport('./sinks-bench.ts', import.meta.url);
    result.sinks = await sinksBench(1000);
  } catch (err) {
    result.sinks = {error: String(err?.message ?? err)};
  }
  result.targets = {
    small_end_to_end_under_seconds: 3,
    link_f1_at_least: 0.95,
    flat_cost_per_item: true,
    rule_evaluations_per_second_at_least: 1_000_000,
    sinks_ledger_ms_per_delivery_below: 1,
    rules_diff_10k_items_under_seconds: 5,
  };
  if (!opts.keep && !opts.workDir) rmSync(work, {recursive: true, force: true});
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--worker') {
  await worker(argv[1], argv[2], argv[3], argv.includes('--verbose'), argv.includes('--rules-diff'));
} else if (argv[0] === '--parser-case') {
  await parserCase(argv[1]);
} else {
  await parent(parseArgs(argv));
}
