import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { KyselyStore } from './kysely-store.js';

/** The embedded store: one SQLite file in WAL mode under the data dir. */
export function createSqliteStore(dataDir: string): KyselyStore {
  mkdirSync(dataDir, { recursive: true });
  const database = new BetterSqlite3(join(dataDir, 'im.sqlite'));
  database.pragma('journal_mode = WAL');
  // FULL: a committed (and therefore acknowledged) message survives a power cut too. Group
  // commit keeps the cost at one sync per batch, not per message.
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return new KyselyStore(new Kysely<Database>({ dialect: new SqliteDialect({ database }) }));
}
