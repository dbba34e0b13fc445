import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { unprocessable } from '../../shared/domain-errors.ts';
import { BODY_TYPES, type CallInput } from './calls.schemas.ts';
import { unknownThemeMessage, unknownThemes } from '../themes/index.ts';
import { formatNumber } from '../../shared/euros.ts';

export interface FieldError {
  field: string;
  message: string;
}

type Bracket = { populationMin: number; populationMax: number | null; amount: number };

const euro = formatNumber;

/** Brackets must cover populations without gaps or overlaps, in ascending order. */
function checkBrackets(brackets: Bracket[], field: string, errors: FieldError[]) {
  brackets.forEach((bracket, i) => {
    const at = `${field}.${i}`;
    if (bracket.populationMax !== null && bracket.populationMax < bracket.populationMin)
      errors.push({
        field: `${at}.populationMax`,
        message: `La fascia ${i + 1} finisce (${euro(bracket.populationMax)}) prima di cominciare (${euro(bracket.populationMin)}).`,
      });
    const previous = brackets[i - 1];
    if (!previous) return;
    if (previous.populationMax === null)
      errors.push({ field: `${field}.${i - 1}.populationMax`, message: `La fascia ${i} non ha limite superiore: non può seguirne un'altra.` });
    else if (bracket.populationMin > previous.populationMax + 1)
      errors.push({
        field: `${at}.populationMin`,
        message: `Buco tra le fasce ${i} e ${i + 1}: nessun importo da ${euro(previous.populationMax + 1)} a ${euro(bracket.populationMin - 1)} abitanti.`,
      });
    else if (bracket.populationMin <= previous.populationMax)
      errors.push({
        field: `${at}.populationMin`,
        message: `Le fasce ${i} e ${i + 1} si sovrappongono (${euro(bracket.populationMin)}–${euro(previous.populationMax)} abitanti).`,
      });
  });
}

function negativeAmounts(value: unknown, field: string, errors: FieldError[]) {
  if (typeof value === 'number' && value < 0) errors.push({ field, message: 'Un importo non può essere negativo.' });
  else if (Array.isArray(value)) value.forEach((v, i) => negativeAmounts(v, `${field}.${i}`, errors));
  else if (value && typeof value === 'object')
    for (const [key, v] of Object.entries(value)) if (key !== 'populationMin' && key !== 'populationMax') negativeAmounts(v, `${field}.${key}`, errors);
}

function checkMoney(money: CallInput['money'], errors: FieldError[]) {
  negativeAmounts(money, 'body.money', errors);
  const { totalBudget, remainingBudget, amount } = money;
  if (totalBudget != null && remainingBudget != null && remainingBudget > totalBudget)
    errors.push({ field: 'body.money.remainingBudget', message: 'Il budget residuo supera la dotazione totale.' });
  if (!amount) return;
  if (amount.kind === 'range' && amount.min > amount.max) errors.push({ field: 'body.money.amount.min', message: "L'importo minimo supera il massimo." });
  if (amount.kind === 'brackets') checkBrackets(amount.brackets, 'body.money.amount.brackets', errors);
  if (amount.kind === 'per_unit') {
    checkBrackets(amount.brackets, 'body.money.amount.brackets', errors);
    if (amount.minUnits > amount.maxUnits) errors.push({ field: 'body.money.amount.minUnits', message: 'Il numero minimo di unità supera il massimo.' });
  }
}

function checkWindows(input: CallInput, errors: FieldError[]) {
  const windows = input.windows.map((w) => ({ opens: Date.parse(w.opensAt), closes: w.closesAt === null ? Infinity : Date.parse(w.closesAt) }));
  windows.forEach((w, i) => {
    if (w.closes <= w.opens) errors.push({ field: `body.windows.${i}.closesAt`, message: `La finestra ${i + 1} chiude prima di aprire.` });
    const previous = windows[i - 1];
    if (previous && w.opens < previous.closes)
      errors.push({
        field: `body.windows.${i}.opensAt`,
        message:
          previous.closes === Infinity
            ? `La finestra ${i} non ha chiusura: non può seguirne un'altra.`
            : `La finestra ${i + 1} apre prima che chiuda la precedente.`,
      });
  });
  if (input.procedure !== 'finestre' && input.windows.length > 1)
    errors.push({ field: 'body.windows', message: `Una procedura «${input.procedure}» ha una sola finestra: usa «finestre» per più finestre.` });
}

/** Everything about a call that the schema alone cannot say, as 422 errors naming each field. */
export async function checkCall(db: Kysely<Database>, input: CallInput): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  checkWindows(input, errors);
  checkMoney(input.money, errors);
  const { eligibility } = input;
  input.eligibility.bodyTypes.forEach((type, i) => {
    if (!(BODY_TYPES as readonly string[]).includes(type))
      errors.push({ field: `body.eligibility.bodyTypes.${i}`, message: `Tipo di ente sconosciuto: «${type}» (ammessi: ${BODY_TYPES.join(', ')}).` });
  });
  const population = eligibility.population;
  if (population?.min !== undefined && population.max !== undefined && population.min > population.max)
    errors.push({ field: 'body.eligibility.population', message: 'La popolazione minima supera la massima.' });
  const unknown = new Set(await unknownThemes(db, input.themes));
  input.themes.forEach((theme, i) => {
    if (unknown.has(theme)) errors.push({ field: `body.themes.${i}`, message: unknownThemeMessage(theme) });
  });
  const comuni = eligibility.territory?.comuni ?? [];
  if (comuni.length > 0) {
    const known = new Set((await db.selectFrom('comuni').select('istat').where('istat', 'in', comuni).execute()).map((c) => c.istat));
    comuni.forEach((istat, i) => {
      if (!known.has(istat)) errors.push({ field: `body.eligibility.territory.comuni.${i}`, message: `Nessun comune con codice ISTAT ${istat}.` });
    });
  }
  return errors;
}

export async function assertValidCall(db: Kysely<Database>, input: CallInput): Promise<void> {
  const errors = await checkCall(db, input);
  if (errors.length > 0) throw unprocessable('INVALID_CALL', errors.map((e) => e.message).join(' '), errors);
}

/** The largest per-applicant amount a rule allows, for sorting by amount. */
export function maxAmount(amount: CallInput['money']['amount']): number | null {
  if (!amount) return null;
  switch (amount.kind) {
    case 'fixed':
      return amount.amount;
    case 'range':
      return amount.max;
    case 'brackets':
      return Math.max(...amount.brackets.map((b) => b.amount));
    case 'per_unit':
      return Math.max(...amount.brackets.map((b) => b.amount)) * amount.maxUnits;
  }
}
