/**
 * Where docs/RUNBOOK.md explains each doctor check's failures: a failed or warning check points
 * its reader there. A test keeps every anchor pointing at a real heading.
 */
export const RUNBOOK_PATH = 'docs/RUNBOOK.md';

const SECTIONS: Record<string, string> = {
  node: 'nodejs',
  config: 'configuration',
  database: 'database',
  network: 'network-csvs',
  sources: 'sources-and-feeds',
  'source-health': 'source-health',
  rules: 'rules',
  'run-record-coverage': 'runrecords-and-verify',
  sinks: 'sinks-configuration-and-secrets',
  deliveries: 'deliveries-and-the-ledger',
  check: 'unexpected-errors',
};

export const RUNBOOK_CHECK_IDS: readonly string[] = Object.keys(SECTIONS);

/** `docs/RUNBOOK.md#anchor` for a check id (the section on unexpected errors for an unknown one). */
export function runbookRef(checkId: string): string {
  return `${RUNBOOK_PATH}#${SECTIONS[checkId] ?? SECTIONS.check}`;
}
