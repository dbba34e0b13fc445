// A demo catalogue dated relative to the day it is loaded, so that a fresh start always shows calls
// open now, closing soon, opening next month and closed. Each call is modelled on a real recurring
// one (the next window of a PNRR measure, Regione Lombardia calls for comuni, a foundation call for
// small comuni, an EU call that needs an aggregation) but is not real: the UI labels it "dimostrativo".
import type { Kysely } from 'kysely';
import type { CallInput } from '../server/src/modules/calls/calls.schemas.ts';
import type { Database } from '../server/src/plugins/db/schema.ts';
import { romeInstant } from '../server/src/modules/ingest/ingest.italian-dates.ts';
import { runIngest, type RunReport } from '../server/src/modules/ingest/ingest.service.ts';
import { ItemError, type Connector, type RawItem } from '../server/src/modules/ingest/ingest.connector.ts';
import { DEMO_SOURCE_KIND } from '../server/src/modules/calls/calls.demo.ts';

type Bracket = [min: number, max: number | null, amount: number];
const brackets = (rows: Bracket[]) => rows.map(([populationMin, populationMax, amount]) => ({ populationMin, populationMax, amount }));

/**
 * The calendar day `days` after `now`'s day in Rome. Counted on the calendar, not in 24-hour steps: late
 * in a Rome evening, 40 × 24 hours back across the end of summer time lands on the wrong day.
 */
