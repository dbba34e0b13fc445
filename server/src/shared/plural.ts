import { formatNumber } from './euros.ts';

const RULES = new Intl.PluralRules('it-IT');

/** A count with its word in the right form: "1 carattere", "12 caratteri", "5.000 elementi". */
export const plural = (n: number, one: string, other: string) => `${formatNumber(n)} ${RULES.select(n) === 'one' ? one : other}`;
