import {join} from 'node:path';
import type {Diagnostic} from '../../kernel/diagnostic.js';
import {hasErrors} from '../../kernel/diagnostic.js';
import {resolveKnownId} from '../../kernel/id-lookup.js';
import {loadSinkFiles, type LoadedSinks} from '../../sinks/config/load-sinks.js';
import {sinkFilesIn} from '../../sinks/config/sink-files.js';
import {secretEnvNames, type SinkConfig} from '../../sinks/config/model.js';
import type {AppContext} from '../context.js';
import {loadHomeRulePack} from '../decision-inputs.js';

import {SINKS_DIR} from './sinks-member.js';

export {SINKS_DIR};
export const DEFAULT_LEDGER = 'state/deliveries.db';

/**
 * The home's sink files, with route conditions compiled. Routes usually read only `alert`, so
 * the rule pack (whose lists and macros routes may use) is loaded only when a route names
 * something the `alert` root does not have.
 */
export function loadHomeSinks(ctx: AppContext): LoadedSinks {
  const dir = join(ctx.home.root, SINKS_DIR);
  if (sinkFilesIn(dir).length === 0) return {sinks: [], files: [], diagnostics: [], sources: new Map()};
  const alone = loadSinkFiles(dir, SINKS_DIR, null);
  if (!alone.diagnostics.some((d) => d.code === 'RULE_UNKNOWN_LIST')) return alone;
  const rules = loadHomeRulePack(ctx);
  // A broken rule pack is reported by `rules check`; routes then see no pack macros or lists.
  const pack = hasErrors(rules.diagnostics) ? null : rules.pack;
  return pack ? loadSinkFiles(dir, SINKS_DIR, pack) : alone;
}

/** `--sink ID`: the one sink, or every enabled sink. */
export function selectSinks(all: SinkConfig[], id: string | undefined, givenAs = '--sink'): SinkConfig[] {
  if (id === undefined) return all.filter((s) => s.enabled);
  const known = resolveKnownId(id, all.map((x) => x.id), {
    code: 'SINK_UNKNOWN',
    what: 'sink',
    given_as: givenAs,
    where: 'in sinks/*.yaml',
    list_hint: all.length ? `sinks: ${all.map((x) => x.id).join(', ')}` : 'add sinks/*.yaml',
  });
  return all.filter((s) => s.id === known);
}

/** Warnings for secret variables that are not set (names only, never values). */
export function missingSecretWarnings(sinks: SinkConfig[], env: NodeJS.ProcessEnv): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of sinks) {
    if (!s.enabled) continue;
    for (const name of secretEnvNames(s)) {
      if (name && !env[name]) {
        out.push({
          code: 'SINK_SECRET_MISSING', severity: 'warning', message: `sink ${s.id}: environment variable ${name} is not set`,
          hint: `set ${name} where \`hardstop sinks push\` runs (CI secret, cron environment); a push fails this sink until it is`, file: s.file, line: s.line, col: s.col,
        });
      }
    }
  }
  return out;
}
