/** What applying a quality cap and a source floor did (pipeline.md §7.4), with reason codes. */
export interface PolicyOutcome {
  classification: number;
  /** Class after the cap, before the floor. */
  capped: number;
  codes: ('FLOOR_RAISED' | 'FLOOR_BLOCKED_BY_CAP' | 'FLOOR_OVERRIDES_CAP')[];
  /** Display lines that state what actually changed the class. */
  messages: string[];
}

/**
 * Policy B (default, `allow_quality_override_floor: true`): c = min(max(min(c0, cap), floor), cap).
 * Policy A: c = max(min(c0, cap), floor), the floor overrides the cap. Unlike the reference,
 * messages only claim what happened (vectors ).
 */
export function applyQualityPolicy(c0: number, cap: number, floor: number, policy: 'A' | 'B'): PolicyOutcome {
  const c1 = Math.min(c0, cap);
  const codes: PolicyOutcome['codes'] = [];
  const messages: string[] = [];
  if (policy === 'B') {
    const c = Math.min(Math.max(c1, floor), cap);
    if (c > c1) {
      codes.push('FLOOR_RAISED');
      messages.push(c < floor ? `Source policy minimum: ${floor} (raised from quality-capped ${c1} to ${c}, limited by quality cap ${cap})` : `Source policy minimum: ${floor} (raised from quality-capped ${c1})`);
    } else if (floor > cap) {
      codes.push('FLOOR_BLOCKED_BY_CAP');
      messages.push(`Source policy minimum ${floor} not applied above quality cap ${cap}`);
    }
    return {classification: c, capped: c1, codes, messages};
  }
  const c = Math.max(c1, floor);
  if (c > c1) {
    codes.push(floor > cap ? 'FLOOR_OVERRIDES_CAP' : 'FLOOR_RAISED');
    messages.push(floor > cap ? `Source policy minimum enforced: ${floor} (overrides quality cap of ${cap})` : `Source policy minimum: ${floor} (raised from ${c1})`);
  }
  return {classification: c, capped: c1, codes, messages};
}
