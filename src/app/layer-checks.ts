import type {ExtraCheck} from './checks.js';

/** Checks contributed by the sources and rules layers, run by doctor after the built-ins. */
export const DOCTOR_EXTRA_CHECKS: readonly ExtraCheck[] = [];
