import type {Store} from './db.js';

/** What a file is to a rule pack: a rule file, or one of the two compatibility inputs. */
export type RuleFileRole = 'rules' | 'suppression_compat' | 'keywords_compat';

export interface RuleSnapshotFile {
  path: string;
  sha256: string;
  role: RuleFileRole;
}

/** Everything needed to rebuild a compiled pack byte for byte: its files in load order. */
export interface RulePackManifest {
  pack_hash: string;
  files: RuleSnapshotFile[];
}

/** A manifest with the texts it names (keyed by SHA-256). */
export interface RulePackSnapshot {
  manifest: RulePackManifest;
  texts: Map<string, string>;
}

/** The schema version that added the snapshot tables (older stores simply have none). */
const SNAPSHOT_SCHEMA = 4;

function hasTables(store: Store): boolean {
  return store.schemaVersion() >= SNAPSHOT_SCHEMA;
}

/** Stores a pack's manifest and each file text once (content-addressed, deduplicated). */
export function saveRulePackSnapshot(store: Store, snapshot: RulePackSnapshot): void {
  store.write(() => {
    const text = store.db.prepare('INSERT OR IGNORE INTO rule_file_texts (sha256, text) VALUES (?, ?)');
    for (const [sha, t] of snapshot.texts) text.run(sha, t);
    store.db.prepare('INSERT OR IGNORE INTO rule_pack_snapshots (pack_hash, manifest_json) VALUES (?, ?)').run(snapshot.manifest.pack_hash, JSON.stringify(snapshot.manifest));
  });
}

/** The stored snapshot of a pack, or null when none was stored (runs before snapshots). */
export function rulePackSnapshot(store: Store, packHash: string): RulePackSnapshot | null {
  if (!hasTables(store)) return null;
  const row = store.db.prepare('SELECT manifest_json FROM rule_pack_snapshots WHERE pack_hash = ?').get(packHash) as {manifest_json: string} | undefined;
  if (!row) return null;
  const manifest = JSON.parse(row.manifest_json) as RulePackManifest;
  const texts = new Map<string, string>();
  const get = store.db.prepare('SELECT text FROM rule_file_texts WHERE sha256 = ?');
  for (const f of manifest.files) {
    const t = get.get(f.sha256) as {text: string} | undefined;
    if (t) texts.set(f.sha256, t.text);
  }
  return {manifest, texts};
}

/** The stored text of one rule file by SHA-256, or null. */
export function ruleFileText(store: Store, sha256: string): string | null {
  if (!hasTables(store)) return null;
  const row = store.db.prepare('SELECT text FROM rule_file_texts WHERE sha256 = ?').get(sha256) as {text: string} | undefined;
  return row?.text ?? null;
}

/** Whether a pack hash has a stored snapshot. */
export function hasRulePackSnapshot(store: Store, packHash: string): boolean {
  if (!hasTables(store)) return false;
  return store.db.prepare('SELECT 1 FROM rule_pack_snapshots WHERE pack_hash = ?').get(packHash) !== undefined;
}
