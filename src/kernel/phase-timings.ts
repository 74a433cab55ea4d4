import {appendFileSync} from 'node:fs';

/*
 * Wall-clock time per phase of one process, for `npm run bench`: set HARDSTOP_PHASE_TIMINGS to a
 * file and each command appends one JSON line `{"command", "phases_ms": {...}, "total_ms"}`.
 * Timings are never part of an artifact (they are not deterministic); without the variable
 * nothing is recorded.
 */

const target = process.env.HARDSTOP_PHASE_TIMINGS;
const phases = new Map<string, number>();

function add(name: string, ms: number): void {
  if (target) phases.set(name, (phases.get(name) ?? 0) + ms);
}

/** Runs `work` and adds its wall time to phase `name` (phases may repeat: chunks of one run). */
export function timePhase<T>(name: string, work: () => T): T {
  if (!target) return work();
  const t0 = performance.now();
  try {
    return work();
  } finally {
    add(name, performance.now() - t0);
  }
}

/** The same for asynchronous work. */
export async function timePhaseAsync<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!target) return work();
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    add(name, performance.now() - t0);
  }
}

/** Process start (Node's time origin) until now: the `startup` phase, called when a command starts its work. */
export function markStartup(): void {
  add('startup', performance.now());
}

/** Appends this process's phases to the HARDSTOP_PHASE_TIMINGS file, if set. */
export function flushPhaseTimings(command: string): void {
  if (!target) return;
  appendFileSync(target, `${JSON.stringify({command, phases_ms: Object.fromEntries(phases), total_ms: performance.now()})}\n`);
  phases.clear();
}
