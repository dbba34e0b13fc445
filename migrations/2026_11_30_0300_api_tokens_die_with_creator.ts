import { sql, type Kysely } from 'kysely';

// A token lives only while its creator can still act (checked when it is used). A creator removed
// outright takes their tokens along: `set null` would have left them looking like the operator's,
// which have no creator and answer to no one's status.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table api_tokens drop constraint api_tokens_created_by_fkey`.execute(db);
  await sql`alter table api_tokens add constraint api_tokens_created_by_fkey foreign key (created_by) references users (id) on delete cascade`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table api_tokens drop constraint api_tokens_created_by_fkey`.execute(db);
  await sql`alter table api_tokens add constraint api_tokens_created_by_fkey foreign key (created_by) references users (id) on delete set null`.execute(db);
}
