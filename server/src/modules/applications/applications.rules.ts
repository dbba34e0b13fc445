import { APPLICATION_STATUS_LABELS, NOT_APPLYING_REASON_LABELS } from '../../shared/labels.ts';
import type { ApplicationStatus, NotApplyingReason } from '../../plugins/db/schema.ts';

export const APPLICATION_STATUSES = [
  'interessato',
  'in_preparazione',
  'presentata',
  'finanziata',
  'non_finanziata',
  'rinunciata',
  'non_pertinente',
] as const satisfies readonly ApplicationStatus[];

/** The words a person reads, in the SPA and in every CSV (`shared/labels.ts`). */
export const STATUS_LABELS: Record<ApplicationStatus, string> = APPLICATION_STATUS_LABELS;

export const REASONS = [
  'no_cofinanziamento',
  'scadenza_vicina',
  'gia_coperto',
  'mancanza_personale',
  'non_prioritario',
  'altro',
] as const satisfies readonly NotApplyingReason[];

export const REASON_LABELS: Record<NotApplyingReason, string> = NOT_APPLYING_REASON_LABELS;

/** Statuses in which the comune has sent the application: they count as "applied" in the aggregates. */
export const APPLIED: readonly ApplicationStatus[] = ['presentata', 'finanziata', 'non_finanziata', 'rinunciata'];
/** Statuses with no further work: their steps are no longer reminded nor counted as overdue. */
export const CLOSED: readonly ApplicationStatus[] = ['non_finanziata', 'rinunciata', 'non_pertinente'];

/**
 * How far along the path a status is, for the funding-history import: it moves an application forward,
 * never back (a comune that renounced stays so even if an older snapshot says funded).
 */
export const PROGRESS: Record<ApplicationStatus, number> = {
  non_pertinente: 0,
  interessato: 0,
  in_preparazione: 1,
  presentata: 2,
  non_finanziata: 3,
  finanziata: 4,
  rinunciata: 5,
};

/**
 * Codice Unico di Progetto: 15 characters, a letter (the issuing body's class), two digits, a letter
 * (the nature of the intervention), two digits (the year) and nine digits. See the CUP guidelines of
 * the Dipartimento per la programmazione e il coordinamento della politica economica.
 */
export const CUP_PATTERN = /^[A-Z][0-9]{2}[A-Z][0-9]{11}$/;
export const normalCup = (value: string) => value.replace(/\s+/g, '').toUpperCase();

/** The comune's people, as colleagues read their roles. */
export const ROLE_LABELS: Partial<Record<string, string>> = { rtd: 'RTD', staff: 'Personale del comune', lettura: 'Sola lettura' };
