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
  ['019036', 'Cremona', 'D150', 'CR', 'Cremona', 70922, 70841, 70.4899, 5, 61],
  ['019021', 'Casalmaggiore', 'B898', 'CR', 'Cremona', 15095, 14974, 64.5302, 5, 34],
  ['019097', 'Soncino', 'I827', 'CR', 'Cremona', 7540, 7507, 45.3207, 5, 92],
  ['019098', 'Soresina', 'I849', 'CR', 'Cremona', 9200, 8744, 28.5681, 5, 73],
  ['016024', 'Bergamo', 'A794', 'BG', 'Bergamo', 120389, 119476, 40.1628, 3, 262],
  ['016219', 'Treviglio', 'L400', 'BG', 'Bergamo', 31417, 30567, 32.243, 5, 133],
  ['016064', 'Castione della Presolana', 'C324', 'BG', 'Bergamo', 3345, 3353, 42.5, 1, 871],
  ['016099', 'Fino del Monte', 'D604', 'BG', 'Bergamo', 1126, 1155, 4.2877, 1, 670],
  ['016149', 'Onore', 'G075', 'BG', 'Bergamo', 939, 920, 11.782, 1, 690],
  ['016187', 'Rovetta', 'H615', 'BG', 'Bergamo', 4162, 4110, 24.5419, 1, 665],
  ['016201', 'Songavazzo', 'I830', 'BG', 'Bergamo', 716, 696, 12.8967, 1, 652],
  ['017029', 'Brescia', 'B157', 'BS', 'Brescia', 199853, 195906, 90.6734, 3, 161],
  ['017052', 'Chiari', 'C618', 'BS', 'Brescia', 19552, 19131, 37.9872, 5, 153],
  ['018110', 'Pavia', 'G388', 'PV', 'Pavia', 71610, 70380, 63.3069, 5, 88],
  ['014061', 'Sondrio', 'I829', 'SO', 'Sondrio', 21331, 21192, 20.8693, 1, 317],
  ['014060', 'Sondalo', 'I828', 'SO', 'Sondrio', 3876, 3930, 95.4525, 1, 892],
  ['014071', 'Valdidentro', 'L557', 'SO', 'Sondrio', 4163, 4134, 226.7228, 1, 1358],
  ['014072', 'Valdisotto', 'L563', 'SO', 'Sondrio', 3547, 3594, 89.5707, 1, 1136],
  ['014073', 'Valfurva', 'L576', 'SO', 'Sondrio', 2432, 2498, 214.9883, 1, 1327],
  ['108033', 'Monza', 'F704', 'MB', 'Monza e della Brianza', 123032, 121984, 33.0822, 5, 178],
];

const OFFICE_MEMBERS = ['019005', '019062', '019067', '019109', '019111'];
const AGGREGATIONS: [id: string, name: string, kind: string, members: string[]][] = [
  [CREMASCO_OFFICE, 'Ufficio RTD associato del Cremasco', 'ufficio_rtd_associato', OFFICE_MEMBERS],
  ['6f1d2c1e-0000-4000-8000-000000000002', 'Unione dei Comuni della Presolana', 'unione', ['016064', '016099', '016149', '016187', '016201']],
  ['6f1d2c1e-0000-4000-8000-000000000003', 'Comunità Montana Alta Valtellina', 'comunita_montana', ['014009', '014037', '014060', '014071', '014072', '014073']],
];

/** Interventions a comune's three-year ICT plan typically holds; costs are for a comune under 5,000. */
const PLAN: [title: string, description: string, themes: string[], cost: number][] = [
  ['Migrazione al cloud qualificato di demografici e protocollo', 'Trasferimento degli applicativi dal CED comunale a servizi cloud qualificati ACN', ['infrastrutture.cloud'], 48000],
  ['Pagamenti pagoPA per mensa, trasporto scolastico e tributi', 'Attivazione dei servizi di incasso mancanti e riconciliazione automatica', ['piattaforme.pagopa'], 12000],
  ["Servizi del comune su App IO", "Avvisi di scadenza della carta d'identità, della TARI e dei pagamenti", ['piattaforme.app-io'], 6000],
  ['Notifiche digitali degli atti con SEND', 'Invio tramite SEND di verbali e avvisi di accertamento', ['piattaforme.send'], 23000],
  ['Nuovo sito comunale sul modello Designers Italia', 'Sito e servizi online conformi al modello dei comuni, con misurazione della soddisfazione', ['servizi.esperienza-cittadino', 'accessibilita'], 79000],
  ['Accesso ai servizi online con SPID e CIE', 'Integrazione di SPID, CIE ed eIDAS negli sportelli telematici', ['piattaforme.spid-cie'], 14000],
  ["Adesione alla PDND e API dell'anagrafe", 'Pubblicazione di e-service su PDND e consultazione delle banche dati di altri enti', ['dati.pdnd', 'interoperabilita'], 10000],
  ['Sicurezza informatica: backup immutabile e autenticazione a più fattori', 'Piano di continuità operativa, backup fuori sede e MFA per tutti gli account', ['sicurezza'], 25000],
  ['Fibra e Wi-Fi negli edifici comunali e nelle scuole', 'Collegamento in fibra di municipio, biblioteca e plessi scolastici', ['infrastrutture.connettivita'], 35000],
  ['Formazione digitale dei dipendenti con Syllabus', 'Percorsi Syllabus per tutto il personale e formazione specifica degli uffici tecnici', ['governance.formazione'], 4000],
  ["Obiettivi di accessibilità e dichiarazione AgID", 'Verifica degli strumenti informatici e piano di adeguamento', ['accessibilita'], 3000],
  ['Open data di bilancio, tributi e mobilità', 'Pubblicazione periodica dei dataset sul portale regionale', ['dati.open-data'], 8000],
  ['Subentro in ANSC per lo stato civile digitale', "Migrazione dei registri di stato civile nell'archivio nazionale", ['piattaforme.anpr'], 9000],
  ['RTD in forma associata e piano triennale comunale', "Convenzione per l'ufficio RTD e redazione del piano triennale ICT", ['governance.organizzazione'], 5000],
];
const STATUS_CYCLE = ['planned', 'planned', 'in_progress', 'done', 'planned', 'dropped'] as const;
const FUNDING_CYCLE = ['unfunded', 'partly_funded', 'funded', 'unfunded'] as const;
const PRIORITY_CYCLE = ['high', 'medium', 'low', 'medium'] as const;

