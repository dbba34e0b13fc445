/** One step of the internal checklist, placed a number of days before the call's closing date. */
interface StepTemplate {
  title: string;
  daysBeforeClosing: number;
}

/**
 * The usual path of a comune's application, from the checks to the upload. The giunta's resolution
 * comes first because it must be adopted (and often published) before the legal representative signs.
 */
export const PREPARATION_STEPS: readonly StepTemplate[] = [
  { title: 'Verifica dei requisiti e del cofinanziamento', daysBeforeClosing: 30 },
  { title: 'Delibera di giunta', daysBeforeClosing: 20 },
  { title: 'Richiesta del CUP', daysBeforeClosing: 15 },
  { title: 'Firma digitale del legale rappresentante', daysBeforeClosing: 5 },
  { title: 'Invio sulla piattaforma', daysBeforeClosing: 2 },
];

/** A post-award milestone, placed a number of days after the funding decree. */
interface MilestoneTemplate {
  title: string;
  daysAfterDecree: number;
}

/**
 * PNRR avvisi (PA digitale 2026) bind funded comuni to these terms, counted from the decree: the
 * contract with the supplier within 180 days, completion and the technical verification
 * (asseverazione) within the months the avviso grants, then the payment request on the platform.
 * Other programmes get the same milestones, which the comune adjusts to its own decree.
 */
export const PNRR_MILESTONES: readonly MilestoneTemplate[] = [
  { title: 'Contrattualizzazione del fornitore', daysAfterDecree: 180 },
  { title: 'Completamento delle attività', daysAfterDecree: 450 },
  { title: 'Asseverazione tecnica', daysAfterDecree: 510 },
  { title: 'Domanda di erogazione', daysAfterDecree: 540 },
];

const DAY_MS = 86_400_000;

/** The calendar day (YYYY-MM-DD, Rome) `days` away from `from`. */
export function dayOffset(from: Date, days: number): string {
  const rome = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' }).format(from);
  return new Date(Date.parse(`${rome}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export const preparationSteps = (closesAt: Date | null) =>
  PREPARATION_STEPS.map((step, i) => ({ title: step.title, position: i + 1, due_on: closesAt ? dayOffset(closesAt, -step.daysBeforeClosing) : null }));

export const milestones = (decreeOn: Date) =>
  PNRR_MILESTONES.map((m, i) => ({ title: m.title, position: i + 1, due_on: dayOffset(decreeOn, m.daysAfterDecree) }));
