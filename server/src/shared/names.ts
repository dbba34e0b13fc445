/** Names (comuni, provinces) in the order an Italian reader expects: accents and case folded, "Ca' " before "Cabiate". */
const NAMES = new Intl.Collator('it');

export const byItalianName = (a: string, b: string) => NAMES.compare(a, b);
