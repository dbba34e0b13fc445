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
