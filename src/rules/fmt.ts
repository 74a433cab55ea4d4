import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap} from 'yaml';
import {yamlErrorDiagnostics} from '../kernel/yaml-errors.js';
import {RuleParseError} from './errors.js';
import {CLASSIFY_KEYS, CORRELATE_KEYS, QUALITY_KEYS, SCORE_KEYS, SUPPRESS_KEYS, TOP_KEYS, TYPE_KEYS} from './file-keys.js';
import {EXPECT_KEYS, TEST_KEYS} from './test-input.js';

const ITEM_ORDER: Record<string, readonly string[]> = {
  types: TYPE_KEYS,
  suppress: [...SUPPRESS_KEYS, 'kind', 'field', 'pattern', 'case_sensitive'],
  score: SCORE_KEYS,
  classify: CLASSIFY_KEYS,
  quality: QUALITY_KEYS,
  correlate: CORRELATE_KEYS,
  tests: TEST_KEYS,
};

/** Stable reorder of a mapping's pairs: known keys in `order`, others after, as they were. */
function reorder(map: YAMLMap, order: readonly string[]): void {
  const rank = (p: (typeof map.items)[number]) => {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  const indexed = map.items.map((p, i) => ({p, i, r: rank(p)}));
  indexed.sort((a, b) => a.r - b.r || a.i - b.i);
  map.items = indexed.map((x) => x.p);
}

/**
 * Canonical layout of a rule file: 2-space indentation, no line wrapping, top-level sections
 * and rule keys in documentation order. Comments, scalar styles (quoted, block) and flow
 * collections are kept, so the meaning never changes; the result is a fixed point.
 */
export function formatRuleFile(text: string, file = '<input>'): string {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {keepSourceTokens: false, uniqueKeys: true, lineCounter});
  const [problem] = yamlErrorDiagnostics(doc.errors, text, lineCounter, file);
  if (problem) {
    throw new RuleParseError(`${file}:${problem.line}:${problem.col}: not valid YAML: ${problem.message}`, {file, line: problem.line, col: problem.col, hint: problem.hint});
  }
  const top = doc.contents as Node | null;
  if (isMap(top)) {
    // A comment above the first key is the file's header: keep it at the top when keys move.
    const firstKey = top.items[0]?.key as Node | undefined;
    if (firstKey && isScalar(firstKey) && firstKey.commentBefore) {
      doc.commentBefore = doc.commentBefore ? `${doc.commentBefore}\n${firstKey.commentBefore}` : firstKey.commentBefore;
      firstKey.commentBefore = undefined;
    }
    reorder(top, TOP_KEYS);
    for (const pair of top.items) {
      const section = isScalar(pair.key) ? String(pair.key.value) : '';
      const order = ITEM_ORDER[section];
      if (order && isSeq(pair.value)) {
        for (const item of pair.value.items) {
          if (!isMap(item)) continue;
          reorder(item, order);
          if (section === 'tests') {
            for (const p of item.items) if (isScalar(p.key) && p.key.value === 'expect' && isMap(p.value)) reorder(p.value, EXPECT_KEYS);
          }
        }
      }
    }
  }
  const out = doc.toString({indent: 2, indentSeq: true, lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false});
  return out.endsWith('\n') ? out : `${out}\n`;
}
