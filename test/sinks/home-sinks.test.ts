import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {AppContext} from '../../src/app/context.js';
import {initHome} from '../../src/app/init-home.js';
import {loadHomeSinks} from '../../src/app/sinks/home-sinks.js';
import {alertRoot, selectRoute} from '../../src/sinks/route.js';
import {alertEntry, tempDir} from './fixtures.js';

const sinkWith = (when: string) => `version: 1
sinks:
  - id: pack-lists
    type: slack
    mode: webhook
    webhook_url_env: HOOK
    routes:
      - id: types
        when: '${when}'
`;

describe('routes and the rule pack', () => {
  it('may use the lists of the active pack; a misspelt list is an error with did-you-mean', () => {
    const home = tempDir();
    initHome(home, {force: false});
    writeFileSync(join(home, 'sinks', 'pack.yaml'), sinkWith('any t in high_impact_types: upper(alert.summary) contains t'));
    const ctx = AppContext.create({home});
    try {
      const r = loadHomeSinks(ctx);
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const sink = r.sinks.find((s) => s.id === 'pack-lists')!;
      expect(selectRoute(sink, alertRoot(alertEntry(1, {summary: 'Chemical spill'})))?.id).toBe('types');
      expect(selectRoute(sink, alertRoot(alertEntry(1, {summary: 'Fog'})))).toBeNull();
      writeFileSync(join(home, 'sinks', 'pack.yaml'), sinkWith('any t in high_impact_type: upper(alert.summary) contains t'));
      const bad = loadHomeSinks(ctx).diagnostics.find((d) => d.code === 'RULE_UNKNOWN_LIST')!;
      expect([bad.file, bad.line, bad.col]).toEqual(['sinks/pack.yaml', 9, 25]);
      expect(bad.hint).toContain('high_impact_types');
    } finally {
      ctx.close();
    }
  });
});
