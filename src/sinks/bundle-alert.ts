import type {BundleAlert} from '../reports/bundle/layout.js';

/**
 * What the sinks read from a verified export bundle (outputs.md §8.1, §8.3): the v2 alert
 * entries of `alerts.v2.json` (typed by the bundle's reader) and the few bundle facts a message
 * shows. Sinks never read anything else, and never the database.
 */
export type {BundleAlert};

/** One verified bundle as the delivery pipeline sees it. */
export interface BundleView {
  /** The bundle folder as given on the command line. */
  dir: string;
  manifestHash: string;
  generatedAt: string;
  /** Canonical order of `alerts.v2.json`. */
  alerts: BundleAlert[];
  /** Sorted ids of enabled sources whose gating state is BLOCKED (brief summary). */
  blockedSources: string[];
}

/** The classification labels of outputs.md §2.4, for messages built without a label. */
export function classificationLabel(c: number): string {
  return c >= 2 ? 'Impactful' : c === 1 ? 'Relevant' : 'Interesting';
}
