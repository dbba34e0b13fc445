import { sql } from 'kysely';
import { diff, recordAudit } from '../auth/index.ts';
import type { RevisionStatus } from '../../plugins/db/schema.ts';
import { conflict, notFound } from '../../shared/domain-errors.ts';
import { loadCall, writeContent, type Actor, type Trx } from './calls.content.ts';
import { inputOf, normalisedInput } from './calls.mappers.ts';
import type { CallRow } from './calls.queries.ts';
import type { Clock } from '../../shared/clock.ts';
import type { CallInput } from './calls.schemas.ts';
import { assertValidCall } from './calls.validation.ts';
import { findPendingRevision, overlay, proposalOf, wroteOrSubmitted, type Revision } from './revisions.queries.ts';

// A published call changes in two steps when a second editor is required: the change waits as a
// revision (draft → in_review → approved) that the public does not see, and publishing it writes
// it over the live version, with its version and material-change event.

const PENDING: RevisionStatus[] = ['draft', 'in_review', 'approved'];
const LABELS: Record<RevisionStatus, string> = {
  draft: 'in bozza',
  in_review: 'in revisione',
  approved: 'approvata',
  published: 'pubblicata',
  discarded: 'scartata',
};

/** Saves a change to a published call as its pending revision; returns what changed in the proposal. */
export async function saveRevision(trx: Trx, actor: Actor, live: CallRow, input: CallInput) {
  const liveContent = { ...inputOf(live) };
  const pending = await findPendingRevision(trx, live.id, true);
  const current = pending ? { ...proposalOf(pending, live) } : liveContent;
  // A source sends every field each time: only those it changed since the live version touch the editors' proposal.
  const proposal = pending && actor.source ? overlay(current, liveContent, { ...normalisedInput(input) }) : { ...normalisedInput(input) };
  const changes = diff<Record<string, unknown>>(current, proposal);
  if (Object.keys(changes).length === 0) return changes;
  const authors = pending?.authors ?? [];
  const values = {
    content: JSON.stringify(proposal),
    base: JSON.stringify(liveContent),
    // Any change needs a new submission and approval.
    status: 'draft' as const,
    authors: actor.userId && !authors.includes(actor.userId) ? [...authors, actor.userId] : authors,
    source: actor.source ?? pending?.source ?? null,
    updated_by: actor.userId,
    submitted_by: null,
    approved_by: null,
    updated_at: sql<Date>`now()`,
  };
  if (pending) await trx.updateTable('call_revisions').set(values).where('id', '=', pending.id).execute();
  else
    await trx
      .insertInto('call_revisions')
      .values({ call_id: live.id, ...values })
      .execute();
  await recordAudit(trx, actor.request, { action: 'call.revision-saved', entity: 'call', entityId: live.id, changes });
  return changes;
}

interface Step {
  from: RevisionStatus[];
  to: RevisionStatus;
  verb: string;
}

async function step(trx: Trx, actor: Actor, callId: string, rule: Step, check?: (revision: Revision) => void): Promise<Revision> {
  const revision = await findPendingRevision(trx, callId, true);
  if (!revision) throw notFound('REVISION_NOT_FOUND', 'Il bando non ha modifiche in attesa di revisione.');
  check?.(revision);
  if (!rule.from.includes(revision.status)) throw conflict('INVALID_TRANSITION', `La revisione è ${LABELS[revision.status]}: non si può ${rule.verb}.`);
  const closing = rule.to === 'published' || rule.to === 'discarded';
  await trx
    .updateTable('call_revisions')
    .set({
      status: rule.to,
      ...(rule.to === 'in_review' ? { submitted_by: actor.userId } : {}),
      ...(rule.to === 'approved' ? { approved_by: actor.userId } : {}),
      ...(closing ? { closed_by: actor.userId, closed_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', revision.id)
    .execute();
  await recordAudit(trx, actor.request, {
    action: `call.revision-${rule.to}`,
    entity: 'call',
    entityId: callId,
    changes: { revisionId: revision.id, from: revision.status, to: rule.to },
  });
  return revision;
}

export const submitRevision = (trx: Trx, actor: Actor, callId: string) =>
  step(trx, actor, callId, { from: ['draft'], to: 'in_review', verb: 'mandare in revisione' });

export const approveRevision = (trx: Trx, actor: Actor, callId: string, reviewRequired: boolean) =>
  step(trx, actor, callId, { from: ['in_review'], to: 'approved', verb: 'approvare' }, (revision) => {
    if (reviewRequired && wroteOrSubmitted(revision, actor.userId)) {
      throw conflict(
        'SECOND_EDITOR_REQUIRED',
        'Serve l’approvazione di un secondo redattore: non puoi approvare modifiche che hai scritto o mandato in revisione tu.',
      );
    }
  });

export const discardRevision = (trx: Trx, actor: Actor, callId: string) => step(trx, actor, callId, { from: PENDING, to: 'discarded', verb: 'scartare' });

/** Puts the revision live: its changes become a version of the call, by its author, told to matching and alerts. */
export async function publishRevision(trx: Trx, actor: Actor, callId: string, clock: Clock, reviewRequired: boolean) {
  const revision = await step(trx, actor, callId, {
    from: reviewRequired ? ['approved'] : PENDING,
    to: 'published',
    verb: reviewRequired ? 'pubblicare senza approvazione' : 'pubblicare',
  });
  const live = await loadCall(trx, callId, clock);
  if (live.editorial_status !== 'published') throw conflict('INVALID_TRANSITION', 'Il bando non è pubblicato: modificalo direttamente.');
  const proposal = proposalOf(revision, live);
  await assertValidCall(trx, proposal);
  const author: Actor = {
    request: actor.request,
    userId: revision.updated_by,
    ...(revision.updated_by === null && revision.source ? { source: revision.source } : {}),
  };
  return writeContent(trx, author, live, proposal);
}

/** A call that leaves publication (withdrawn, archived, merged) drops the change that was waiting for it. */
export async function dropPendingRevision(trx: Trx, actor: Actor, callId: string) {
  const dropped = await trx
    .updateTable('call_revisions')
    .set({ status: 'discarded', closed_by: actor.userId, closed_at: sql<Date>`now()` })
    .where('call_id', '=', callId)
    .where('closed_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (dropped)
    await recordAudit(trx, actor.request, {
      action: 'call.revision-discarded',
      entity: 'call',
      entityId: callId,
      changes: { revisionId: dropped.id, reason: 'call left publication' },
    });
}
