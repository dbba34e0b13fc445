import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { rememberPool } from './notifications.ts';

// int8 (counts, sums) and numeric (money) arrive as strings by default; our amounts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));
// A DATE is a calendar day, not an instant: keep 'YYYY-MM-DD' instead of a midnight in the server's zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type Db = Kysely<Database>;

export interface DbOptions {
  max?: number;
  /** Shown in pg_stat_activity, so an operator (or a test) can tell which process holds a connection. */
  applicationName?: string;
}

export function createDb(connectionString: string, options: DbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
  });
  // A client losing its server (e.g. PostgreSQL restarted) must not crash the process: the pool hears
  // of idle ones, each client of those lent out (between the queries of a transaction); the query that
  // next uses it fails and is handled where it runs.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  rememberPool(db, pool);
  return db;
}

/** Replaces the database name of a connection string. */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = '/' + database;
  return url.toString();
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const result = await client.query('select 1 from pg_database where datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

export async function createDatabaseIfMissing(adminUrl: string, name: string, template?: string): Promise<void> {
  if (await databaseExists(adminUrl, name)) return;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const quoted = client.escapeIdentifier(name);
    await client.query(template ? `create database ${quoted} template ${client.escapeIdentifier(template)}` : `create database ${quoted}`);
  } finally {
    await client.end();
  }
}
