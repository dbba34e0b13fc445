import type { Schemas } from '@/api/client';
import { count, euros, percent } from './format';

export type ComuneFigures = Schemas['TerritoryMap']['comuni'][number];
export type AreaSummary = Schemas['TerritoryMap']['region'];

/** One way of colouring the map: what it measures for a comune and for a province, and how to say it. */
export interface Layer {
  key: string;
  label: string;
  /** For a comune; null where the figure is unknown (no population). */
  comune: (c: ComuneFigures) => number | null;
  /** For a province, from its totals. */
  province: (p: AreaSummary) => number | null;
  provinceLabel: string;
  format: (value: number) => string;
}

const perCent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : null);
const eurosPerInhabitant = (value: number) => `${euros(value)} per abitante`;

export const LAYERS: Layer[] = [
  {
    key: 'bandi',
    label: 'Bandi aperti utilizzabili oggi',
    comune: (c) => c.openCalls,
    province: (p) => perCent(p.comuniWithOpenCalls, p.comuni),
    provinceLabel: 'Comuni con almeno un bando aperto',
    format: count,
  },
  {
    key: 'disponibile',
    label: 'Importo stimato disponibile per abitante',
    comune: (c) => c.availablePerInhabitant,
    province: (p) => p.availablePerInhabitant,
    provinceLabel: 'Importo stimato disponibile per abitante',
    format: eurosPerInhabitant,
  },
  {
    key: 'pnrr',
    label: 'Fondi PNRR ottenuti per abitante',
    comune: (c) => c.fundsPerInhabitant,
    province: (p) => p.fundsPerInhabitant,
    provinceLabel: 'Fondi PNRR ottenuti per abitante',
    format: eurosPerInhabitant,
  },
  {
    key: 'fabbisogni',
    label: 'Interventi programmati non finanziati',
    comune: (c) => c.unfundedItems,
    province: (p) => p.unfundedItems,
    provinceLabel: 'Interventi programmati non finanziati',
    format: count,
  },
  {
    key: 'utenti',
    label: 'Comuni senza alcun utente',
    comune: (c) => (c.hasUsers ? 0 : 1),
    province: (p) => perCent(p.comuniWithoutUsers, p.comuni),
    provinceLabel: 'Comuni senza alcun utente',
    format: (value) => (value ? 'Nessun utente' : 'Almeno un utente'),
  },
];

/** Sequential greens of the Italia design system, light to dark; zero and unknown have their own colours. */
export const CLASS_COLOURS = ['#d9f0e3', '#9fd4b8', '#5fb28a', '#2a8a5c', '#0b5c36'];
export const ZERO_COLOUR = '#f2f2f2';
export const UNKNOWN_COLOUR = '#b8b8b8';

export interface LegendClass {
  colour: string;
  label: string;
  test: (value: number | null) => boolean;
}

/**
 * Legend classes for a set of values: unknown, zero, then up to five quantile classes of the
 * positive values (fewer when there are few distinct values), so that each colour holds comuni.
 */
export function legendFor(values: (number | null)[], format: (value: number) => string, percentOfProvince = false): LegendClass[] {
  const say = percentOfProvince ? percent : format;
  const positive = [...new Set(values.filter((v): v is number => v !== null && v > 0))].sort((a, b) => a - b);
  const classes: LegendClass[] = [{ colour: ZERO_COLOUR, label: percentOfProvince ? '0%' : say(0), test: (v) => v === 0 }];
  const n = Math.min(CLASS_COLOURS.length, positive.length);
  let lower = 0;
  for (let i = 0; i < n; i++) {
    const upper = positive[Math.min(positive.length - 1, Math.ceil(((i + 1) * positive.length) / n) - 1)]!;
    const from = lower;
    const first = positive.find((v) => v > from)!;
    classes.push({
      colour: CLASS_COLOURS[n === 1 ? CLASS_COLOURS.length - 1 : Math.round((i * (CLASS_COLOURS.length - 1)) / (n - 1))]!,
      label: first === upper ? say(upper) : `da ${say(first)} a ${say(upper)}`,
      test: (v) => v !== null && v > from && v <= upper,
    });
    lower = upper;
  }
  if (values.some((v) => v === null)) classes.push({ colour: UNKNOWN_COLOUR, label: 'Dato non disponibile', test: (v) => v === null });
  return classes;
}

export const colourOf = (classes: readonly LegendClass[], value: number | null) => classes.find((c) => c.test(value))?.colour ?? UNKNOWN_COLOUR;
