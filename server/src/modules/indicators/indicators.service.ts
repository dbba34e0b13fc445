import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { catalogueFigures, latestComments, monthlyUsage, peopleFigures, targets, topEmptySearches, usageFigures, type Period } from './indicators.queries.ts';

type Figures = Awaited<ReturnType<typeof peopleFigures>> & Awaited<ReturnType<typeof catalogueFigures>> & Awaited<ReturnType<typeof usageFigures>>;

const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);

/** The programme's indicators, in the order of the report; the DGR 5269/2021 targets are seeded in the migration. */
export const INDICATORS = [
  { key: 'registeredUsers', label: 'Utenti registrati', unit: 'count', value: (f: Figures) => f.registeredUsers },
  { key: 'administrations', label: 'Amministrazioni a cui appartengono gli utenti', unit: 'count', value: (f: Figures) => f.administrations },
  { key: 'activeComuni30', label: 'Comuni con almeno un utente attivo negli ultimi 30 giorni', unit: 'count', value: (f: Figures) => f.activeComuni30 },
  { key: 'activeComuni90', label: 'Comuni con almeno un utente attivo negli ultimi 90 giorni', unit: 'count', value: (f: Figures) => f.activeComuni90 },
  { key: 'callsPublished', label: 'Bandi pubblicati', unit: 'count', value: (f: Figures) => f.callsPublished },
  { key: 'comuniReached', label: 'Comuni raggiunti dai bandi pubblicati', unit: 'count', value: (f: Figures) => f.comuniReached },
  { key: 'alertEmailsSent', label: 'E-mail di avviso consegnate', unit: 'count', value: (f: Figures) => f.alertEmailsSent },
  {
    key: 'alertLinkShare',
    label: 'Avvisi aperti tramite il link (quota sulle e-mail)',
    unit: 'percent',
    value: (f: Figures) => share(f.alertLinkClicks, f.alertEmailsSent),
  },
  { key: 'callPageViews', label: 'Visualizzazioni delle schede dei bandi', unit: 'count', value: (f: Figures) => f.callPageViews },
  { key: 'emptySearches', label: 'Ricerche senza risultati', unit: 'count', value: (f: Figures) => f.emptySearches },
  { key: 'satisfaction', label: 'Risposte “Sì” a “Ti è stato utile?”', unit: 'percent', value: (f: Figures) => share(f.usefulYes, f.usefulYes + f.usefulNo) },
] as const;

export const INDICATOR_KEYS = INDICATORS.map((i) => i.key);

/** Every indicator over the period against its target, with the month-by-month counts behind them. */
export async function indicatorsOf(db: Kysely<Database>, now: Date, period: Period) {
  const [people, catalogue, usage, goals, monthly, emptySearches, comments] = await Promise.all([
    peopleFigures(db, now),
    catalogueFigures(db, period),
    usageFigures(db, period),
    targets(db),
    monthlyUsage(db, period),
    topEmptySearches(db, period),
    latestComments(db, period),
  ]);
  const figures: Figures = { ...people, ...catalogue, ...usage };
  return {
    period,
    indicators: INDICATORS.map((i) => {
      const value = i.value(figures);
      const target = goals.find((g) => g.key === i.key)?.target ?? null;
      return { key: i.key, label: i.label, unit: i.unit, value, target, ...(target === null || value === null ? {} : { reached: value >= target }) };
    }),
    counts: figures,
    monthly,
    emptySearches,
    comments,
  };
}
