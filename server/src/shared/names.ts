/** Names (comuni, provinces) in the order an Italian reader expects: accents and case folded, "Ca' " before "Cabiate". */
const NAMES = new Intl.Collator('it');

export const byItalianName = (a: string, b: string) => NAMES.compare(a, b);

/** Keys and codes in a fixed order (UTF-16 code units, numbers by value): the same on every machine and locale. */
export const byCodeUnits = <T extends string | number>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);
