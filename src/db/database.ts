import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import { startEmbedded } from './embedded.ts';

/** Where the database is: DATABASE_URL when set, else the embedded PostgreSQL of the data dir. */
export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  release(): Promise<void>;
}

export async function openDatabase(config: Config, logger: Logger): Promise<DatabaseHandle> {
  if (config.database_url) {
    return { url: config.database_url, embedded: false, release: async () => {} };
  }
  const embedded = await startEmbedded({ data_dir: config.data_dir, logger });
  return { url: embedded.url, embedded: true, release: () => embedded.stop() };
}
