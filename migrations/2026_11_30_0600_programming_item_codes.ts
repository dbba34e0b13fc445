import { sql, type Kysely } from 'kysely';

// Every intervention gets a `code`: the CSV import recognises items by it, so an item added through the
// form without one came back from its own export as a rejected row. Items without a code get the next
// free "PT-<start year>-<nn>" of their comune, in the order they were added; the code stays unique per
// comune (programming_items_comune_istat_code_key).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update programming_items p
       set code = format('PT-%s-%s', n.start_year, lpad((n.taken + n.position)::text, 2, '0'))
      from (
        select i.id, i.start_year,
               row_number() over (partition by i.comune_istat, i.start_year order by i.created_at, i.id) as position,
               coalesce((
                 select max(substring(o.code from '^PT-[0-9]{4}-([0-9]{1,9})$')::bigint)
                   from programming_items o
                  where o.comune_istat = i.comune_istat and o.code like 'PT-' || i.start_year || '-%'
               ), 0) as taken
          from programming_items i
         where i.code is null
      ) n
     where p.id = n.id
  `.execute(db);
  await db.schema.alterTable('programming_items').alterColumn('code', (c) => c.setNotNull()).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('programming_items').alterColumn('code', (c) => c.dropNotNull()).execute();
}
