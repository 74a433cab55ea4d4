import {describe, expect, it} from 'vitest';
import {buildRulePack} from '../../src/rules/loader.js';
import {rebuildFromSnapshot} from '../../src/rules/snapshot.js';
import {snapshotOf} from '../../src/rules/pack-snapshot.js';

const RULES = `version: 1
lists:
  risk_keywords: [{term: X, weight: 1}]
suppress:
  - id: drills
    when: event.title icontains "drill"
score:
  - id: kw
    when: 'any k in risk_keywords: upper(event.title ?? "") contains k.term'
    add: 1
    rationale: keyword
classify:
  - {id: c0, class: 0}
`;
const KEYWORDS = 'version: 1\nrisk_keywords: [STRIKE]\n';

describe('rule snapshots', () => {
  it('rebuild the identical pack from the stored texts, compatibility inputs included', () => {
    const built = buildRulePack([{file: 'rules/p/a.yaml', text: RULES}], {keywordsCompat: {file: 'config/keywords.yaml', text: KEYWORDS}});
    expect(built.pack, JSON.stringify(built.diagnostics)).not.toBeNull();
    const snap = snapshotOf(built.pack!, built.sources, {keywords: 'config/keywords.yaml'});
    expect(snap.manifest.files.map((f) => [f.path, f.role])).toEqual([
      ['rules/p/a.yaml', 'rules'],
      ['config/keywords.yaml', 'keywords_compat'],
    ]);
    expect([...snap.texts.values()].sort()).toEqual([KEYWORDS, RULES].sort());
    const again = rebuildFromSnapshot(snap);
    expect(again.pack?.hash).toBe(built.pack!.hash);
  });

  it.each([
    ['an altered text', (t: Map<string, string>, k: string) => t.set(k, `${t.get(k)}# edit\n`), 'RULE_SNAPSHOT_CORRUPT'],
    ['a missing text', (t: Map<string, string>, k: string) => t.delete(k), 'RULE_SNAPSHOT_CORRUPT'],
  ])('refuse %s', (_name, damage, code) => {
    const built = buildRulePack([{file: 'rules/p/a.yaml', text: RULES}]);
    const snap = snapshotOf(built.pack!, built.sources);
    damage(snap.texts, snap.manifest.files[0].sha256);
    const r = rebuildFromSnapshot(snap);
    expect(r.pack).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toEqual([code]);
  });

  it('refuse a manifest whose pack hash the texts do not rebuild', () => {
    const built = buildRulePack([{file: 'rules/p/a.yaml', text: RULES}]);
    const snap = snapshotOf(built.pack!, built.sources);
    snap.manifest.pack_hash = '0'.repeat(64);
    expect(rebuildFromSnapshot(snap).diagnostics.map((d) => d.code)).toContain('RULE_SNAPSHOT_MISMATCH');
  });
});
