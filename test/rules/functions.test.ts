import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {FUNCTIONS, type CallTyping} from '../../src/rules/functions.js';
import {withFunctionTable} from '../../src/rules/reference-docs.js';
import {buildRulePack, emptyContext} from '../../src/rules/index.js';
import {ANY, REGEX, type Type} from '../../src/rules/types.js';

function accepts(check: (c: CallTyping) => Type | null, c: Omit<CallTyping, 'fail'>): boolean {
  return check({...c, fail: () => null}) !== null;
}

/** Argument lists the checker might accept: 1 to 3 unknown values, the last possibly a regex. */
const POSITIONAL: Type[][] = [1, 2, 3].flatMap((n) => [Array<Type>(n).fill(ANY), [...Array<Type>(n - 1).fill(ANY), REGEX]]);

describe('the built-in function registry', () => {
  it('docs/RULES.md shows the registry\'s function table (regenerate: npm run build && node scripts/doc-tables.js)', () => {
    const text = readFileSync('docs/RULES.md', 'utf8');
    expect(withFunctionTable(text)).toBe(text);
  });

  it.each([...FUNCTIONS.values()].map((f) => [f.name, f] as const))('%s compiles every form its checker accepts', (_, f) => {
    const bound = accepts(f.check, {args: [], hasBind: true, bindElem: ANY, body: ANY});
    const positional = POSITIONAL.some((args) => accepts(f.check, {args, hasBind: false, bindElem: null, body: null}));
    expect(bound || positional).toBe(true);
    expect(f.each !== undefined).toBe(bound);
    expect(f.call !== undefined).toBe(positional);
  });

  it.each(['toString', 'constructor', 'hasOwnProperty'])('%s(…) is an unknown function, not a crash', (name) => {
    const text = `version: 1\nsuppress:\n  - id: a\n    when: ${name}(event.title) == "x"\n`;
    const r = buildRulePack([{file: 'f.yaml', text}]);
    expect(r.pack).toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['RULE_UNKNOWN_FUNCTION', 4, 11]]);
  });

  it('last(x in list: condition) picks the last item satisfying the condition', () => {
    const text = 'version: 1\nsuppress:\n  - id: a\n    pass: post_link\n    when: "last(f in facilities: f.criticality > 1).id == \\"A\\""\n';
    const r = buildRulePack([{file: 'f.yaml', text}]);
    expect(r.diagnostics).toEqual([]);
    const ctx = emptyContext();
    ctx.facilities = [
      {id: 'b', name: null, type: null, city: null, state: null, criticality: 8},
      {id: 'A', name: null, type: null, city: null, state: null, criticality: 3},
      {id: 'c', name: null, type: null, city: null, state: null, criticality: 1},
    ];
    expect(r.pack!.suppress(ctx, {pass: 'all'}).suppressed).toBe(true);
  });
});
