import {fileURLToPath} from 'node:url';
import {Args, Flags} from '@oclif/core';
import {afterEach, describe, expect, it, vi} from 'vitest';
import type {AppContext} from '../../src/app/context.js';
import {type CommandArgs, type CommandFlags, HardstopCommand} from '../../src/commands/base-command.js';
import type {CommandOutcome} from '../../src/present/command-outcome.js';
import {ExitCode} from '../../src/kernel/exit-status.js';
import {tempHome} from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What `execute` was handed, to check the parse against the declarations. */
let seen: {flags: CommandFlags<typeof Probe>; args: CommandArgs<typeof Probe>; argv: string[]} | null = null;

class Probe extends HardstopCommand<typeof Probe> {
  static override strict = false;
  static override args = {first: Args.string({description: 'a positional argument'})};
  static override flags = {
    tier: Flags.option({description: 'a typed option', options: ['global', 'local'] as const, default: 'global'})(),
    count: Flags.integer({description: 'an integer'}),
    quiet: Flags.boolean({description: 'a boolean'}),
    label: Flags.string({description: 'a repeatable string', multiple: true}),
  };
  protected override requiresConfig = false;

  protected async execute(_ctx: AppContext, flags: CommandFlags<typeof Probe>, args: CommandArgs<typeof Probe>, argv: string[]): Promise<CommandOutcome> {
    seen = {flags, args, argv};
    return {exitCode: ExitCode.HEALTHY, text: 'probed'};
  }
}

async function probe(argv: string[]) {
  seen = null;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await Probe.run([...argv, '--home', tempHome(), '--now', '2025-12-29T17:00:00Z'], {root: ROOT});
  } finally {
    out.mockRestore();
  }
  return seen!;
}

afterEach(() => {
  process.exitCode = 0;
});

describe('HardstopCommand: typed flags, parsed once', () => {
  it('hands execute the declared flags with their types, the global ones and every positional argument', async () => {
    const r = await probe(['a.yaml', 'b.yaml', '--tier', 'local', '--count', '3', '--quiet', '--label', 'x', '--label', 'y', '--json']);
    expect(r.flags).toMatchObject({tier: 'local', count: 3, quiet: true, label: ['x', 'y'], json: true});
    expect(r.args.first).toBe('a.yaml');
    expect(r.argv).toEqual(['a.yaml', 'b.yaml']);
  });

  it('absent boolean flags arrive as false (their declared type), other absent flags as undefined or their default', async () => {
    const r = await probe([]);
    expect(r.flags.quiet).toBe(false);
    expect(r.flags.json).toBe(false);
    expect(r.flags['best-effort']).toBe(false);
    expect(r.flags.count).toBeUndefined();
    expect(r.flags.tier).toBe('global');
    expect(r.argv).toEqual([]);
  });
});
