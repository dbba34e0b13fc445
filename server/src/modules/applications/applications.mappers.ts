import type { ApplicationStatus } from '../../plugins/db/schema.ts';
import { eventSentence } from './applications.history.ts';
import type { ApplicationRow, EventRow, StepRow, SummaryRow } from './applications.queries.ts';
import { REASON_LABELS, STATUS_LABELS } from './applications.rules.ts';

const person = (id: string | null, name: string | null) => (id && name ? { id, name } : null);
const amount = (value: string | number | null) => (value === null ? null : Number(value));

/** A step is overdue while its phase is the work ahead and its day has passed undone. */
export function toStep(row: StepRow, status: ApplicationStatus, today: string) {
  const active = row.phase === 'preparazione' ? status === 'interessato' || status === 'in_preparazione' : status === 'finanziata';
  return {
    id: row.id,
    phase: row.phase,
    title: row.title,
    dueOn: row.due_day,
    position: row.position,
    assignee: person(row.assignee_id, row.assignee_name),
    done: row.done_at !== null,
    doneAt: row.done_at?.toISOString() ?? null,
    doneBy: person(row.done_by, row.done_by_name),
    overdue: active && row.done_at === null && row.due_day !== null && row.due_day < today,
  };
}

export const toEvent = (row: EventRow) => ({
  id: String(row.id),
  action: row.action,
  sentence: eventSentence(row.action, row.changes as Record<string, never>),
  actor: person(row.actor_id, row.actor_name),
  at: row.at.toISOString(),
});

export const toActivity = (row: EventRow) => ({ ...toEvent(row), callId: row.call_id, callTitle: row.call_title });

export function toApplicationCore(row: ApplicationRow) {
  return {
    id: row.id,
    istat: row.comune_istat,
    comune: row.comune,
    call: { id: row.call_id, title: row.call_title, closesAt: row.call_closes_at?.toISOString() ?? null },
    status: row.status,
    statusLabel: STATUS_LABELS[row.status],
    statusSource: row.status_source,
    reason: row.reason,
    reasonLabel: row.reason ? REASON_LABELS[row.reason] : null,
    reasonText: row.reason_text,
    amountRequested: amount(row.amount_requested),
    cup: row.cup,
    protocolNumber: row.protocol_number,
    protocolDate: row.protocol_date,
    updatedAt: row.updated_at.toISOString(),
  };
}

export const toSummary = (row: SummaryRow) => ({
  id: row.id,
  istat: row.comune_istat,
  comune: row.comune,
  callId: row.call_id,
  callTitle: row.call_title,
  callClosesAt: row.call_closes_at?.toISOString() ?? null,
  status: row.status,
  statusLabel: STATUS_LABELS[row.status],
  reason: row.reason,
  amountRequested: amount(row.amount_requested),
  cup: row.cup,
  nextStep: row.next_title ? { title: row.next_title, dueOn: row.next_due } : null,
  nextDeadline: row.next_due,
  overdueSteps: row.overdue_steps,
  overdueMilestones: row.overdue_milestones,
  updatedAt: row.updated_at.toISOString(),
});
export type Summary = ReturnType<typeof toSummary>;
