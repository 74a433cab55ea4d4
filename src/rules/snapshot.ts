import {sha256Hex} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {buildRulePack, type LoadResult} from './loader.js';
import type {RuleSourceText} from './rule-texts.js';
import type {RulePackSnapshot, RuleSnapshotFile} from '../store/rule-snapshots-repo.js';

/**
 * Rebuilds the pack a snapshot describes with the same loader as a live run. A text that is
 * missing or does not hash to its recorded SHA-256, or a rebuilt pack whose hash differs from
 * the manifest's, is an error diagnostic and no pack.
 */
export function rebuildFromSnapshot(snapshot: RulePackSnapshot): LoadResult {
  const problems: Diagnostic[] = [];
  const textOf = (f: RuleSnapshotFile): RuleSourceText | null => {
    const text = snapshot.texts.get(f.sha256);
    if (text === undefined || sha256Hex(text) !== f.sha256) {
      problems.push({code: 'RULE_SNAPSHOT_CORRUPT', severity: 'error', message: `the stored text of ${f.path} (sha256 ${f.sha256.slice(0, 12)}) is missing or altered`, hint: 'run `hardstop verify` to see what else changed in the store'});
      return null;
    }
    return {file: f.path, text};
  };
  const rules = snapshot.manifest.files.filter((f) => f.role === 'rules').map(textOf);
  const suppression = snapshot.manifest.files.find((f) => f.role === 'suppression_compat');
  const keywords = snapshot.manifest.files.find((f) => f.role === 'keywords_compat');
  const suppressionCompat = suppression ? textOf(suppression) : null;
  const keywordsCompat = keywords ? textOf(keywords) : null;
  if (problems.length) return {pack: null, diagnostics: problems, sources: new Map()};
  const r = buildRulePack(rules as RuleSourceText[], {suppressionCompat: suppressionCompat ?? undefined, keywordsCompat: keywordsCompat ?? undefined});
  if (r.pack && r.pack.hash !== snapshot.manifest.pack_hash) {
    return {
      pack: null,
      sources: r.sources,
      diagnostics: [
        ...r.diagnostics,
        {code: 'RULE_SNAPSHOT_MISMATCH', severity: 'error', message: `the stored rule files rebuild pack ${r.pack.hash.slice(0, 12)}, not the recorded ${snapshot.manifest.pack_hash.slice(0, 12)}`, hint: 'this Hardstop compiles the same files differently; replay with --rules DIR'},
      ],
    };
  }
  return r;
}
