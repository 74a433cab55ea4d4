import {cpSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {AppContext} from '../../src/app/context.js';
import {SharedStageTable} from '../../src/app/rules-diff-items.js';
import {loadRulesDiffInputs} from '../../src/app/rules-diff-inputs.js';
import {decidePrepared, type ItemDecision, prepareItem} from '../../src/pipeline/decide.js';
import type {StoredEvent} from '../../src/pipeline/event.js';
import {decisionSource} from '../../src/pipeline/replay.js';
import {decisionFacts} from '../../src/pipeline/rule-diff.js';
import {instantOf} from '../../src/kernel/time.js';
import {decidedItemsSince} from '../../src/store/rule-diff-repo.js';
import {tempHome} from '../helpers/cli.js';
import {decidedHome, NOW} from '../rules/diff-cases.js';

/*
 * `rules diff` decides the candidate side with the stages its pack shares with the recorded
 * pack taken from the recorded decision. Taken or evaluated again, every result the diff reads
 * must be the same: checked item by item on the fixed history for candidates that change each
 * stage in turn.
 */

const CANDIDATES: {name: string; file: string; from: string | RegExp; to: string}[] = [
  {name: 'a score modifier +1', file: 'scoring.yaml', from: 'when: trust_tier == 3\n    add: 1\n', to: 'when: trust_tier == 3\n    add: 2\n'},
  {name: 'a new suppress rule', file: 'suppression.yaml', from: /^suppress:\n/m, to: 'suppress:\n  - id: acid_spills\n    reason_code: ACID\n    when: event.title icontains "acid spill"\n\n'},
  {name: 'a correlation key', file: 'correlation.yaml', from: 'key: [bucket, facility_part, lane_part, content_part]', to: 'key: [bucket, facility_part, lane_part]'},
  {name: 'a new class rule', file: 'classification.yaml', from: /^classify:\n/m, to: 'classify:\n  - id: all_critical\n    when: score >= 1\n    class: 2\n\n'},
  {name: 'a new types row', file: 'types.yaml', from: /^types:\n/m, to: 'types:\n  - id: strikes_are_fires\n    when: event.title icontains "strike"\n    type: FIRE\n\n'},
];

/**
 * A decision as the diff reads it: its facts, score, class, quality and correlation, without the
 * rule files results name (a shared result names the recorded pack's file; the diff never reads it).
 */
function seen(d: ItemDecision): unknown {
  const whole = {facts: decisionFacts(d), type: d.type, ...(d.kind === 'alert' ? {score: d.score, classify: d.classify, quality: d.quality, correlation: d.correlation} : {})};
  return JSON.parse(JSON.stringify(whole, (k, v: unknown) => (k === 'file' || k === 'rule_file' ? undefined : v)));
}

describe('rules diff: stages shared with the recorded pack', () => {
  let base: string;
  beforeAll(() => {
    base = decidedHome();
  });

  it.each(CANDIDATES)('$name: every item decides the same with shared stages as without', (c) => {
    const cwd = tempHome('hardstop-shared-stages-');
    cpSync(join(base, 'rules/supply-chain'), join(cwd, 'candidate'), {recursive: true});
    const path = join(cwd, 'candidate', c.file);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace(c.from, c.to));
    expect(readFileSync(path, 'utf8')).not.toBe(text);
    const ctx = AppContext.create({home: base, now: NOW}, {});
    const loaded = loadRulesDiffInputs(ctx, {rules: join(cwd, 'candidate')});
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    const {inputs} = loaded;
    const table = new SharedStageTable(inputs.candidate.pack);
    const rows = decidedItemsSince(inputs.store, '2000-01-01T00:00:00Z', null);
    expect(rows.length).toBe(13);
    let shared = 0;
    for (const row of rows) {
      const source = decisionSource(JSON.parse(row.event_json) as StoredEvent, inputs.sources);
      const tables = {...inputs.tables, now: instantOf(row.decided_at)!};
      const prepared = prepareItem(row, source, tables);
      const rec = inputs.recorded.forRecorded(null);
      const bd = decidePrepared(prepared, source, {tables, noSuppress: false, pack: rec.pack, sourceRules: rec.sourceRules});
      const env = {tables, noSuppress: false, pack: inputs.candidate.pack, sourceRules: inputs.candidate.sourceRules};
      const stages = table.with(rec.pack, bd);
      const taken = decidePrepared(prepared, source, env, stages);
      const fresh = decidePrepared(prepared, source, env);
      expect(seen(taken), row.event_id).toEqual(seen(fresh));
      if (taken.kind === 'alert' && bd.kind === 'alert' && taken.correlation === bd.correlation) shared++;
    }
    ctx.close();
    // Only a correlation change leaves nothing to take from the recorded correlate stage.
    if (c.file !== 'correlation.yaml') expect(shared).toBeGreaterThan(0);
  });
});