/** A plausible plan for each demo comune: more and larger interventions the larger the comune. */
function demoPlan(istat: string, legal: number) {
  const seed = Number(istat) % PLAN.length;
  const size = legal < 5000 ? 1 : legal <= 15000 ? 2.5 : 6;
  const count = legal < 5000 ? 3 : legal <= 15000 ? 4 : 6;
  return Array.from({ length: count }, (_, k) => {
    const [title, description, themes, cost] = PLAN[(seed + k * 5) % PLAN.length]!;
    const start = 2025 + (k % 3);
    return {
      code: `PT-${start}-${String(k + 1).padStart(2, '0')}`,
      title, description, themes,
      start_year: start,
      end_year: start + (cost > 20000 ? 1 : 0),
      estimated_cost: Math.round((cost * size) / 500) * 500,
      priority: PRIORITY_CYCLE[(seed + k) % PRIORITY_CYCLE.length]!,
      status: STATUS_CYCLE[(seed + k) % STATUS_CYCLE.length]!,
      funding_status: FUNDING_CYCLE[(seed + 2 * k) % FUNDING_CYCLE.length]!,
    };
  });
}

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
    for (const [id, name, kind, members] of AGGREGATIONS) {
      count(await trx.insertInto('aggregations').values({ id, name, kind }).onConflict((oc: any) => oc.column('id').doNothing()).returning('id').execute());
      for (const istat of members) {
        count(
          await trx
            .insertInto('aggregation_members')
            .values({ aggregation_id: id, comune_istat: istat, joined_on: '2021-01-01' })
            .onConflict((oc: any) => oc.doNothing())
            .returning('comune_istat')
            .execute(),
        );
      }
    }
    for (const [istat, , , , , , legal] of COMUNI) {
      const plan = demoPlan(istat, legal);
      // The themes of its two most urgent interventions are what the comune declares it is looking for.
      const interests = [...new Set(plan.filter((i) => i.priority === 'high').concat(plan).slice(0, 2).flatMap((i) => i.themes))];
      await trx.insertInto('comune_interests').values(interests.map((theme_code) => ({ comune_istat: istat, theme_code }))).onConflict((oc: any) => oc.doNothing()).execute();
      for (const { themes, ...item } of plan) {
        const inserted = await trx
          .insertInto('programming_items')
          .values({ ...item, comune_istat: istat })
          .onConflict((oc: any) => oc.columns(['comune_istat', 'code']).doNothing())
          .returning('id')
          .execute();
        count(inserted);
        const itemId = inserted[0]?.id;
        if (itemId) await trx.insertInto('programming_item_themes').values(themes.map((theme_code) => ({ item_id: itemId, theme_code }))).execute();
      }
    }

    // Hashed only when an account is missing: every restart runs this seed, and argon2 is slow on purpose.
    let passwordHash: string | undefined;
    for (const login of DEMO_LOGINS) {
      const existing = await trx.selectFrom('users').select('id').where(sql`lower(email)`, '=', login.email).executeTakeFirst();
      if (existing) {
        unchanged++;
        continue;
      }
      const user = await trx
        .insertInto('users')
        .values({ email: login.email, name: NAMES[login.email], role: login.role, password_hash: (passwordHash ??= await hash(PASSWORD, { algorithm: 2 })) })
        .returning('id')
        .executeTakeFirstOrThrow();
      created++;
      if (login.email === 'rtd.crema@demo.cruscotto.it') await trx.insertInto('memberships').values({ user_id: user.id, comune_istat: '019035' }).execute();
      if (login.email === 'rtd.cremasco@demo.cruscotto.it') await trx.insertInto('memberships').values({ user_id: user.id, aggregation_id: CREMASCO_OFFICE }).execute();
    }
    return { created, unchanged };
  });
}
