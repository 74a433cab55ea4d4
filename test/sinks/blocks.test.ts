import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {alertMessage, cut, digestMessage, escapeMrkdwn, fitEscaped, limitViolations, SLACK_LIMITS, totalBlockText} from '../../src/sinks/slack/blocks.js';
import {DIGEST_PART_SIZE, digestParts} from '../../src/sinks/push.js';
import {planSink} from '../../src/sinks/plan.js';
import {alertEntry, bundleOf, clock, sinksFrom, slackSinkYaml} from './fixtures.js';

const chars = (s: string) => [...s].length;

describe('Block Kit layout (sinks.md §6.2)', () => {
  it('holds every limit for 500 facilities and a 20,000-character summary', () => {
    const facilities = Array.from({length: 500}, (_, i) => `FACILITY-${String(i).padStart(4, '0')}`);
    const summary = 'Flooding <closes> roads & rail '.repeat(700).slice(0, 20000);
    const a = alertEntry(1, {facilities, summary, lanes: facilities.map((f) => `LANE-${f}`), shipments: facilities.map((f) => `SHP-${f}`), rationale: Array.from({length: 9}, () => 'x'.repeat(5000))});
    const m = alertMessage(a, {bundleManifestHash: 'ab'.repeat(32), resend: true});
    expect(limitViolations(m)).toEqual([]);
    expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const header = m.blocks.find((b) => b.type === 'header')!;
    expect(chars((header as {text: {text: string}}).text.text)).toBeLessThanOrEqual(150);
    for (const b of m.blocks) {
      if (b.type !== 'section') continue;
      if (b.text) expect(chars(b.text.text)).toBeLessThanOrEqual(3000);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(10);
      for (const f of b.fields ?? []) expect(chars(f.text)).toBeLessThanOrEqual(2000);
    }
    expect(totalBlockText(m)).toBeLessThanOrEqual(12000);
    expect(m.text.startsWith('[Impactful] Flooding &lt;closes&gt; roads &amp; rail')).toBe(true);
    expect(m.text.endsWith('(resent: earlier delivery not confirmed)')).toBe(true);
    const scope = JSON.stringify(m.blocks);
    expect(scope).toMatch(/\+\d+ more/);
    expect(scope).toContain('Facilities (500)');
  });

  it('sets the top-level text [label] summary — facilities and escapes user text', () => {
    const m = alertMessage(alertEntry(1, {summary: 'A <b> & C', facilities: ['P-1', 'P-2']}), {bundleManifestHash: 'cd'.repeat(32), resend: false});
    expect(m.text).toBe('[Impactful] A &lt;b&gt; &amp; C — P-1, P-2');
    expect(JSON.stringify(m.blocks)).toContain('bundle cdcdcdcdcdcd');
  });

  it('escapes and cuts any text within the limit without splitting an entity (property)', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 400}), fc.integer({min: 5, max: 200}), (s, max) => {
        const out = fitEscaped(s, max);
        expect(chars(out)).toBeLessThanOrEqual(max);
        expect(out.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/[<>&]/);
        expect(chars(cut(s, max))).toBeLessThanOrEqual(max);
        if (chars(escapeMrkdwn(s)) <= max) expect(out).toBe(escapeMrkdwn(s));
      }),
    );
  });

  it('splits a long digest into parts that each fit one message', () => {
    const sink = sinksFrom({'s.yaml': slackSinkYaml({mode: 'web_api', apiUrl: 'http://127.0.0.1:9/api/'})})[0];
    const alerts = Array.from({length: 60}, (_, i) => alertEntry(i + 1, {summary: `${'long summary '.repeat(40)} ${i}`}));
    const bundle = bundleOf(alerts);
    const parts = digestParts(planSink(sink, bundle, null, {now: clock().now(), firstPushWindowMicros: 864e8}), bundle);
    expect(parts.map((p) => p.alerts.length)).toEqual([DIGEST_PART_SIZE, DIGEST_PART_SIZE, 10]);
    for (const p of parts) {
      const m = digestMessage(p);
      expect(limitViolations(m)).toEqual([]);
      expect(m.text).toContain(`part ${p.part}/3`);
    }
  });
});
