// The no-op incremental `run` (issue 19): the every-few-minutes cron run that finds nothing
// new. A golden home (fixtures/golden) is prepared and run once; then the identical `run` is
// timed as a fresh process five times (wall seconds, peak RSS from `/usr/bin/time -v` when
// present, the phase split of HARDSTOP_PHASE_TIMINGS), with `--version` as the start-up floor.
import {cpSync, mkdtempSync, rmSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {cli, lastPhases, median} from './bench-fresh.js';

const MIB = 1024 * 1024;
const NOW = '2025-12-29T17:00:00Z';
const ROUNDS = 5;

/** Median of each phase over the rounds (a phase a round lacks counts as 0). */
function medianPhases(list) {
  const names = [...new Set(list.flatMap((p) => Object.keys(p ?? {})))];
  return Object.fromEntries(names.map((n) => [n, Math.round(median(list.map((p) => p?.[n] ?? 0)))]));
}

export function noopRunBench({root, timeV, log, keep = false}) {
  const home = mkdtempSync(join(tmpdir(), 'hardstop-noop-'));
  log(`no-op run: golden home in ${home}, the second identical run timed ${ROUNDS} times…`);
  cli(root, home, ['init']);
  cpSync(join(root, 'fixtures', 'golden', 'network'), join(home, 'network'), {recursive: true, force: true});
  cpSync(join(root, 'fixtures', 'golden', 'home'), home, {recursive: true, force: true});
  cli(root, home, ['ingest', '--now', NOW]);
  const args = ['run', '--now', NOW, '--since', '7d'];
  cli(root, home, args);
  const timingsFile = join(home, 'phases.jsonl');
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = cli(root, home, args, {timeV, timingsFile});
    rounds.push({wall_seconds: Number(r.seconds.toFixed(3)), peak_rss_mib: r.peakRssBytes === null ? null : Number((r.peakRssBytes / MIB).toFixed(1)), exit_code: r.exitCode, phases_ms: lastPhases(timingsFile)});
  }
  const version = [];
  for (let i = 0; i < ROUNDS; i++) version.push(cli(root, home, ['--version'], {timeV}));
  if (!keep) rmSync(home, {recursive: true, force: true});
  const rss = rounds.map((r) => r.peak_rss_mib).filter((x) => x !== null);
  return {
    rounds,
    wall_seconds: Number(median(rounds.map((r) => r.wall_seconds)).toFixed(3)),
    peak_rss_mib: rss.length ? median(rss) : null,
    peak_rss_source: timeV ? '/usr/bin/time -v' : null,
    phases_ms: medianPhases(rounds.map((r) => r.phases_ms)),
    version_wall_seconds: Number(median(version.map((r) => r.seconds)).toFixed(3)),
    load_average_1m: Number(loadavg()[0].toFixed(2)),
    targets: {wall_seconds_at_most: 0.3, peak_rss_mib_at_most: 100},
  };
}
