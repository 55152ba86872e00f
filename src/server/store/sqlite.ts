import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { KyselyStore } from './kysely-store.js';

/** Sets a mode; a path owned by another user (a mounted volume) is left as it is rather than failing the start. */
function restrict(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

/**
 * The embedded store: one SQLite file in WAL mode under the data dir. Messages are private: the
 * data dir is 0700 and the database 0600, and a data dir from an earlier, looser start is
 * tightened.
 */
export function createSqliteStore(dataDir: string): KyselyStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  restrict(dataDir, 0o700);
  const path = join(dataDir, 'im.sqlite');
  const restrictFiles = () => {
    for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
      if (existsSync(file)) restrict(file, 0o600);
    }
  };
  // 0600 before SQLite opens it: SQLite gives the -wal and -shm files it creates the database's mode.
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  restrictFiles();
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  // The -wal and -shm files may only exist from here on; their mode is not left to SQLite's rule.
  restrictFiles();
  // FULL: a committed (and therefore acknowledged) message survives a power cut too. Group
  // commit keeps the cost at one sync per batch, not per message.
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return new KyselyStore(new Kysely<Database>({ dialect: new SqliteDialect({ database }) }));
}
