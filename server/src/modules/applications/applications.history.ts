import type { ApplicationStatus, NotApplyingReason } from '../../plugins/db/schema.ts';
import { REASON_LABELS, STATUS_LABELS } from './applications.rules.ts';

type Change = { from: unknown; to: unknown };
type Changes = Record<string, Change | string | number | undefined>;

const FIELD_LABELS: Record<string, string> = {
  reason: 'motivo',
  reasonText: 'spiegazione',
  amountRequested: 'importo richiesto',
  cup: 'CUP',
  protocolNumber: 'numero di protocollo',
  protocolDate: 'data di protocollo',
};

const euros = (value: number) => `${new Intl.NumberFormat('it-IT', { maximumFractionDigits: 2, useGrouping: 'always' }).format(value)} €`;

function shown(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (field === 'status') return STATUS_LABELS[value as ApplicationStatus] ?? String(value);
  if (field === 'reason') return REASON_LABELS[value as NotApplyingReason] ?? String(value);
  if (field === 'amountRequested') return euros(Number(value));
  return String(value);
}

function fieldSentences(changes: Changes): string[] {
  return Object.entries(changes)
    .filter(([field, change]) => field !== 'status' && typeof change === 'object')
    .map(([field, change]) => `${FIELD_LABELS[field] ?? field}: ${shown(field, (change as Change).from)} → ${shown(field, (change as Change).to)}`);
}

/** One line of the history, in Italian, from what was stored when it happened. */
export function eventSentence(action: string, changes: Changes): string {
  const status = changes.status as Change | undefined;
  const fields = fieldSentences(changes);
  const title = typeof changes.title === 'string' ? `«${changes.title}»` : '';
  switch (action) {
    case 'created':
      return [`Candidatura aperta come «${shown('status', status?.to)}»`, ...fields].join('; ');
    case 'updated':
      return [status ? `Stato da «${shown('status', status.from)}» a «${shown('status', status.to)}»` : '', ...fields].filter(Boolean).join('; ');
    case 'imported':
      return [`Storico dei finanziamenti: stato da «${shown('status', status?.from)}» a «${shown('status', status?.to)}»`, ...fields].join('; ');
    case 'step.created':
      return `Passo aggiunto: ${title}`;
    case 'step.done':
      return `Passo completato: ${title}`;
    case 'step.reopened':
      return `Passo riaperto: ${title}`;
    case 'step.updated':
      return [
        `Passo modificato: ${title}`,
        typeof changes.assignee === 'string' ? `assegnato a ${changes.assignee}` : '',
        changes.dueOn ? `scadenza ${shown('dueOn', (changes.dueOn as Change).to)}` : '',
      ]
        .filter(Boolean)
        .join(', ');
    case 'step.deleted':
      return `Passo eliminato: ${title}`;
    case 'milestones.created':
      return 'Aggiunti i traguardi dopo il finanziamento';
    case 'note.created':
      return 'Nota aggiunta';
    case 'note.edited':
      return 'Nota modificata';
    case 'followed':
      return 'Segue la candidatura';
    case 'unfollowed':
      return 'Non segue più la candidatura';
    default:
      return action;
  }
}
