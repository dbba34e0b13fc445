import { sql } from 'kysely';
import type { ApplicationStatus, ApplicationsTable } from '../../plugins/db/schema.ts';
import { notFound, unprocessable, type FieldProblem as FieldError } from '../../shared/domain-errors.ts';
import { callTitle } from '../calls/index.ts';
import { notifyPeople, type AlertOptions, type PersonalNotice } from '../alerts/index.ts';
import { lockApplication, publishedCall, recordEvent, type Trx } from './applications.queries.ts';
import { CUP_PATTERN, normalCup, STATUS_LABELS } from './applications.rules.ts';
import type { ApplicationInput } from './applications.schemas.ts';
import { dayOffset, milestones, preparationSteps } from './applications.steps.ts';

/** Who acts, when, and how to tell colleagues: what every change to an application needs. */
export interface WorkContext {
  trx: Trx;
  actorId: string | null;
  now: Date;
  today: string;
  notify(notice: PersonalNotice): Promise<string[]>;
}

export function workContext(trx: Trx, actorId: string | null, now: Date, options: AlertOptions): WorkContext {
  return { trx, actorId, now, today: dayOffset(now, 0), notify: (notice) => notifyPeople(trx, options, notice) };
}

export const applicationPath = (istat: string, callId: string) => `/candidature/${istat}/${callId}`;

type Values = Pick<ApplicationsTable, 'status' | 'reason' | 'reason_text' | 'amount_requested' | 'cup' | 'protocol_number' | 'protocol_date'>;
const FIELDS = {
  reason: 'reason',
  reasonText: 'reason_text',
  amountRequested: 'amount_requested',
  cup: 'cup',
  protocolNumber: 'protocol_number',
  protocolDate: 'protocol_date',
} as const;

const trimmed = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);

/** The stored values of a PUT body, or 422 with every field that is wrong, in Italian. */
export function valuesOf(input: ApplicationInput, today: string): Values {
  const errors: FieldError[] = [];
  const reason = input.reason ?? null;
  const reasonText = trimmed(input.reasonText);
  if (input.status === 'non_pertinente' && !reason)
    errors.push({ field: 'body.reason', message: 'Indica perché il comune non partecipa: serve per capire cosa manca ai comuni.' });
  if (input.status !== 'non_pertinente' && reason) errors.push({ field: 'body.reason', message: 'Il motivo si indica solo per lo stato «Non pertinente».' });
  if (reason === 'altro' && !reasonText) errors.push({ field: 'body.reasonText', message: 'Con il motivo «Altro» scrivi una breve spiegazione.' });
  const cup = trimmed(input.cup) ? normalCup(input.cup!) : null;
  if (cup && !CUP_PATTERN.test(cup))
    errors.push({ field: 'body.cup', message: 'Il CUP ha 15 caratteri: una lettera, due cifre, una lettera e undici cifre (es. J11F22000240006).' });
  if (input.protocolDate && input.protocolDate > today)
    errors.push({ field: 'body.protocolDate', message: 'La data di protocollo non può essere nel futuro.' });
  if (errors.length > 0) throw unprocessable('INVALID_APPLICATION', 'La candidatura ha dati non validi: correggi i campi indicati.', errors);
  return {
    status: input.status,
    reason,
    reason_text: input.status === 'non_pertinente' ? reasonText : null,
    amount_requested: input.amountRequested ?? null,
    cup,
    protocol_number: trimmed(input.protocolNumber),
    protocol_date: input.protocolDate ?? null,
  };
}

/** `{ field: { from, to } }` for every field whose value differs, with the API's field names. */
function changesBetween(before: Values | null, after: Values) {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (before?.status !== after.status) changes.status = { from: before?.status ?? null, to: after.status };
  for (const [field, column] of Object.entries(FIELDS)) {
    const from = before?.[column] ?? null;
    const to = after[column] ?? null;
    if (String(from) !== String(to)) changes[field] = { from, to };
  }
  return changes;
}

async function insertSteps(
  ctx: WorkContext,
  applicationId: string,
  phase: 'preparazione' | 'attuazione',
  steps: { title: string; position: number; due_on: string | null }[],
) {
  const existing = await ctx.trx
    .selectFrom('application_steps')
    .select('id')
    .where('application_id', '=', applicationId)
    .where('phase', '=', phase)
    .executeTakeFirst();
  if (existing) return false;
  await ctx.trx
    .insertInto('application_steps')
    .values(steps.map((s) => ({ ...s, application_id: applicationId, phase })))
    .execute();
  return true;
}

