import { sql, type Kysely } from 'kysely';

// "The comuni a user serves today" was written in four queries (sign-in scope, alert audience, feeds,
// webhooks): one view each for today's members of an aggregation and for the comuni a user serves
// (direct memberships plus today's members of their aggregations).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create view current_aggregation_members as
      select aggregation_id, comune_istat, joined_on
        from aggregation_members
       where joined_on <= current_date and (left_on is null or left_on > current_date)
  `.execute(db);
  await sql`
    create view served_comuni as
      select user_id, comune_istat from memberships where comune_istat is not null
      union
      select m.user_id, am.comune_istat from memberships m join current_aggregation_members am on am.aggregation_id = m.aggregation_id
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop view served_comuni`.execute(db);
  await sql`drop view current_aggregation_members`.execute(db);
}
