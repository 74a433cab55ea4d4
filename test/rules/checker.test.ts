import {describe, expect, it} from 'vitest';
import {buildRulePack} from '../../src/rules/index.js';

function diags(text: string) {
  return buildRulePack([{file: 't.yaml', text}]).diagnostics;
}

/** Each case: a rule file, the expected code, severity, line and column of the first diagnostic with that code. */
const CASES: {name: string; text: string; code: string; line: number; col: number; severity?: string; hint?: RegExp}[] = [
  {
    name: 'unknown field in a plain scalar, with did-you-mean',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: event.titel == "x"\n',
    code: 'RULE_UNKNOWN_FIELD', line: 4, col: 17, hint: /event\.title/,
  },
  {
    name: 'unknown field inside a double-quoted scalar with escapes before it',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: "event.title == \\"a\\\\tb\\" or event.sumary == \\"x\\""\n',
    code: 'RULE_UNKNOWN_FIELD', line: 4, col: 46,
  },
  {
    name: 'unknown field inside a single-quoted scalar with a doubled quote',
    text: "version: 1\nsuppress:\n  - id: a\n    when: 'event.title == \"it''s\" or event.urll == \"x\"'\n",
    code: 'RULE_UNKNOWN_FIELD', line: 4, col: 44,
  },
  {
    name: 'type mismatch on the third line of a | block scalar',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: |\n      event.title == "x"\n      and\n      source.trust_tier == "3"\n',
    code: 'RULE_TYPE_MISMATCH', line: 7, col: 25,
  },
  {
    name: 'unknown list in a > folded block scalar',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: >-\n      event.title in\n      my_lst\n',
    code: 'RULE_UNKNOWN_LIST', line: 6, col: 7,
  },
  {
    name: 'block scalar with an indentation indicator and keep chomping',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: |2+\n        event.title == 1\n',
    code: 'RULE_TYPE_MISMATCH', line: 5, col: 21,
  },
  {
    name: 'folded plain scalar over two lines',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: event.title == "x" and\n      evnt.url == "y"\n',
    code: 'RULE_UNKNOWN_FIELD', line: 5, col: 7, hint: /event/,
  },
  {
    name: 'regex outside RE2 (look-ahead) points at the regex',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: event.title matches /(?=x)y/i\n',
    code: 'RULE_BAD_REGEX', line: 4, col: 31, hint: /look-around/,
  },
  {
    name: 'backreference is refused with a hint',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: event.title matches /(a)\\1/\n',
    code: 'RULE_BAD_REGEX', line: 4, col: 31, hint: /backreferences/,
  },
  {
    name: 'malformed window duration',
    text: 'version: 1\ncorrelate:\n  - id: k\n    key: [event.title]\n    window: 7days\n',
    code: 'RULE_BAD_DURATION', line: 5, col: 13,
  },
  {
    name: 'duplicate id across sections',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: event.title == "x"\nscore:\n  - id: a\n    add: 1\n    rationale: r\n',
    code: 'RULE_DUPLICATE_ID', line: 6, col: 9,
  },
  {
    name: 'parse error at the unexpected token',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: event.title == "x" event.url\n',
    code: 'RULE_PARSE', line: 4, col: 30,
  },
  {
    name: 'unterminated string',
    text: "version: 1\nsuppress:\n  - id: a\n    when: 'event.title == \"x'\n",
    code: 'RULE_PARSE', line: 4, col: 27,
  },
  {
    name: 'unknown function with did-you-mean',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: lowr(event.title) == "x"\n',
    code: 'RULE_UNKNOWN_FUNCTION', line: 4, col: 11, hint: /lower/,
  },
  {
    name: 'link fields are not available before linking',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: len(facilities) > 0\n',
    code: 'RULE_UNKNOWN_FIELD', line: 4, col: 15, hint: /post_link/,
  },
  {
    name: 'unused macro is a warning',
    text: 'version: 1\nmacros:\n  spare: event.title == "x"\nsuppress:\n  - id: a\n    when: event.url == "y"\n',
    code: 'RULE_UNUSED_MACRO', line: 3, col: 3, severity: 'warning',
  },
  {
    name: 'unused list is a warning',
    text: 'version: 1\nlists:\n  spare: [a]\nsuppress:\n  - id: a\n    when: event.url == "y"\n',
    code: 'RULE_UNUSED_LIST', line: 3, col: 3, severity: 'warning',
  },
  {
    name: 'constant condition is a warning',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: 1 == 1\n',
    code: 'RULE_CONSTANT_CONDITION', line: 4, col: 11, severity: 'warning',
  },
  {
    name: 'shadowed suppression rule',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: event.title icontains "test"\n  - id: b\n    when: event.title icontains "test alert"\n',
    code: 'RULE_SHADOWED', line: 6, col: 11, severity: 'warning',
  },
  {
    name: 'macro cycle',
    text: 'version: 1\nmacros:\n  m1: m2\n  m2: m1\nsuppress:\n  - id: a\n    when: m1\n',
    code: 'RULE_MACRO_CYCLE', line: 4, col: 7,
  },
  {
    name: 'unknown key with did-you-mean',
    text: 'version: 1\nsuppress:\n  - id: a\n    wen: event.title == "x"\n',
    code: 'RULE_UNKNOWN_KEY', line: 4, col: 5, hint: /when/,
  },
  {
    name: 'classify table without a default row',
    text: 'version: 1\nclassify:\n  - id: hi\n    when: score >= 4\n    class: 2\n',
    code: 'RULE_CLASSIFY_NO_DEFAULT', line: 3, col: 9,
  },
  {
    name: 'score rule add must be a number',
    text: 'version: 1\nscore:\n  - id: s\n    add: event.title\n    rationale: r\n',
    code: 'RULE_TYPE_MISMATCH', line: 4, col: 10,
  },
  {
    name: 'placeholder inside a rationale template',
    text: 'version: 1\nscore:\n  - id: s\n    add: 1\n    rationale: "count ${len(shipmnts)}"\n',
    code: 'RULE_UNKNOWN_FIELD', line: 5, col: 29, hint: /shipments/,
  },
  {
    name: 'test input with an unknown event field',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: event.title == "x"\ntests:\n  - name: t\n    event: {titel: x}\n    expect: {not_suppressed: true}\n',
    code: 'RULE_TEST_UNKNOWN_FIELD', line: 7, col: 13,
  },
  {
    name: 'instants compare only with instants',
    text: 'version: 1\nsuppress:\n  - id: a\n    when: event.expires_at < 5\n',
    code: 'RULE_TYPE_MISMATCH', line: 4, col: 28,
  },
];

