import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {ROOT} from '../helpers/cli.js';

/**
 * The scheduled examples cannot rot: every `hardstop` command and flag they use must exist in
 * the CLI's manifest (written by `npm run build`).
 */
interface ManifestCommand {
  flags: Record<string, {char?: string; allowNo?: boolean}>;
  args: Record<string, unknown>;
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, ManifestCommand>};

interface Invocation {
  text: string;
  command: string | null;
  problems: string[];
}

/** Every `npx hardstop …` call in a shell text (the examples' one way to call it), checked against the manifest. */
function hardstopInvocations(shell: string): Invocation[] {
  const out: Invocation[] = [];
  for (const m of shell.matchAll(/\bnpx[ \t]+hardstop((?:[ \t]+(?!\d*>)[^\s;&|)>]+)*)/g)) {
    const tokens = m[1].trim().split(/\s+/).filter(Boolean);
    let words = 0;
    let command: string | null = null;
    for (let n = 1; n <= tokens.length && !tokens[n - 1].startsWith('-'); n++) {
      if (manifest.commands[tokens.slice(0, n).join(':')]) {
        command = tokens.slice(0, n).join(':');
        words = n;
      }
    }
    const problems: string[] = [];
    if (!command) {
      problems.push(`no such command: hardstop ${tokens.filter((t) => !t.startsWith('-')).slice(0, 2).join(' ')}`);
    } else {
      const spec = manifest.commands[command];
      let positional = 0;
      for (let i = words; i < tokens.length; i++) {
        const t = tokens[i];
        if (!t.startsWith('--')) {
          positional++;
          continue;
        }
        const name = t.slice(2).split('=')[0];
        const flag = spec.flags[name] ?? (name.startsWith('no-') ? spec.flags[name.slice(3)] : undefined);
        if (!flag) problems.push(`hardstop ${command.replaceAll(':', ' ')} has no flag --${name}`);
        else if ((flag as {type?: string}).type === 'option' && !t.includes('=')) i++;
      }
      if (positional > Object.keys(spec.args).length) problems.push(`hardstop ${command.replaceAll(':', ' ')} takes ${Object.keys(spec.args).length} argument(s), got ${positional}`);
    }
    out.push({text: m[0].trim(), command, problems});
  }
  return out;
}

describe('examples use only commands and flags that exist', () => {
  it('the checker itself finds an unknown command, flag and argument', () => {
    const found = hardstopInvocations('npx hardstop sinks pussh --bundle x; npx hardstop run --bogus; npx hardstop doctor extra');
    expect(found.flatMap((f) => f.problems)).toEqual([
      'no such command: hardstop sinks pussh',
      'hardstop run has no flag --bogus',
      'hardstop doctor takes 0 argument(s), got 1',
    ]);
  });

  it('examples/github-actions.yml: a scheduled workflow whose hardstop calls all exist', () => {
    const text = readFileSync(join(ROOT, 'examples', 'github-actions.yml'), 'utf8');
    const wf = parse(text) as {on: {schedule: {cron: string}[]}; jobs: Record<string, {steps: {run?: string; uses?: string}[]; env: Record<string, string>}>};
    expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    const calls = steps.flatMap((s) => (s.run ? hardstopInvocations(s.run) : []));
    expect(calls.map((c) => c.command)).toEqual(['doctor', 'run', 'export:bundle', 'export:verify', 'sinks:push']);
    expect(calls.flatMap((c) => c.problems)).toEqual([]);
    expect(steps.some((s) => s.uses?.startsWith('actions/cache/restore'))).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith('actions/upload-artifact'))).toBe(true);
    const env = Object.values(wf.jobs)[0].env;
    expect(env.HARDSTOP_SLACK_BOT_TOKEN).toMatch(/^\$\{\{ secrets\./);
    expect(env.HARDSTOP_LINEAR_API_KEY).toMatch(/^\$\{\{ secrets\./);
    expect(text).toContain('::warning');
    expect(text).toContain('::error');
  });

  it('examples/crontab.txt: every cron line is well formed and its hardstop calls all exist', () => {
    const lines = readFileSync(join(ROOT, 'examples', 'crontab.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#') && !/^[A-Z_]+=/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const calls = lines.flatMap((l) => {
      const fields = l.trim().split(/\s+/);
      expect(fields.slice(0, 5).every((f) => /^[\d*/,-]+$/.test(f)), l).toBe(true);
      return hardstopInvocations(fields.slice(5).join(' '));
    });
    expect(new Set(calls.map((c) => c.command))).toEqual(new Set(['run', 'export:bundle', 'sinks:push', 'doctor', 'verify', 'incidents:replay']));
    expect(calls.flatMap((c) => c.problems)).toEqual([]);
  });
});
