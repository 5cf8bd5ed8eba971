import { openContext } from '../../app/runtime.ts';
import type { Command } from '../command.ts';
import { quietConfig } from '../shared.ts';
import { listMigrations } from '../../db/migrate.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations (also done at start-up)',
  usage: 'croupier migrate',
  options: {},
  async run() {
    const { config, logger } = quietConfig();
    // openContext applies every pending migration, each once, in its own transaction.
    const opened = await openContext(config, logger);
    try {
      const rows = await opened.ctx.sql`select version, name, applied_at from schema_migrations order by version`;
      for (const row of rows)
        process.stdout.write(
          `  ${String(row.version).padStart(3, '0')}_${row.name}  applied ${(row.applied_at as Date).toISOString()}\n`,
        );
      process.stdout.write(
        `Database is at migration ${rows.length ? rows[rows.length - 1].version : 0} of ${listMigrations().length}.\n`,
      );
      return 0;
    } finally {
      await opened.close();
    }
  },
};
