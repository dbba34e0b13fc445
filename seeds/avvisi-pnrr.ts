// The PA digitale 2026 avvisi for comuni of 2022-2025, curated by hand with the rules that applied:
// eligible bodies, windows (finestre temporali), amounts by population bracket, exclusions.
// Sources: the avvisi and their FAQ on padigitale2026.gov.it; amount tables of 1.2, 1.3.1 and 1.4.1
// are the amounts funded to almost every comune of each bracket, as the avvisi annexes set them.
import type { Kysely } from 'kysely';
import type { CallInput } from '../server/src/modules/calls/calls.schemas.ts';
import type { Database } from '../server/src/plugins/db/schema.ts';
import { romeInstant } from '../server/src/modules/ingest/ingest.italian-dates.ts';
import { runIngest, type RunReport } from '../server/src/modules/ingest/ingest.service.ts';
import { ItemError, type Connector } from '../server/src/modules/ingest/ingest.connector.ts';

type Bracket = [min: number, max: number | null, amount: number, range?: [min: number, max: number]];
type Window = [opens: string, closes: string];

export interface CuratedAvviso {
  externalId: string;
  call: CallInput;
}

const ISSUER = 'Presidenza del Consiglio dei Ministri - Dipartimento per la trasformazione digitale';
const PORTAL = 'https://padigitale2026.gov.it/misure/';
const ONE_PER_WINDOW = 'Una sola candidatura per comune: chi è finanziato in una finestra non partecipa alle successive.';

const brackets = (rows: Bracket[]) =>
  rows.map(([populationMin, populationMax, amount, range]) => ({ populationMin, populationMax, amount, ...(range ? { range: { min: range[0], max: range[1] } } : {}) }));
/** Windows open at midnight and close at 23:59:59, Rome time. */
const windows = (rows: Window[]) => rows.map(([opens, closes], i) => ({ label: `Finestra ${i + 1}`, opensAt: romeInstant(opens), closesAt: romeInstant(closes, '23:59:59') }));

interface Spec {
  title: string;
  measure: string;
  measureName: string;
  themes: string[];
  budget: number;
  windows: Window[];
  amount: CallInput['money']['amount'];
  summary: string;
  exclusions?: CallInput['eligibility']['exclusions'];
  conditions?: string[];
}

function avviso(spec: Spec): CuratedAvviso {
  return {
    externalId: spec.title,
    call: {
      title: spec.title,
      summary: spec.summary,
      description: null,
      issuer: ISSUER,
      programme: { kind: 'pnrr', code: `M1C1I${spec.measure} ${spec.measureName}` },
      themes: spec.themes,
      eligibility: {
        bodyTypes: ['comune'],
        // The avvisi of 2022-2025 put a comune in its bracket by the ISTAT population of their time, which the
        // 2021 census (legal population) matches: the funded amounts of SEND, ANSC and PDND 2022 agree with it
        // for 99.8 % of comuni, with the 2026 resident figure for 99.4 % (the misses sit next to a bracket's edge).
        populationBasis: 'legal',
        aggregation: 'not_allowed',
        exclusions: [{ kind: 'funded_in_earlier_window', description: ONE_PER_WINDOW }, ...(spec.exclusions ?? [])],
        conditions: spec.conditions ?? [],
      },
      money: { totalBudget: spec.budget, amount: spec.amount, cofinancingShare: 0 },
      procedure: 'finestre',
      publicationDate: spec.windows[0]![0],
      windows: windows(spec.windows),
      links: [{ label: 'Avvisi su PA digitale 2026', url: PORTAL }],
      contact: null,
    },
  };
}

