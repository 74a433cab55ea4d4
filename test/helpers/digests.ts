import {createHash} from 'node:crypto';
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {join, relative, sep} from 'node:path';
import Database from 'better-sqlite3';

/**
 * Digests of what a pipeline run produced in a home. Shared by the golden test, the SIGKILL
 * test and scripts/update-golden.js (the only writer of fixtures/golden/expected.json), so
 * all three hash exactly the same things the same way.
 *
 * - alerts: the document of every alert's current version, in alert id order (the projection
 *   row does not keep the document);
 * - alert_versions: (alert_id, version, alert_hash, evidence_hash) in key order;
 * - evidence_files: every file under output/incidents, (name, sha256), sorted by name;
 * - events: (event_id, event_hash, suppressed) in id order;
 * - run_records: every file under run_records/, (home-relative path, sha256), sorted;
 * - brief_json, brief_md, brief_html: sha256 of the run's brief.v2.json, brief.v2.md and
 *   brief.html (output/briefs/), and bundle_manifest: sha256 of the export bundle's
 *   manifest.json (which holds the checksum of every other bundle file). Empty when absent.
 */
export interface PipelineDigests {
  alerts: string;
  alert_versions: string;
  evidence_files: string;
  events: string;
  run_records: string;
  brief_json: string;
  brief_md: string;
  brief_html: string;
  bundle_manifest: string;
}

/** Row and file counts next to the digests (file digests count bytes): a failing comparison says what changed. */
export type PipelineCounts = Record<keyof PipelineDigests, number>;

/** Home-relative files whose own sha256 is a digest. */
const FILE_DIGESTS = {
  brief_json: 'output/briefs/brief.v2.json',
  brief_md: 'output/briefs/brief.v2.md',
  brief_html: 'output/briefs/brief.html',
  bundle_manifest: 'bundle/manifest.json',
} as const;

function fileBytes(home: string, rel: string): Buffer {
  const p = join(home, ...rel.split('/'));
  return existsSync(p) ? readFileSync(p) : Buffer.alloc(0);
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of a list of rows: one JSON array per row, newline-separated. */
function digestRows(rows: readonly unknown[][]): string {
  return sha256(rows.map((r) => JSON.stringify(r)).join('\n'));
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** (path relative to `base` with `/`, sha256 of the bytes), sorted by path in code-point order. */
export function fileDigestRows(dir: string, base: string = dir): [string, string][] {
  return filesUnder(dir)
    .map((f) => [relative(base, f).split(sep).join('/'), sha256(readFileSync(f))] as [string, string])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export interface DigestRows {
  alerts: unknown[][];
  alert_versions: unknown[][];
  evidence_files: [string, string][];
  events: unknown[][];
  run_records: [string, string][];
}

/** The rows the digests are computed over (tests print them on mismatch). */
export function digestRowsOf(home: string): DigestRows {
  const db = new Database(join(home, 'hardstop.db'), {readonly: true, fileMustExist: true});
  try {
    const alerts = db
      .prepare('SELECT v.alert_json FROM incidents i LEFT JOIN alert_versions v ON v.alert_id = i.alert_id AND v.version = i.current_version ORDER BY i.alert_id')
      .raw()
      .all() as unknown[][];
    const alert_versions = db.prepare('SELECT alert_id, version, alert_hash, evidence_hash FROM alert_versions ORDER BY alert_id, version').raw().all() as unknown[][];
    const events = db.prepare('SELECT event_id, event_hash, suppressed FROM events ORDER BY event_id').raw().all() as unknown[][];
    return {
      alerts,
      alert_versions,
      evidence_files: fileDigestRows(join(home, 'output', 'incidents')),
      events,
      run_records: fileDigestRows(join(home, 'run_records'), home),
    };
  } finally {
    db.close();
  }
}

export function pipelineDigests(home: string): {digests: PipelineDigests; counts: PipelineCounts; rows: DigestRows} {
  const rows = digestRowsOf(home);
  const files = Object.fromEntries(Object.entries(FILE_DIGESTS).map(([k, rel]) => [k, fileBytes(home, rel)])) as Record<keyof typeof FILE_DIGESTS, Buffer>;
  return {
    digests: {
      alerts: digestRows(rows.alerts),
      alert_versions: digestRows(rows.alert_versions),
      evidence_files: digestRows(rows.evidence_files),
      events: digestRows(rows.events),
      run_records: digestRows(rows.run_records),
      brief_json: sha256(files.brief_json),
      brief_md: sha256(files.brief_md),
      brief_html: sha256(files.brief_html),
      bundle_manifest: sha256(files.bundle_manifest),
    },
    counts: {
      alerts: rows.alerts.length,
      alert_versions: rows.alert_versions.length,
      evidence_files: rows.evidence_files.length,
      events: rows.events.length,
      run_records: rows.run_records.length,
      brief_json: files.brief_json.length,
      brief_md: files.brief_md.length,
      brief_html: files.brief_html.length,
      bundle_manifest: files.bundle_manifest.length,
    },
    rows,
  };
}
