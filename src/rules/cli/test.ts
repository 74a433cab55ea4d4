import {loadRulePack} from '../loader.js';
import {runRuleTests} from '../testing.js';
import {countBy, resolveRuleFiles, type RulesOutcome, type RulesCommandOptions} from './common.js';

function show(v: unknown): string {
  return JSON.stringify(v);
}

/** `hardstop rules test`: runs every tests: case; failures print expected vs got and the rule's position. */
export function rulesTest(opts: RulesCommandOptions = {}): RulesOutcome {
  const {cwd, files} = resolveRuleFiles(opts);
  const r = loadRulePack(files, {cwd});
  if (!r.pack) {
    return {exitCode: 2, text: 'rules do not compile; no tests run', json: {ok: false, results: []}, diagnostics: r.diagnostics, sources: r.sources};
  }
  const report = runRuleTests(r.pack);
  const lines: string[] = [];
  for (const t of report.results) {
    lines.push(`${t.passed ? 'PASS' : 'FAIL'} ${t.name}  (${t.file}:${t.line})`);
    for (const f of t.failures) {
      lines.push(`     ${f.key} at ${t.file}:${f.line}:${f.col}`);
      lines.push(`       expected: ${show(f.expected)}`);
      lines.push(`       got:      ${show(f.got)}`);
      if (f.rule) lines.push(`       decided by ${f.rule.id} (${f.rule.file}:${f.rule.line})`);
      const x = f.expected_rule;
      if (x) lines.push(`       ${x.id} (${x.file}:${x.line}) ${x.matched ? 'matched but did not decide' : 'did not match'}`);
    }
  }
  const {warnings} = countBy(r.diagnostics);
  lines.push('', `${report.passed} passed, ${report.failed} failed`);
  const exitCode = report.failed > 0 ? 2 : warnings > 0 ? 1 : 0;
  return {exitCode, text: lines.join('\n'), json: {ok: report.failed === 0, ...report}, diagnostics: r.diagnostics, sources: r.sources};
}
