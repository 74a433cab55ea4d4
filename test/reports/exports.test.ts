import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {artifactHash, sha256Hex} from '../../src/kernel/canonical-json.js';
import {PinnedClock} from '../../src/kernel/clock.js';
import {RunGroup} from '../../src/kernel/run-group.js';
import type {RunRecord} from '../../src/kernel/run-record.js';
import {MICROS_PER_HOUR, parseIsoInstant} from '../../src/kernel/time.js';
import {csvField} from '../../src/reports/csv.js';
import {alertsExport, briefExport, sourcesExport} from '../../src/reports/exports/content.js';
import {runExportOperator} from '../../src/reports/exports/operator.js';
import {addAlert, memoryStore, source} from './fixture.js';

const NOW = parseIsoInstant('2025-12-29T17:00:00Z')!.micros;
const T1 = '2025-12-29T17:00:00Z';
const T2 = '2025-12-29T17:00:01Z';
const tmp = mkdtempSync(join(tmpdir(), 'hardstop-exports-'));
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

function group(mode: 'strict' | 'best-effort' = 'strict'): {group: RunGroup; records: RunRecord[]} {
  const records: RunRecord[] = [];
  const g = new RunGroup({command: 'test', args: {}, clock: new PinnedClock(NOW), mode, configHash: 'c'.repeat(64), version: '0.1.0', sink: {write: (r) => void records.push(r)}});
  return {group: g, records};
}