function romeDay(now: Date, days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const day = new Date(`${today}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

interface DemoSpec {
  id: string;
  call: (day: (offset: number) => string, at: (offset: number, time: string) => string) => CallInput;
}

const LOMBARDIA = { regions: ['03'] };
const COMUNI_ONLY = { bodyTypes: ['comune'], aggregation: 'not_allowed' as const, exclusions: [], conditions: [] };

const SPECS: DemoSpec[] = [
  {
    id: 'pnrr-1.2-cloud-nuova-finestra',
    call: (day, at) => ({
      title: '1.2 Abilitazione al Cloud - Comuni - nuova finestra',
      summary: 'Migrazione al cloud qualificato dei servizi del comune ancora in sede, con importo forfettario per fascia di popolazione.',
      issuer: 'Presidenza del Consiglio dei Ministri - Dipartimento per la trasformazione digitale',
      programme: { kind: 'pnrr', code: 'M1C1I1.2 Abilitazione e facilitazione migrazione al Cloud' },
      themes: ['infrastrutture.cloud'],
      eligibility: {
        ...COMUNI_ONLY,
        exclusions: [{ kind: 'funded_in_earlier_window', description: 'Non partecipa chi è già stato finanziato da una finestra precedente della misura 1.2.' }],
      },
      money: {
        totalBudget: 25_000_000,
        amount: { kind: 'brackets', brackets: brackets([[0, 2500, 47427], [2501, 5000, 77897], [5001, 20000, 121992], [20001, 50000, 252118], [50001, 100000, 419124], [100001, null, 1031574]]) },
        cofinancingShare: 0,
      },
      procedure: 'finestre',
      publicationDate: day(-20),
      windows: [{ label: 'Finestra 1', opensAt: at(-20, '00:00:00'), closesAt: at(40, '23:59:59') }],
      links: [{ label: 'Misura 1.2 su PA digitale 2026', url: 'https://padigitale2026.gov.it/misure/' }],
      contact: null,
    }),
  },
  {
    id: 'pnrr-1.4.4-spid-cie-riapertura',
    call: (day, at) => ({
      title: '1.4.4 Adozione SPID e CIE - Comuni - riapertura',
      summary: 'Accesso ai servizi online del comune con SPID, CIE ed eIDAS: contributo forfettario unico per chi non è ancora stato finanziato.',
      issuer: 'Presidenza del Consiglio dei Ministri - Dipartimento per la trasformazione digitale',
      programme: { kind: 'pnrr', code: 'M1C1I1.4.4 Adozione identità digitale' },
      themes: ['piattaforme.spid-cie'],
      eligibility: {
        ...COMUNI_ONLY,
        exclusions: [{ kind: 'funded_by_measure', measureCode: '1.4.4', description: 'Non partecipa chi ha già ricevuto il contributo SPID e CIE della misura 1.4.4.' }],
      },
      money: { totalBudget: 6_000_000, amount: { kind: 'fixed', amount: 14000 }, cofinancingShare: 0 },
      procedure: 'sportello',
      publicationDate: day(-45),
      windows: [{ label: null, opensAt: at(-45, '09:00:00'), closesAt: at(9, '12:00:00') }],
      links: [{ label: 'Misura 1.4.4 su PA digitale 2026', url: 'https://padigitale2026.gov.it/misure/' }],
      contact: null,
    }),
  },
  {
    id: 'pnrr-1.3.1-pdnd-e-service',
    call: (day, at) => ({
      title: '1.3.1 Piattaforma Digitale Nazionale Dati - Comuni - nuovi e-service',
      summary: 'Pubblicazione su PDND di nuove API del comune (e-service), con importo per fascia di popolazione.',
      issuer: 'Presidenza del Consiglio dei Ministri - Dipartimento per la trasformazione digitale',
      programme: { kind: 'pnrr', code: 'M1C1I1.3.1 Piattaforma Digitale Nazionale Dati' },
      themes: ['dati.pdnd', 'interoperabilita'],
      eligibility: { ...COMUNI_ONLY },
      money: {
        totalBudget: 18_000_000,
        amount: { kind: 'brackets', brackets: brackets([[0, 5000, 10172], [5001, 20000, 20344], [20001, 50000, 30515], [50001, 100000, 162748], [100001, null, 203435]]) },
        cofinancingShare: 0,
      },
      procedure: 'finestre',
      publicationDate: day(-10),
      windows: [
        { label: 'Finestra 1', opensAt: at(-10, '00:00:00'), closesAt: at(50, '23:59:59') },
        { label: 'Finestra 2', opensAt: at(51, '00:00:00'), closesAt: at(110, '23:59:59') },
      ],
      links: [{ label: 'Misura 1.3.1 su PA digitale 2026', url: 'https://padigitale2026.gov.it/misure/' }],
      contact: null,
    }),
  },
  {
    id: 'pnrr-1.4.1-esperienza-cittadino-prossima',
    call: (day, at) => ({
      title: '1.4.1 Esperienza del Cittadino - Comuni - prossima finestra',
      summary: 'Nuovo sito comunale sul modello Designers Italia e servizi digitali al cittadino: la finestra apre il mese prossimo.',
      issuer: 'Presidenza del Consiglio dei Ministri - Dipartimento per la trasformazione digitale',
      programme: { kind: 'pnrr', code: 'M1C1I1.4.1 Esperienza del cittadino nei servizi pubblici' },
      themes: ['servizi.esperienza-cittadino', 'accessibilita'],
      eligibility: {
        ...COMUNI_ONLY,
        exclusions: [{ kind: 'funded_by_measure', measureCode: '1.4.1', description: 'Non partecipa chi è già stato finanziato dalla misura 1.4.1.' }],
      },
      money: {
        totalBudget: 40_000_000,
        amount: { kind: 'brackets', brackets: brackets([[0, 5000, 79922], [5001, 20000, 155234], [20001, 50000, 280932], [50001, 100000, 328160], [100001, null, 516323]]) },
        cofinancingShare: 0,
      },
      procedure: 'finestre',
      publicationDate: day(-5),
      windows: [{ label: 'Finestra 1', opensAt: at(30, '10:00:00'), closesAt: at(75, '23:59:59') }],
      links: [{ label: 'Misura 1.4.1 su PA digitale 2026', url: 'https://padigitale2026.gov.it/misure/' }],
      contact: null,
    }),
  },
  {
    id: 'lombardia-cybersicurezza-comuni',
    call: (day, at) => ({
      title: 'Regione Lombardia - Cybersicurezza e continuità operativa dei comuni',
      summary: 'Contributi a fondo perduto per backup immutabili, autenticazione a più fattori e piani di continuità operativa. Graduatoria per punteggio.',
      description: 'Spese ammissibili: servizi e forniture per la sicurezza informatica, formazione del personale sulla sicurezza. Punteggio maggiore per i comuni che presentano un piano di continuità operativa approvato.',
      issuer: 'Regione Lombardia - Direzione Generale Enti locali, Montagna, Risorse energetiche, Utilizzo risorsa idrica',
      programme: { kind: 'regionale', code: 'L.R. 9/2024' },
      themes: ['sicurezza', 'governance.formazione'],
      eligibility: { bodyTypes: ['comune', 'unione'], territory: LOMBARDIA, aggregation: 'allowed', exclusions: [], conditions: ['Cofinanziamento del 20% a carico del comune, da iscrivere a bilancio prima della domanda.'] },
      money: { totalBudget: 8_000_000, amount: { kind: 'range', min: 10_000, max: 60_000 }, cofinancingShare: 0.2 },
      procedure: 'graduatoria',
      publicationDate: day(-15),
      windows: [{ label: null, opensAt: at(-15, '10:00:00'), closesAt: at(35, '16:00:00') }],
      links: [{ label: 'Bandi e servizi di Regione Lombardia', url: 'https://www.bandi.regione.lombardia.it/' }],
      contact: null,
    }),
  },
  {
    id: 'lombardia-connettivita-edifici',
    call: (day, at) => ({
      title: 'Regione Lombardia - Fibra e Wi-Fi negli edifici comunali',
      summary: 'Collegamento in fibra e Wi-Fi pubblico di municipi, biblioteche e scuole: a sportello fino a esaurimento delle risorse.',
      issuer: 'Regione Lombardia - Direzione Generale Sviluppo economico',
      programme: { kind: 'fesr', code: 'PR FESR 2021-2027 Azione 1.2.3' },
      themes: ['infrastrutture.connettivita'],
      eligibility: { bodyTypes: ['comune'], territory: LOMBARDIA, aggregation: 'not_allowed', exclusions: [], conditions: [] },
      money: {
        totalBudget: 12_000_000,
        amount: { kind: 'brackets', brackets: brackets([[0, 3000, 25000], [3001, 15000, 40000], [15001, null, 70000]]) },
        cofinancingShare: 0.1,
      },
      procedure: 'sportello',
      publicationDate: day(-60),
      windows: [{ label: null, opensAt: at(-60, '10:00:00'), closesAt: null }],
      links: [{ label: 'Bandi e servizi di Regione Lombardia', url: 'https://www.bandi.regione.lombardia.it/' }],
      contact: null,
    }),
  },
  {
    id: 'fondazione-piccoli-comuni-digitali',
    call: (day, at) => ({
      title: 'Piccoli comuni, servizi digitali vicini - bando per comuni fino a 5.000 abitanti',
      summary: 'Contributi di una fondazione di origine bancaria per sportelli digitali assistiti, formazione dei cittadini e servizi online dei piccoli comuni.',
      issuer: 'Fondazione comunitaria (esempio dimostrativo)',
      programme: { kind: 'fondazione', code: null },
      themes: ['servizi.esperienza-cittadino', 'governance.formazione'],
      eligibility: {
        bodyTypes: ['comune', 'unione'],
        population: { max: 5000 },
        territory: { regions: ['03'], provinces: ['BG', 'BS', 'CR', 'LC', 'SO', 'MN', 'PV', 'VA'] },
        aggregation: 'allowed',
        exclusions: [],
        conditions: ['Il progetto deve coinvolgere almeno un ente del terzo settore del territorio.'],
      },
      money: { totalBudget: 1_500_000, amount: { kind: 'range', min: 5000, max: 30000 }, cofinancingShare: 0.3 },
      procedure: 'graduatoria',
      publicationDate: day(-40),
      windows: [{ label: null, opensAt: at(-40, '09:00:00'), closesAt: at(12, '17:00:00') }],
      links: [{ label: 'Bandi delle fondazioni lombarde', url: 'https://www.fondazionecariplo.it/' }],
      contact: null,
    }),
  },
  {
    id: 'ue-digital-europe-servizi-intercomunali',
    call: (day, at) => ({
      title: 'Digital Europe - Servizi digitali intercomunali per comunità intelligenti',
      summary: 'Progetti di servizi digitali condivisi tra più comuni: si partecipa solo in forma associata (unione, comunità montana, convenzione).',
      issuer: 'Commissione europea - HaDEA',
      programme: { kind: 'ue', code: 'DIGITAL-2027-DEPLOY' },
      themes: ['servizi', 'interoperabilita', 'dati.open-data'],
      eligibility: { bodyTypes: ['comune', 'unione', 'comunita_montana'], aggregation: 'required', exclusions: [], conditions: ['Almeno tre enti partner, di cui uno capofila.'] },
      money: { totalBudget: 20_000_000, amount: { kind: 'range', min: 100_000, max: 500_000 }, cofinancingShare: 0.5 },
      procedure: 'graduatoria',
      publicationDate: day(-3),
      windows: [{ label: null, opensAt: at(28, '09:00:00'), closesAt: at(120, '17:00:00') }],
      links: [{ label: 'Digital Europe Programme', url: 'https://digital-strategy.ec.europa.eu/' }],
      contact: null,
    }),
  },
  {
    id: 'pnrr-1.4.5-send-chiusa',
    call: (day, at) => ({
      title: '1.4.5 Piattaforma Notifiche Digitali - Comuni - finestra chiusa',
      summary: 'Integrazione con SEND per notificare gli atti in digitale: la finestra si è chiusa di recente.',
      issuer: 'Presidenza del Consiglio dei Ministri - Dipartimento per la trasformazione digitale',
      programme: { kind: 'pnrr', code: 'M1C1I1.4.5 Digitalizzazione degli avvisi pubblici' },
      themes: ['piattaforme.send'],
      eligibility: { ...COMUNI_ONLY },
      money: {
        totalBudget: 10_000_000,
        amount: { kind: 'brackets', brackets: brackets([[0, 5000, 23147], [5001, 20000, 32589], [20001, 100000, 59966], [100001, null, 69000]]) },
        cofinancingShare: 0,
      },
      procedure: 'finestre',
      publicationDate: day(-70),
      windows: [{ label: 'Finestra 1', opensAt: at(-70, '00:00:00'), closesAt: at(-12, '23:59:59') }],
      links: [{ label: 'Misura 1.4.5 su PA digitale 2026', url: 'https://padigitale2026.gov.it/misure/' }],
      contact: null,
    }),
  },
  {
    id: 'lombardia-formazione-rtd-chiuso',
    call: (day, at) => ({
      title: 'Regione Lombardia - Formazione degli uffici RTD associati',
      summary: 'Percorsi di formazione per i responsabili della transizione al digitale in forma associata: bando chiuso.',
      issuer: 'Regione Lombardia - Direzione Generale Enti locali',
      programme: { kind: 'regionale', code: null },
      themes: ['governance.organizzazione', 'governance.formazione'],
      eligibility: { bodyTypes: ['comune', 'unione', 'comunita_montana'], territory: LOMBARDIA, aggregation: 'allowed', exclusions: [], conditions: [] },
      money: { totalBudget: 900_000, amount: { kind: 'range', min: 3000, max: 15000 }, cofinancingShare: 0 },
      procedure: 'graduatoria',
      publicationDate: day(-120),
      windows: [{ label: null, opensAt: at(-120, '10:00:00'), closesAt: at(-60, '12:00:00') }],
      links: [{ label: 'Bandi e servizi di Regione Lombardia', url: 'https://www.bandi.regione.lombardia.it/' }],
      contact: null,
    }),
  },
];

function demoItems(now: Date): RawItem[] {
  const day = (offset: number) => romeDay(now, offset);
  const at = (offset: number, time: string) => romeInstant(day(offset), time);
  return SPECS.map((spec) => ({ externalId: spec.id, raw: { call: spec.call(day, at) } }));
}

const demoConnector: Connector = {
  kind: DEMO_SOURCE_KIND,
  split: () => [],
  map(raw) {
    if (!raw.call) throw new ItemError('voce senza bando');
    return { input: raw.call as CallInput, url: null };
  },
};

/**
 * Loads the demo catalogue once, dated from `now`; with `refresh` it moves the dates of the demo
 * calls forward to `now` (for a long-lived demo). Idempotent like any other source.
 */
export async function seedDemoCalls(db: Kysely<Database>, now: Date, soonDays: number, options: { refresh?: boolean } = {}): Promise<RunReport | null> {
  if (!options.refresh) {
    const loaded = await db.selectFrom('ingest_items').select('external_id').where('source_kind', '=', DEMO_SOURCE_KIND).limit(1).executeTakeFirst();
    if (loaded) return null;
  }
  return runIngest(db, { now, soonDays }, { connector: demoConnector, location: 'seeds/demo-calls.ts', items: demoItems(now), trusted: true });
}
