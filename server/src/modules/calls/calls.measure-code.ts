/**
 * The PNRR measure a programme code names, as PA digitale 2026 writes it: "M1C1I1.4.1" → "1.4.1",
 * Italia Domani's "M1C1I1.04.03" → "1.4.3", "Misura 1.4.1" or "1.4.3 - pagoPA" → the number itself.
 */
export function parseMeasureCode(code: string | null | undefined): string | null {
  if (!code) return null;
  const investment = /M\d+C\d+I(\d+(?:\.\d+)+)/i.exec(code);
  const dotted = investment?.[1] ?? /(?:^|[^\d.])(\d+(?:\.\d+)+)/.exec(code)?.[1];
  if (!dotted) return null;
  const parts = dotted.split('.').map(Number);
  while (parts.length > 2 && parts.at(-1) === 0) parts.pop();
  return parts.join('.');
}
