import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {artifactHash} from '../../src/kernel/canonical-json.js';
import {PinnedClock} from '../../src/kernel/clock.js';
import {parseIsoInstant} from '../../src/kernel/time.js';
import type {BundleAlert, BundleView} from '../../src/sinks/bundle-alert.js';
import {loadSinkFiles} from '../../src/sinks/config/load-sinks.js';
import type {SinkConfig} from '../../src/sinks/config/model.js';

export const NOW = '2025-12-29T17:00:00Z';
export const clock = () => new PinnedClock(parseIsoInstant(NOW)!.micros);

/** A v2 alert entry (outputs.md §8.1) with its version_hash, as a bundle lists it. */
export function alertEntry(n: number, over: Partial<BundleAlert> = {}): BundleAlert {
  const entry: Omit<BundleAlert, 'version_hash'> = {
    alert_id: `ALERT-20251229-${String(n).padStart(8, '0')}`,
    correlation_key: `SPILL|PLANT-0${n % 9}|LANE-${n}`,
    action: 'CREATED',
    version: 1,
    classification: 2,
    classification_label: 'Impactful',
    impact_score: 7,
    rationale: ['+2 facility criticality ≥ 7 (PLANT-01 = 8) [rules/supply-chain/score.yaml:14]'],
    summary: `Chemical spill near plant ${n} <closed> & evacuated`,
    tier: 'regional',
    trust_tier: 3,
    source_id: 'nws_active_in',
    facilities: [`PLANT-0${n % 9}`],
    lanes: [`LANE-${n}`],
    shipments: [`SHP-${1000 + n}`],
    shipments_total_linked: 1,
    shipments_truncated: false,
    first_seen_utc: '2025-12-29T12:00:00Z',
    last_seen_utc: '2025-12-29T16:00:00Z',
    update_count: 0,
    suppression: null,
    evidence: {hash: 'fa14'.padEnd(64, '0'), path: `output/incidents/ALERT-${n}.json`, verified: true, merge_summary: []},
    ...over,
  };
  const {version_hash: _ignored, ...rest} = entry as BundleAlert;
  return {...rest, version_hash: artifactHash(rest)};
}

export function bundleOf(alerts: BundleAlert[], manifestHash = 'ab'.repeat(32)): BundleView {
  return {dir: 'bundle', manifestHash, generatedAt: NOW, alerts, blockedSources: ['fema_rss']};
}

export function tempDir(prefix = 'hardstop-sinks-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Loads sink files written into a temporary home; fails the test on any error diagnostic. */
export function sinksFrom(files: Record<string, string>): SinkConfig[] {
  const home = tempDir();
  mkdirSync(join(home, 'sinks'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(home, 'sinks', name), text);
  const r = loadSinkFiles(join(home, 'sinks'), 'sinks', null);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return r.sinks;
}

export function slackSinkYaml(opts: {mode: 'webhook' | 'web_api'; apiUrl?: string; updates?: string; digest?: boolean; extra?: string; retry?: string; timeoutMs?: number}): string {
  const lines = [
    'version: 1',
    'sinks:',
    '  - id: ops-slack',
    '    type: slack',
    `    mode: ${opts.mode}`,
    opts.mode === 'webhook' ? '    webhook_url_env: HARDSTOP_SLACK_WEBHOOK_URL' : '    token_env: HARDSTOP_SLACK_BOT_TOKEN\n    channel: C0123456789',
    ...(opts.apiUrl ? [`    api_url: ${opts.apiUrl}`] : []),
    ...(opts.updates ? [`    updates: ${opts.updates}`] : []),
    `    digest: ${opts.digest ?? false}`,
    '    min_interval_ms: 0',
    `    timeout_ms: ${opts.timeoutMs ?? 5000}`,
    ...(opts.extra ? [opts.extra] : []),
    '    routes:',
    '      - id: impactful',
    '        when: alert.classification >= 2',
    'retry:',
    '  seed: test-seed',
    ...(opts.retry ? [opts.retry] : []),
  ];
  return `${lines.join('\n')}\n`;
}
