import { remembered } from './remembered.ts';

/**
 * Euros as Italian spreadsheets and open data write them: "12.500,50", "12500,50", "12500.50",
 * "2.000.000", "€ 12 500". Null for an empty cell, NaN for anything else.
 */
export function parseEuros(raw: string): number | null {
  let value = raw.replace(/[€\s]/g, '');
  if (value === '') return null;
  if (value.includes(',')) value = value.replace(/\./g, '').replace(',', '.');
  else if (/^\d{1,3}(\.\d{3})+$/.test(value)) value = value.replace(/\./g, '');
  return /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
}

// Italian style groups thousands with a dot; CLDR leaves 4-digit numbers ungrouped ("5038"), which
// reads as a code next to "15.000". Every number shown to people goes through this one format.
const NUMBER = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 2, useGrouping: 'always' } as Intl.NumberFormatOptions);

/** "5.038", "9.000", "12.500,5": a count or an amount as Italians write it. */
export const formatNumber = remembered((n: number) => NUMBER.format(n));
