import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {Ajv} from 'ajv';
import {parse} from 'yaml';
import {describe, expect, it} from 'vitest';
import {loadSinkFiles} from '../../src/sinks/config/load-sinks.js';
import {sinksJsonSchema} from '../../src/sinks/config/json-schema.js';
import {alertEntry, tempDir} from './fixtures.js';
import {alertRoot, selectRoute} from '../../src/sinks/route.js';

function load(files: Record<string, string>) {
  const home = tempDir();
  mkdirSync(join(home, 'sinks'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(home, 'sinks', name), text);
  return loadSinkFiles(join(home, 'sinks'), 'sinks', null);
}

const base = (sinkLines: string[], extra = '') =>
  ['version: 1', 'sinks:', '  - id: ops-slack', '    type: slack', ...sinkLines, '    routes:', '      - id: r1', '        when: alert.classification >= 2', extra].join('\n');

describe('sink files', () => {
  it.each([
    ['a misspelt key, with did-you-mean', base(['    mode: webhook', '    webhook_url_env: HOOK', '    digets: true']), 'SINK_UNKNOWN_KEY', 7, 5, 'did you mean digest?'],
    ['a wrong type', base(['    mode: webhook', '    webhook_url_env: HOOK', '    min_interval_ms: fast']), 'SINK_WRONG_TYPE', 7, 22, 'Pacing'],
    ['an unknown mode, with did-you-mean', base(['    mode: webapi', '    token_env: T']), 'SINK_WRONG_TYPE', 5, 11, 'did you mean web_api?'],
    ['channel in webhook mode', base(['    mode: webhook', '    webhook_url_env: HOOK', '    channel: C1']), 'SINK_MODE_MISMATCH', 7, 5, 'webhook mode needs only'],
    ['a missing variable name', base(['    mode: web_api', '    channel: C1']), 'SINK_MISSING_KEY', 3, 5, 'bot token'],
    ['a secret written into the file', base(['    mode: webhook', '    webhook_url_env: https://hooks.slack.com/services/T1/B2/x']), 'SINK_WRONG_TYPE', 6, 22, 'secrets never go into sink files'],
    ['a plain-http endpoint', base(['    mode: web_api', '    token_env: T', '    channel: C1', '    api_url: http://slack.example.com/api']), 'SINK_URL_INVALID', 8, 14, 'https'],
    ['edit mode on a webhook', base(['    mode: webhook', '    webhook_url_env: HOOK', '    updates: edit']), 'SINK_MODE_MISMATCH', 7, 14, 'new_message'],
    ['an unknown alert field in a route, with did-you-mean', base(['    mode: webhook', '    webhook_url_env: HOOK']).replace('alert.classification >= 2', 'alert.clasification >= 2'), 'RULE_UNKNOWN_FIELD', 9, 21, 'classification'],
    ['an event field in a route', base(['    mode: webhook', '    webhook_url_env: HOOK']).replace('alert.classification >= 2', 'event.title == "x"'), 'RULE_UNKNOWN_FIELD', 9, 15, 'alert.'],
    ['a route that is not a condition', base(['    mode: webhook', '    webhook_url_env: HOOK']).replace('alert.classification >= 2', 'alert.impact_score'), 'RULE_TYPE_MISMATCH', 9, 15, undefined],
    ['a wrong retry value', base(['    mode: webhook', '    webhook_url_env: HOOK'], 'retry:\n  jitter: 2'), 'SINK_WRONG_TYPE', 11, 11, 'fraction'],
  ])('reports %s at its position', (_what, text, code, line, col, hint) => {
    const r = load({'a.yaml': text});
    const d = r.diagnostics.find((x) => x.code === code);
    expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
    expect([d!.file, d!.line, d!.col]).toEqual(['sinks/a.yaml', line, col]);
    if (hint) expect(`${d!.message} ${d!.hint ?? ''}`).toContain(hint);
  });

  it('reports duplicate sink ids across files with the first declaration', () => {
    const one = base(['    mode: webhook', '    webhook_url_env: HOOK']);
    const r = load({'a.yaml': one, 'b.yaml': one});
    const d = r.diagnostics.find((x) => x.code === 'SINK_DUPLICATE_ID')!;
    expect([d.file, d.line]).toEqual(['sinks/b.yaml', 3]);
    expect(d.hint).toContain('sinks/a.yaml:3:5');
  });

  it('warns about a sink without routes and applies the defaults of §2', () => {
    const r = load({'a.yaml': 'version: 1\nsinks:\n  - id: s\n    type: slack\n    mode: web_api\n    token_env: T\n    channel: C1\n'});
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['SINK_NO_ROUTES', 'warning']]);
    expect(r.sinks[0]).toMatchObject({enabled: true, digest: true, minIntervalMs: 1000, updates: 'edit', inDoubt: 'resend', retry: {seed: 'hardstop.sinks.v1', deadlineMs: 300000, policy: {baseMs: 1000, factor: 2, maxDelayMs: 60000, jitter: 0.5, maxAttempts: 6}}});
  });

  it('routes by the first matching route in file order', () => {
    const r = load({'a.yaml': base(['    mode: webhook', '    webhook_url_env: HOOK']).replace("      - id: r1\n", '      - id: plant\n        when: \'"PLANT-01" in alert.facilities\'\n      - id: r1\n')});
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const sink = r.sinks[0];
    expect(selectRoute(sink, alertRoot(alertEntry(1)))?.id).toBe('plant');
    expect(selectRoute(sink, alertRoot(alertEntry(2)))?.id).toBe('r1');
    expect(selectRoute(sink, alertRoot(alertEntry(3, {classification: 1, facilities: []})))).toBeNull();
  });

  it('sinks/sinks.schema.json is up to date and the shipped examples validate against it and the loader', () => {
    expect(readFileSync('sinks/sinks.schema.json', 'utf8')).toBe(`${JSON.stringify(sinksJsonSchema(), null, 2)}\n`);
    const validate = new Ajv({strict: false}).compile(sinksJsonSchema());
    for (const dir of ['sinks', 'templates/home/sinks']) {
      for (const name of ['slack.example.yaml', 'linear.example.yaml']) {
        const text = readFileSync(join(dir, name), 'utf8');
        expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
      }
      const r = loadSinkFiles(dir, dir, null);
      expect(r.diagnostics).toEqual([]);
      expect(r.sinks.map((s) => [s.id, s.enabled])).toEqual([['ops-linear', false], ['ops-slack', false]]);
    }
  });
});
