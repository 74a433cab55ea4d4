/**
 * `hardstop export verify` (outputs.md §8.4): every check runs, nothing stops at the first
 * problem, and problems come back sorted by path then code. Sinks run the same function and
 * refuse a failing bundle before sending anything.
 */
import {lstatSync, readdirSync, readFileSync, type Stats} from 'node:fs';
import {join, posix} from 'node:path';
import {Ajv2020, type ValidateFunction} from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {artifactHash, sha256Hex} from '../../kernel/canonical-json.js';
import {parseJsonText} from '../../kernel/json-text.js';
import {packageFile} from '../../kernel/package-root.js';
import {verifyIncidentEvidence} from '../../pipeline/evidence.js';
import {BRIEF_FILES} from '../brief-v2/render.js';
import {
  ALERT_EVIDENCE_FILE,
  BUNDLE_VERSION,
  byPath,
  CONFIG_FILE,
  INCIDENT_EVIDENCE_FILE,
  MANIFEST_FILE,
  MANIFEST_KEYS,
  manifestHash,
  RUN_RECORDS_FILE,
} from './layout.js';

export type BundleProblemCode =
  | 'BUNDLE_MANIFEST_MISSING'
  | 'BUNDLE_MANIFEST_INVALID'
  | 'BUNDLE_VERSION_UNSUPPORTED'
  | 'BUNDLE_MANIFEST_HASH_MISMATCH'
  | 'BUNDLE_PATH_UNSAFE'
  | 'BUNDLE_FILE_MISSING'
  | 'BUNDLE_CHECKSUM_MISMATCH'
  | 'BUNDLE_UNEXPECTED_FILE'
  | 'BUNDLE_CONFIG_HASH_MISMATCH'
  | 'BUNDLE_RUNRECORD_INVALID'
  | 'BUNDLE_RUNIDS_MISMATCH'
  | 'BUNDLE_EVIDENCE_HASH_MISMATCH';

export interface BundleProblem {
  code: BundleProblemCode;
  /** Bundle-relative path with `/` (`.` for the folder itself). */
  path: string;
  message: string;
}

export interface BundleVerification {
  ok: boolean;
  /** The stored manifest hash, when the manifest could be read. */
  manifest_hash: string | null;
  /** Listed files that were read and hashed. */
  files_checked: number;
  problems: BundleProblem[];
}

const SCHEMA_FILE = packageFile('docs', 'specs', 'run-record.schema.json');
let validateRecord: ValidateFunction | undefined;

