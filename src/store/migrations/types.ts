/** One additive schema step. Applied in one transaction and recorded in PRAGMA user_version. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
