import { readdirSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/src/plugins/db/database.ts';
import { migrateDownAll, migrateUp, migrationStatus } from '../../server/src/plugins/db/migrator.ts';
import { migrationsDir } from '../../server/src/paths.ts';
import { createTestDatabase, openDb, type TestDatabase } from '../helpers/database.ts';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase({ empty: true });
  db = openDb(database);
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

async function publicTables(): Promise<string[]> {
  const { rows } = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_%' order by tablename
  `.execute(db);
  return rows.map((r) => r.tablename);
}

describe('migrations', () => {
  it('are named YYYY_MM_DD_HHMM_what.ts', () => {
    for (const file of readdirSync(migrationsDir)) expect(file).toMatch(/^\d{4}_\d{2}_\d{2}_\d{4}_[a-z0-9_]+\.ts$/);
  });

  it('go up, all the way down, and up again', async () => {
    const applied = await migrateUp(db);
    expect(applied.length).toBe(readdirSync(migrationsDir).length);
    const tablesAfterUp = await publicTables();
    expect(tablesAfterUp).toContain('worker_heartbeats');
    const { rows } = await sql<{ extname: string }>`select extname from pg_extension order by extname`.execute(db);
    expect(rows.map((r) => r.extname)).toEqual(expect.arrayContaining(['pg_trgm', 'unaccent']));

    await migrateDownAll(db);
    expect(await publicTables()).toEqual([]);
    expect((await migrationStatus(db)).every((m) => m.executedAt === null)).toBe(true);

    await migrateUp(db);
    expect(await publicTables()).toEqual(tablesAfterUp);
  });

  it('make accent-insensitive matching available', async () => {
    const { rows } = await sql<{ folded: string }>`select immutable_unaccent('Città di Castello') as folded`.execute(db);
    expect(rows[0]!.folded).toBe('Citta di Castello');
  });
});
