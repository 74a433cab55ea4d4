/** Severity of a diagnostic. `info` never changes an exit code. */
export type Severity = 'error' | 'warning' | 'info';

/** What every diagnostic code means to a reader: how serious it is and what to try. */
export interface DiagnosticCodeInfo {
  /**
   * The severity where the code is raised, in the default mode. Some flows re-report a code:
   * `--allow-partial` lowers CSV row errors to warnings, and a source's failed fetch (an
   * error of that source) is a warning of the whole run.
   */
  readonly severity: Severity;
  /** Strict mode raises this warning to an error. */
  readonly strictSeverity?: 'error';
  /** The hint a diagnostic gets when the place that raises it has nothing more specific. */
  readonly hint?: string;
}

/**
 * Every diagnostic code Hardstop reports, in one place. `Diagnostic.code`, `HardstopError.code`
 * and RunRecord diagnostics are typed by these keys, so a code that is not listed here does not
 * compile; the code tables of docs/ are tested against this list (test/kernel/diagnostic-codes.test.ts).
 */
export const DIAGNOSTIC_CODES = {
  // The command line
  CHECK_FAILED: {severity: 'error'},
  INIT_EXISTS: {severity: 'error'},
  INIT_NOT_A_FOLDER: {severity: 'error'},
  INTERNAL_ERROR: {severity: 'error'},
  NODE_TOO_OLD: {severity: 'error'},
  'RUN_STATUS::1': {severity: 'warning'},
  'RUN_STATUS::2': {severity: 'error'},
  USAGE_BAD_FAIL_ON: {severity: 'error'},
  USAGE_BAD_FLAG: {severity: 'error'},
  USAGE_BAD_LOOKBACK: {severity: 'error'},
  USAGE_BAD_NOW: {severity: 'error'},
  USAGE_BAD_RULES: {severity: 'error'},
  USAGE_BAD_SCORE_DELTA: {severity: 'error'},
  USAGE_BAD_SINCE: {severity: 'error'},
  USAGE_BAD_STALE: {severity: 'error'},
  USAGE_BAD_WINDOW: {severity: 'error'},
  USAGE_CONFLICT: {severity: 'error'},
  USAGE_MISSING_ARGUMENT: {severity: 'error'},
  USAGE_MISSING_FLAG: {severity: 'error'},
  USAGE_UNEXPECTED_ARGUMENT: {severity: 'error'},
  USAGE_UNKNOWN_COMMAND: {severity: 'error'},
  USAGE_UNKNOWN_FLAG: {severity: 'error'},

  // Configuration (hardstop.config.yaml) and YAML files
  CONFIG_ENV_INVALID: {severity: 'error'},
  CONFIG_ENV_UNKNOWN: {severity: 'error'},
  CONFIG_INVALID: {severity: 'error'},
  CONFIG_MISSING: {severity: 'error'},
  CONFIG_UNKNOWN_KEY: {severity: 'warning', strictSeverity: 'error'},
  YAML_SYNTAX: {severity: 'error'},
  YAML_INDENTATION: {severity: 'error'},
  YAML_WARNING: {severity: 'warning'},

  // The store and the delivery ledger
  DB_LOCKED: {severity: 'error'},
  DB_MIGRATIONS_PENDING: {severity: 'warning'},
  DB_MIGRATION_FAILED: {severity: 'error'},
  DB_MISSING: {severity: 'error'},
  DB_NEEDS_MIGRATION: {severity: 'error', hint: 'run `hardstop migrate` first'},
  DB_OPEN_FAILED: {severity: 'error'},
  DB_TOO_NEW: {severity: 'error'},
  DB_UNREADABLE: {severity: 'error'},
  STORED_DOCUMENT_CORRUPT: {severity: 'error', hint: 'run `hardstop verify` to list every unreadable document'},
  LEDGER_LOCKED: {severity: 'error'},
  LEDGER_OPEN_FAILED: {severity: 'error'},
  LEDGER_OUTDATED: {severity: 'error'},
  LEDGER_TOO_NEW: {severity: 'error'},

  // The network (CSV files, docs/NETWORK.md)
  CSV_DATE: {severity: 'error'},
  CSV_DUPLICATE_ID: {severity: 'error'},
  CSV_EMPTY: {severity: 'error'},
  CSV_ENCODING: {severity: 'error'},
  CSV_FIELD_COUNT: {severity: 'error'},
  CSV_FK_MISSING: {severity: 'error'},
  CSV_HEADER_DUPLICATE: {severity: 'error'},
  CSV_HEADER_MISSING: {severity: 'error'},
  CSV_HEADER_UNKNOWN: {severity: 'warning'},
  CSV_RANGE: {severity: 'error'},
  CSV_REQUIRED_EMPTY: {severity: 'error'},
  CSV_STATE_UNKNOWN: {severity: 'warning'},
  CSV_SYNTAX: {severity: 'error'},
  CSV_TYPE: {severity: 'error'},
  FILE_MISSING: {severity: 'error'},
  NETWORK_EMPTY: {severity: 'warning'},
  NETWORK_INTEGRITY: {severity: 'error'},
  NETWORK_REJECTED: {severity: 'error'},

  // Sources (config/sources.yaml, docs/SOURCES.md) and their health
  NO_ENABLED_SOURCES: {severity: 'warning'},
  SOURCES_ALIAS_CONFLICT: {severity: 'error'},
  SOURCES_BAD_ID: {severity: 'error'},
  SOURCES_BAD_VERSION: {severity: 'error'},
  SOURCES_BLOCKED: {severity: 'warning'},
  SOURCES_INVALID: {severity: 'error'},
  SOURCES_MISSING: {severity: 'error'},
  SOURCES_MISSING_KEY: {severity: 'error'},
  SOURCES_NONE_ENABLED: {severity: 'error'},
  SOURCES_OUT_OF_RANGE: {severity: 'error'},
  SOURCES_PENDING: {severity: 'info'},
  SOURCES_UNKNOWN_KEY: {severity: 'error'},
  SOURCES_UNKNOWN_TIER: {severity: 'error'},
  SOURCES_UNREADABLE: {severity: 'error'},
  SOURCES_STALE: {severity: 'warning'},
  SOURCES_WATCH: {severity: 'warning'},
  SOURCES_WRONG_TYPE: {severity: 'error'},
  SOURCE_BAD_URL: {severity: 'error'},
  SOURCE_BLOCKED: {severity: 'error'},
  SOURCE_DISABLED: {severity: 'error'},
  SOURCE_DUPLICATE_ID: {severity: 'error'},
  SOURCE_FILE_OUTSIDE_HOME: {severity: 'error'},
  SOURCE_TIER_MISMATCH: {severity: 'error'},
  SOURCE_TRUST_INVALID: {severity: 'error'},
  SOURCE_UNKNOWN: {severity: 'error'},
  SOURCE_UNKNOWN_TYPE: {severity: 'error'},
  SOURCE_STALE: {severity: 'warning'},
  SOURCE_WATCH: {severity: 'warning'},

  // Fetching (docs/SOURCES.md §2)
  FETCH_ALL_FAILED: {severity: 'error'},
  FETCH_BAD_REDIRECT: {severity: 'error'},
  FETCH_BAD_URL: {severity: 'error'},
  FETCH_CONNECTION: {severity: 'error'},
  FETCH_CRASHED: {severity: 'error'},
  FETCH_DECODE: {severity: 'error'},
  FETCH_FAILED: {severity: 'warning'},
  FETCH_FAIL_FAST: {severity: 'error'},
  FETCH_HTTP_STATUS: {severity: 'error'},
  FETCH_INTERNAL: {severity: 'error'},
  FETCH_REDIRECT_LOOP: {severity: 'error'},
  FETCH_TIMEOUT: {severity: 'error'},
  FETCH_TOO_LARGE: {severity: 'error'},
  FETCH_TOO_MANY_REDIRECTS: {severity: 'error'},
  FILE_NOT_FOUND: {severity: 'error'},
  FILE_OUTSIDE_HOME: {severity: 'error'},
  FILE_UNREADABLE: {severity: 'error'},
  NETWORK_DISABLED: {severity: 'error'},

  // Feeds and items (docs/FEEDS.md)
  DATE_ASSUMED_UTC: {severity: 'info'},
  DATE_UNPARSEABLE: {severity: 'warning'},
  ENCODING_FALLBACK: {severity: 'warning'},
  ENCODING_UNKNOWN: {severity: 'warning'},
  FEED_ENCODING: {severity: 'error'},
  FEED_ENTITY_EXPANSION: {severity: 'error'},
  FEED_MALFORMED: {severity: 'error'},
  FEED_NOT_A_FEED: {severity: 'error'},
  FEED_TOO_LARGE: {severity: 'error'},
  FEED_TRUNCATED: {severity: 'info'},
  FSIS_TRANSLATION_SKIPPED: {severity: 'info'},
  ITEM_AHEAD_OF_CLOCK: {severity: 'error'},
  ITEM_FROM_FUTURE: {severity: 'error'},
  ITEM_INVALID: {severity: 'warning'},
  ITEM_NO_ID: {severity: 'info'},
  ITEM_TOO_LARGE: {severity: 'warning'},
  NWS_TEST_MESSAGE: {severity: 'info'},
  PAYLOAD_VALUE_COERCED: {severity: 'warning'},

  // Rules (docs/RULES.md), rule snapshots and rules diff
  RULES_DIFF_INPUTS_CHANGED: {severity: 'error'},
  RULES_DIFF_ITEM_FAILED: {severity: 'warning'},
  RULES_DIFF_NO_SNAPSHOT: {severity: 'info'},
  RULES_DIFF_WORKER_FAILED: {severity: 'error'},
  RULES_INVALID: {severity: 'error'},
  RULE_BAD_DURATION: {severity: 'error', hint: 'write a number and a unit: 30m, 48h, 7d, 1w'},
  RULE_BAD_REGEX: {severity: 'error'},
  RULE_CHECK: {severity: 'error'},
  RULE_CLASSIFY_NO_DEFAULT: {severity: 'error'},
  RULE_CONSTANT_CONDITION: {severity: 'warning'},
  RULE_DUPLICATE_ID: {severity: 'error'},
  RULE_EMPTY_PATTERN: {severity: 'error'},
  RULE_EVAL: {severity: 'error'},
  RULE_FILE_MISSING: {severity: 'error'},
  RULE_MACRO_CYCLE: {severity: 'error', hint: 'macros may not be recursive'},
  RULE_PACK_MISSING: {severity: 'error'},
  RULE_PARSE: {severity: 'error'},
  RULE_SCHEMA: {severity: 'error'},
  RULE_SHADOWED: {severity: 'warning'},
  RULE_SHADOWED_NAME: {severity: 'warning', hint: 'pick another variable name'},
  RULE_SNAPSHOT_ALTERED: {severity: 'error'},
  RULE_SNAPSHOT_CORRUPT: {severity: 'error'},
  RULE_SNAPSHOT_MISMATCH: {severity: 'error'},
  RULE_SNAPSHOT_MISSING: {severity: 'error'},
  RULE_TEST_BAD_VALUE: {severity: 'error'},
  RULE_TEST_UNKNOWN_FIELD: {severity: 'error'},
  RULE_TYPE_MISMATCH: {severity: 'error'},
  RULE_UNKNOWN_FIELD: {severity: 'error'},
  RULE_UNKNOWN_FUNCTION: {severity: 'error'},
  RULE_UNKNOWN_KEY: {severity: 'error'},
  RULE_UNKNOWN_KIND: {severity: 'error'},
  RULE_UNKNOWN_LIST: {severity: 'error'},
  RULE_UNUSED_LIST: {severity: 'warning', hint: 'remove it or reference it by name'},
  RULE_UNUSED_MACRO: {severity: 'warning', hint: 'remove it or reference it by name'},

  // Ingest, decisions, replay and RunRecords (hardstop verify)
  ARTIFACT_MISMATCH: {severity: 'error'},
  CONFIG_FINGERPRINT_MISMATCH: {severity: 'warning', strictSeverity: 'error'},
  CONFIG_SNAPSHOT_ALTERED: {severity: 'error'},
  CONFIG_SNAPSHOT_MISSING: {severity: 'warning', strictSeverity: 'error'},
  DECIDE_WORKER_FAILED: {severity: 'warning'},
  EVIDENCE_FILES_RESTORED: {severity: 'info'},
  EVIDENCE_FILE_MISMATCH: {severity: 'error'},
  INCIDENT_ARTIFACT_MISMATCH: {severity: 'warning', strictSeverity: 'error'},
  INCIDENT_ARTIFACT_MISSING: {severity: 'warning'},
  INGEST_CRASHED: {severity: 'error'},
  INGEST_ITEM_FAILED: {severity: 'warning'},
  INGEST_SOURCE_NOT_ENABLED: {severity: 'info'},
  NETWORK_CHANGED: {severity: 'warning', strictSeverity: 'error'},
  RAW_ITEM_ALTERED: {severity: 'warning', strictSeverity: 'error'},
  REPLAY_INPUT_MISSING: {severity: 'error'},
  REPLAY_MISMATCH: {severity: 'error'},
  RULES_CHANGED: {severity: 'warning', strictSeverity: 'error'},
  RUNRECORD_CHAIN_BROKEN: {severity: 'error'},
  RUNRECORD_CHAIN_BROKEN_AT: {severity: 'error'},
  RUNRECORD_FILE_MISMATCH: {severity: 'error'},
  RUNRECORD_FILE_MISSING: {severity: 'error'},
  RUNRECORD_HASH_MISMATCH: {severity: 'error'},
  RUNRECORD_ROW_MISMATCH: {severity: 'error'},
  RUNRECORD_ROW_UNREADABLE: {severity: 'error'},
  RUNRECORD_SEQ_GAP: {severity: 'error'},
  RUNRECORD_UNTRACKED: {severity: 'error'},
  RUN_RECORD_GAP: {severity: 'warning'},
  RUN_RECORD_MISMATCH: {severity: 'warning', strictSeverity: 'error'},
  RUN_RECORD_MISSING: {severity: 'warning', strictSeverity: 'error'},

  // Reports
  ALERT_NOT_FOUND: {severity: 'error'},
  ALERT_VERSION_NOT_FOUND: {severity: 'error'},
  BRIEF_CRASHED: {severity: 'error'},
  BRIEF_DRAFT_ONLY: {severity: 'warning'},
  BRIEF_NOT_PUBLISHED: {severity: 'warning', strictSeverity: 'error'},
  BRIEF_SKIPPED: {severity: 'info'},
  RUN_DECIDED_NOTHING: {severity: 'error'},

  // Exports and bundles
  BUNDLE_ALERTS_INVALID: {severity: 'error'},
  BUNDLE_CHECKSUM_MISMATCH: {severity: 'error'},
  BUNDLE_CONFIG_HASH_MISMATCH: {severity: 'error'},
  BUNDLE_EVIDENCE_HASH_MISMATCH: {severity: 'error'},
  BUNDLE_FILE_MISSING: {severity: 'error'},
  BUNDLE_INVALID: {severity: 'error'},
  BUNDLE_MANIFEST_HASH_MISMATCH: {severity: 'error'},
  BUNDLE_MANIFEST_INVALID: {severity: 'error'},
  BUNDLE_MANIFEST_MISSING: {severity: 'error'},
  BUNDLE_OUT_NOT_A_FOLDER: {severity: 'error'},
  BUNDLE_OUT_NOT_EMPTY: {severity: 'error'},
  BUNDLE_PATH_UNSAFE: {severity: 'error'},
  BUNDLE_RUNIDS_MISMATCH: {severity: 'error'},
  BUNDLE_RUNRECORD_INVALID: {severity: 'error'},
  BUNDLE_UNEXPECTED_FILE: {severity: 'error'},
  BUNDLE_VERSION_UNSUPPORTED: {severity: 'error'},
  EXPORT_DRAFT_ONLY: {severity: 'error'},
  EXPORT_NOT_PUBLISHED: {severity: 'error'},

  // Sinks (sinks/*.yaml, delivery)
  SINK_DELIVERY_FAILED: {severity: 'error'},
  SINK_DELIVERY_PENDING: {severity: 'warning'},
  SINK_DELIVERY_RETRIED: {severity: 'warning'},
  SINK_DUPLICATE_ID: {severity: 'error'},
  SINK_IN_DOUBT: {severity: 'warning'},
  SINK_LOOKUP_FAILED: {severity: 'error'},
  SINK_MISSING_KEY: {severity: 'error'},
  SINK_MODE_MISMATCH: {severity: 'error'},
  SINK_NO_ROUTES: {severity: 'error'},
  SINK_SECRET_MISSING: {severity: 'error'},
  SINK_STOPPED: {severity: 'error'},
  SINK_TEST_FAILED: {severity: 'error'},
  SINK_UNKNOWN: {severity: 'error'},
  SINK_UNKNOWN_KEY: {severity: 'error'},
  SINK_URL_INVALID: {severity: 'error'},
  SINK_WRONG_TYPE: {severity: 'error'},
  SINK_YAML_SYNTAX: {severity: 'error'},

  // Other
  FACILITY_UNKNOWN: {severity: 'error'},
  LANE_UNKNOWN: {severity: 'error'},
  RUN_GROUP_NOT_FOUND: {severity: 'error'},
} as const satisfies Record<string, DiagnosticCodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** True for a registered code (codes read back from stored JSON are plain strings). */
export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.hasOwn(DIAGNOSTIC_CODES, code);
}

/** The registry's hint for a code, if it has one. */
export function defaultHint(code: DiagnosticCode): string | undefined {
  const info: DiagnosticCodeInfo = DIAGNOSTIC_CODES[code];
  return info.hint;
}
