// Decision-quality figures score.py does not give (issue 18): event-type accuracy and its
// confusion matrix, and incident pairwise precision / recall per truth kind. Read by
// scripts/bench.js; docs/BENCHMARK.md explains every figure.
import {readFileSync} from 'node:fs';

const pairs = (n) => (n * (n - 1)) / 2;
const ratio = (a, b) => (b ? Number((a / b).toFixed(6)) : null);

function readJsonl(path) {
  const out = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) if (line) out.push(JSON.parse(line));
  return out;
}

/** Pairs of a group of n items that touch at least one of its k items of a kind. */
const touching = (n, k) => pairs(n) - pairs(n - k);

/**
 * Type accuracy (all items, and the items the truth keeps), the confusion matrix
 * `{truth type: {predicted type: items}}`, facility links, and the incidents' pairwise
 * precision and recall overall and per truth kind (a pair counts for a kind when at least one
 * of its items has it). The scope of links and incidents is score.py's (items the truth does
 * not suppress; a missing incident id is an incident of its own) minus the items suppressed by
 * the NWS expiry rule, which the truth does not model (pipeline.md §3.9).
 */
export function decisionQuality(truthPath, predPath, expiredRule = 'nws_expired') {
  const pred = new Map(readJsonl(predPath).map((p) => [p.item_id, p]));
  const confusion = {};
  let typed = 0;
  let correct = 0;
  let keptTyped = 0;
  let keptCorrect = 0;
  const cells = new Map();
  const truthGroups = new Map();
  const predGroups = new Map();
  const bump = (map, key, kind) => {
    let g = map.get(key);
    if (!g) map.set(key, (g = {n: 0, kinds: {}}));
    g.n++;
    g.kinds[kind] = (g.kinds[kind] ?? 0) + 1;
  };
  const kinds = new Set();
  const link = {tp: 0, fp: 0, fn: 0};
  for (const t of readJsonl(truthPath)) {
    const p = pred.get(t.item_id);
    const got = p?.event_type ?? null;
    const want = t.event_type ?? null;
    if (want !== null) {
      typed++;
      if (got === want) correct++;
      if (!t.expected_suppressed) {
        keptTyped++;
        if (got === want) keptCorrect++;
      }
      const row = (confusion[want] ??= {});
      row[got ?? 'none'] = (row[got ?? 'none'] ?? 0) + 1;
    }
    if (t.expected_suppressed || p?.suppression_rule_ids?.[0] === expiredRule) continue;
    const wantF = new Set(t.expected_facility_ids ?? []);
    const gotF = new Set(p?.facility_ids ?? []);
    for (const f of gotF) wantF.has(f) ? link.tp++ : link.fp++;
    for (const f of wantF) if (!gotF.has(f)) link.fn++;
    if (t.expected_incident == null) continue;
    kinds.add(t.kind);
    const pi = p?.incident_id ?? `own:${t.item_id}`;
    bump(truthGroups, t.expected_incident, t.kind);
    bump(predGroups, pi, t.kind);
    bump(cells, `${t.expected_incident}\u0000${pi}`, t.kind);
  }
  const sumTouching = (groups, kind) => {
    let s = 0;
    for (const g of groups.values()) s += kind === null ? pairs(g.n) : touching(g.n, g.kinds[kind] ?? 0);
    return s;
  };
  const figures = (kind) => {
    const truePairs = sumTouching(cells, kind);
    const truthPairs = sumTouching(truthGroups, kind);
    const predPairs = sumTouching(predGroups, kind);
    return {
      truth_pairs: truthPairs,
      predicted_pairs: predPairs,
      true_pairs: truePairs,
      false_merge_pairs: predPairs - truePairs,
      missed_pairs: truthPairs - truePairs,
      pairwise_precision: predPairs ? ratio(truePairs, predPairs) : 1,
      pairwise_recall: truthPairs ? ratio(truePairs, truthPairs) : 1,
    };
  };
  const sortedObject = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, typeof o[k] === 'object' ? sortedObject(o[k]) : o[k]]));
  return {
    event_type: {
      items: typed,
      accuracy: ratio(correct, typed),
      accuracy_on_items_the_truth_keeps: ratio(keptCorrect, keptTyped),
      confusion: sortedObject(confusion),
    },
    facility_link: {...link, precision: ratio(link.tp, link.tp + link.fp), recall: ratio(link.tp, link.tp + link.fn), f1: ratio(2 * link.tp, 2 * link.tp + link.fp + link.fn)},
    incidents: {all: figures(null), by_truth_kind: Object.fromEntries([...kinds].sort().map((k) => [k, figures(k)]))},
  };
}
