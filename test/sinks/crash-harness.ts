import {AppContext} from '../../src/app/context.js';
import {sinksPush} from '../../src/app/sinks/sinks-ops.js';
import {seededRandom} from '../../src/kernel/ids.js';
import {spawnCli} from './cli-helpers.js';

/**
 * The crash-trial mechanism shared by the Slack and Linear trials (sinks.md §10): a child
 * `hardstop sinks push` SIGKILLed at a random moment, then pushes in this process until exit 0,
 * trials spread over workers that each own a home and a fake service.
 */

/** The end of every crash trial's sink file: route everything, retry fast with a fixed seed. */
export const CRASH_ROUTES_AND_RETRY = `    routes:
      - id: all
        when: alert.classification >= 0
retry:
  seed: crash
  base_ms: 5
`;

/** What the harness needs of a fake service: a hook on its next request, and a reset. */
export interface CrashFake {
  onRequest: ((what: string) => void) | null;
  reset(): void;
}

export interface CrashWorker<F extends CrashFake> {
  fake: F;
  home: string;
}

/** Pushes `bundle` in this process until it exits 0 (at most 4 pushes). */
export async function pushUntilHealthy(home: string, bundle: string, ledger: string, env: Record<string, string>): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const ctx = AppContext.create({home}, {...process.env, ...env});
    try {
      const r = await sinksPush(ctx, bundle, {dryRun: false, noNetwork: false, ledger, firstPushWindow: '100000d'}, {});
      if (r.exitCode === 0) return;
    } finally {
      ctx.close();
    }
  }
  throw new Error(`push of ${bundle} did not reach exit 0 after the crash`);
}

/**
 * Starts a child push of `bundle` and SIGKILLs it: with probability `earlyKill` at a random
 * moment before any request (start-up, verification, planning), else within `windowMs` after
 * its first request. Resolves whether the kill landed mid-push (a kill timed after the push had
 * already finished is no crash).
 */
export async function killChildPush(
  w: CrashWorker<CrashFake>,
  opts: {bundle: string; ledger: string; env: Record<string, string>; rand: () => number; earlyKill: number; windowMs: number},
): Promise<boolean> {
  const {child, done} = spawnCli(['sinks', 'push', '--bundle', opts.bundle, '--home', w.home, '--ledger', opts.ledger, '--first-push-window', '100000d'], opts.env);
  let killedMidPush = false;
  const kill = () => child.kill('SIGKILL');
  if (opts.rand() < opts.earlyKill) {
    setTimeout(kill, Math.floor(opts.rand() * 400));
  } else {
    w.fake.onRequest = () => {
      w.fake.onRequest = null;
      killedMidPush = true;
      setTimeout(kill, Math.floor(opts.rand() * opts.windowMs));
    };
  }
  const exit = await done;
  w.fake.onRequest = null;
  return killedMidPush && exit.signal === 'SIGKILL';
}

/** Runs trials 0..count-1 spread over the workers (worker i draws from seed + i), each after a reset of its fake. */
export async function runTrials<F extends CrashFake>(workers: readonly CrashWorker<F>[], count: number, seed: number, trial: (w: CrashWorker<F>, rand: () => number, t: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    workers.map(async (w, i) => {
      const rand = seededRandom(seed + i);
      for (let t = next++; t < count; t = next++) {
        w.fake.reset();
        await trial(w, rand, t);
      }
    }),
  );
}
