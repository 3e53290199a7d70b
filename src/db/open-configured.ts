import { join } from 'node:path';
import type { AppConfig } from '../config.ts';
import { openDatabase, type DatabaseHandle } from './database.ts';

/** The database the configuration names: PostgreSQL at DATABASE_URL, else PGlite in DATA_DIR/pg. */
export function openConfiguredDatabase(config: AppConfig): Promise<DatabaseHandle> {
  return config.databaseUrl
    ? openDatabase({ url: config.databaseUrl })
    : openDatabase({ dataDir: join(config.dataDir, 'pg') });
}
