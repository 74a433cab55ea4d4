/**
 * Alert reasoning lines (pipeline.md §9.2, §9.4): structured entries `{code, params, text}`.
 * `text` keeps the reference's templates where the reference is right; where the reference
 * text misleads (pipeline.md P-19), the TS text states what actually changed the class.
 */

/** One reasoning entry. `params` holds only strings, integers, booleans and lists of those. */
export interface ReasonEntry {
  code: string;
  params: {[key: string]: string | number | boolean | string[]};
  text: string;
}

export interface ReasoningInput {
  /** The event type shown (TS `event.type`). */
  eventType: string;
  /** Final classification. */
  classification: number;
  /** Null when there is no network data (demo path without a store). */
  impactScore: number | null;
  /** Quality cap (ignored when impactScore is null). */
  cap: number;
  /** The cap's reason entries, present only when the cap lowered the class (quality.ts). */
  capReasons: readonly ReasonEntry[];
  /** The floor entry of quality.ts, if any. */
  floorReason: ReasonEntry | null;
}

/**
 * Reasoning in order: event type; classification with its source; scope note; the cap's
 * reasons (when the cap lowered the class); the floor line (if any).
 */
export function reasoningLines(input: ReasoningInput): ReasonEntry[] {
  const lines: ReasonEntry[] = [
    {code: 'EVENT_TYPE', params: {event_type: input.eventType}, text: `Event type: ${input.eventType}`},
  ];
  if (input.impactScore === null) {
    lines.push({
      code: 'CLASSIFICATION_NO_NETWORK',
      params: {classification: input.classification},
      text: `Classification: ${input.classification} (from severity_guess (no network data))`,
    });
  } else {
    lines.push({
      code: 'CLASSIFICATION',
      params: {classification: input.classification, impact_score: input.impactScore, quality_cap: input.cap},
      text: `Classification: ${input.classification} (from network_impact_score=${input.impactScore}, quality_cap=${input.cap})`,
    });
  }
  lines.push({code: 'SCOPE_FROM_NETWORK', params: {}, text: 'Scope derived from network entity matching.'});
  lines.push(...input.capReasons);
  if (input.floorReason) lines.push(input.floorReason);
  return lines;
}

/** Display texts of the entries. */
export function reasoningTexts(entries: readonly ReasonEntry[]): string[] {
  return entries.map((e) => e.text);
}
