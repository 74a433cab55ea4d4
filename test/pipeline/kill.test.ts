import {spawn} from 'node:child_process';
import {cpSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cliEnv, ROOT, runCli, tempHome} from '../helpers/cli.js';
import {digestRowsOf, pipelineDigests} from '../helpers/digests.js';
import {GOLDEN_DIR} from '../helpers/golden.js';

/**
 * Issue 5 acceptance: a SIGKILL of `hardstop run` mid-ingest leaves the database consistent,
 * and re-running with the same --now completes with the same final alerts, alert versions,
 * events and incident evidence as an uninterrupted run in a fresh home.
 */
const NOW = '2025-12-29T17:00:00Z';
const BIN = join(ROOT, 'bin', 'run.js');
const homes: string[] = [];

afterAll(() => {
  for (const h of homes) rmSync(h, {recursive: true, force: true});
});

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A deterministic RSS feed of `n` items over the golden network: linked items (facility
 * names, "City, ST", multi-word cities, an ambiguous city) that correlate into a few
 * incidents with many versions, unlinked items that each get their own alert, and a few
 * suppressed test alerts. Published times spread over the 6 days before NOW.
 */
function bulkFeed(n: number): string {
  const linked = [
    (i: number) => `Chemical spill reported at Avon Chemical Manufacturing (${i})`,
    (i: number) => `Truck drivers strike at Fort Worth distribution hub, update ${i}`,
    (i: number) => `Channel closure near Port of Houston Terminal, notice ${i}`,
    (i: number) => `Resin shortage in Salt Lake City, UT worsens (${i})`,
    (i: number) => `Severe storm damage in Cedar Rapids, Iowa, report ${i}`,
    (i: number) => `Road flooding around Memphis, TN warehouses, bulletin ${i}`,
    (i: number) => `Power outage at Columbus Cold Storage, item ${i}`,
  ];
  const places = ['Hamburg', 'Lyon', 'Rotterdam', 'Antwerp', 'Genoa', 'Valencia', 'Gdansk', 'Piraeus'];
  const base = Date.parse('2025-12-23T12:00:00Z');
  const items: string[] = [];
  for (let i = 0; i < n; i++) {
    let title: string;
    if (i % 97 === 13) title = `TEST ALERT: connectivity check ${i}`;
    else if (i % 3 === 0) title = `Dockworkers walk out in ${places[i % places.length]} terminal ${i} zone${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i * 7) % 26))}`;
    else title = linked[i % linked.length](i);
    // Several items share a second, so the processing order needs the id tie-breakers too.
    const pub = new Date(base + Math.floor((i * 517_000) / 3)).toUTCString();
    items.push(
      `<item><title>${esc(title)}</title><link>https://bulk.example.invalid/items/${i}</link><guid>bulk-${String(i).padStart(6, '0')}</guid>` +
        `<pubDate>${pub}</pubDate><description>${esc(`${title}. Operators report delays; more details to follow.`)}</description></item>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Bulk</title><link>https://bulk.example.invalid/</link><description>bulk</description>\n${items.join('\n')}\n</channel></rss>\n`;
}

const SOURCES = `version: 1
defaults:
  enabled: true
  timeout_seconds: 30
  max_items: 10000
  user_agent: "hardstop-kill-test/0.1 (test@example.org)"
  rate_limit: {per_host_min_seconds: 0, jitter_seconds: 0}
tiers:
  regional:
    - id: bulk_news
      type: rss
      tier: regional
      url: "file://feeds/bulk.xml"
`;

function cli(home: string, args: string[]): void {
  const r = runCli([...args, '--home', home]);
  if (r.code !== 0) throw new Error(`hardstop ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
}

/** A home with the golden network loaded and a bulk feed of `n` items, not yet run. */
function prepareHome(n: number): string {
  const home = tempHome('hardstop-kill-');
  homes.push(home);
  cli(home, ['init']);
  cpSync(join(GOLDEN_DIR, 'network'), join(home, 'network'), {recursive: true, force: true});
  mkdirSync(join(home, 'feeds'), {recursive: true});
  writeFileSync(join(home, 'feeds', 'bulk.xml'), bulkFeed(n));
  writeFileSync(join(home, 'config', 'sources.yaml'), SOURCES);
  cli(home, ['ingest', '--now', NOW]);
  return home;
}

/** A copy of a prepared home (closed database files included) under a new temp folder. */
function cloneHome(src: string): string {
  const home = tempHome('hardstop-kill-');
  homes.push(home);
  cpSync(src, home, {recursive: true});
  return home;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface KillOutcome {
  killed: boolean;
  decidedAtKill: number;
  total: number;
}

/**
 * Starts `hardstop run` and SIGKILLs it once the fetch has stored every item and some (but
 * not all) of them are decided. Reports honestly whether the kill landed mid-ingest.
 */
async function runAndKillMidIngest(home: string, n: number): Promise<KillOutcome> {
  const child = spawn(process.execPath, [BIN, 'run', '--since', '7d', '--now', NOW, '--home', home], {stdio: 'ignore', env: cliEnv()});
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  let db: Database.Database | null = null;
  let outcome: KillOutcome = {killed: false, decidedAtKill: 0, total: 0};
  const deadline = Date.now() + 90_000;
  try {
    while (!exited && Date.now() < deadline) {
      try {
        db ??= new Database(join(home, 'hardstop.db'), {readonly: true, fileMustExist: true});
        const r = db.prepare("SELECT COUNT(*) AS total, SUM(status != 'NEW') AS decided FROM raw_items").get() as {total: number; decided: number | null};
        const decided = r.decided ?? 0;
        if (r.total === n && decided >= 3 && decided < n) {
          child.kill('SIGKILL');
          outcome = {killed: true, decidedAtKill: decided, total: r.total};
          break;
        }
      } catch {
        // The writer may hold the file briefly at open; poll again.
      }
      await sleep(2);
    }
  } finally {
    db?.close();
  }
  if (!exited && !outcome.killed) child.kill('SIGKILL');
  await exit;
  return outcome;
}

interface Consistency {
  integrity: string;
  foreignKeyProblems: number;
  decidedWithoutEvent: number;
  suppressedWithoutAudit: number;
  normalizedWithoutVersion: number;
  versionsWithoutIncident: number;
  incidentsOffVersion: number;
  projectionWithoutDocument: number;
  versionGaps: number;
  pending: number;
  decided: number;
}

function consistency(home: string): Consistency {
  // A normal (read-write) open, as the next run does: SQLite recovers the WAL here.
  const db = new Database(join(home, 'hardstop.db'));
  const n = (sql: string) => (db.prepare(sql).get() as {n: number}).n;
  try {
    return {
      integrity: (db.pragma('integrity_check', {simple: true}) as string) ?? '',
      foreignKeyProblems: (db.pragma('foreign_key_check') as unknown[]).length,
      decidedWithoutEvent: n("SELECT COUNT(*) AS n FROM raw_items r WHERE r.status IN ('NORMALIZED','SUPPRESSED') AND NOT EXISTS (SELECT 1 FROM events e WHERE e.raw_id = r.raw_id)"),
      suppressedWithoutAudit: n("SELECT COUNT(*) AS n FROM raw_items r WHERE r.status = 'SUPPRESSED' AND NOT EXISTS (SELECT 1 FROM suppression_audit a WHERE a.raw_id = r.raw_id)"),
      normalizedWithoutVersion: n(
        "SELECT COUNT(*) AS n FROM raw_items r WHERE r.status = 'NORMALIZED' AND NOT EXISTS (SELECT 1 FROM events e JOIN alert_versions v ON v.event_id = e.event_id WHERE e.raw_id = r.raw_id)",
      ),
      versionsWithoutIncident: n('SELECT COUNT(*) AS n FROM alert_versions v WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.alert_id = v.alert_id)'),
      incidentsOffVersion: n('SELECT COUNT(*) AS n FROM incidents i WHERE i.current_version != (SELECT MAX(version) FROM alert_versions v WHERE v.alert_id = i.alert_id) OR NOT EXISTS (SELECT 1 FROM alert_versions v WHERE v.alert_id = i.alert_id)'),
      projectionWithoutDocument: n(
        "SELECT COUNT(*) AS n FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM alert_versions v WHERE v.alert_id = i.alert_id AND v.version = i.current_version AND v.alert_json != '')",
      ),
      versionGaps: n('SELECT COUNT(*) AS n FROM incidents i WHERE (SELECT COUNT(*) FROM alert_versions v WHERE v.alert_id = i.alert_id) != i.current_version'),
      pending: n("SELECT COUNT(*) AS n FROM raw_items WHERE status = 'NEW'"),
      decided: n("SELECT COUNT(*) AS n FROM raw_items WHERE status != 'NEW'"),
    };
  } finally {
    db.close();
  }
}

const CONSISTENT = {
  integrity: 'ok',
  foreignKeyProblems: 0,
  decidedWithoutEvent: 0,
  suppressedWithoutAudit: 0,
  normalizedWithoutVersion: 0,
  versionsWithoutIncident: 0,
  incidentsOffVersion: 0,
  projectionWithoutDocument: 0,
  versionGaps: 0,
};

describe('SIGKILL of hardstop run mid-ingest', () => {
  let n = 3000;
  let outcome: KillOutcome = {killed: false, decidedAtKill: 0, total: 0};
  let victim = '';
  let reference = '';
  let afterKill: Consistency;
  let final: Consistency;
  let staleOnPurpose = '';
  let staleAfterRerun = '';

  beforeAll(async () => {
    let prepared = prepareHome(n);
    for (let attempt = 0; attempt < 3; attempt++) {
      victim = cloneHome(prepared);
      outcome = await runAndKillMidIngest(victim, n);
      if (outcome.killed) break;
      // The run finished (or never reached the ingest) before the poller saw a partial state:
      // try again with more work.
      n *= 2;
      prepared = prepareHome(n);
    }
    if (!outcome.killed) return;
    afterKill = consistency(victim);
    // Evidence files are written on demand and a run keeps the present ones current. Write the
    // committed versions' files, then leave one superseded, as a kill between a commit and
    // its file refresh would: the re-run must bring it up to date from the store.
    cli(victim, ['evidence', 'materialize', '--now', NOW]);
    const present = digestRowsOf(victim).evidence_files.map(([name]) => name).filter((f) => f.endsWith('.json'));
    if (present.length > 0) {
      staleOnPurpose = join(victim, 'output', 'incidents', present[0]);
      writeFileSync(staleOnPurpose, '{"superseded":true}');
    }
    // Re-run to completion with the same --now; and an uninterrupted run of the same home.
    cli(victim, ['run', '--since', '7d', '--now', NOW]);
    final = consistency(victim);
    if (staleOnPurpose) staleAfterRerun = readFileSync(staleOnPurpose, 'utf8');
    reference = cloneHome(prepared);
    cli(reference, ['run', '--since', '7d', '--now', NOW]);
    for (const home of [victim, reference]) cli(home, ['evidence', 'materialize', '--now', NOW]);
  }, 240_000);

  it('the kill lands mid-ingest and leaves the database consistent', () => {
    expect(outcome.killed, `could not SIGKILL hardstop run mid-ingest after 3 attempts (last n=${n})`).toBe(true);
    expect(afterKill).toMatchObject(CONSISTENT);
    expect(afterKill.pending, 'some items are still pending after the kill').toBeGreaterThan(0);
    expect(afterKill.decided).toBeGreaterThanOrEqual(outcome.decidedAtKill);
  });

  it('the re-run decides every item and reaches the alerts, versions and events of an uninterrupted run', () => {
    expect(final).toMatchObject({...CONSISTENT, pending: 0, decided: n});
    const a = pipelineDigests(victim);
    const b = pipelineDigests(reference);
    expect(b.counts.alerts).toBeGreaterThan(100);
    expect(b.counts.alert_versions).toBeGreaterThan(b.counts.alerts);
    expect(a.counts).toMatchObject({alerts: b.counts.alerts, alert_versions: b.counts.alert_versions, events: b.counts.events});
    expect(a.digests.alerts).toBe(b.digests.alerts);
    expect(a.digests.alert_versions).toBe(b.digests.alert_versions);
    expect(a.digests.events).toBe(b.digests.events);
    // The stored evidence payloads too (the alert_versions digest covers only their hashes).
    const evidence = (home: string) => {
      const db = new Database(join(home, 'hardstop.db'), {readonly: true});
      try {
        return (db.prepare('SELECT alert_id, version, evidence_json FROM alert_versions ORDER BY alert_id, version').raw().all() as unknown[][]).map((r) => JSON.stringify(r));
      } finally {
        db.close();
      }
    };
    expect(evidence(victim)).toEqual(evidence(reference));
    // Every evidence file that exists is the uninterrupted run's file, byte for byte.
    const fb = new Map(digestRowsOf(reference).evidence_files);
    for (const [name, hash] of digestRowsOf(victim).evidence_files) if (fb.has(name)) expect(hash, name).toBe(fb.get(name));
  });

  it('after the re-run the evidence files equal those of the uninterrupted run (the superseded file brought up to date, no temp files left)', () => {
    expect(staleOnPurpose, 'the killed run committed no alert version').not.toBe('');
    expect(staleAfterRerun).not.toBe('{"superseded":true}');
    const fa = digestRowsOf(victim).evidence_files.map(([name]) => name);
    const fb = digestRowsOf(reference).evidence_files.map(([name]) => name);
    expect(fb.length).toBeGreaterThan(100);
    expect({missing: fb.filter((k) => !fa.includes(k)), strays: fa.filter((k) => !fb.includes(k))}).toEqual({missing: [], strays: []});
    expect(pipelineDigests(victim).digests.evidence_files).toBe(pipelineDigests(reference).digests.evidence_files);
  });
});