// 1.2 pays a package per population class and number of services migrated: the amount is the package most
// comuni of the class took, the range the smallest and largest package granted (Allegato 2 is not public).
const CLOUD: Bracket[] = [[0, 2500, 47427, [16696, 77897]], [2501, 5000, 77897, [16696, 121992]], [5001, 20000, 121992, [54539, 227093]], [20001, 50000, 252118, [121992, 419124]], [50001, 100000, 419124, [252118, 419124]], [100001, 250000, 1031574, [773274, 5092136]], [250001, null, 5062954, [4479314, 5092136]]];
// 1.4.1 grants the ceiling of the class for the full set of services, less when the comune chooses fewer.
const CITIZEN: Bracket[] = [[0, 5000, 79922, [28902, 155234]], [5001, 20000, 155234, [51654, 280932]], [20001, 50000, 280932, [87682, 328160]], [50001, 100000, 328160, [96260, 328160]], [100001, 250000, 516323, [162545, 1277083]], [250001, null, 1277083, [810979, 1277083]]];
const SEND: Bracket[] = [[0, 5000, 23147], [5001, 20000, 32589], [20001, 100000, 59966], [100001, 250000, 69000], [250001, null, 97247]];
const ANSC: Bracket[] = [[0, 2500, 3928.4], [2501, 5000, 6173.2], [5001, 20000, 8979.2], [20001, 50000, 14030], [50001, 100000, 16274.8], [100001, 250000, 19642], [250001, null, 25254]];
const PDND_2022: Bracket[] = [[0, 5000, 10172], [5001, 20000, 20344], [20001, 50000, 30515], [50001, 100000, 162748], [100001, 250000, 203435], [250001, null, 474775]];
// ANNCSU brackets on the comune's civic numbers as ANNCSU held them on 25 January 2025 (methodology §3.2.1,
// FAQ padigitale2026.gov.it 1.3.1 ANNCSU "fascia di appartenenza dei numeri civici"), not on population: the
// amount is the one most comuni of the population class got, the range the brackets they were put in.
const ANNCSU: Bracket[] = [[0, 5000, 4326.4, [4326.4, 18990.54]], [5001, 20000, 9506.14, [4326.4, 73190.48]], [20001, 50000, 18990.54, [4326.4, 73190.48]], [50001, 100000, 37661.97, [9506.14, 73190.48]], [100001, 250000, 73190.48, [18990.54, 159742.18]], [250001, null, 159742.18, [73190.48, 712479.65]]];
const PAGOPA_PER_SERVICE: Bracket[] = [[0, 5000, 607], [5001, 20000, 857], [20001, 100000, 1821], [100001, 250000, 2747], [250001, null, 7967]];

const cloud = (title: string, budget: number, w: Window[], exclusions: CallInput['eligibility']['exclusions'] = []) =>
  avviso({ title, measure: '1.2', measureName: 'Abilitazione e facilitazione migrazione al Cloud', themes: ['infrastrutture.cloud'], budget, windows: w, amount: { kind: 'brackets', brackets: brackets(CLOUD) }, exclusions, summary: 'Migrazione al cloud qualificato dei servizi e delle basi dati del comune, con importo forfettario per fascia di popolazione.' });
const pagopa = (title: string, budget: number, w: Window[]) =>
  avviso({
    title, measure: '1.4.3', measureName: 'Adozione PagoPA e AppIO', themes: ['piattaforme.pagopa'], budget, windows: w,
    amount: { kind: 'per_unit', unitLabel: 'servizio di incasso attivato su pagoPA', brackets: brackets(PAGOPA_PER_SERVICE), minUnits: 3, maxUnits: 117 },
    conditions: ['Sopra i 20.000 abitanti servono almeno 5 servizi attivati.'],
    summary: 'Attivazione su pagoPA dei servizi di incasso del comune: un importo per ogni servizio, secondo la fascia di popolazione.',
  });
const appIo = (title: string, budget: number, w: Window[]) =>
  avviso({
    title, measure: '1.4.3', measureName: 'Adozione PagoPA e AppIO', themes: ['piattaforme.app-io'], budget, windows: w, amount: null,
    conditions: ["Importo per servizio integrato in App IO secondo la tabella dell'avviso."],
    summary: 'Integrazione dei servizi del comune in App IO (messaggi, scadenze, pagamenti).',
  });

