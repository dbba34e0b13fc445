import type { FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../auth/index.ts';
import type { CallsTable, Database, EditorialStatus } from '../../plugins/db/schema.ts';
import { conflict, unprocessable } from '../../shared/domain-errors.ts';
import { columnsOf, emitEvent, loadCall, recordVersion, writeContent, type Actor, type StatusChange, type Trx } from './calls.content.ts';
import { replaceWindowsAndThemes, type CallRow } from './calls.queries.ts';
import type { Clock } from '../../shared/clock.ts';
import type { CallInput } from './calls.schemas.ts';
import { assertValidCall } from './calls.validation.ts';
import { dropPendingRevision, saveRevision } from './revisions.service.ts';
import { barredApprovers } from './history.queries.ts';
import { callSteps, type CallStep } from './calls.steps.ts';

export { emitEvent, type Actor } from './calls.content.ts';
export const actorOf = (request: FastifyRequest): Actor => ({ request, userId: request.principal?.userId ?? null });

const LABELS: Record<EditorialStatus, string> = {
  draft: 'bozza',
  in_review: 'in revisione',
  approved: 'approvato',
  scheduled: 'programmato',
  published: 'pubblicato',
  withdrawn: 'ritirato',
  archived: 'archiviato',
};

export interface CreateOptions {
  status?: 'draft' | 'in_review' | 'published';
  sources?: { kind: string; externalId: string; url: string | null }[];
  suggestedThemes?: string[];
}

export async function createCall(trx: Trx, actor: Actor, input: CallInput, clock: Clock, options: CreateOptions = {}) {
  await assertValidCall(trx, input);
  const status = options.status ?? 'draft';
  const { id } = await trx
    .insertInto('calls')
    .values({
      ...columnsOf(input),
      editorial_status: status,
      published_at: status === 'published' ? clock.now : null,
      created_by: actor.userId,
      updated_by: actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await replaceWindowsAndThemes(trx, id, input.windows, input.themes, options.suggestedThemes, true);
  if (options.sources?.length)
    await trx
      .insertInto('call_sources')
      .values(options.sources.map((s) => ({ call_id: id, source_kind: s.kind, external_id: s.externalId, url: s.url })))
      .execute();
  await recordAudit(trx, actor.request, {
    action: 'call.created',
    entity: 'call',
    entityId: id,
    changes: { title: input.title, status, source: actor.source ?? null },
  });
  if (status === 'published') await emitEvent(trx, id, 'call.published', { version: 1 });
  return id;
}

export interface UpdateOptions {
  /**
   * Whether a change must pass a second editor before the public sees it: REVIEW_REQUIRED for
   * editors; always for untrusted sources, never for trusted ones (they publish by configuration).
   */
  review: boolean;
  suggestedThemes?: string[];
}

/** What saving a change of a call in this state does: applied, kept as a pending revision, or sent back to review. */
export function saveEffectOf(status: EditorialStatus, review: boolean): 'direct' | 'revision' | 'review' {
  if (!review) return 'direct';
  if (status === 'published') return 'revision';
  return status === 'approved' || status === 'scheduled' ? 'review' : 'direct';
}

/**
 * Under review, whoever changes a call's content becomes its author (they may not approve it), and
 * an approval given to other content no longer holds: an approved or scheduled call goes back to review.
 */
function backToReview(call: CallRow, actor: Actor): StatusChange {
  const author = actor.userId ? { submitted_by: actor.userId } : {};
  if (call.editorial_status === 'in_review') return author;
  if (call.editorial_status === 'approved' || call.editorial_status === 'scheduled')
    return { editorial_status: 'in_review', approved_by: null, publish_at: null, ...author };
  return {};
}

/**
 * Changes the content of a call; returns the changed fields (none: nothing written). With review, a
 * published call keeps its live version and the change waits as its pending revision.
 */
export async function updateCall(trx: Trx, actor: Actor, id: string, input: CallInput, clock: Clock, options: UpdateOptions) {
  const before = await loadCall(trx, id, clock);
  if (before.merged_into) throw conflict('CALL_MERGED', 'Il bando è stato unito a un altro: modifica quello.');
  await assertValidCall(trx, input);
  if (saveEffectOf(before.editorial_status, options.review) === 'revision') return saveRevision(trx, actor, before, input);
  return writeContent(trx, actor, before, input, options.review ? backToReview(before, actor) : {}, options.suggestedThemes);
}

async function transition(
  trx: Trx,
  actor: Actor,
  id: string,
  clock: Clock,
  rule: Pick<CallStep, 'from' | 'to' | 'verb'>,
  extra: Partial<Record<keyof CallsTable, unknown>> = {},
) {
  const call = await loadCall(trx, id, clock);
  if (!rule.from.includes(call.editorial_status)) {
    throw conflict('INVALID_TRANSITION', `Il bando è ${LABELS[call.editorial_status]}: non si può ${rule.verb}.`);
  }
  const version = call.version + 1;
  await trx
    .updateTable('calls')
    .set({ ...(extra as object), editorial_status: rule.to, version, updated_by: actor.userId, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
  await recordVersion(trx, actor, id, version, { editorialStatus: { from: call.editorial_status, to: rule.to } });
  await recordAudit(trx, actor.request, { action: `call.${rule.to}`, entity: 'call', entityId: id, changes: { from: call.editorial_status, to: rule.to } });
  return { call, version };
}

export const submitCall = (trx: Trx, actor: Actor, id: string, clock: Clock) =>
  transition(trx, actor, id, clock, callSteps(false).submit, { submitted_by: actor.userId });

/** With review required, the approver must be another editor than the one who submitted and the one who last wrote the content. */
export async function approveCall(trx: Trx, actor: Actor, id: string, clock: Clock, reviewRequired: boolean) {
  const call = await loadCall(trx, id, clock);
  if (reviewRequired && (!actor.userId || (await barredApprovers(trx, call)).has(actor.userId))) {
    throw conflict(
      'SECOND_EDITOR_REQUIRED',
      'Serve l’approvazione di un secondo redattore: non puoi approvare un bando che hai scritto o mandato tu in revisione.',
    );
  }
  return transition(trx, actor, id, clock, callSteps(reviewRequired).approve, { approved_by: actor.userId });
}

export async function publishCall(trx: Trx, actor: Actor, id: string, clock: Clock, reviewRequired: boolean) {
  const { version } = await transition(trx, actor, id, clock, callSteps(reviewRequired).publish, { published_at: clock.now, publish_at: null });
  await emitEvent(trx, id, 'call.published', { version });
}

export async function scheduleCall(trx: Trx, actor: Actor, id: string, clock: Clock, reviewRequired: boolean, at: Date) {
  if (at.getTime() <= clock.now.getTime())
    throw unprocessable('PUBLISH_AT_IN_PAST', 'La data di pubblicazione programmata è già passata.', [
      { field: 'body.publishAt', message: 'Indica una data futura.' },
    ]);
  await transition(trx, actor, id, clock, callSteps(reviewRequired).schedule, { publish_at: at });
}

export async function withdrawCall(trx: Trx, actor: Actor, id: string, clock: Clock, reason: string) {
  const { version } = await transition(trx, actor, id, clock, callSteps(false).withdraw, { withdrawn_reason: reason });
  await dropPendingRevision(trx, actor, id);
  await emitEvent(trx, id, 'call.withdrawn', { version, reason });
}

export async function archiveCall(trx: Trx, actor: Actor, id: string, clock: Clock) {
  await transition(trx, actor, id, clock, callSteps(false).archive);
  await dropPendingRevision(trx, actor, id);
}

/** Publishes scheduled calls whose time has come; run by a job every minute. */
export async function publishDueCalls(db: Kysely<Database>, clock: Clock): Promise<number> {
  const due = await db.selectFrom('calls').select('id').where('editorial_status', '=', 'scheduled').where('publish_at', '<=', clock.now).execute();
  for (const { id } of due) {
    await db.transaction().execute(async (trx) => {
      const { version } = await transition(
        trx,
        { request: null, userId: null, source: 'scheduler' },
        id,
        clock,
        { from: ['scheduled'], to: 'published', verb: 'pubblicare' },
        { published_at: clock.now },
      );
      await emitEvent(trx, id, 'call.published', { version });
    });
  }
  return due.length;
}

/** Folds a duplicate into a call: the duplicate's sources move over and it is archived. */
export async function mergeCalls(trx: Trx, actor: Actor, id: string, duplicateId: string, clock: Clock) {
  if (id === duplicateId)
    throw unprocessable('MERGE_WITH_ITSELF', 'Un bando non si unisce a sé stesso.', [{ field: 'body.duplicateId', message: 'Scegli un altro bando.' }]);
  const target = await loadCall(trx, id, clock);
  const duplicate = await loadCall(trx, duplicateId, clock);
  if (target.merged_into || duplicate.merged_into) throw conflict('CALL_MERGED', 'Uno dei due bandi è già stato unito a un altro.');
  await trx.updateTable('call_sources').set({ call_id: id }).where('call_id', '=', duplicateId).execute();
  await trx.updateTable('ingest_items').set({ call_id: id }).where('call_id', '=', duplicateId).execute();
  await trx
    .updateTable('calls')
    .set({ merged_into: id, editorial_status: 'archived', version: duplicate.version + 1, updated_at: sql`now()` })
    .where('id', '=', duplicateId)
    .execute();
  await dropPendingRevision(trx, actor, duplicateId);
  await recordVersion(trx, actor, duplicateId, duplicate.version + 1, { mergedInto: { from: null, to: id } });
  const version = target.version + 1;
  await trx
    .updateTable('calls')
    .set({ version, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
  await recordVersion(trx, actor, id, version, { sources: { from: target.sources, to: [...target.sources, ...duplicate.sources] } });
  await recordAudit(trx, actor.request, { action: 'call.merged', entity: 'call', entityId: id, changes: { duplicateId } });
}
