import {cpSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {parseJsonOutput, runCli, tempHome} from '../helpers/cli.js';
import {homeFrom} from '../helpers/home-templates.js';

/**
 * `rules check` (no files) and `sources list` check what a run compiles: the pack, its
 * compatibility inputs and every source's `suppress:` block. A rule a run would stop on never
 * leaves either command HEALTHY.
 */
let pristine = '';
beforeAll(() => {
  pristine = homeFrom('init', 'hardstop-rulescheck-');
});

function homeWith(files: Record<string, (text: string) => string>): string {
  const home = join(tempHome('hardstop-rulescheck-'), 'home');
  cpSync(pristine, home, {recursive: true});
  for (const [file, edit] of Object.entries(files)) {
    let before = '';
    try {
      before = readFileSync(join(home, file), 'utf8');
    } catch {
      // config/suppression.yaml and config/keywords.yaml are not written by init: the edit creates them.
    }
    const after = edit(before);
    expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
    writeFileSync(join(home, file), after);
  }
  return home;
}

/** file:line:col of `needle` in the home's `file` (1-based); a `|` in the needle marks the column. */
function where(home: string, file: string, needle: string): string {
  const text = readFileSync(join(home, file), 'utf8');
  const found = text.indexOf(needle.replace('|', ''));
  expect(found, `${needle} not in ${file}`).toBeGreaterThanOrEqual(0);
  const lines = text.slice(0, found + Math.max(0, needle.indexOf('|'))).split('\n');
  return `${file}:${lines.length}:${lines[lines.length - 1].length + 1}`;
}

const sourceSuppress = (when: string) => (t: string) =>
  t.replace('      tags: [recall]\n', `      tags: [recall]\n      suppress:\n        - id: no_pet_food\n          when: ${when}\n`);

describe('rules check and sources list check what a run compiles (issue 20: exit codes a CI job can trust)', {timeout: 300_000}, () => {
  it('a valid home, with a valid per-source suppress rule, stays HEALTHY', () => {
    const home = homeWith({'config/sources.yaml': sourceSuppress('event.title icontains "pet food"')});
    const check = runCli(['rules', 'check', '--home', home]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('1 per-source suppress');
    expect(check.stdout).toContain('0 error(s), 0 warning(s)');
    const list = runCli(['sources', 'list', '--home', home]);
    expect(list.code, list.stdout + list.stderr).toBe(0);
    expect(runCli(['rules', 'check', '--home', pristine]).code).toBe(0);
  });

  it.each([
    ['a per-source suppress rule', {'config/sources.yaml': sourceSuppress('event.title containz "x"')}, 'config/sources.yaml', '|containz', 'RULE_PARSE', 'source "fda_food_recalls": '],
    ['a config/suppression.yaml entry', {'config/suppression.yaml': () => 'version: 1\nrules:\n  - id: x\n    kind: keyword\n    field: titel\n    pattern: foo\n'}, 'config/suppression.yaml', 'titel', 'RULE_UNKNOWN_FIELD', 'unknown field "titel"'],
    ['a config/keywords.yaml entry', {'config/keywords.yaml': () => 'version: 1\nrisk_keywords:\n  - term: STRIKE\n    weight: heavy\n'}, 'config/keywords.yaml', 'heavy', 'RULE_SCHEMA', 'weight must be a number'],
  ])('%s that does not compile makes rules check BROKEN, naming the file and position', (_what, edits, file, needle, code, message) => {
    const home = homeWith(edits);
    const r = runCli(['rules', 'check', '--home', home]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain('BROKEN (exit 2)');
    expect(r.stderr).toContain(`${where(home, file, needle)}: error ${code}: ${message}`);
    const json = parseJsonOutput(runCli(['rules', 'check', '--home', home, '--json']));
    expect(json).toMatchObject({ok: false, exit_code: 2});
    expect(json.diagnostics).toContainEqual(expect.objectContaining({code, file}));
  });

  it('sources list is BROKEN when a source\'s suppress rule does not compile, and names the source', () => {
    const home = homeWith({'config/sources.yaml': sourceSuppress('event.title containz "x"')});
    const r = runCli(['sources', 'list', '--home', home]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(`${where(home, 'config/sources.yaml', '|containz')}: error RULE_PARSE: source "fda_food_recalls": `);
    const json = parseJsonOutput(runCli(['sources', 'list', '--home', home, '--json']));
    expect(json.exit_code).toBe(2);
    expect(json.diagnostics).toContainEqual(expect.objectContaining({code: 'RULE_PARSE', file: 'config/sources.yaml'}));
    // The same rule stops a run, with the same diagnostic.
    const run = runCli(['run', '--home', home, '--now', '2025-12-29T17:00:00Z']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${where(home, 'config/sources.yaml', '|containz')}: error RULE_PARSE: source "fda_food_recalls": `);
  });

  it('sources list cannot check suppress rules against a pack that does not compile, and says so', () => {
    const home = homeWith({
      'config/sources.yaml': sourceSuppress('event.title icontains "pet food"'),
      'rules/supply-chain/suppression.yaml': (t) => t.replace('    reason_code: TEST_ALERT', '    reason_cod: TEST_ALERT'),
    });
    const r = runCli(['sources', 'list', '--home', home]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain("error RULES_INVALID: the rule pack does not compile, so the sources' suppress: rules cannot be checked");
  });
});
