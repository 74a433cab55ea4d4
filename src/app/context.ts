import {existsSync, readFileSync} from 'node:fs';
import {resolve} from 'node:path';
import {PinnedClock, pinWallClockNow, WallClock, type Clock} from '../kernel/clock.js';
import {canonicalJson, sha256Hex} from '../kernel/canonical-json.js';
import type {Diagnostic} from '../kernel/diagnostic.js';
import {ConfigError, UsageError} from '../kernel/errors.js';
import type {Mode} from '../kernel/exit-status.js';
import {RunGroup} from '../kernel/run-group.js';
import {parseIsoInstant} from '../kernel/time.js';
import {Home} from '../config/home.js';
import {loadRuntimeConfig, runtimeSnapshot, type LoadedRuntimeConfig, type RuntimeConfig} from '../config/runtime.js';
import {buildSnapshot, type ConfigSnapshot} from '../config/snapshot.js';
import {Store} from '../store/db.js';
import {StoreRecordSink} from '../store/run-record-sink.js';
import {newestRecordHash} from '../store/run-records-repo.js';
import {currentNetworkHash} from '../store/network-repo.js';
import {saveConfigSnapshot} from '../store/config-snapshots-repo.js';
import {HARDSTOP_VERSION} from '../config/version.js';
import {loadSourcesConfig, type LoadedSourcesConfig} from '../sources/config.js';
import type {FetchDeps} from '../sources/fetch-operator.js';
import {referenceMembers, rulesMember, sourcesMember} from './snapshot-members.js';
import {sinksMember} from './sinks/sinks-member.js';

export interface GlobalFlags {
  home?: string;
  now?: string;
  strict?: boolean;
  'best-effort'?: boolean;
  json?: boolean;
  debug?: boolean;
}

/** Parses `--now`: RFC 3339 with an offset (or Z). */
export function parseNowFlag(text: string): PinnedClock {
  const p = parseIsoInstant(text);
  if (!p || p.dateOnly) {
    throw new UsageError('USAGE_BAD_NOW', `--now: "${text}" is not an RFC 3339 instant`, {hint: 'use e.g. --now 2025-12-29T17:00:00Z'});
  }
  return new PinnedClock(p.micros);
}

/**
 * Everything a command needs, built once per invocation: home, mode, run clock, resolved
 * configuration and its fingerprint, the store, and the run group that numbers RunRecords.
 */
export class AppContext {
  readonly home: Home;
  readonly mode: Mode;
  readonly clock: Clock;
  readonly env: NodeJS.ProcessEnv;
  readonly loaded: LoadedRuntimeConfig;
  private store_: Store | undefined;
  private group_: RunGroup | undefined;
  private snapshot_: {snapshot: ConfigSnapshot; hash: string} | undefined;
  private sources_: LoadedSourcesConfig | undefined;
  flags: Record<string, unknown> = {};

  private constructor(home: Home, mode: Mode, clock: Clock, env: NodeJS.ProcessEnv, loaded: LoadedRuntimeConfig) {
    this.home = home;
    this.mode = mode;
    this.clock = clock;
    this.env = env;
    this.loaded = loaded;
  }

  static create(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): AppContext {
    if (flags.strict && flags['best-effort']) {
      throw new UsageError('USAGE_CONFLICT', '--strict and --best-effort exclude each other', {hint: 'strict is the default; pass only --best-effort to relax it'});
    }
    const mode: Mode = flags['best-effort'] ? 'best-effort' : 'strict';
    const home = new Home(flags.home ?? env.HARDSTOP_HOME ?? process.cwd());
    // Strict runs read the wall clock once (when --now is absent) and pin it; only
    // best-effort runs let time advance, and their RunRecords say so.
    const clock = flags.now ? parseNowFlag(flags.now) : mode === 'strict' ? pinWallClockNow() : new WallClock();
    const loaded = loadRuntimeConfig(home.configFile, 'hardstop.config.yaml', env, {strict: mode === 'strict'});
    return new AppContext(home, mode, clock, env, loaded);
  }

  /** Configuration diagnostics (warnings included). */
  get configDiagnostics(): Diagnostic[] {
    return this.loaded.diagnostics;
  }