/** The RunRecord schema validator (docs/specs/run-record.schema.json), compiled once. */
function runRecordValidator(): ValidateFunction {
  if (!validateRecord) {
    const ajv = new Ajv2020({allErrors: true, strict: false});
    addFormats.default(ajv);
    validateRecord = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  }
  return validateRecord;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

const HEX64 = /^[0-9a-f]{64}$/;

class Verifier {
  readonly problems: BundleProblem[] = [];
  filesChecked = 0;
  /** Bytes of listed files that exist and passed the path checks, by path. */
  readonly contents = new Map<string, Buffer>();

  constructor(readonly dir: string) {}

  add(code: BundleProblemCode, path: string, message: string): void {
    this.problems.push({code, path, message});
  }

  lstat(rel: string): Stats | null {
    try {
      return lstatSync(join(this.dir, ...rel.split('/')));
    } catch {
      return null;
    }
  }

  /** Every entry under the folder (files, symlinks, anything but folders), relative with `/`. */
  walk(rel = ''): string[] {
    const out: string[] = [];
    let names: string[];
    try {
      names = readdirSync(rel ? join(this.dir, ...rel.split('/')) : this.dir);
    } catch (err) {
      this.add('BUNDLE_FILE_MISSING', rel || '.', `cannot list folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return out;
    }
    for (const name of names.sort(byPath)) {
      const p = rel ? `${rel}/${name}` : name;
      const st = this.lstat(p);
      if (st?.isDirectory()) out.push(...this.walk(p));
      else out.push(p);
    }
    return out;
  }

  /** Relative, normalized, inside the folder, and no symlink on the way. */
  safePath(p: string): string | null {
    if (p === '' || p.startsWith('/') || p.includes('\\') || /^[A-Za-z]:/.test(p) || p.includes('\0')) return 'not a relative path';
    if (posix.normalize(p) !== p || p.split('/').some((s) => s === '.' || s === '..' || s === '')) return 'not a normalized path inside the bundle';
    const parts = p.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const st = this.lstat(parts.slice(0, i).join('/'));
      if (st?.isSymbolicLink()) return i === parts.length ? 'is a symbolic link' : `goes through the symbolic link ${parts.slice(0, i).join('/')}`;
    }
    return null;
  }

  readListed(path: string, expected: string): void {
    const st = this.lstat(path);
    if (!st) {
      this.add('BUNDLE_FILE_MISSING', path, 'listed in the manifest but not in the bundle');
      return;
    }
    let bytes: Buffer;
    try {
      if (!st.isFile()) throw new Error(st.isDirectory() ? 'is a folder' : 'is not a regular file');
      bytes = readFileSync(join(this.dir, ...path.split('/')));
    } catch (err) {
      this.add('BUNDLE_FILE_MISSING', path, `listed in the manifest but not readable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return;
    }
    this.filesChecked++;
    this.contents.set(path, bytes);
    const actual = sha256Hex(bytes);
    if (actual !== expected) this.add('BUNDLE_CHECKSUM_MISMATCH', path, `sha256 ${actual} differs from the manifest's ${expected}`);
  }

  /** JSON content of a listed file that was read; a parse failure is reported under `code`. */
  json(path: string, code: BundleProblemCode): {value: unknown} | null {
    const bytes = this.contents.get(path);
    if (!bytes) return null;
    const r = parseJsonText(bytes.toString('utf8'));
    if (!r.ok) {
      this.add(code, path, `not valid JSON at ${r.line}:${r.col}: ${r.message}`);
      return null;
    }
    return {value: r.value};
  }
}

function manifestShape(v: Verifier, m: Json): void {
  const keys = Object.keys(m);
  const missing = MANIFEST_KEYS.filter((k) => !(k in m));
  const extra = keys.filter((k) => !(MANIFEST_KEYS as readonly string[]).includes(k)).sort(byPath);
  if (missing.length) v.add('BUNDLE_MANIFEST_INVALID', MANIFEST_FILE, `missing key(s): ${missing.join(', ')}`);
  if (extra.length) v.add('BUNDLE_MANIFEST_INVALID', MANIFEST_FILE, `unexpected key(s): ${extra.join(', ')}`);
  const wrong: string[] = [];
  for (const k of ['bundle_version', 'generated_at', 'hardstop_version', 'operator_version', 'config_hash', 'run_group_id', 'bundle_run_id', 'manifest_hash'] as const) {
    if (k in m && typeof m[k] !== 'string') wrong.push(`${k} must be a string`);
  }
  for (const k of ['run_ids', 'artifact_hashes'] as const) if (k in m && !isStringList(m[k])) wrong.push(`${k} must be a list of strings`);
  if ('checksums' in m && !(isObject(m.checksums) && Object.values(m.checksums).every((h) => typeof h === 'string' && HEX64.test(h)))) {
    wrong.push('checksums must map paths to SHA-256 hex');
  }
  for (const w of wrong) v.add('BUNDLE_MANIFEST_INVALID', MANIFEST_FILE, w);
  if (typeof m.bundle_version === 'string' && m.bundle_version !== BUNDLE_VERSION) {
    v.add('BUNDLE_VERSION_UNSUPPORTED', MANIFEST_FILE, `bundle_version ${JSON.stringify(m.bundle_version)} is not supported (this Hardstop reads "${BUNDLE_VERSION}")`);
  }
}

function checkConfig(v: Verifier, configHash: unknown): void {
  const config = v.json(CONFIG_FILE, 'BUNDLE_CONFIG_HASH_MISMATCH');
  if (config && artifactHash(config.value) !== configHash) {
    v.add('BUNDLE_CONFIG_HASH_MISMATCH', CONFIG_FILE, `JCS hash ${artifactHash(config.value)} differs from the manifest's config_hash ${String(configHash)}`);
  }
  const brief = v.json(BRIEF_FILES.json, 'BUNDLE_CONFIG_HASH_MISMATCH');
  if (brief) {
    const h = isObject(brief.value) && isObject(brief.value.header) ? brief.value.header.config_hash : undefined;
    if (h !== configHash) v.add('BUNDLE_CONFIG_HASH_MISMATCH', BRIEF_FILES.json, `header.config_hash ${String(h)} differs from the manifest's config_hash ${String(configHash)}`);
  }
}

function checkRunRecords(v: Verifier, runIds: unknown): void {
  const records = v.json(RUN_RECORDS_FILE, 'BUNDLE_RUNRECORD_INVALID');
  if (!records) return;
  if (!Array.isArray(records.value)) {
    v.add('BUNDLE_RUNRECORD_INVALID', RUN_RECORDS_FILE, 'not a JSON array of RunRecords');
    return;
  }
  const validate = runRecordValidator();
  records.value.forEach((r, i) => {
    if (!validate(r)) {
      const e = validate.errors?.[0];
      v.add('BUNDLE_RUNRECORD_INVALID', RUN_RECORDS_FILE, `record ${i} does not match docs/specs/run-record.schema.json: ${e ? `${e.instancePath || '/'} ${e.message}` : 'invalid'}`);
    }
  });
  const ids = records.value.map((r) => (isObject(r) ? String(r.run_id) : '')).sort(byPath);
  const listed = isStringList(runIds) ? [...runIds].sort(byPath) : [];
  if (JSON.stringify(ids) !== JSON.stringify(listed)) {
    v.add('BUNDLE_RUNIDS_MISMATCH', RUN_RECORDS_FILE, `record ids [${ids.join(', ')}] differ from the manifest's run_ids [${listed.join(', ')}]`);
  }
}

function checkEvidence(v: Verifier, listed: readonly string[], artifactHashes: unknown): void {
  const names = new Set<string>();
  for (const path of listed.filter((p) => p.startsWith('evidence/'))) {
    const inc = INCIDENT_EVIDENCE_FILE.exec(path);
    const alert = ALERT_EVIDENCE_FILE.exec(path);
    if (!inc && !alert) {
      v.add('BUNDLE_EVIDENCE_HASH_MISMATCH', path, 'evidence files are named incident-evidence.<sha256>.json or alert-evidence.<sha256>.json');
      continue;
    }
    const nameHash = (inc ?? alert)![1];
    names.add(nameHash);
    const doc = v.json(path, 'BUNDLE_EVIDENCE_HASH_MISMATCH');
    if (!doc) continue;
    if (inc) {
      if (!isObject(doc.value)) {
        v.add('BUNDLE_EVIDENCE_HASH_MISMATCH', path, 'not an incident-evidence object');
        continue;
      }
      const check = verifyIncidentEvidence(doc.value, {strict: true});
      if (!check.verified) v.add('BUNDLE_EVIDENCE_HASH_MISMATCH', path, `recomputed hash ${check.expected} differs from the stored artifact_hash ${check.stored ?? '(none)'}`);
      else if (check.stored !== nameHash) v.add('BUNDLE_EVIDENCE_HASH_MISMATCH', path, `artifact_hash ${check.stored} differs from the file name`);
    } else {
      const h = artifactHash(doc.value);
      if (h !== nameHash) v.add('BUNDLE_EVIDENCE_HASH_MISMATCH', path, `JCS hash ${h} differs from the file name`);
    }
  }
  const stated = isStringList(artifactHashes) ? [...new Set(artifactHashes)].sort(byPath) : [];
  const found = [...names].sort(byPath);
  if (JSON.stringify(stated) !== JSON.stringify(found)) {
    v.add('BUNDLE_EVIDENCE_HASH_MISMATCH', MANIFEST_FILE, `artifact_hashes (${stated.length}) differ from the hashes of the evidence files (${found.length})`);
  }
}

/** Verifies the bundle in `dir` (§8.4). Never throws for a bad bundle: every problem is returned. */
export function verifyBundle(dir: string): BundleVerification {
  const v = new Verifier(dir);
  const done = (manifestHashValue: string | null): BundleVerification => {
    const problems = v.problems.sort((a, b) => byPath(a.path, b.path) || byPath(a.code, b.code) || byPath(a.message, b.message));
    return {ok: problems.length === 0, manifest_hash: manifestHashValue, files_checked: v.filesChecked, problems};
  };
  let root: Stats | null = null;
  try {
    root = lstatSync(dir);
  } catch {
    root = null;
  }
  if (!root || !root.isDirectory()) {
    v.add('BUNDLE_MANIFEST_MISSING', MANIFEST_FILE, root ? `${dir} is not a folder` : `bundle folder ${dir} not found`);
    return done(null);
  }
  const present = v.walk();
  const manifestStat = v.lstat(MANIFEST_FILE);
  if (!manifestStat) {
    v.add('BUNDLE_MANIFEST_MISSING', MANIFEST_FILE, 'the bundle has no manifest.json');
    for (const p of present) v.add('BUNDLE_UNEXPECTED_FILE', p, 'not listed (the manifest is missing)');
    return done(null);
  }
  if (manifestStat.isSymbolicLink()) {
    v.add('BUNDLE_PATH_UNSAFE', MANIFEST_FILE, 'is a symbolic link');
    return done(null);
  }
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
  } catch (err) {
    v.add('BUNDLE_MANIFEST_INVALID', MANIFEST_FILE, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return done(null);
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    v.add('BUNDLE_MANIFEST_INVALID', MANIFEST_FILE, `not valid JSON at ${parsed.line}:${parsed.col}: ${parsed.message}`);
    return done(null);
  }
  if (!isObject(parsed.value)) {
    v.add('BUNDLE_MANIFEST_INVALID', MANIFEST_FILE, 'not a JSON object');
    return done(null);
  }
  const m = parsed.value;
  manifestShape(v, m);
  const stored = typeof m.manifest_hash === 'string' ? m.manifest_hash : null;
  const recomputed = manifestHash(m as never);
  if (stored !== recomputed) v.add('BUNDLE_MANIFEST_HASH_MISMATCH', MANIFEST_FILE, `recomputed manifest_hash ${recomputed} differs from the stored ${stored ?? '(none)'}`);
  const checksumsOk = isObject(m.checksums) && Object.values(m.checksums).every((h) => typeof h === 'string' && HEX64.test(h));
  const checksums = checksumsOk ? (m.checksums as Record<string, string>) : {};

  const listed: string[] = [];
  for (const path of Object.keys(checksums).sort(byPath)) {
    const unsafe = path === MANIFEST_FILE ? 'the manifest cannot list itself' : v.safePath(path);
    if (unsafe) {
      v.add('BUNDLE_PATH_UNSAFE', path, unsafe);
      continue;
    }
    listed.push(path);
    v.readListed(path, checksums[path]);
  }
  const known = new Set([...Object.keys(checksums), MANIFEST_FILE]);
  // Without a readable checksum list nothing can be called unexpected.
  if (checksumsOk) for (const p of present) if (!known.has(p)) v.add('BUNDLE_UNEXPECTED_FILE', p, 'in the bundle but not listed in the manifest');

  checkConfig(v, m.config_hash);
  checkRunRecords(v, m.run_ids);
  checkEvidence(v, listed, m.artifact_hashes);
  return done(stored);
}
