import { sql } from 'kysely';
import { notFound, unprocessable } from '../../shared/domain-errors.ts';
import { peopleServing } from '../auth/index.ts';
import { callTitle } from '../calls/index.ts';
import { recordEvent } from './applications.queries.ts';
import type { StepChange, StepInput } from './applications.schemas.ts';
import { applicationPath, follow, type WorkContext } from './applications.service.ts';

interface Target {
  id: string;
  comune_istat: string;
  call_id: string;
}

/** An assignee must serve the comune: a step cannot be handed to someone who cannot open it. */
async function assignable(ctx: WorkContext, istat: string, userId: string) {
  const person = (await peopleServing(ctx.trx, istat)).find((p) => p.id === userId && p.role !== 'lettura');
  if (!person)
    throw unprocessable('ASSIGNEE_NOT_IN_TEAM', 'Puoi assegnare un passo solo a un RTD o al personale di questo comune.', [
      { field: 'body.assigneeId', message: 'Persona non trovata tra i colleghi del comune.' },
    ]);
  return person;
}

async function tellAssignee(ctx: WorkContext, application: Target, step: { id: string; title: string; due_on: string | null }, assigneeId: string) {
  if (assigneeId === ctx.actorId) return;
  const callName = await callTitle(ctx.trx, application.call_id);
  await ctx.notify({
    callId: application.call_id,
    comuneIstat: application.comune_istat,
    eventKey: `application:${application.id}:step:${step.id}:assigned:${assigneeId}`,
    title: `Ti è stato assegnato un passo: ${step.title}`,
    body: `Bando «${callName}»${step.due_on ? `, da fare entro il ${step.due_on.split('-').reverse().join('/')}` : ''}.`,
    path: applicationPath(application.comune_istat, application.call_id),
    userIds: [assigneeId],
  });
}

export async function addStep(ctx: WorkContext, application: Target, input: StepInput) {
  if (input.assigneeId) await assignable(ctx, application.comune_istat, input.assigneeId);
  const phase = input.phase ?? 'preparazione';
  const step = await ctx.trx
    .insertInto('application_steps')
    .values({
      application_id: application.id,
      phase,
      title: input.title.trim(),
      due_on: input.dueOn ?? null,
      assignee_id: input.assigneeId ?? null,
      position: sql<number>`(select coalesce(max(position), 0) + 1 from application_steps where application_id = ${application.id} and phase = ${phase})`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(ctx.trx, {
    applicationId: application.id,
    istat: application.comune_istat,
    actorId: ctx.actorId,
    action: 'step.created',
    changes: { title: step.title },
  });
  if (step.assignee_id) {
    await follow(ctx.trx, application.id, step.assignee_id);
    await tellAssignee(ctx, application, step, step.assignee_id);
  }
  return step;
}

async function lockStep(ctx: WorkContext, application: Target, stepId: string) {
  const step = await ctx.trx
    .selectFrom('application_steps')
    .selectAll()
    .where('id', '=', stepId)
    .where('application_id', '=', application.id)
    .forUpdate()
    .executeTakeFirst();
  if (!step) throw notFound('STEP_NOT_FOUND', 'Passo non trovato in questa candidatura.');
  return step;
}

/** Ticks, reopens, renames, moves or reassigns a step; each kind of change is one line of the history. */
export async function changeStep(ctx: WorkContext, application: Target, stepId: string, change: StepChange) {
  const before = await lockStep(ctx, application, stepId);
  const assignee = change.assigneeId ? await assignable(ctx, application.comune_istat, change.assigneeId) : null;
  const values = {
    ...(change.title !== undefined ? { title: change.title.trim() } : {}),
    ...(change.dueOn !== undefined ? { due_on: change.dueOn } : {}),
    ...(change.assigneeId !== undefined ? { assignee_id: change.assigneeId } : {}),
    ...(change.done === true && !before.done_at ? { done_at: ctx.now, done_by: ctx.actorId } : {}),
    ...(change.done === false ? { done_at: null, done_by: null } : {}),
  };
  // A step a colleague ticked a moment before is ticked again: nothing to change, nothing to record.
  const after =
    Object.keys(values).length === 0
      ? before
      : await ctx.trx.updateTable('application_steps').set(values).where('id', '=', stepId).returningAll().executeTakeFirstOrThrow();
  const event = (action: string, changes: object = {}) =>
    recordEvent(ctx.trx, {
      applicationId: application.id,
      istat: application.comune_istat,
      actorId: ctx.actorId,
      action,
      changes: { title: after.title, ...changes },
    });
  if (!before.done_at && after.done_at) await event('step.done');
  if (before.done_at && !after.done_at) await event('step.reopened');
  const edits: Record<string, unknown> = {};
  if (before.title !== after.title) edits.renamed = { from: before.title, to: after.title };
  if (before.due_on !== after.due_on) edits.dueOn = { from: before.due_on, to: after.due_on };
  if (before.assignee_id !== after.assignee_id) edits.assignee = assignee?.name ?? 'nessuno';
  if (Object.keys(edits).length > 0) await event('step.updated', edits);
  if (assignee && before.assignee_id !== after.assignee_id) {
    await follow(ctx.trx, application.id, assignee.id);
    await tellAssignee(ctx, application, after, assignee.id);
  }
  return after;
}

export async function removeStep(ctx: WorkContext, application: Target, stepId: string) {
  const step = await lockStep(ctx, application, stepId);
  await ctx.trx.deleteFrom('application_steps').where('id', '=', stepId).execute();
  await recordEvent(ctx.trx, {
    applicationId: application.id,
    istat: application.comune_istat,
    actorId: ctx.actorId,
    action: 'step.deleted',
    changes: { title: step.title },
  });
}
