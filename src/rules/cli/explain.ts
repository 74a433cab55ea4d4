import {fsErrorReason} from '../../kernel/errors.js';
import {readFileSync} from 'node:fs';
import {resolve} from 'node:path';
import {diag} from '../../kernel/diagnostic.js';
import {parseYamlText} from '../../kernel/yaml-source.js';
import {explain} from '../explain.js';
import {explainView} from '../explain-compact.js';
import {loadRulePack} from '../loader.js';
import {contextFromYaml} from '../test-input.js';
import {resolveRuleFiles, type RulesOutcome, type RulesCommandOptions} from './common.js';

/**
 * `hardstop rules explain --event FILE.json`: the rules that decided with each sub-condition's
 * value, each contribution with its rule id and file:line; with `verbose` every rule. The event
 * file holds a context `{now, event, source, facilities, lanes, shipments, link, config, quality}`.
 */
export function rulesExplain(opts: RulesCommandOptions & {event: string; verbose: boolean}): RulesOutcome {
  const {cwd, files} = resolveRuleFiles(opts);
  const r = loadRulePack(files, {cwd});
  const eventCwd = process.cwd();
  if (!r.pack) return {exitCode: 2, text: 'rules do not compile', json: {ok: false}, diagnostics: r.diagnostics, sources: r.sources};
  let text: string;
  try {
    text = readFileSync(resolve(eventCwd, opts.event), 'utf8');
  } catch (e) {
    const d = diag('RULE_FILE_MISSING', 'error', `cannot read ${opts.event}: ${fsErrorReason(e)}`, {file: opts.event});
    return {exitCode: 2, text: 'no event to explain', json: {ok: false}, diagnostics: [d], sources: new Map()};
  }
  const {ctx, diagnostics} = contextFromYaml(parseYamlText(text, opts.event));
  if (!ctx) return {exitCode: 2, text: 'the event file is not a valid context', json: {ok: false}, diagnostics, sources: new Map([[opts.event, text]])};
  const x = explain(r.pack, ctx);
  const view = explainView(x, {verbose: opts.verbose});
  return {exitCode: 0, text: view.text, json: {ok: true, pack_hash: r.pack.hash, ...view.json}, diagnostics: r.diagnostics.filter((d) => d.severity !== 'info'), sources: r.sources};
}