describe('checker diagnostics (code, line, column)', () => {
  it.each(CASES)('$name', (c) => {
    const ds = diags(c.text);
    const d = ds.find((x) => x.code === c.code);
    expect(d, JSON.stringify(ds, null, 1)).toBeDefined();
    expect(d!.severity).toBe(c.severity ?? 'error');
    expect({line: d!.line, col: d!.col}).toEqual({line: c.line, col: c.col});
    expect(d!.file).toBe('t.yaml');
    if (c.hint) expect(d!.hint).toMatch(c.hint);
  });

  it('a clean file has no diagnostics', () => {
    expect(diags('version: 1\nsuppress:\n  - id: a\n    when: event.title icontains "x"\n')).toEqual([]);
  });

  it('valid expressions of every kind check cleanly', () => {
    const ok = [
      'now - 7d <= event.time and event.time <= now + 48h',
      'any s in shipments: s.eta != null and s.eta - now < 2d',
      'count(f in facilities: f.criticality >= 7) >= 2 or max(l in lanes: l.volume) > 5',
      'sum(s in shipments: s.qty) / 2 > 10.5',
      'lower(event.title) startswith "a" and upper(event.url ?? "") endswith "B"',
      'len(event.nws.vtec) > 0 and "x" in event.nws.ugc and event.nws.ugc contains "y"',
      'if source.tier == "global" then true else source.trust_tier >= 2',
      'all t in tokens(event.title ?? ""): len(t) < 20',
      'extract(event.title, /id=(\\w+)/) == "a" and event.title not in ["a", "b"]',
      'join(sorted(unique(map(f in facilities: f.id))), "+") != ""',
    ];
    for (const e of ok) {
      const text = `version: 1\nsuppress:\n  - id: a\n    pass: post_link\n    when: '${e.replace(/'/g, "''")}'\n`;
      expect(diags(text), e).toEqual([]);
    }
  });
});
