/**
 * What the sinks read from a verified export bundle (outputs.md §8.1, §8.3): the v2 alert
 * entries of `alerts.v2.json` and the few bundle facts a message shows. Sinks never read
 * anything else, and never the database.
 */
export interface BundleAlert {
  alert_id: string;
  correlation_key: string | null;
  action: string | null;
  version: number;
  classification: number;
  classification_label: string;
  impact_score: number | null;
  rationale: string[];
  summary: string;
  tier: string | null;
  trust_tier: number | null;
  source_id: string | null;
  facilities: string[];
  lanes: string[];
  shipments: string[];
  shipments_total_linked: number;
  shipments_truncated: boolean;
  first_seen_utc: string | null;
  last_seen_utc: string | null;
  update_count: number;
  suppression: {rule_id: string; reason_code: string} | null;
  evidence: {hash: string | null; path: string | null; verified: boolean; merge_summary: string[]} | null;
  /** JCS hash of the entry without this field. */
  version_hash: string;
}

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
