import type { ComuneFigures, MeasureFunding } from './territory.queries.ts';

/** Euros per inhabitant, to the cent; none where the population is unknown. */
export const perInhabitant = (amount: number, population: number | null) => (population ? Math.round((amount / population) * 100) / 100 : null);

export interface AreaSummary {
  key: string;
  /** What people call the area: "Bergamo", "Lombardia", "meno di 5.000 abitanti". */
  name: string;
  comuni: number;
  population: number;
  comuniWithOpenCalls: number;
  availableAmount: number;
  availablePerInhabitant: number | null;
  fundsObtained: number;
  fundsPerInhabitant: number | null;
  comuniWithFunds: number;
  unfundedItems: number;
  unfundedCost: number;
  comuniWithoutUsers: number;
}

/** The region the territory covers, as summaries name it. */
export const REGION = { key: '03', name: 'Lombardia' } as const;

/** The comuni's figures summed over one area (a province, a size class, the region). */
export function summarise(key: string, name: string, comuni: readonly ComuneFigures[]): AreaSummary {
  const sum = (pick: (c: ComuneFigures) => number) => comuni.reduce((total, c) => total + pick(c), 0);
  const population = sum((c) => c.population ?? 0);
  const availableAmount = sum((c) => c.availableAmount);
  const fundsObtained = sum((c) => c.fundsObtained);
  return {
    key,
    name,
    comuni: comuni.length,
    population,
    comuniWithOpenCalls: comuni.filter((c) => c.openCalls > 0).length,
    availableAmount,
    availablePerInhabitant: perInhabitant(availableAmount, population),
    fundsObtained,
    fundsPerInhabitant: perInhabitant(fundsObtained, population),
    comuniWithFunds: comuni.filter((c) => c.fundsObtained > 0).length,
    unfundedItems: sum((c) => c.unfundedItems),
    unfundedCost: sum((c) => c.unfundedCost),
    comuniWithoutUsers: comuni.filter((c) => !c.hasUsers).length,
  };
}

/**
 * Areas in a stable order, each with its comuni summed and its name (`nameOf` its first comune): in
 * `order` when one is given (size classes from the smallest; a key it does not list goes last), else by key.
 */
export function summariseBy(
  comuni: readonly ComuneFigures[],
  keyOf: (c: ComuneFigures) => string,
  nameOf: (c: ComuneFigures) => string,
  order?: readonly string[],
): AreaSummary[] {
  const groups = new Map<string, ComuneFigures[]>();
  for (const c of comuni) groups.set(keyOf(c), [...(groups.get(keyOf(c)) ?? []), c]);
  const place = (key: string) => (order?.includes(key) ? order.indexOf(key) : Number.MAX_SAFE_INTEGER);
  return [...groups.entries()].sort(([a], [b]) => place(a) - place(b) || a.localeCompare(b)).map(([key, list]) => summarise(key, nameOf(list[0]!), list));
}

/** By province, named as the registry names them. */
export const byProvince = (comuni: readonly ComuneFigures[]) =>
  summariseBy(
    comuni,
    (c) => c.province,
    (c) => c.provinceName,
  );

export interface MeasureSummary {
  measureCode: string;
  measureName: string | null;
  comuni: number;
  /** Share of the area's comuni that obtained the measure, 0–1. */
  share: number;
  amount: number;
  perInhabitant: number | null;
}

/** Funds obtained by measure over the chosen comuni, with the share of comuni that obtained each. */
export function measuresOver(rows: readonly MeasureFunding[], area: AreaSummary): MeasureSummary[] {
  const byMeasure = new Map<string, MeasureSummary>();
  for (const row of rows) {
    const current = byMeasure.get(row.measureCode) ?? {
      measureCode: row.measureCode,
      measureName: row.measureName,
      comuni: 0,
      share: 0,
      amount: 0,
      perInhabitant: null,
    };
    current.comuni += row.comuni;
    current.amount += row.amount;
    current.measureName ??= row.measureName;
    byMeasure.set(row.measureCode, current);
  }
  return [...byMeasure.values()].map((m) => ({
    ...m,
    share: area.comuni ? Math.round((m.comuni / area.comuni) * 1000) / 1000 : 0,
    perInhabitant: perInhabitant(m.amount, area.population),
  }));
}