  /** The resolved runtime config; throws ConfigError with every diagnostic when invalid. */
  get config(): RuntimeConfig {
    if (!this.loaded.config) {
      const first = this.loaded.diagnostics.find((d) => d.severity === 'error');
      throw new ConfigError(first?.code ?? 'CONFIG_INVALID', first?.message ?? 'invalid configuration', {
        hint: first?.hint,
        diagnostics: this.loaded.diagnostics,
      });
    }
    return this.loaded.config;
  }

  /**
   * A path given on the command line: relative to the working directory, as every CLI
   * resolves it (paths inside config files are relative to the home: `home.resolve`).
   */
  flagPath(path: string): string {
    return resolve(process.cwd(), path);
  }

  get dbPath(): string {
    return this.home.resolve(this.config.storage.sqlite_path);
  }

  /** Opens the store for writing: creates the file and applies pending migrations. */
  openStoreForWrite(): Store {
    if (!this.store_) {
      const s = Store.open(this.dbPath);
      s.migrate();
      this.store_ = s;
    }
    return this.store_;
  }

  /** Opens (creating if needed) without migrating: `hardstop migrate` only. */
  openStoreForWriteNoMigrate(): Store {
    if (!this.store_) this.store_ = Store.open(this.dbPath);
    return this.store_;
  }

  /** Opens an existing store read-only (doctor, reports). Never migrates. */
  openStoreReadOnly(): Store {
    if (!this.store_) this.store_ = Store.open(this.dbPath, {readonly: true});
    return this.store_;
  }

  get store(): Store | undefined {
    return this.store_;
  }

  /**
   * config/sources.yaml, loaded and validated once per invocation: the fingerprint and every
   * step of the command see the same file.
   */
  get sourcesConfig(): LoadedSourcesConfig {
    this.sources_ ??= loadSourcesConfig(this.home, {runtime: this.config});
    return this.sources_;
  }

  /** What the fetch operator needs: the store opens (and migrates) only when it stores. */
  fetchDeps(): FetchDeps {
    return {home: this.home, config: this.config, sources: this.sourcesConfig, clock: this.clock, openStore: () => this.openStoreForWrite()};
  }

  /** The config snapshot and its hash (computed once). */
  get snapshot(): {snapshot: ConfigSnapshot; hash: string} {
    if (!this.snapshot_) {
      const cfg = this.config;
      this.snapshot_ = buildSnapshot({
        runtime: runtimeSnapshot(cfg),
        sources: sourcesMember(this.home, this.sourcesConfig),
        rules: rulesMember(this.home, cfg),
        compat: compatMember(this.home),
        sinks: sinksMember(this.home),
        inputs: {network_snapshot_hash: this.store_ ? currentNetworkHash(this.store_) : null, reference_tables: referenceMembers()},
        overrides: this.loaded.overrides,
        flags: this.flags,
      });
    }
    return this.snapshot_;
  }

  get configHash(): string {
    return this.snapshot.hash;
  }

  /** Starts (once) the run group of this invocation. */
  runGroup(command: string, args: Record<string, unknown>): RunGroup {
    if (!this.group_) {
      // The newest RunRecord is part of the strict run-group id basis: two invocations with the
      // same --now in one home get different ids, two fresh homes that saw the same history
      // get the same ones.
      const prior = this.store_ ? newestRecordHash(this.store_) : null;
      this.group_ = new RunGroup({
        command,
        args: {...args, prior_record: prior},
        clock: this.clock,
        mode: this.mode,
        configHash: this.configHash,
        version: HARDSTOP_VERSION,
        sink: new StoreRecordSink(this.home.runRecordsDir, () => this.store_, (p) => this.home.rel(p)),
      });
      if (this.store_ && !this.store_.readonly && this.store_.schemaVersion() >= 2) {
        saveConfigSnapshot(this.store_, this.configHash, canonicalJson(this.snapshot.snapshot), this.group_.id);
      }
    }
    return this.group_;
  }

  get group(): RunGroup | undefined {
    return this.group_;
  }

  close(): void {
    this.store_?.close();
    this.store_ = undefined;
  }
}

function compatMember(home: Home): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, path] of [
    ['suppression.yaml', home.suppressionFile],
    ['keywords.yaml', home.keywordsFile],
  ] as const) {
    if (existsSync(path)) out[name] = sha256Hex(readFileSync(path));
  }
  return out;
}
