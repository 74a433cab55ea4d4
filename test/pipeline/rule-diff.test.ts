import {describe, expect, it} from 'vitest';
import {parseFailOn, parseScoreDelta} from '../../src/app/rules-diff-inputs.js';
import {compareFacts, type DecisionFacts, type DiffPolicy, groupIntoIncidents, incidentChanges} from '../../src/pipeline/rule-diff.js';

const alert = (over: Partial<DecisionFacts> = {}): DecisionFacts => ({
  event_type: 'STRIKE', type_rule_id: 'strike_headline', suppressed: false, suppress_rule_ids: [], classification: 1, classify_rule_id: 'c1', quality_rule_id: 'CAP_NONE', score: 20,
  contributions: [{rule_id: 'base', add: 20}], correlation_key: 'K', correlation_rule_id: 'key', window_micros: 3_600_000_000, facilities: ['F-1'], ...over,
});
const suppressed = (ids: string[]): DecisionFacts => ({...alert(), suppressed: true, suppress_rule_ids: ids, classification: null, score: null, contributions: [], correlation_key: null});
const policy = (failOn = 'suppress,class,score', delta = '5%'): DiffPolicy => ({failOn: parseFailOn(failOn), maxScoreDelta: parseScoreDelta(delta)});

describe('compareFacts', () => {
  it.each([
    ['identical', alert(), alert(), policy(), []],
    ['alert → suppressed names the candidate rule', alert(), suppressed(['drills']), policy(), [{kind: 'suppress', rule_ids: ['drills'], fails: true}]],
    ['suppressed → alert names the recorded rule', suppressed(['old']), alert(), policy(), [{kind: 'suppress', rule_ids: ['old'], fails: true}]],
    ['class change', alert(), alert({classification: 2, classify_rule_id: 'c2'}), policy(), [{kind: 'class', rule_ids: ['c1', 'c2'], fails: true}]],
    ['score +1 on 20 (5 %) is not above 5 %', alert(), alert({score: 21, contributions: [{rule_id: 'base', add: 20}, {rule_id: 'm', add: 1}]}), policy(), [{kind: 'score', rule_ids: ['m'], fails: false}]],
    ['score +2 on 20 (10 %) fails at 5 %', alert(), alert({score: 22, contributions: [{rule_id: 'base', add: 22}]}), policy(), [{kind: 'score', rule_ids: ['base'], fails: true}]],
    ['score +2 on 20 passes --max-score-delta 2 (points)', alert(), alert({score: 22}), policy(undefined, '2'), [{kind: 'score', rule_ids: [], fails: false}]],
    ['a score from 0 always exceeds a share', alert({score: 0}), alert({score: 1}), policy(), [{kind: 'score', rule_ids: [], fails: true}]],
    ['score not in --fail-on', alert(), alert({score: 40}), policy('suppress'), [{kind: 'score', rule_ids: [], fails: false}]],
    ['correlation key (fails only when asked)', alert(), alert({correlation_key: 'K2'}), policy('correlation'), [{kind: 'correlation', rule_ids: ['key'], fails: true}]],
    ['facilities', alert(), alert({facilities: ['F-2']}), policy(), [{kind: 'link', rule_ids: [], fails: false}]],
    ['event type names the types rows (fails only when asked)', alert(), alert({event_type: 'CLOSURE', type_rule_id: 'closure_headline'}), policy('type'), [{kind: 'type', rule_ids: ['strike_headline', 'closure_headline'], fails: true}]],
  ])('%s', (_name, base, cand, p, expected) => {
    expect(compareFacts(base, cand, p).map(({kind, rule_ids, fails}) => ({kind, rule_ids, fails}))).toEqual(expected);
  });

  it('reports the delta in points and as a share of the recorded score', () => {
    expect(compareFacts(alert(), alert({score: 25}), policy())[0].delta).toEqual({points: 5, ratio: 0.25});
  });
});

describe('flags', () => {
  it.each([['5%', {unit: 'percent', value: 5}], ['2', {unit: 'points', value: 2}], ['12.5%', {unit: 'percent', value: 12.5}]])('--max-score-delta %s', (t, v) => {
    expect(parseScoreDelta(t)).toEqual(v);
  });
  it.each(['-1', '5 %%', 'x'])('--max-score-delta %s is a usage error', (t) => {
    expect(() => parseScoreDelta(t)).toThrow(/max-score-delta/);
  });
  it('--fail-on defaults to suppress,class,score and rejects unknown kinds', () => {
    expect([...parseFailOn(undefined)]).toEqual(['suppress', 'class', 'score']);
    expect(() => parseFailOn('suppress,colour')).toThrow(/colour/);
  });
});

describe('incident grouping', () => {
  const H = 3_600_000_000;
  const items = (keys: string[], hours: number[]) => keys.map((key, i) => ({id: `e${i}`, key, eventTime: hours[i] * H, windowMicros: 24 * H}));

  it('groups by key within the window, in order', () => {
    const g = groupIntoIncidents(items(['A', 'A', 'B', 'A'], [0, 10, 11, 100]));
    expect(g.get('e0')).toBe(g.get('e1'));
    expect(g.get('e2')).not.toBe(g.get('e0'));
    expect(g.get('e3')).not.toBe(g.get('e0'));
  });

  it('a follow-up joins the open story of its first follow key with one, as ingest does', () => {
    const g = groupIntoIncidents([
      {id: 'fire', key: 'FIRE|P', eventTime: 0, windowMicros: 24 * H},
      {id: 'closure', key: 'CLOSURE|P', eventTime: 1 * H, windowMicros: 24 * H},
      {id: 'update', key: 'OTHER|P', eventTime: 2 * H, windowMicros: 24 * H, follow: ['SPILL|P', 'FIRE|P', 'CLOSURE|P']},
      {id: 'late', key: 'OTHER|P', eventTime: 200 * H, windowMicros: 24 * H, follow: ['FIRE|P']},
    ]);
    expect(g.get('update')).toBe(g.get('fire'));
    expect(g.get('closure')).not.toBe(g.get('fire'));
    expect(new Set(g.values()).size).toBe(3);
  });

  it('names merges and splits', () => {
    const base = groupIntoIncidents(items(['A', 'B', 'C', 'C'], [0, 1, 2, 3]));
    const cand = groupIntoIncidents(items(['X', 'X', 'C', 'D'], [0, 1, 2, 3]));
    expect(incidentChanges(base, cand).map((c) => ({kind: c.kind, items: c.items, from: c.from.length, to: c.to.length}))).toEqual([
      {kind: 'merge', items: ['e0', 'e1'], from: 2, to: 1},
      {kind: 'split', items: ['e2', 'e3'], from: 1, to: 2},
    ]);
  });
});
