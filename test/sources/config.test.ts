import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {artifactHash} from '../../src/kernel/canonical-json.js';
import {Home} from '../../src/config/home.js';
import {loadSourcesConfig, sourcesSnapshotMember, SOURCE_BUILTINS, fetchOrder} from '../../src/sources/config.js';
import {makeHome} from './home.js';

function load(yaml: string) {
  const home = makeHome(yaml);
  return loadSourcesConfig(new Home(home));
}

function errors(yaml: string) {
  return load(yaml)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => ({code: d.code, line: d.line, col: d.col}));
}

const SRC = (extra: string) => `version: 1\ntiers:\n  global:\n    - id: a\n      type: rss\n      url: "https://example.org/a.xml"\n${extra}`;

describe('sources.yaml validation: every problem with code and file:line:col', () => {
  const table: {name: string; yaml: string; code: string; line: number; col: number}[] = [
    {name: 'unknown source key', yaml: SRC('      colour: red\n'), code: 'SOURCES_UNKNOWN_KEY', line: 7, col: 7},
    {name: 'trust_tier out of range', yaml: SRC('      trust_tier: 4\n'), code: 'SOURCES_OUT_OF_RANGE', line: 7, col: 19},
    {name: 'trust_tier as a string', yaml: SRC('      trust_tier: "3"\n'), code: 'SOURCES_WRONG_TYPE', line: 7, col: 19},
    {name: 'classification_floor 3', yaml: SRC('      classification_floor: 3\n'), code: 'SOURCES_OUT_OF_RANGE', line: 7, col: 29},
    {name: 'weighting_bias -3', yaml: SRC('      weighting_bias: -3\n'), code: 'SOURCES_OUT_OF_RANGE', line: 7, col: 23},
    {name: 'weighting_bias 5', yaml: SRC('      weighting_bias: 5\n'), code: 'SOURCES_OUT_OF_RANGE', line: 7, col: 23},
    {name: 'tags not a list', yaml: SRC('      tags: weather\n'), code: 'SOURCES_WRONG_TYPE', line: 7, col: 13},
    {name: 'enabled not boolean', yaml: SRC('      enabled: "yes"\n'), code: 'SOURCES_WRONG_TYPE', line: 7, col: 16},
    {
      name: 'duplicate id',
      yaml: SRC('  local:\n    - id: a\n      type: rss\n      url: "file://feeds/a.xml"\n'),
      code: 'SOURCE_DUPLICATE_ID',
      line: 8,
      col: 11,
    },
    {name: 'tier mismatch', yaml: SRC('      tier: local\n'), code: 'SOURCE_TIER_MISMATCH', line: 7, col: 13},
    {name: 'unknown tier section', yaml: SRC('  national:\n    - {id: b, type: rss, url: "https://x.org/"}\n'), code: 'SOURCES_UNKNOWN_TIER', line: 7, col: 3},
    {
      name: 'unknown type',
      yaml: 'version: 1\ntiers:\n  global:\n    - id: a\n      type: atomz\n      url: "https://example.org/a.xml"\n',
      code: 'SOURCE_UNKNOWN_TYPE',
      line: 5,
      col: 13,
    },
    {
      name: 'ftp URL',
      yaml: 'version: 1\ntiers:\n  global:\n    - id: a\n      type: rss\n      url: "ftp://example.org/a.xml"\n',
      code: 'SOURCE_BAD_URL',
      line: 6,
      col: 12,
    },
    {name: 'missing url', yaml: 'version: 1\ntiers:\n  global:\n    - id: a\n      type: rss\n', code: 'SOURCES_MISSING_KEY', line: 4, col: 7},
    {name: 'missing tiers', yaml: 'version: 1\n', code: 'SOURCES_MISSING_KEY', line: 1, col: 1},
    {name: 'wrong version', yaml: 'version: 2\ntiers: {}\n', code: 'SOURCES_BAD_VERSION', line: 1, col: 10},
    {name: 'unknown top-level key', yaml: 'version: 1\ntiers: {}\nextras: 1\n', code: 'SOURCES_UNKNOWN_KEY', line: 3, col: 1},
    {name: 'unknown tier_defaults section', yaml: 'version: 1\ntier_defaults:\n  metro: {trust_tier: 2}\ntiers: {}\n', code: 'SOURCES_UNKNOWN_TIER', line: 3, col: 3},
    {name: 'tier_defaults out of range', yaml: 'version: 1\ntier_defaults:\n  local: {trust_tier: 0}\ntiers: {}\n', code: 'SOURCES_OUT_OF_RANGE', line: 3, col: 23},
    {name: 'unknown defaults key', yaml: 'version: 1\ndefaults:\n  timeout: 5\ntiers: {}\n', code: 'SOURCES_UNKNOWN_KEY', line: 3, col: 3},
    {name: 'YAML syntax (at the unclosed bracket, not after the end of the file)', yaml: 'version: 1\ntiers:\n  global: [\n', code: 'YAML_SYNTAX', line: 3, col: 11},
    {
      name: 'max_items and its alias disagree',
      yaml: SRC('      max_items: 5\n      max_items_per_fetch: 6\n'),
      code: 'SOURCES_ALIAS_CONFLICT',
      line: 8,
      col: 7,
    },
  ];
  for (const t of table) {
    it(t.name, () => {
      const errs = errors(t.yaml);
      expect(errs, JSON.stringify(errs)).toContainEqual({code: t.code, line: t.line, col: t.col});
    });
  }

  it('every error carries a hint and the file name', () => {
    const r = load(SRC('      trust_tier: 9\n      colour: red\n'));
    expect(r.ok).toBe(false);
    expect(r.sources).toEqual([]);
    for (const d of r.diagnostics) {
      expect(d.file).toBe('config/sources.yaml');
      expect(d.hint).toBeTruthy();
    }
    expect(r.diagnostics).toHaveLength(2);
  });

  it('a missing file is SOURCES_MISSING', () => {
    const home = makeHome('');
    writeFileSync(join(home, 'config', 'sources.yaml'), '');
    expect(loadSourcesConfig(new Home(home)).diagnostics[0].code).toBe('SOURCES_INVALID');
    const r = loadSourcesConfig(new Home(join(home, 'nowhere')));
    expect(r.diagnostics[0].code).toBe('SOURCES_MISSING');
  });

  it('a file:// URL leaving the home (through .. or a symlink) is a problem of that source only (issue 20 finding 7)', () => {
    const home = makeHome('version: 1\ntiers:\n  local:\n    - {id: a, type: rss, url: "file://feeds/x.xml"}\n');
    const outside = makeHome('version: 1\ntiers: {}\n');
    writeFileSync(join(outside, 'x.xml'), '<rss/>');
    mkdirSync(join(home, 'feeds'));
    symlinkSync(join(outside, 'x.xml'), join(home, 'feeds', 'x.xml'));
    const yaml = 'version: 1\ntiers:\n  local:\n    - {id: a, type: rss, url: "file://feeds/x.xml"}\n    - {id: b, type: rss, url: "file://../b.xml"}\n    - {id: c, type: rss, url: "file://feeds/c.xml"}\n';
    writeFileSync(join(home, 'config', 'sources.yaml'), yaml);
    const r = loadSourcesConfig(new Home(home));
    expect(r.ok).toBe(true);
    expect(r.sources.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.line, d.col, d.message])).toEqual([
      ['SOURCE_FILE_OUTSIDE_HOME', 'warning', 4, 31, 'source "a": the file URL leaves the home folder through a symbolic link: file://feeds/x.xml; only this source fails'],
      ['SOURCE_FILE_OUTSIDE_HOME', 'warning', 5, 31, 'source "b": the file URL leaves the home folder: file://../b.xml; only this source fails'],
    ]);
  });
});

