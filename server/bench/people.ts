// The people of the day-in-the-life scenario, on top of the bench's comuni and catalogue: 2,000 users
// with their memberships and an open session each, programming for 500 comuni, alert subscriptions.
// Written in a few set-based statements so that building them does not weigh on the figures.
import { sql } from 'kysely';
import { createDb } from '../src/plugins/db/database.ts';
import { randomToken, sha256 } from '../src/shared/secrets.ts';

export type Persona = 'rtd' | 'office' | 'editor' | 'viewer';

export interface BenchPerson {
  persona: Persona;
  /** The value of the session cookie. */
  session: string;
  /** The comuni the person serves (RTDs and offices). */
  comuni: string[];
}

/** How many of each: most users are RTDs of one comune; a few offices serve 5 to 40 comuni each. */
const HEADCOUNT: Record<Persona, number> = { rtd: 1_800, office: 100, editor: 60, viewer: 40 };
const ROLE: Record<Persona, 'rtd' | 'editor' | 'viewer'> = { rtd: 'rtd', office: 'rtd', editor: 'editor', viewer: 'viewer' };
const PROGRAMMED_COMUNI = 500;
const THEMES = ['piattaforme.pagopa', 'infrastrutture.cloud', 'sicurezza', 'servizi.esperienza-cittadino', 'dati.pdnd'];

export async function createPeople(databaseUrl: string): Promise<BenchPerson[]> {
  const db = createDb(databaseUrl, { max: 4 });
  try {
    const comuni = (await db.selectFrom('comuni').select('istat').where('valid_to', 'is', null).orderBy('istat').execute()).map((c) => c.istat);
    const people: BenchPerson[] = [];
    let next = 0;
    const take = (count: number) => Array.from({ length: count }, () => comuni[next++ % comuni.length]!);
    for (const persona of Object.keys(HEADCOUNT) as Persona[])
      for (let i = 0; i < HEADCOUNT[persona]; i++)
        people.push({ persona, session: randomToken(), comuni: persona === 'rtd' ? take(1) : persona === 'office' ? take(5 + (i % 36)) : [] });

    await db.transaction().execute(async (trx) => {
      const users = await trx
        .insertInto('users')
        .values(people.map((p, i) => ({ email: `${p.persona}${i}@giornata.bench.example.it`, name: `Persona ${i}`, role: ROLE[p.persona] })))
        .returning('id')
        .execute();
      const memberships = people.flatMap((p, i) => p.comuni.map((istat) => ({ user_id: users[i]!.id, comune_istat: istat })));
      for (let from = 0; from < memberships.length; from += 5_000)
        await trx
          .insertInto('memberships')
          .values(memberships.slice(from, from + 5_000))
          .execute();
      await trx
        .insertInto('sessions')
        .values(people.map((p, i) => ({ id_hash: sha256(p.session), user_id: users[i]!.id, expires_at: sql<Date>`now() + interval '1 day'` })))
        .execute();
      const subscribers = people.flatMap((p, i) => (p.comuni.length > 0 ? [users[i]!.id] : []));
      await trx
        .insertInto('alert_subscriptions')
        .values(subscribers.map((id, k) => ({ user_id: id, email: k % 3 === 0 ? 'immediate' : 'weekly' })))
        .execute();
      // 500 comuni of the RTDs, 4 to 9 interventions each, on the themes the catalogue uses.
      const items = people
        .filter((p) => p.persona === 'rtd')
        .slice(0, PROGRAMMED_COMUNI)
        .flatMap((p, k) =>
          Array.from({ length: 4 + (k % 6) }, (_, n) => ({
            comune_istat: p.comuni[0]!,
            code: `PT-2026-${String(n + 1).padStart(2, '0')}`,
            title: `Intervento ${n + 1}: ${THEMES[(k + n) % THEMES.length]}`,
            start_year: 2026,
            end_year: 2028,
            estimated_cost: 20_000 + ((k * 7 + n) % 20) * 5_000,
            priority: (['high', 'medium', 'low'] as const)[n % 3]!,
            status: 'planned' as const,
            funding_status: 'unfunded' as const,
          })),
        );
      const created = await trx.insertInto('programming_items').values(items).returning(['id', 'title']).execute();
      await trx
        .insertInto('programming_item_themes')
        .values(created.map((item) => ({ item_id: item.id, theme_code: THEMES.find((t) => item.title.endsWith(t))! })))
        .execute();
    });
    await sql`analyze`.execute(db);
    return people;
  } finally {
    await db.destroy();
  }
}
