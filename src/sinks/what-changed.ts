import type {BundleAlert} from './bundle-alert.js';
import {classificationLabel} from './bundle-alert.js';

/** The facts of a delivered version kept in the ledger (`facts_json`). */
export interface AlertFacts {
  classification: number;
  impact_score: number | null;
  facilities: string[];
  update_count: number;
  summary: string;
}

export function parseFacts(json: string | null | undefined): AlertFacts | null {
  if (!json) return null;
  const v = JSON.parse(json) as Partial<AlertFacts>;
  return typeof v.classification === 'number' ? (v as AlertFacts) : null;
}

/** What changed between a delivered version and this one, in short phrases (Slack replies, Linear comments). */
export function changesSince(before: AlertFacts, a: BundleAlert): string[] {
  const out: string[] = [];
  if (before.classification !== a.classification) {
    out.push(`classification ${classificationLabel(before.classification)} → ${classificationLabel(a.classification)}`);
  }
  if (before.impact_score !== a.impact_score) out.push(`impact score ${before.impact_score ?? '—'} → ${a.impact_score ?? '—'}`);
  const had = new Set(before.facilities);
  const added = a.facilities.filter((f) => !had.has(f));
  if (added.length) out.push(`new facilities ${added.slice(0, 10).join(', ')}${added.length > 10 ? ` +${added.length - 10} more` : ''}`);
  if (before.update_count !== a.update_count) out.push(`update count ${before.update_count} → ${a.update_count}`);
  if (before.summary !== a.summary) out.push('summary changed');
  return out;
}