export const AVVISI_PNRR: CuratedAvviso[] = [
  cloud('1.2 Abilitazione al cloud - Comuni - Aprile 2022', 500_000_000, [['2022-04-19', '2022-05-18'], ['2022-05-19', '2022-06-17'], ['2022-06-18', '2022-07-22']]),
  cloud('1.2 Abilitazione al Cloud - Comuni - Luglio 2022', 334_000_000, [['2022-07-25', '2022-09-30'], ['2022-10-01', '2022-10-28'], ['2022-10-29', '2022-11-27'], ['2022-11-28', '2023-01-13'], ['2023-01-14', '2023-02-10']], [
    { kind: 'funded_by_avviso', avviso: '1.2 Abilitazione al cloud - Comuni - Aprile 2022', description: "Non partecipa chi è stato finanziato dall'avviso di aprile 2022." },
  ]),
  cloud('1.2 Abilitazione al Cloud - Comuni - novembre 2023', 88_709_023, [['2023-11-27', '2024-01-19'], ['2024-01-20', '2024-03-29']]),
  cloud('1.2 Abilitazione al Cloud - Comuni - settembre 2024', 51_277_588, [['2024-09-13', '2024-10-18'], ['2024-10-19', '2024-12-06'], ['2024-12-07', '2025-01-31']]),
  cloud('1.2 Abilitazione al Cloud - Comuni - luglio 2025', 11_179_383, [['2025-07-17', '2025-09-12']]),
  avviso({
    title: '1.4.1 Esperienza del Cittadino - Comuni - Aprile 2022', measure: '1.4.1', measureName: 'Esperienza del cittadino nei servizi pubblici', themes: ['servizi.esperienza-cittadino', 'accessibilita'],
    budget: 400_000_000, windows: [['2022-04-26', '2022-05-25'], ['2022-05-26', '2022-06-24'], ['2022-06-25', '2022-09-02']], amount: { kind: 'brackets', brackets: brackets(CITIZEN) },
    summary: 'Nuovo sito comunale sul modello Designers Italia e servizi digitali al cittadino, con importo per fascia di popolazione.',
  }),
  avviso({
    title: '1.4.1 Esperienza del Cittadino - Comuni - Settembre 2022', measure: '1.4.1', measureName: 'Esperienza del cittadino nei servizi pubblici', themes: ['servizi.esperienza-cittadino', 'accessibilita'],
    budget: 356_000_000, windows: [['2022-09-19', '2022-11-04']], amount: { kind: 'brackets', brackets: brackets(CITIZEN) },
    exclusions: [{ kind: 'funded_by_avviso', avviso: '1.4.1 Esperienza del Cittadino - Comuni - Aprile 2022', description: "Non partecipa chi è stato finanziato dall'avviso di aprile 2022." }],
    summary: 'Seconda edizione per i comuni non finanziati ad aprile 2022: sito comunale e servizi digitali.',
  }),
  pagopa('1.4.3 - pagoPA - Comuni - Aprile 2022', 200_000_000, [['2022-04-04', '2022-05-03'], ['2022-05-04', '2022-06-03'], ['2022-06-04', '2022-07-04'], ['2022-07-05', '2022-09-02']]),
  pagopa('1.4.3 - pagoPA - Comuni - Settembre 2022', 92_600_000, [['2022-09-12', '2022-11-25'], ['2022-11-26', '2023-01-20'], ['2023-01-21', '2023-03-24']]),
  pagopa('1.4.3 - pagoPA - Comuni - maggio 2023', 39_116_128, [['2023-05-11', '2023-07-03'], ['2023-07-04', '2023-09-04'], ['2023-09-05', '2023-11-10'], ['2023-11-11', '2024-02-02']]),
  pagopa('1.4.3 - pagoPA - Comuni - giugno 2024', 25_000_000, [['2024-06-24', '2024-09-20'], ['2024-09-21', '2024-11-30'], ['2024-12-01', '2025-02-28']]),
  appIo('1.4.3 - app IO - Comuni - Aprile 2022', 90_000_000, [['2022-04-04', '2022-05-03'], ['2022-05-04', '2022-06-03'], ['2022-06-04', '2022-07-04'], ['2022-07-05', '2022-09-02']]),
  appIo('1.4.3 - app IO - Comuni - Settembre 2022', 40_000_000, [['2022-09-12', '2022-11-25'], ['2022-11-26', '2023-01-20'], ['2023-01-21', '2023-03-24']]),
  appIo('1.4.3 - app IO - Comuni - Novembre 2023', 30_000_000, [['2023-11-22', '2024-01-08'], ['2024-01-09', '2024-04-12']]),
  appIo('1.4.3 - app IO - Comuni - maggio 2024', 30_000_000, [['2024-05-07', '2024-06-14'], ['2024-06-15', '2024-07-26'], ['2024-07-27', '2024-09-20'], ['2024-09-21', '2024-12-06'], ['2024-12-07', '2025-01-31']]),
  appIo('1.4.3 - app IO - Comuni - maggio 2025', 30_000_000, [['2025-05-30', '2025-07-04'], ['2025-07-05', '2025-08-29']]),
  avviso({
    title: '1.4.4 Adozione SPID CIE  - Comuni - Aprile 2022', measure: '1.4.4', measureName: 'Adozione identità digitale', themes: ['piattaforme.spid-cie'],
    budget: 100_000_000, windows: [['2022-04-04', '2022-05-03'], ['2022-05-04', '2022-06-03'], ['2022-06-04', '2022-07-04'], ['2022-07-05', '2022-09-02']], amount: { kind: 'fixed', amount: 14000 },
    summary: "Accesso ai servizi online del comune con SPID, CIE ed eIDAS: contributo forfettario unico.",
  }),
  avviso({
    title: '1.4.4 Adozione SPID CIE  - Comuni - Settembre 2022', measure: '1.4.4', measureName: 'Adozione identità digitale', themes: ['piattaforme.spid-cie'],
    budget: 29_000_000, windows: [['2022-09-12', '2022-11-25'], ['2022-11-26', '2023-01-20'], ['2023-01-21', '2023-03-24']], amount: { kind: 'fixed', amount: 14000 },
    exclusions: [{ kind: 'funded_by_avviso', avviso: '1.4.4 Adozione SPID CIE  - Comuni - Aprile 2022', description: "Non partecipa chi è stato finanziato dall'avviso di aprile 2022." }],
    summary: 'Seconda edizione per i comuni non ancora finanziati: SPID, CIE ed eIDAS.',
  }),
  avviso({
    title: '1.4.4 Adozione ANPR ANSC - Comuni - luglio 2024', measure: '1.4.4', measureName: 'Adozione identità digitale', themes: ['piattaforme.anpr'],
    budget: 49_383_355.2, windows: [['2024-07-23', '2024-09-22'], ['2024-09-23', '2024-11-24']], amount: { kind: 'brackets', brackets: brackets(ANSC) },
    summary: "Subentro nell'Archivio Nazionale dello Stato Civile (ANSC) tramite ANPR, con importo per fascia di popolazione.",
  }),
  avviso({
    title: '1.4.4 Adozione ANPR ANSC - Comuni - luglio 2025', measure: '1.4.4', measureName: 'Adozione identità digitale', themes: ['piattaforme.anpr'],
    budget: 4_058_598.4, windows: [['2025-07-02', '2025-08-01']], amount: { kind: 'brackets', brackets: brackets(ANSC) },
    conditions: ["Riapertura per i comuni non finanziati dall'avviso di luglio 2024: verificare i requisiti nell'avviso."],
    summary: 'Riapertura del contributo per il subentro in ANSC.',
  }),
  avviso({
    title: "1.4.5 'Piattaforma Notifiche Digitali' Comuni (Settembre 2022)", measure: '1.4.5', measureName: 'Digitalizzazione degli avvisi pubblici', themes: ['piattaforme.send'],
    budget: 200_000_000, windows: [['2022-09-12', '2022-10-11'], ['2022-10-12', '2022-11-11']], amount: { kind: 'brackets', brackets: brackets(SEND) },
    summary: 'Integrazione con SEND per notificare gli atti in digitale, con importo forfettario per fascia di popolazione.',
  }),
  avviso({
    title: "1.4.5 'Piattaforma Notifiche Digitali' Comuni (maggio 2024)", measure: '1.4.5', measureName: 'Digitalizzazione degli avvisi pubblici', themes: ['piattaforme.send'],
    budget: 66_950_738, windows: [['2024-05-07', '2024-06-14'], ['2024-06-15', '2024-07-26'], ['2024-07-27', '2024-12-06']], amount: { kind: 'brackets', brackets: brackets(SEND) },
    exclusions: [{ kind: 'funded_by_avviso', avviso: "1.4.5 'Piattaforma Notifiche Digitali' Comuni (Settembre 2022)", description: "Non partecipa chi è stato finanziato dall'avviso di settembre 2022." }],
    summary: 'Seconda edizione per i comuni non ancora integrati con SEND.',
  }),
  avviso({
    title: '1.3.1 Piattaforma Digitale Nazionale Dati - Comuni Ottobre 2022', measure: '1.3.1', measureName: 'Piattaforma Digitale Nazionale Dati', themes: ['dati.pdnd', 'interoperabilita'],
    budget: 110_305_319, windows: [['2022-10-20', '2022-12-14'], ['2022-12-15', '2023-02-17'], ['2023-02-18', '2023-05-19']], amount: { kind: 'brackets', brackets: brackets(PDND_2022) },
    summary: 'Adesione alla PDND ed erogazione di API (e-service) del comune, con importo per fascia di popolazione.',
  }),
  avviso({
    title: '1.3.1 Piattaforma Digitale Nazionale Dati - ANNCSU - Comuni - maggio 2025', measure: '1.3.1', measureName: 'Piattaforma Digitale Nazionale Dati', themes: ['dati.pdnd', 'interoperabilita'],
    budget: 56_000_000, windows: [['2025-05-30', '2025-07-15'], ['2025-07-16', '2025-09-30']], amount: { kind: 'brackets', brackets: brackets(ANNCSU) },
    summary: "Aggiornamento dell'Archivio Nazionale dei Numeri Civici e delle Strade Urbane (ANNCSU) tramite PDND.",
  }),
];

const SOURCE_KIND = 'curated:avvisi-pnrr';
const curated: Connector = {
  kind: SOURCE_KIND,
  split: () => AVVISI_PNRR.map((a) => ({ externalId: a.externalId, raw: { call: a.call } })),
  map(raw) {
    if (!raw.call) throw new ItemError('voce senza bando');
    return { input: raw.call as CallInput, url: PORTAL };
  },
};

/** Loads the curated catalogue as published calls; idempotent like any other source. */
export function seedAvvisiPnrr(db: Kysely<Database>, now = new Date(), soonDays = 14): Promise<RunReport> {
  return runIngest(db, { now, soonDays }, { connector: curated, location: 'seeds/avvisi-pnrr.ts', items: curated.split(new Uint8Array(), ''), trusted: true });
}
