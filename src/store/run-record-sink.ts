import {join} from 'node:path';
import {writeFileAtomic} from '../kernel/atomic-file.js';
import {prettyCanonicalJson} from '../kernel/canonical-json.js';
import type {RecordSink} from '../kernel/run-group.js';
import {type RunRecord, recordFileName, recordHash} from '../kernel/run-record.js';
import type {Store} from './db.js';

/**
 * Writes each RunRecord twice: a row in `run_records` (plus wall-clock timings in
 * `run_timings`, which never reach the file of a strict run) and a canonical JSON file under
 * run_records/<run_group_id>/, written atomically.
 */
export class StoreRecordSink implements RecordSink {
  constructor(
    private readonly recordsDir: string,
    private readonly store: () => Store | undefined,
    private readonly relPath: (p: string) => string,
  ) {}

  write(record: RunRecord, timings: {duration_ms: number; cpu_ms: number; memory_bytes: number}): void {
    const dir = join(this.recordsDir, record.run_group_id);
    const file = join(dir, recordFileName(record));
    const text = prettyCanonicalJson(record);
    writeFileAtomic(file, text);
    const store = this.store();
    if (!store) return;
    store.write(() => {
      store.db
        .prepare(
          `INSERT INTO run_records (run_id, run_group_id, seq, operator_id, mode, started_at, ended_at, record_hash, record_json, file_path)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          record.run_id,
          record.run_group_id,
          record.seq,
          record.operator_id,
          record.mode,
          record.started_at,
          record.ended_at,
          recordHash(record),
          text,
          this.relPath(file),
        );
      store.db.prepare('INSERT INTO run_timings (run_id, duration_ms, cpu_ms, memory_bytes) VALUES (?, ?, ?, ?)').run(
        record.run_id,
        timings.duration_ms,
        timings.cpu_ms,
        timings.memory_bytes,
      );
    });
  }
}
