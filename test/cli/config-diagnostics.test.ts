import {cpSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {runCli, tempHome} from '../helpers/cli.js';
import {homeFrom} from '../helpers/home-templates.js';

/** One pristine home from `init`; each case edits a copy of one of its files. */
let pristine = '';
beforeAll(() => {
  pristine = homeFrom('init', 'hardstop-cfgdiag-');
});

function homeWith(file: string, edit: (text: string) => string): string {
  const home = join(tempHome('hardstop-cfgdiag-'), 'home');
  cpSync(pristine, home, {recursive: true});
  const path = join(home, file);
  let before = '';
  try {
    before = readFileSync(path, 'utf8');
  } catch {
    // The file is not written by init (config/suppression.yaml, config/keywords.yaml): the edit creates it.
  }
  const after = edit(before);
  expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
  writeFileSync(path, after);
  return home;
}

/**
 * file:line:col of the first occurrence of `needle` in `text` (1-based, as diagnostics print);
 * a `|` in the needle marks the column within it.
 */
function where(file: string, text: string, needle: string): string {
  const found = text.indexOf(needle.replace('|', ''));
  expect(found, `${needle} not in ${file}`).toBeGreaterThanOrEqual(0);
  const at = found + Math.max(0, needle.indexOf('|'));
  const lines = text.slice(0, at).split('\n');
  return `${file}:${lines.length}:${lines[lines.length - 1].length + 1}`;
}

const replace = (from: string, to: string) => (t: string) => t.replace(from, to);

describe('issue 20 finding 11: an unknown key in any file of the home gets a did-you-mean, a source problem names the source', {timeout: 300_000}, () => {
  it.each([
    // hardstop.config.yaml
    ['hardstop.config.yaml', replace('  window_hours: 168', '  window_hour: 168'), 'window_hour:', ['doctor'], 'CONFIG_UNKNOWN_KEY', 'unknown key "correlation.window_hour"', 'did you mean window_hours?'],
    ['hardstop.config.yaml', replace('\nscoring:', '\nscorng:'), 'scorng:', ['doctor'], 'CONFIG_UNKNOWN_KEY', 'unknown key "scorng"', 'did you mean scoring?'],
    ['hardstop.config.yaml', replace('  max_candidates: 20', '  max_candidates: 20\n  colour: red'), 'colour:', ['doctor'], 'CONFIG_UNKNOWN_KEY', 'unknown key "correlation.colour"', 'keys of correlation: window_hours, max_candidates'],
    ['hardstop.config.yaml', replace('  level: info', '  level: inof'), 'level: |inof', ['doctor'], 'CONFIG_INVALID', 'logging.level: "inof" is not one of debug, info, warn, error', 'did you mean info?'],
    // config/sources.yaml: typos get a did-you-mean; a source is named by its id, not tiers.regional.0
    ['config/sources.yaml', replace('      tags: [recall]', '      tags: [recall]\n      enable: false'), 'enable:', ['sources', 'list'], 'SOURCES_UNKNOWN_KEY', 'unknown key "enable" in source "fda_food_recalls"', 'did you mean enabled?'],
    ['config/sources.yaml', replace('      tags: [recall]', '      tags: [recall]\n      trust_teir: 2'), 'trust_teir:', ['sources', 'list'], 'SOURCES_UNKNOWN_KEY', 'unknown key "trust_teir" in source "fda_food_recalls"', 'did you mean trust_tier?'],
    ['config/sources.yaml', replace('      tags: [weather]', '      tags: [weather]\n      geo: {contry: US}'), 'contry:', ['sources', 'list'], 'SOURCES_UNKNOWN_KEY', 'unknown key "contry" in geo of source "nws_active_us"', 'did you mean country?'],
    ['config/sources.yaml', replace('      tags: [weather]', '      tags: [weather]\n      colour: red'), 'colour:', ['sources', 'list'], 'SOURCES_UNKNOWN_KEY', 'unknown key "colour" in source "nws_active_us"', 'allowed keys: id, type, tier, url, suppress, enabled, trust_tier,'],
    ['config/sources.yaml', replace('jitter_seconds: 1', 'jiter_seconds: 1'), 'jiter_seconds', ['sources', 'list'], 'SOURCES_UNKNOWN_KEY', 'unknown key "jiter_seconds" in defaults.rate_limit', 'did you mean jitter_seconds?'],
    ['config/sources.yaml', replace('  local: []', '  locl: []'), 'locl:', ['sources', 'list'], 'SOURCES_UNKNOWN_TIER', 'unknown tier section "locl" under tiers', 'did you mean local?'],
    ['config/sources.yaml', replace('      type: nws_alerts', '      type: nws_alert'), 'type: |nws_alert\n', ['sources', 'list'], 'SOURCE_UNKNOWN_TYPE', 'source "nws_active_us": unknown source type "nws_alert"', 'did you mean nws_alerts?'],
    ['config/sources.yaml', replace('      tags: [weather]', '      tags: [weather]\n      trust_tier: 9'), 'trust_tier: |9', ['sources', 'list'], 'SOURCES_OUT_OF_RANGE', 'trust_tier of source "nws_active_us" must be <= 3', 'trust_tier is 1'],
    ['config/sources.yaml', replace('      tags: [recall]', '      tags: [recall]\n      suppress:\n        - id: no_pets\n          whn: event.title icontains "pet food"'), 'whn:', ['doctor'], 'RULE_UNKNOWN_KEY', 'unknown key whn in a suppress rule of source "fda_food_recalls"', 'did you mean when?'],
    // config/suppression.yaml and config/keywords.yaml (the reference's formats), a rule file, a sink file
    ['config/suppression.yaml', () => 'version: 1\nrules:\n  - id: x\n    kind: keyword\n    feild: title\n    pattern: foo\n', 'feild:', ['doctor'], 'RULE_UNKNOWN_KEY', 'unknown key feild in a suppression rule', 'did you mean field?'],
    ['config/keywords.yaml', () => 'version: 1\nrisk_keywords:\n  - term: STRIKE\n    wieght: 2\n', 'wieght:', ['doctor'], 'RULE_UNKNOWN_KEY', 'unknown key wieght in a keyword', 'did you mean weight?'],
    ['rules/supply-chain/suppression.yaml', replace('    reason_code: TEST_ALERT', '    reason_cod: TEST_ALERT'), 'reason_cod:', ['rules', 'check'], 'RULE_UNKNOWN_KEY', 'unknown key reason_cod', 'did you mean reason_code?'],
    ['sinks/slack.example.yaml', replace('    digest: true', '    digets: true'), 'digets:', ['sinks', 'check'], 'SINK_UNKNOWN_KEY', 'unknown key "digets"', 'did you mean digest?'],
  ])('%s (case %#)', (file, edit, needle, command, code, message, hint) => {
    const home = homeWith(file, edit);
    const text = readFileSync(join(home, file), 'utf8');
    const r = runCli([...command, '--home', home]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(`${where(file, text, needle)}: error ${code}: ${message}`);
    const block = r.stderr.slice(r.stderr.indexOf(`error ${code}: ${message}`));
    expect(block).toMatch(new RegExp(`\\n {2}hint: ${hint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('a misspelt HARDSTOP_* override names the variable it is close to', () => {
    const r = runCli(['doctor', '--home', pristine], {env: {HARDSTOP_CORRELATION__WINDOW_HOUR: '12'}});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error CONFIG_ENV_UNKNOWN: environment variable HARDSTOP_CORRELATION__WINDOW_HOUR names no configuration key');
    expect(r.stderr).toContain('hint: did you mean HARDSTOP_CORRELATION__WINDOW_HOURS?');
  });

  it('--json carries the same hint', () => {
    const home = homeWith('config/sources.yaml', replace('      tags: [recall]', '      tags: [recall]\n      enable: false'));
    const r = runCli(['sources', 'list', '--home', home, '--json']);
    expect(r.code).toBe(2);
    const diagnostics = (JSON.parse(r.stdout) as {diagnostics: {code: string; message: string; hint: string}[]}).diagnostics;
    expect(diagnostics).toContainEqual(expect.objectContaining({code: 'SOURCES_UNKNOWN_KEY', message: 'unknown key "enable" in source "fda_food_recalls"', hint: 'did you mean enabled?'}));
  });
});

/** The line of `text` that starts with `prefix` after `after` (to pick one of several equal lines). */
function indentAt(prefix: string, indent: string, after = ''): (t: string) => string {
  return (t) => {
    const from = t.indexOf(after);
    const at = t.indexOf(`\n${prefix}`, from) + 1;
    return `${t.slice(0, at)}${indent}${t.slice(at).trimStart()}`;
  };
}

describe('issue 20 finding 12: a YAML indentation mistake is reported once, at its line, with an indentation hint', {timeout: 300_000}, () => {
  it.each([
    // the two samples, in a rule file
    ['rules/supply-chain/suppression.yaml', indentAt('    note: Training', '      '), '|note: Training', ['rules', 'check'], '"note:" (column 7) is indented more than "reason_code:" on line 21 (column 5)', 'keys of one mapping start in the same column: indent this line like line 21 (column 5)'],
    ['rules/supply-chain/suppression.yaml', indentAt('  - id: nws_not_actual', ''), '- id: nws_not_actual', ['rules', 'check'], '"- id: nws_not_actual" (column 1) is indented less than "- id: global_training_notice" on line 20 (column 3)', 'items of one list start in the same column: indent this line like line 20 (column 3)'],
    // config/sources.yaml: an under-indented key
    ['config/sources.yaml', indentAt('      url: "https://www.fsis', '     '), '|url: "https://www.fsis', ['sources', 'list'], '"url:" (column 6) is indented less than "tier:" on line', 'keys of one mapping start in the same column: indent this line like line'],
    // hardstop.config.yaml, a sink file, config/keywords.yaml (a tab)
    ['hardstop.config.yaml', indentAt('  max_candidates: 20', '    '), '|max_candidates: 20', ['doctor'], '"max_candidates:" (column 5) is indented more than "window_hours:" on line', 'indent this line like line'],
    ['sinks/slack.example.yaml', indentAt('    digest: true', '      '), '|digest: true', ['sinks', 'check'], '"digest:" (column 7) is indented more than "webhook_url_env:" on line', 'indent this line like line'],
    ['config/keywords.yaml', () => 'version: 1\nrisk_keywords:\n  - term: STRIKE\n\t weight: 2\n', '\t weight', ['doctor'], 'a tab indents this line', 'YAML indents with spaces only'],
  ])('%s (case %#)', (file, edit, needle, command, message, hint) => {
    const home = homeWith(file as string, edit as (t: string) => string);
    const text = readFileSync(join(home, file as string), 'utf8');
    const r = runCli([...(command as string[]), '--home', home]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => / error [A-Z_]+: /.test(l));
    expect(errors, r.stderr).toEqual([`${where(file as string, text, needle as string)}: error YAML_INDENTATION: ${message as string}`].map((e) => expect.stringContaining(e)));
    expect(r.stderr).toMatch(new RegExp(`\\n {2}hint: [^\\n]*${(hint as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(r.stderr).not.toContain('must be quoted');
  });

  it('a key among list items (a missing "- ") is named as such', () => {
    const home = homeWith('config/sources.yaml', replace('    - id: usda_fsis_recalls', '    id: usda_fsis_recalls'));
    const text = readFileSync(join(home, 'config/sources.yaml'), 'utf8');
    const r = runCli(['sources', 'list', '--home', home]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${where('config/sources.yaml', text, '|id: usda_fsis_recalls')}: error YAML_INDENTATION: "id:" (column 5) is a key among the items of the list of "- id: fda_food_recalls" on line`);
    expect(r.stderr).toContain('hint: make it a new list item ("- id: …")');
  });

  it('a ": " inside an unquoted expression is still a quoting problem, reported on its own line', () => {
    const home = homeWith('rules/supply-chain/suppression.yaml', replace('    when: >-\n      any f in [event.title, event.summary, event.raw_text, event.url]: f icontains "test alert"', '    when: any f in [event.title]: f icontains "test alert"'));
    const text = readFileSync(join(home, 'rules/supply-chain/suppression.yaml'), 'utf8');
    const r = runCli(['rules', 'check', '--home', home]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${where('rules/supply-chain/suppression.yaml', text, 'when: |any f in [event.title]')}: error YAML_SYNTAX: Nested mappings are not allowed in compact mappings`);
    expect(r.stderr).toContain('must be quoted or written as a block scalar');
  });
});
