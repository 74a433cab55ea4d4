import type {AppContext} from '../app/context.js';
import {ExitCode} from '../kernel/exit-status.js';
import {LATEST_SCHEMA_VERSION} from '../store/migrations/index.js';
import {HardstopCommand, type CommandOutcome} from './base-command.js';

export default class Migrate extends HardstopCommand<typeof Migrate> {
  static override summary = 'Create the database or apply pending schema migrations (each in one transaction).';

  protected async execute(ctx: AppContext): Promise<CommandOutcome> {
    const before = ctx.openStoreForWriteNoMigrate().schemaVersion();
    const applied = ctx.openStoreForWriteNoMigrate().migrate({reclaimSpace: true});
    return {
      exitCode: ExitCode.HEALTHY,
      text: applied.length ? `Migrated ${ctx.home.rel(ctx.dbPath)} from v${before} to v${LATEST_SCHEMA_VERSION}` : `${ctx.home.rel(ctx.dbPath)} is current (v${before})`,
      json: {from_version: before, to_version: LATEST_SCHEMA_VERSION, applied},
    };
  }
}
