import { sql, type Kysely } from 'kysely';

// The avviso of an award, folded as matching compares it with a call's title (outcomes.queries.ts):
// stored and indexed, so that an opportunity's checklist finds a call's applications by index instead
// of folding all 54,000 awards with a regular expression on every request.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table funding_awards add column avviso_key text generated always as (lower(regexp_replace(btrim(avviso), '\\s+', ' ', 'g'))) stored`.execute(
    db,
  );
  await sql`create index funding_awards_avviso_key_index on funding_awards (avviso_key)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table funding_awards drop column avviso_key`.execute(db);
}