/** Post-award milestones from the decree's day, once: a comune that already adjusted them keeps its own. */
export async function addMilestones(ctx: WorkContext, application: { id: string; comune_istat: string }, decreeOn: Date) {
  if (await insertSteps(ctx, application.id, 'attuazione', milestones(decreeOn)))
    await recordEvent(ctx.trx, { applicationId: application.id, istat: application.comune_istat, actorId: ctx.actorId, action: 'milestones.created' });
}

export async function follow(trx: Trx, applicationId: string, userId: string | null) {
  if (!userId) return false;
  const added = await trx
    .insertInto('application_followers')
    .values({ application_id: applicationId, user_id: userId })
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .execute();
  return added.length > 0;
}

export async function followerIds(trx: Trx, applicationId: string, except: string | null) {
  const rows = await trx.selectFrom('application_followers').select('user_id').where('application_id', '=', applicationId).execute();
  return rows.map((r) => r.user_id).filter((id) => id !== except);
}

/**
 * Creates or replaces a comune's application to a call (PUT). A status set by hand is the comune's
 * word: it wins over any older import. Steps come with the first status that means work ahead,
 * milestones with `finanziata`; followers hear of a status change.
 */
export async function saveApplication(ctx: WorkContext, istat: string, callId: string, input: ApplicationInput) {
  const call = await publishedCall(ctx.trx, callId, ctx.now);
  if (!call) throw notFound('CALL_NOT_FOUND', 'Bando non trovato o non pubblicato.');
  const values = valuesOf(input, ctx.today);
  const before = await lockApplication(ctx.trx, istat, callId);
  const changes = changesBetween(before ?? null, values);
  if (before && Object.keys(changes).length === 0) return { created: false };
  const statusChanged = 'status' in changes;
  const row = before
    ? await ctx.trx
        .updateTable('applications')
        .set({
          ...values,
          updated_at: sql`now()`,
          ...(statusChanged ? { status_source: 'manuale' as const, status_changed_at: ctx.now } : {}),
        })
        .where('id', '=', before.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    : await ctx.trx
        .insertInto('applications')
        .values({ ...values, comune_istat: istat, call_id: callId, status_changed_at: ctx.now })
        .returningAll()
        .executeTakeFirstOrThrow();
  await recordEvent(ctx.trx, { applicationId: row.id, istat, actorId: ctx.actorId, action: before ? 'updated' : 'created', changes });
  await follow(ctx.trx, row.id, ctx.actorId);
  await stepsForStatus(ctx, row, call.next_closing ?? call.closes_at);
  if (before && statusChanged) await tellFollowers(ctx, row, `Stato: ${STATUS_LABELS[row.status]}`);
  return { created: !before };
}

async function stepsForStatus(ctx: WorkContext, row: { id: string; comune_istat: string; status: ApplicationStatus }, closesAt: Date | null) {
  if (row.status === 'interessato' || row.status === 'in_preparazione') await insertSteps(ctx, row.id, 'preparazione', preparationSteps(closesAt));
  if (row.status === 'finanziata') await addMilestones(ctx, row, ctx.now);
}

async function tellFollowers(ctx: WorkContext, row: { id: string; comune_istat: string; call_id: string; status: ApplicationStatus }, what: string) {
  const callName = await callTitle(ctx.trx, row.call_id);
  await ctx.notify({
    callId: row.call_id,
    comuneIstat: row.comune_istat,
    eventKey: `application:${row.id}:status:${row.status}:${ctx.now.getTime()}`,
    title: `${what} – ${callName}`,
    body: `La candidatura al bando «${callName}» è ora «${STATUS_LABELS[row.status]}».`,
    path: applicationPath(row.comune_istat, row.call_id),
    userIds: await followerIds(ctx.trx, row.id, ctx.actorId),
  });
}

/** The application of a comune to a call, or 404 in Italian. */
export async function existingApplication(trx: Trx, istat: string, callId: string) {
  const row = await lockApplication(trx, istat, callId);
  if (!row) throw notFound('APPLICATION_NOT_FOUND', 'Il comune non ha ancora una candidatura per questo bando: segnala prima l’interesse.');
  return row;
}
