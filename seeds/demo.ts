import { sql, type Kysely } from 'kysely';
import { hash } from '@node-rs/argon2';

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
  description: string;
}

export interface SeedReport {
  created: number;
  unchanged: number;
}

const PASSWORD = 'Cruscotto-Demo-2026';
const CREMASCO_OFFICE = '6f1d2c1e-0000-4000-8000-000000000001';

// Hand-written demo comuni (ISTAT 2021 census populations); the full registry comes from the importers.
const COMUNI: [istat: string, name: string, catastale: string, sigla: string, province: string, residents: number, legal: number, surface: number, zone: number, altitude: number][] = [
  ['019035', 'Crema', 'D142', 'CR', 'Cremona', 34012, 33970, 34.51, 5, 87],
  ['019005', 'Bagnolo Cremasco', 'A570', 'CR', 'Cremona', 5038, 4931, 10.3878, 5, 83],
  ['019062', 'Offanengo', 'G004', 'CR', 'Cremona', 5922, 5927, 12.5835, 5, 88],
  ['019067', 'Pandino', 'G306', 'CR', 'Cremona', 8894, 8908, 22.2953, 5, 92],
  ['019109', 'Trescore Cremasco', 'L389', 'CR', 'Cremona', 2897, 2794, 5.9179, 5, 88],
  ['019111', 'Vaiano Cremasco', 'L535', 'CR', 'Cremona', 3564, 3554, 6.1516, 5, 87],
  ['014037', 'Livigno', 'E621', 'SO', 'Sondrio', 6726, 6811, 227.2928, 1, 1820],
  ['014009', 'Bormio', 'B049', 'SO', 'Sondrio', 3904, 3990, 41.4363, 1, 1228],
  ['097055', 'Morterone', 'F758', 'LC', 'Lecco', 32, 31, 13.6172, 1, 1031],
  ['097042', 'Lecco', 'E507', 'LC', 'Lecco', 47233, 46831, 45.2832, 1, 216],
  ['012133', 'Varese', 'L682', 'VA', 'Varese', 78992, 78740, 54.6555, 3, 389],
  ['020030', 'Mantova', 'E897', 'MN', 'Mantova', 49607, 48441, 63.8077, 5, 32],
];

const OFFICE_MEMBERS = ['019005', '019062', '019067', '019109', '019111'];

export const DEMO_LOGINS: DemoLogin[] = [
  { role: 'rtd', email: 'rtd.crema@demo.cruscotto.it', password: PASSWORD, description: 'RTD del Comune di Crema' },
  { role: 'rtd', email: 'rtd.cremasco@demo.cruscotto.it', password: PASSWORD, description: 'Ufficio RTD associato del Cremasco (5 comuni)' },
  { role: 'editor', email: 'redazione@demo.cruscotto.it', password: PASSWORD, description: 'Redazione ANCI' },
  { role: 'editor', email: 'revisione@demo.cruscotto.it', password: PASSWORD, description: 'Seconda redattrice (approvazioni)' },
  { role: 'admin', email: 'admin@demo.cruscotto.it', password: PASSWORD, description: 'Amministrazione' },
  { role: 'viewer', email: 'regione@demo.cruscotto.it', password: PASSWORD, description: 'Regione Lombardia (sola lettura)' },
];

const NAMES: Record<string, string> = {
  'rtd.crema@demo.cruscotto.it': 'Giulia Ferrari',
  'rtd.cremasco@demo.cruscotto.it': 'Marco Bianchi',
  'redazione@demo.cruscotto.it': 'Chiara Colombo',
  'revisione@demo.cruscotto.it': 'Luca Romano',
  'admin@demo.cruscotto.it': 'Paola Ricci',
  'regione@demo.cruscotto.it': 'Andrea Galli',
};

/** Idempotent: running it twice creates nothing the second time. */
export async function seedDemo(db: Kysely<any>): Promise<SeedReport> {
  return db.transaction().execute(async (trx) => {
    let created = 0;
    let unchanged = 0;
    const count = (inserted: unknown[]) => (inserted.length > 0 ? created++ : unchanged++);

    for (const [istat, name, catastale, sigla, province, residents, legal, surface, zone, altitude] of COMUNI) {
      count(
        await trx
          .insertInto('comuni')
          .values({
            istat, name, codice_catastale: catastale, province_sigla: sigla, province_name: province, province_code: istat.slice(0, 3),
            region_code: '03', region_name: 'Lombardia', resident_population: residents, resident_population_date: '2021-12-31',
            legal_population: legal, legal_population_date: '2021-12-31', surface_km2: surface, altitude_zone: zone, altitude_m: altitude,
          })
          .onConflict((oc: any) => oc.column('istat').doNothing())
          .returning('istat')
          .execute(),
      );
    }
    count(
      await trx
        .insertInto('aggregations')
        .values({ id: CREMASCO_OFFICE, name: 'Ufficio RTD associato del Cremasco', kind: 'ufficio_rtd_associato' })
        .onConflict((oc: any) => oc.column('id').doNothing())
        .returning('id')
        .execute(),
    );
    for (const istat of OFFICE_MEMBERS) {
      count(
        await trx
          .insertInto('aggregation_members')
          .values({ aggregation_id: CREMASCO_OFFICE, comune_istat: istat, joined_on: '2021-01-01' })
          .onConflict((oc: any) => oc.doNothing())
          .returning('comune_istat')
          .execute(),
      );
    }

    const passwordHash = await hash(PASSWORD, { algorithm: 2 });
    for (const login of DEMO_LOGINS) {
      const existing = await trx.selectFrom('users').select('id').where(sql`lower(email)`, '=', login.email).executeTakeFirst();
      if (existing) {
        unchanged++;
        continue;
      }
      const user = await trx
        .insertInto('users')
        .values({ email: login.email, name: NAMES[login.email], role: login.role, password_hash: passwordHash })
        .returning('id')
        .executeTakeFirstOrThrow();
      created++;
      if (login.email === 'rtd.crema@demo.cruscotto.it') await trx.insertInto('memberships').values({ user_id: user.id, comune_istat: '019035' }).execute();
      if (login.email === 'rtd.cremasco@demo.cruscotto.it') await trx.insertInto('memberships').values({ user_id: user.id, aggregation_id: CREMASCO_OFFICE }).execute();
    }
    return { created, unchanged };
  });
}
