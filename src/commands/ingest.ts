import * as Flags from '@oclif/core/flags';
import type {AppContext} from '../app/context.js';
import {ingestNetwork} from '../network/ingest-operator.js';
import {type CommandFlags, HardstopCommand, type CommandOutcome} from './base-command.js';

export default class Ingest extends HardstopCommand<typeof Ingest> {
  static override summary = 'Load the network (facilities, lanes, shipments) from CSV, replacing the stored network atomically.';
  static override description =
    'Paths given as flags are relative to the working directory; the defaults from hardstop.config.yaml are relative to the home. Every problem in the three files is reported with file:line:col. Any error rejects the whole load (exit 2, database unchanged) unless --allow-partial, which loads the valid rows, reports every rejected row and exits 1.';
  static override examples = ['<%= config.bin %> ingest', '<%= config.bin %> ingest --facilities network/facilities.csv --lanes network/lanes.csv --shipments network/shipments.csv --json'];
  static override flags = {
    facilities: Flags.string({description: 'facilities CSV, relative to the working directory (default: network.facilities_csv of hardstop.config.yaml, relative to the home)'}),
    lanes: Flags.string({description: 'lanes CSV, relative to the working directory (default: network.lanes_csv)'}),
    shipments: Flags.string({description: 'shipments CSV, relative to the working directory (default: network.shipments_csv)'}),
    'allow-partial': Flags.boolean({description: 'load the valid rows and report each rejected one (exit 1)'}),
  };

  protected async execute(ctx: AppContext, flags: CommandFlags<typeof Ingest>): Promise<CommandOutcome> {
    const cfg = ctx.config;
    const pick = (flag: string | undefined, fallback: string) => {
      const path = flag !== undefined ? ctx.flagPath(flag) : ctx.home.resolve(fallback);
      return {path, display: ctx.home.rel(path)};
    };
    const files = {
      facilities: pick(flags.facilities, cfg.network.facilities_csv),
      lanes: pick(flags.lanes, cfg.network.lanes_csv),
      shipments: pick(flags.shipments, cfg.network.shipments_csv),
    };
    const allowPartial = flags['allow-partial'];
    const store = ctx.openStoreForWrite();
    const group = ctx.runGroup('ingest', {
      facilities: files.facilities.display,
      lanes: files.lanes.display,
      shipments: files.shipments.display,
      allow_partial: allowPartial,
    });
    const r = await ingestNetwork(store, group, files, {allowPartial});
    const text = [
      `Loaded network: ${r.counts.facilities} facilities, ${r.counts.lanes} lanes, ${r.counts.shipments} shipments`,
      r.rejectedRows > 0 ? `Rejected rows: ${r.rejectedRows} (see warnings)` : undefined,
      `Network snapshot: ${r.snapshotHash}`,
    ]
      .filter(Boolean)
      .join('\n');
    return {
      exitCode: r.exitCode,
      text,
      diagnostics: r.diagnostics,
      json: {counts: r.counts, rejected_rows: r.rejectedRows, snapshot_hash: r.snapshotHash, files: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, f.display]))},
    };
  }
}
