/** Feed families Hardstop can read. */
export type SourceType = 'rss' | 'nws_alerts' | 'nws_cap' | 'fema' | 'fsis' | 'nga_msi';

export type Tier = 'global' | 'regional' | 'local';

/**
 * One item as an adapter read it, before any interpretation. Instants are canonical text
 * (`YYYY-MM-DDTHH:MM:SS[.ffffff]Z`) or null.
 */
export interface RawItemCandidate {
  /** The feed's own id (guid / Atom id / NWS properties.id / link), verbatim; null if none. */
  canonical_id: string | null;
  title: string | null;
  url: string | null;
  published_at: string | null;
  /**
   * Source-specific subset of the original record. RSS/Atom: title, link, summary, content,
   * published, updated, tags, author. NWS: the GeoJSON feature's `properties` verbatim
   * (id, event, headline, description, instruction, areaDesc, severity, certainty, urgency,
   * sent, effective, onset, expires, ends, status, messageType, geocode {SAME, UGC},
   * affectedZones, references, senderName, parameters) plus `geometry` and `@id`.
   */
  payload: Record<string, unknown>;
}
