import {sha256Hex} from '../kernel/canonical-json.js';
import type {RulePackIdentity} from './pack.js';
import type {RuleFileRole, RulePackSnapshot, RuleSnapshotFile} from '../store/rule-snapshots-repo.js';

/**
 * The snapshot of a pack (compiled, or known by its identity): each of its files with the
 * exact text it compiled. The compatibility inputs are recognised by the paths the loader was
 * given for them.
 */
export function snapshotOf(pack: RulePackIdentity, sources: ReadonlyMap<string, string>, compat: {suppression?: string; keywords?: string} = {}): RulePackSnapshot {
  const texts = new Map<string, string>();
  const files = pack.files.map((f): RuleSnapshotFile => {
    const text = sources.get(f.path);
    if (text === undefined || sha256Hex(text) !== f.sha256) throw new Error(`rule snapshot: no text for ${f.path} with sha256 ${f.sha256}`);
    texts.set(f.sha256, text);
    const role: RuleFileRole = f.path === compat.suppression ? 'suppression_compat' : f.path === compat.keywords ? 'keywords_compat' : 'rules';
    return {path: f.path, sha256: f.sha256, role};
  });
  return {manifest: {pack_hash: pack.hash, files}, texts};
}