describe('single-file exports (§4 with the TS changes of §8.3)', () => {
  it('OUT-8/OUT-9: alert filters apply before the limit; no implicit time cap; documents are the stored versions', () => {
    const store = memoryStore();
    for (let i = 0; i < 5; i++) addAlert(store, {alertId: `R-${i}`, classification: 2, impact: 100 - i, tier: 'regional'});
    for (const [i, impact] of [10, 9, 8].entries()) addAlert(store, {alertId: `G-${i}`, classification: 1, impact, tier: 'global', sourceId: 'source-global'});
    addAlert(store, {alertId: 'OLD', classification: 1, impact: 1, tier: 'global', sourceId: 'source-global', firstSeen: '2024-01-01T00:00:00Z', lastSeen: '2024-01-01T00:00:00Z'});
    const r = alertsExport(store, {now: NOW, tier: 'global', sourceId: 'source-global', limit: 3}, 'json', T1);
    const env = JSON.parse(r.content.text) as {data: {alert_id: string; impact_score: number; priority: number; diagnostics: {impact_score: number} | null}[]};
    expect(env.data.map((d) => [d.alert_id, d.impact_score, d.priority])).toEqual([
      ['G-0', 10, 1],
      ['G-1', 9, 1],
      ['G-2', 8, 1],
    ]);
    expect(env.data[0].diagnostics).toMatchObject({impact_score: 10});
    expect(r.reads.map((x) => x.id)).toContain('alert-version:G-0:1');
    const all = alertsExport(store, {now: NOW, limit: 50}, 'json', T1);
    expect((JSON.parse(all.content.text) as {data: {alert_id: string}[]}).data.map((d) => d.alert_id)).toContain('OLD');
  });

  it('OUT-12 and JSON form: envelope in JCS order, UTF-8, final newline; export_data_hash leaves out the time', () => {
    const r = alertsExport(undefined, {now: NOW}, 'json', '2025-01-01T00:00:00Z');
    expect(r.content.dataHash).toBe('a8649f806d2a4d4a790e2279c51032e5d900de4d6f72ee0eb9a1a25a0c61d777');
    expect(r.content.text).toBe('{\n  "data": [],\n  "export_schema_version": "1",\n  "exported_at_utc": "2025-01-01T00:00:00Z"\n}\n');
  });

  it('OUT-13 and CSV form: the 11 reference columns, RFC 4180 quoting, LF (R-5), the data hash covers the bytes', () => {
    expect(['A-1', 2, null, 'global', 3, 's', 'CREATED', 0, 't1', 't2', 'Spill, "big" one\nline2'].map(csvField).join(',')).toBe('A-1,2,,global,3,s,CREATED,0,t1,t2,"Spill, ""big"" one\nline2"');
    const store = memoryStore();
    addAlert(store, {alertId: 'A-1', classification: 2, impact: 7, summary: 'Spill, "big" one'});
    const r = alertsExport(store, {now: NOW}, 'csv', T1);
    expect(r.content.text).toBe(
      'alert_id,classification,impact_score,tier,trust_tier,source_id,correlation_action,update_count,first_seen_utc,last_seen_utc,summary\n' +
        'A-1,2,7,global,2,src-a,CREATED,0,2025-12-29T16:00:00Z,2025-12-29T16:30:00Z,"Spill, ""big"" one"\n',
    );
    expect(r.content.dataHash).toBe(
      artifactHash({
        columns: r.content.text.split('\n')[0].split(','),
        content_sha256: sha256Hex(r.content.text),
        export_schema_version: '1',
        format: 'csv',
        row_count: 1,
      }),
    );
    expect(alertsExport(undefined, {now: NOW}, 'csv', T1).content.text.endsWith('summary\n')).toBe(true);
  });

  it('OUT-14/OUT-15 (R-4): the brief export data holds no clock value, so equal briefs hash equal at any time', () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'A', classification: 2, impact: 5});
    const opts = {now: NOW, sinceMicros: 24 * MICROS_PER_HOUR, includeClass0: false, limit: 20};
    const a = briefExport(store, opts, T1);
    const b = briefExport(store, opts, T2);
    expect(a.content.dataHash).toBe(b.content.dataHash);
    expect(sha256Hex(a.content.text)).not.toBe(sha256Hex(b.content.text));
    expect((JSON.parse(a.content.text) as {data: {generated_at_utc: string | null; read_model_version: string}}).data).toMatchObject({generated_at_utc: '2025-12-29T16:30:00Z', read_model_version: 'brief.v1'});
    const emptyA = briefExport(memoryStore(), opts, T1);
    const emptyB = briefExport(memoryStore(), {...opts, now: NOW + 1_000_000}, T2);
    expect(emptyA.content.dataHash).toBe(emptyB.content.dataHash);
    expect((JSON.parse(emptyA.content.text) as {data: {generated_at_utc: null}}).data.generated_at_utc).toBeNull();
    expect(a.content.artifactHashes).toHaveLength(1);
  });

  it('sources: one row per configured source in file order, the API row shape; none configured → []', () => {
    const r = sourcesExport(undefined, [source('b'), source('a', {order: 1})], {now: NOW, lookback: {count: 10}, staleHours: 48}, T1);
    const data = (JSON.parse(r.content.text) as {data: Record<string, unknown>[]}).data;
    expect(data.map((d) => d.source_id)).toEqual(['b', 'a']);
    expect(Object.keys(data[0]).sort()).toEqual(
      [
        'enabled',
        'health_budget_state',
        'health_factors',
        'health_score',
        'is_stale',
        'last_ingest',
        'last_items_new',
        'last_status_code',
        'last_success_utc',
        'source_id',
        'success_rate',
        'suppression_ratio',
        'tags',
        'tier',
        'type',
      ].sort(),
    );
    expect(JSON.parse(sourcesExport(undefined, [], {now: NOW, lookback: {count: 10}, staleHours: 48}, T1).content.text)).toMatchObject({data: []});
  });

  it('OUT-16 (R-1, R-2): --out creates folders; json and csv keep their own <file>.manifest.json; the RunRecord hashes both files', async () => {
    const store = memoryStore();
    addAlert(store, {alertId: 'A-1', classification: 2, impact: 7});
    for (const format of ['json', 'csv'] as const) {
      const out = join(tmp, 'missing', 'dir', `alerts.${format}`);
      const {group: g, records} = group();
      const r = await runExportOperator(g, {
        type: 'alerts',
        filters: {format},
        outPath: out,
        display: (p) => p.slice(tmp.length + 1),
        exportedAt: T1,
        configSnapshot: {schema_version: 1},
        build: () => alertsExport(store, {now: NOW}, format, T1),
      });
      const manifestPath = `${out}.manifest.json`;
      expect(r.manifest).toBe(`missing/dir/alerts.${format}.manifest.json`);
      const bytes = readFileSync(out);
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
      expect(manifest).toEqual({
        manifest_version: '1',
        export_schema_version: '1',
        exported_at_utc: T1,
        config_hash: 'c'.repeat(64),
        export_data_hash: r.content.dataHash,
        export_content_hash: sha256Hex(bytes),
        artifact_hashes: r.content.artifactHashes,
        config_snapshot: {schema_version: 1},
      });
      const rec = records[0];
      expect(rec.operator_id).toBe('hardstop.export@2.0.0');
      expect(rec.input_refs.map((x) => x.id)).toEqual([`run-group:${g.id}`, 'export-filter:alerts', 'alert-version:A-1:1', expect.stringMatching(/^incident-evidence:A-1:[0-9a-f]{64}$/)]);
      expect(rec.output_refs.map((o) => [o.id, o.hash, o.bytes])).toEqual([
        [`export:alerts:missing/dir/alerts.${format}`, sha256Hex(bytes), bytes.length],
        [`export-manifest:alerts:missing/dir/alerts.${format}.manifest.json`, sha256Hex(readFileSync(manifestPath)), readFileSync(manifestPath).length],
      ]);
    }
    expect(existsSync(join(tmp, 'missing', 'dir', 'alerts.manifest.json'))).toBe(false);
  });

  it('readiness gates exports (operations.md §7.6): BROKEN refuses in strict mode (record kept), warns in best-effort', async () => {
    const readiness = {state: 'BROKEN' as const, reasons: ['1 source(s) exhausted failure budget: src-a']};
    const base = {type: 'alerts' as const, filters: {}, outPath: null, display: (p: string) => p, exportedAt: T1, configSnapshot: {}, readiness, build: () => alertsExport(undefined, {now: NOW}, 'json', T1)};
    const strict = group('strict');
    await expect(runExportOperator(strict.group, base)).rejects.toMatchObject({code: 'EXPORT_NOT_PUBLISHED', exitCode: 2});
    expect(strict.records[0].errors.map((e) => e.code)).toEqual(['EXPORT_NOT_PUBLISHED']);
    const lax = group('best-effort');
    const r = await runExportOperator(lax.group, base);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['EXPORT_DRAFT_ONLY', 'warning']]);
    expect(lax.records[0].warnings.map((w) => w.code)).toEqual(['EXPORT_DRAFT_ONLY']);
  });
});
