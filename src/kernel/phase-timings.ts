import {appendFileSync} from 'node:fs';

/*
 * Wall-clock time per phase of one process, for `npm run bench`: set HARDSTOP_PHASE_TIMINGS to a
 * file and each command appends one JSON line `{"command", "phases_ms": {...}, "total_ms"}`.
 * `phases_ms` splits the main thread's time; work a worker thread did meanwhile is reported
 * apart, as `worker_phases_ms`, so the main thread's phases still add up to (at most) its wall
 * time. Timings are never part of an artifact (they are not deterministic); without the
 * variable nothing is recorded.
 */

const target = process.env.HARDSTOP_PHASE_TIMINGS;
const phases = new Map<string, number>();
const workerPhases = new Map<string, number>();

function add(name: string, ms: number, into = phases): void {
  if (target) into.set(name, (into.get(name) ?? 0) + ms);
}

/** Adds `ms` that a worker thread spent in phase `name` (it ran alongside the main thread's phases). */
export function addWorkerPhase(name: string, ms: number): void {
  add(name, ms, workerPhases);
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
  const worker = workerPhases.size ? {worker_phases_ms: Object.fromEntries(workerPhases)} : {};
  appendFileSync(target, `${JSON.stringify({command, phases_ms: Object.fromEntries(phases), ...worker, total_ms: performance.now()})}\n`);
  phases.clear();
  workerPhases.clear();
}
