import type {AppContext} from '../../app/context.js';
import {sourceSuppressDiagnostics} from '../../app/source-rules-check.js';
import {ExitCode, exitCodeFor} from '../../kernel/exit-status.js';
import {sourcesListTable} from '../../sources/cli-format.js';
import {normalizedSource} from '../../sources/config.js';
import {HardstopCommand, type CommandOutcome} from '../base-command.js';

export default class SourcesList extends HardstopCommand<typeof SourcesList> {
  static override summary = 'List the configured sources with every field resolved.';
  static override description = 'Validates config/sources.yaml (every problem reported with file:line:col), each source\'s `suppress:` rules compiled with the rule pack as a run compiles them; exit 2 when the file is missing or invalid or a `suppress:` rule does not compile (a run stops on it too).';
  static override examples = ['<%= config.bin %> sources list', '<%= config.bin %> sources list --json'];

  protected async execute(ctx: AppContext): Promise<CommandOutcome> {
    const loaded = ctx.sourcesConfig;
    if (!loaded.ok) return {exitCode: ExitCode.BROKEN, diagnostics: loaded.diagnostics, json: {sources: []}};
    const diagnostics = [...loaded.diagnostics, ...(await sourceSuppressDiagnostics(ctx))];
    const enabled = loaded.sources.filter((s) => s.enabled).length;
    const text = loaded.sources.length
      ? `${sourcesListTable(loaded.sources)}\n${loaded.sources.length} source(s), ${enabled} enabled`
      : 'No sources configured in config/sources.yaml.';
    return {
      exitCode: exitCodeFor(diagnostics, ctx.mode),
      text,
      diagnostics,
      json: {
        sources: loaded.sources.map(normalizedSource),
        defaults: loaded.defaults,
        tier_defaults: loaded.tierDefaults,
        counts: {total: loaded.sources.length, enabled},
      },
    };
  }
}
