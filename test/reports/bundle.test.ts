import {cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {artifactHash, prettyCanonicalJson, sha256Hex} from '../../src/kernel/canonical-json.js';
import {readVerifiedBundle} from '../../src/reports/bundle/reader.js';
import {verifyBundle} from '../../src/reports/bundle/verify.js';
import {parseJsonOutput, runCli, tempHome} from '../helpers/cli.js';
import {listFiles} from '../helpers/run-records.js';
import {GOLDEN_BUNDLE_DIR, GOLDEN_NOW, GOLDEN_SINCE} from '../helpers/golden.js';
import {homeFrom} from '../helpers/home-templates.js';

/**
 * Export bundles (outputs.md §8.3) and `export verify` (§8.4) on the golden run's bundle:
 * every file is checked for a flipped byte, a deletion and an extra file; every bad input of
 * issue 14 gets its code and exit 2; the reader hands out typed alert versions.
 */
let home: string;
let bundle: string;
const scratch: string[] = [];

beforeAll(() => {
  home = homeFrom('golden', 'hardstop-bundle-');
  bundle = join(home, GOLDEN_BUNDLE_DIR);
}, 120_000);

afterAll(() => {
  for (const d of [dirname(home), ...scratch]) rmSync(d, {recursive: true, force: true});
});

/** A fresh copy of the golden bundle to break. */
function copy(): string {
  const dir = join(tempHome('hardstop-bundle-copy-'), 'b');
  scratch.push(dirname(dir));
  cpSync(bundle, dir, {recursive: true});
  return dir;
}

function rel(dir: string, f: string): string {
  return f.slice(dir.length + 1).split('\\').join('/');
}

/** Rewrites the manifest so that only the check under test can fail (checksums and hash recomputed). */
function resign(dir: string, edit: (m: Record<string, unknown>) => void = () => {}): void {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const checksums: Record<string, string> = {};
  for (const f of listFiles(dir)) if (rel(dir, f) !== 'manifest.json') checksums[rel(dir, f)] = sha256Hex(readFileSync(f));
  m.checksums = checksums;
  edit(m);
  delete m.manifest_hash;
  m.manifest_hash = artifactHash(m);
  writeFileSync(path, prettyCanonicalJson(m));
}

function codes(dir: string): [string, string][] {
  return verifyBundle(dir).problems.map((p) => [p.path, p.code]);
}

describe('export bundle (§8.3)', () => {
  it('has the layout of §8.3 and verifies; the manifest lists every file but itself', () => {
    const files = listFiles(bundle).map((f) => rel(bundle, f));
    expect(files.filter((f) => !f.startsWith('evidence/'))).toEqual([
      'alerts.csv',
      'alerts.v2.json',
      'brief.html',
      'brief.v2.json',
      'brief.v2.md',
      'incidents.csv',
      'manifest.json',
      'provenance/config.json',
      'provenance/run-records.json',
    ]);
    expect(files.filter((f) => f.startsWith('evidence/')).every((f) => /^evidence\/(incident|alert)-evidence\.[0-9a-f]{64}\.json$/.test(f))).toBe(true);
    const m = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(m.checksums as object).sort()).toEqual(files.filter((f) => f !== 'manifest.json'));
    expect(m).toMatchObject({bundle_version: '1', generated_at: GOLDEN_NOW, operator_version: 'hardstop.export.bundle@1.0.0'});
    expect(readFileSync(join(bundle, 'manifest.json'), 'utf8')).toBe(prettyCanonicalJson(m));
    expect(verifyBundle(bundle)).toMatchObject({ok: true, problems: [], files_checked: files.length - 1});
    // The bundle's own RunRecord names every file it wrote, under the id the manifest gives.
    const recordFile = listFiles(join(home, 'run_records')).find((f) => f.endsWith('export.bundle.json'))!;
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as {run_id: string; output_refs: {id: string; hash: string}[]};
    expect(record.run_id).toBe(m.bundle_run_id);
    expect(record.output_refs.map((o) => o.id)).toEqual(files.map((f) => `bundle:${f}`));
  });

  it('alerts.v2.json holds every alert of the window with version_hash; the CSVs follow it row for row', () => {
    const alerts = JSON.parse(readFileSync(join(bundle, 'alerts.v2.json'), 'utf8')) as {alert_id: string; version_hash: string}[];
    const brief = JSON.parse(readFileSync(join(bundle, 'brief.v2.json'), 'utf8')) as {summary: {counts: {new: number; updated: number}}};
    expect(alerts).toHaveLength(brief.summary.counts.new + brief.summary.counts.updated);
    for (const a of alerts) {
      const {version_hash, ...entry} = a;
      expect(version_hash).toBe(artifactHash(entry));
    }
    const csv = readFileSync(join(bundle, 'alerts.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('alert_id,correlation_key,classification,impact_score,trust_tier,facility_ids,lane_ids,shipment_ids,suppressed,evidence_ref');
    expect(csv.slice(1, -1).map((l) => l.split(',')[0])).toEqual(alerts.map((a) => a.alert_id));
    expect(csv.at(-1)).toBe('');
    expect(readFileSync(join(bundle, 'incidents.csv'), 'utf8').split('\n')[0]).toBe('incident_id,correlation_key,alert_ids,root_event_ids,start_time,end_time,update_count,evidence_ref');
  });

  it('evidence comes from the stored payloads: a bundle made without output/incidents is byte-identical', () => {
    const other = tempHome('hardstop-bundle-noinc-');
    scratch.push(other);
    cpSync(home, other, {recursive: true});
    rmSync(join(other, 'output', 'incidents'), {recursive: true});
    const r = runCli(['export', 'bundle', '--out', join(other, 'again'), '--since', GOLDEN_SINCE, '--now', GOLDEN_NOW, '--home', other]);
    expect(r.code, r.stderr).toBe(0);
    expect(verifyBundle(join(other, 'again')).ok).toBe(true);
    const evidence = (d: string) => readdirSync(join(d, 'evidence')).map((f) => [f, sha256Hex(readFileSync(join(d, 'evidence', f)))]);
    expect(evidence(join(other, 'again'))).toEqual(evidence(bundle));
  });

  it('refuses a non-empty --out without --force (exit 2, nothing touched); --force replaces it and leaves no temporary folder', () => {
    const dir = copy();
    writeFileSync(join(dir, 'note.txt'), 'keep me');
    const refused = runCli(['export', 'bundle', '--out', dir, '--since', GOLDEN_SINCE, '--now', GOLDEN_NOW, '--home', home]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('BUNDLE_OUT_NOT_EMPTY');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir, 'note.txt'), 'utf8')).toBe('keep me');
    const forced = runCli(['export', 'bundle', '--out', dir, '--since', GOLDEN_SINCE, '--now', GOLDEN_NOW, '--home', home, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(existsSync(join(dir, 'note.txt'))).toBe(false);
    expect(verifyBundle(dir).ok).toBe(true);
    expect(readdirSync(dirname(dir))).toEqual(['b']);
  });
});

describe('export verify (§8.4)', () => {
  it('prints OK with the file count and the manifest hash; --json has the documented shape', () => {
    const r = runCli(['export', 'verify', bundle]);
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as {manifest_hash: string; checksums: object};
    expect(r.stdout.split('\n')[0]).toBe(`OK ${Object.keys(m.checksums).length} files verified (bundle ${m.manifest_hash.slice(0, 12)})`);
    const j = parseJsonOutput(runCli(['export', 'verify', bundle, '--json']));
    expect(j).toMatchObject({ok: true, manifest_hash: m.manifest_hash, files_checked: Object.keys(m.checksums).length, problems: [], exit_code: 0});
  });

  it('every file: one flipped byte, a deletion, and an extra file each fail and name that file', () => {
    const files = listFiles(bundle).map((f) => rel(bundle, f));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const flipped = copy();
      const bytes = readFileSync(join(flipped, f));
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      writeFileSync(join(flipped, f), bytes);
      const v = verifyBundle(flipped);
      expect(v.ok, `flip ${f}`).toBe(false);
      expect(v.problems.map((p) => p.path), `flip ${f}`).toContain(f);

      const deleted = copy();
      rmSync(join(deleted, f));
      const d = verifyBundle(deleted);
      expect(d.ok, `delete ${f}`).toBe(false);
      expect(d.problems.map((p) => p.path), `delete ${f}`).toContain(f);
      rmSync(dirname(flipped), {recursive: true});
      rmSync(dirname(deleted), {recursive: true});
    }
    for (const extra of ['extra.txt', 'evidence/incident-evidence.extra.json', 'provenance/more/notes.md']) {
      const dir = copy();
      mkdirSync(dirname(join(dir, extra)), {recursive: true});
      writeFileSync(join(dir, extra), 'x');
      expect(codes(dir)).toEqual([[extra, 'BUNDLE_UNEXPECTED_FILE']]);
    }
  });

  it('the CLI names the changed file, exits 2 (never 1) and prints no stack trace', () => {
    const dir = copy();
    writeFileSync(join(dir, 'brief.html'), readFileSync(join(dir, 'brief.html'), 'utf8').replace('Hardstop', 'Hardst0p'));
    const r = runCli(['export', 'verify', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^FAIL brief\.html: BUNDLE_CHECKSUM_MISMATCH sha256 [0-9a-f]{64} differs/m);
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
  });

  it('bad input: a missing folder, an unreadable file, a symlink out of the bundle, truncated JSON', () => {
    const missing = runCli(['export', 'verify', join(tmpdir(), 'hardstop-no-such-bundle')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('FAIL manifest.json: BUNDLE_MANIFEST_MISSING bundle folder');

    const unreadable = copy();
    rmSync(join(unreadable, 'alerts.csv'));
    mkdirSync(join(unreadable, 'alerts.csv'));
    expect(codes(unreadable)).toEqual([['alerts.csv', 'BUNDLE_FILE_MISSING']]);
    expect(verifyBundle(unreadable).problems[0].message).toContain('not readable: is a folder');

    const link = copy();
    rmSync(join(link, 'alerts.csv'));
    symlinkSync(join(bundle, 'alerts.csv'), join(link, 'alerts.csv'));
    expect(codes(link)).toEqual([['alerts.csv', 'BUNDLE_PATH_UNSAFE']]);
    const linkedFolder = copy();
    rmSync(join(linkedFolder, 'provenance'), {recursive: true});
    symlinkSync(join(bundle, 'provenance'), join(linkedFolder, 'provenance'));
    expect(codes(linkedFolder)).toEqual([
      ['provenance', 'BUNDLE_UNEXPECTED_FILE'],
      ['provenance/config.json', 'BUNDLE_PATH_UNSAFE'],
      ['provenance/run-records.json', 'BUNDLE_PATH_UNSAFE'],
    ]);

    const truncatedManifest = copy();
    const text = readFileSync(join(truncatedManifest, 'manifest.json'), 'utf8');
    writeFileSync(join(truncatedManifest, 'manifest.json'), text.slice(0, 200));
    const tm = verifyBundle(truncatedManifest);
    expect(tm.problems.map((p) => [p.path, p.code])).toEqual([['manifest.json', 'BUNDLE_MANIFEST_INVALID']]);
    expect(tm.problems[0].message).toMatch(/^not valid JSON at \d+:\d+: unexpected end of input/);

    const truncatedBrief = copy();
    writeFileSync(join(truncatedBrief, 'brief.v2.json'), readFileSync(join(bundle, 'brief.v2.json'), 'utf8').slice(0, 300));
    expect(codes(truncatedBrief)).toEqual([
      ['brief.v2.json', 'BUNDLE_CHECKSUM_MISMATCH'],
      ['brief.v2.json', 'BUNDLE_CONFIG_HASH_MISMATCH'],
    ]);
    const r = runCli(['export', 'verify', truncatedBrief, '--json']);
    expect(r.code).toBe(2);
    expect((parseJsonOutput(r).problems as {message: string}[])[1].message).toMatch(/^not valid JSON at \d+:\d+/);
  });

  it('manifest shape: extra or missing keys, unsupported version, wrong manifest_hash, unsafe paths', () => {
    const extra = copy();
    resign(extra, (m) => {
      m.signed_by = 'someone';
    });
    expect(codes(extra)).toEqual([['manifest.json', 'BUNDLE_MANIFEST_INVALID']]);
    expect(verifyBundle(extra).problems[0].message).toBe('unexpected key(s): signed_by');

    const missing = copy();
    resign(missing, (m) => {
      delete m.run_ids;
    });
    expect(codes(missing)).toEqual([
      ['manifest.json', 'BUNDLE_MANIFEST_INVALID'],
      ['provenance/run-records.json', 'BUNDLE_RUNIDS_MISMATCH'],
    ]);

    const version = copy();
    resign(version, (m) => {
      m.bundle_version = '2';
    });
    expect(codes(version)).toEqual([['manifest.json', 'BUNDLE_VERSION_UNSUPPORTED']]);

    const hash = copy();
    const m = JSON.parse(readFileSync(join(hash, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    m.generated_at = '2025-12-29T18:00:00Z';
    writeFileSync(join(hash, 'manifest.json'), prettyCanonicalJson(m));
    expect(codes(hash)).toEqual([['manifest.json', 'BUNDLE_MANIFEST_HASH_MISMATCH']]);

    const unsafe = copy();
    resign(unsafe, (mm) => {
      const c = mm.checksums as Record<string, string>;
      c['../outside.txt'] = 'a'.repeat(64);
      c['/etc/passwd'] = 'a'.repeat(64);
      c['evidence/./x.json'] = 'a'.repeat(64);
    });
    expect(codes(unsafe)).toEqual([
      ['../outside.txt', 'BUNDLE_PATH_UNSAFE'],
      ['/etc/passwd', 'BUNDLE_PATH_UNSAFE'],
      ['evidence/./x.json', 'BUNDLE_PATH_UNSAFE'],
    ]);
  });

  it('content checks: config hash, RunRecords against the schema, run ids, evidence hashes', () => {
    const config = copy();
    const cfg = JSON.parse(readFileSync(join(config, 'provenance/config.json'), 'utf8')) as Record<string, unknown>;
    cfg.flags = {sneaky: true};
    writeFileSync(join(config, 'provenance/config.json'), prettyCanonicalJson(cfg));
    resign(config);
    expect(codes(config)).toEqual([['provenance/config.json', 'BUNDLE_CONFIG_HASH_MISMATCH']]);

    const records = copy();
    const recs = JSON.parse(readFileSync(join(records, 'provenance/run-records.json'), 'utf8')) as Record<string, unknown>[];
    recs[0].mode = 'sloppy';
    writeFileSync(join(records, 'provenance/run-records.json'), prettyCanonicalJson(recs));
    resign(records);
    expect(codes(records)).toEqual([['provenance/run-records.json', 'BUNDLE_RUNRECORD_INVALID']]);
    expect(verifyBundle(records).problems[0].message).toContain('record 0 does not match docs/specs/run-record.schema.json: /mode');

    const ids = copy();
    resign(ids, (m) => {
      m.run_ids = [...(m.run_ids as string[]), '00000000-0000-8000-8000-000000000000'];
    });
    expect(codes(ids)).toEqual([['provenance/run-records.json', 'BUNDLE_RUNIDS_MISMATCH']]);

    const evidence = copy();
    const name = readdirSync(join(evidence, 'evidence')).find((f) => f.startsWith('incident-evidence.'))!;
    const payload = JSON.parse(readFileSync(join(evidence, 'evidence', name), 'utf8')) as Record<string, unknown>;
    payload.window_hours = 24;
    writeFileSync(join(evidence, 'evidence', name), JSON.stringify(payload));
    const alertName = readdirSync(join(evidence, 'evidence')).find((f) => f.startsWith('alert-evidence.'))!;
    writeFileSync(join(evidence, 'evidence', alertName), '{"edited":true}');
    resign(evidence);
    expect(codes(evidence)).toEqual([
      [`evidence/${alertName}`, 'BUNDLE_EVIDENCE_HASH_MISMATCH'],
      [`evidence/${name}`, 'BUNDLE_EVIDENCE_HASH_MISMATCH'],
    ]);

    const hashes = copy();
    resign(hashes, (m) => {
      m.artifact_hashes = (m.artifact_hashes as string[]).slice(1);
    });
    expect(codes(hashes)).toEqual([['manifest.json', 'BUNDLE_EVIDENCE_HASH_MISMATCH']]);
  });
});

describe('verified bundle reader (for the sinks)', () => {
  it('returns the typed alert versions, manifest and brief of a verified bundle', () => {
    const b = readVerifiedBundle(bundle);
    expect(b.alerts).toEqual(JSON.parse(readFileSync(join(bundle, 'alerts.v2.json'), 'utf8')));
    expect(b.alerts.length).toBeGreaterThan(0);
    expect(b.manifest.manifest_hash).toBe(verifyBundle(bundle).manifest_hash);
    expect(b.brief.header.config_hash).toBe(b.manifest.config_hash);
    for (const a of b.alerts) expect(a.version_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a bundle that fails verification, and alert entries that are not alert versions', () => {
    const broken = copy();
    rmSync(join(broken, 'alerts.csv'));
    expect(() => readVerifiedBundle(broken)).toThrowError(expect.objectContaining({code: 'BUNDLE_INVALID', exitCode: 2}));
    const shape = copy();
    const alerts = JSON.parse(readFileSync(join(shape, 'alerts.v2.json'), 'utf8')) as Record<string, unknown>[];
    alerts[0].version = 'two';
    writeFileSync(join(shape, 'alerts.v2.json'), prettyCanonicalJson(alerts));
    resign(shape);
    expect(() => readVerifiedBundle(shape)).toThrowError(expect.objectContaining({code: 'BUNDLE_ALERTS_INVALID'}));
  });
});