describe('resolution: source → tier_defaults.<tier> → defaults → built-in', () => {
  const yaml = `version: 1
defaults:
  timeout_seconds: 15
  user_agent: "hardstop-test (ops@example.org)"
  max_items_per_fetch: 40
  classification_floor: 1
  rate_limit: {per_host_min_seconds: 3}
tier_defaults:
  local: {trust_tier: 2, weighting_bias: -1, max_items: 25}
tiers:
  global:
    - id: g
      type: nws_alerts
      tier: global
      url: "https://api.weather.gov/alerts/active"
      tags: [weather]
  regional:
    - {id: r, type: fema, url: "https://example.org/fema.json", enabled: false, timeout_seconds: 5}
  local:
    - id: l
      type: rss
      url: "file://feeds/port.xml"
      weighting_bias: 2
      max_bytes: 4096
      suppress:
        - {id: weekly_digest, kind: keyword, field: title, pattern: "weekly summary"}
`;
  const r = load(yaml);

  it('is valid and keeps file order', () => {
    expect(r.diagnostics).toEqual([]);
    expect(r.sources.map((s) => s.id)).toEqual(['g', 'r', 'l']);
  });

  it('fills every field by the resolution order', () => {
    const [g, reg, l] = r.sources;
    expect(g).toMatchObject({tier: 'global', trust_tier: 3, classification_floor: 1, weighting_bias: 0, max_items: 40, timeout_seconds: 15, enabled: true, tags: ['weather']});
    expect(g.user_agent).toBe('hardstop-test (ops@example.org)');
    expect(g.max_bytes).toBe(SOURCE_BUILTINS.max_bytes);
    expect(reg).toMatchObject({tier: 'regional', trust_tier: 2, enabled: false, timeout_seconds: 5, max_items: 40});
    expect(l).toMatchObject({tier: 'local', trust_tier: 2, weighting_bias: 2, max_items: 25, max_bytes: 4096, geo: {}, tags: []});
    expect(r.defaults.rate_limit).toEqual({per_host_min_seconds: 3, jitter_seconds: 1});
  });

  it('keeps raw suppress entries with their YAML path for the rule compiler', () => {
    const l = r.sources[2];
    expect(l.suppress?.path).toEqual(['tiers', 'local', 0, 'suppress']);
    expect(l.suppress?.entries).toEqual([{id: 'weekly_digest', kind: 'keyword', field: 'title', pattern: 'weekly summary'}]);
    expect(l.suppress?.src.file).toBe('config/sources.yaml');
    expect(r.sources[0].suppress).toBeNull();
  });

  it('fetch order is global, regional, local', () => {
    expect(fetchOrder([...r.sources].reverse()).map((s) => s.id)).toEqual(['g', 'r', 'l']);
  });

  it('the snapshot member is the normalized list, hashable, free of positions', () => {
    const m = sourcesSnapshotMember(r);
    const list = m.sources as Record<string, unknown>[];
    expect(list).toHaveLength(3);
    expect(Object.keys(list[0]).sort()).toEqual(
      ['adapter_version', 'classification_floor', 'enabled', 'geo', 'id', 'max_bytes', 'max_items', 'suppress', 'tags', 'tier', 'timeout_seconds', 'trust_tier', 'type', 'url', 'user_agent', 'weighting_bias'].sort(),
    );
    expect(artifactHash(m)).toMatch(/^[0-9a-f]{64}$/);
    // Same meaning written differently (alias, explicit built-ins) → same member.
    const r2 = load(yaml.replace('max_items_per_fetch: 40', 'max_items: 40').replace('    - {id: r, type: fema,', '    - {id: r, tier: regional, trust_tier: 2, type: fema,'));
    expect(r2.diagnostics).toEqual([]);
    expect(artifactHash(sourcesSnapshotMember(r2))).toBe(artifactHash(m));
  });

  it('the shipped template validates', () => {
    const home = makeHome(readFileSync(join(process.cwd(), 'templates/home/config/sources.yaml'), 'utf8'));
    const t = loadSourcesConfig(new Home(home));
    expect(t.diagnostics).toEqual([]);
    expect(t.sources.length).toBeGreaterThan(0);
  });
});
