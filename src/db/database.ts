import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import { startEmbedded } from './embedded.ts';

/** Where the database is: DATABASE_URL when set, else the embedded PostgreSQL of the data dir. */
export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  release(): Promise<void>;
}

/** `exclusive`: a server, which must own the embedded database (see startEmbedded); commands join as guests. */
export async function openDatabase(
  config: Config,
  logger: Logger,
  options: { exclusive?: boolean } = {},
): Promise<DatabaseHandle> {
  if (config.database_url) {
    return { url: config.database_url, embedded: false, release: async () => {} };
  }
  const embedded = await startEmbedded({ data_dir: config.data_dir, logger, exclusive: options.exclusive });
  return { url: embedded.url, embedded: true, release: () => embedded.stop() };
}
