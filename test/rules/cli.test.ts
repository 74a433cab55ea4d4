import {mkdtempSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {rulesCheck} from '../../src/rules/cli/check.js';
import {fullText} from '../../src/rules/cli/common.js';
import {rulesExplain} from '../../src/rules/cli/explain.js';
import {rulesFmt} from '../../src/rules/cli/fmt.js';
import {rulesSchema} from '../../src/rules/cli/schema.js';
import {rulesTest} from '../../src/rules/cli/test.js';

function home(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hardstop-rules-'));
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), {recursive: true});
    writeFileSync(join(dir, p), t);
  }
  return dir;
}

const GOOD = 'version: 1\nsuppress:\n  - id: a\n    when: event.title icontains "test"\ntests:\n  - name: hit\n    event: {title: a TEST}\n    expect: {suppressed_by: a}\n';

describe('rules commands (logic)', () => {
  it('check: exit 0 on the shipped pack (default files under the home)', () => {
    const o = rulesCheck({home: process.cwd()});
    expect(o.exitCode).toBe(0);
    expect(o.diagnostics).toEqual([]);
    expect(o.text).toMatch(/6 file\(s\).*0 error\(s\), 0 warning\(s\)/);
  });

  it('check: exit 1 on warnings, 2 on errors, with caret excerpts and JSON', () => {
    const h = home({'rules/w.yaml': 'version: 1\nlists:\n  unused: [a]\nsuppress:\n  - id: a\n    when: event.title == "x"\n'});
    expect(rulesCheck({home: h}).exitCode).toBe(1);
    const e = home({'rules/e.yaml': 'version: 1\nsuppress:\n  - id: a\n    when: event.titel == "x"\n'});
    const o = rulesCheck({home: e});
    expect(o.exitCode).toBe(2);
    expect(fullText(o)).toContain('rules/e.yaml:4:17: error RULE_UNKNOWN_FIELD: unknown field event.titel\n  |\n4 |     when: event.titel == "x"\n  |                 ^^^^^');
    expect(o.json).toMatchObject({ok: false, errors: 1});
    expect(o.diagnostics[0]).toMatchObject({code: 'RULE_UNKNOWN_FIELD', file: 'rules/e.yaml', line: 4, col: 17});
  });

  it('test: green and red cases; failures show expected, got and the deciding rule', () => {
    expect(rulesTest({home: home({'rules/g.yaml': GOOD})}).exitCode).toBe(0);
    const bad = rulesTest({home: home({'rules/b.yaml': GOOD.replace('a TEST', 'nothing')})});
    expect(bad.exitCode).toBe(2);
    expect(bad.text).toContain('FAIL hit  (rules/b.yaml:6)');
    expect(bad.text).toContain('expected: "a"');
    expect(bad.text).toContain('got:      null');
    // Issue 20 finding 14: the rule that did not match is not called the deciding rule.
    expect(bad.text).not.toContain('decided by');
    expect(bad.text).toContain('a (rules/b.yaml:3) did not match');
    expect(bad.json).toMatchObject({results: [{failures: [{got: null, expected_rule: {id: 'a', matched: false}}]}]});
    const other = rulesTest({home: home({'rules/o.yaml': GOOD.replace('  - id: a\n', '  - id: z\n    when: event.title icontains "a"\n  - id: a\n')})});
    expect(other.text).toContain('decided by z (rules/o.yaml:3)');
    expect(other.text).toContain('a (rules/o.yaml:5) matched but did not decide');
  });

  it('check: an unbalanced parenthesis names ")" and points at the unclosed "(" (issue 20 finding 13)', () => {
    const open = rulesCheck({home: home({'rules/p.yaml': 'version: 1\nsuppress:\n  - id: a\n    when: event.title == "x" and (event.url == "y" or event.title == "z"\n'})});
    expect(open.exitCode).toBe(2);
    expect(fullText(open)).toContain('rules/p.yaml:4:34: error RULE_PARSE: "(" is never closed: missing ")"\n  |\n4 |     when: event.title == "x" and (event.url == "y" or event.title == "z"\n  |                                  ^');
    const stray = rulesCheck({home: home({'rules/s.yaml': 'version: 1\nsuppress:\n  - id: a\n    when: event.title == "x")\n'})});
    expect(fullText(stray)).toContain('rules/s.yaml:4:29: error RULE_PARSE: ")" has no matching "("');
  });

  it('explain: the deciding rules by default, the full trace with verbose', () => {
    const h = home({'rules/g.yaml': GOOD, 'ev.json': JSON.stringify({event: {title: 'a test'}, source: {trust_tier: 3}})});
    const o = rulesExplain({files: [join(h, 'rules')], event: join(h, 'ev.json'), verbose: false});
    expect(o.exitCode).toBe(0);
    expect(o.text).toContain('== rules that decided ==');
    expect(o.text).toMatch(/event\.title icontains "test" {2}→ {2}true/);
    const full = rulesExplain({files: [join(h, 'rules')], event: join(h, 'ev.json'), verbose: true});
    expect(full.text).toContain('== suppress ==');
    expect(full.text).toMatch(/event\.title icontains "test" {2}→ {2}true/);
    const bad = rulesExplain({files: [join(h, 'rules')], event: join(h, 'rules/g.yaml'), verbose: false});
    expect(bad.exitCode).toBe(2);
  });

  it('fmt: --check reports, then fmt writes, then --check is clean', () => {
    const h = home({'rules/f.yaml': 'suppress:\n  - when: event.title == "x"\n    id: a\nversion: 1\n'});
    expect(rulesFmt({home: h, check: true}).exitCode).toBe(1);
    expect(rulesFmt({home: h}).exitCode).toBe(0);
    expect(readFileSync(join(h, 'rules/f.yaml'), 'utf8')).toBe('version: 1\nsuppress:\n  - id: a\n    when: event.title == "x"\n');
    expect(rulesFmt({home: h, check: true}).exitCode).toBe(0);
  });

  it('the shipped pack is formatted', () => {
    expect(rulesFmt({home: process.cwd(), check: true}).text).toContain('all rule files are formatted');
  });

  it('schema: rules/rules.schema.json is up to date', () => {
    expect(readFileSync('rules/rules.schema.json', 'utf8')).toBe(rulesSchema().text);
  });
});
