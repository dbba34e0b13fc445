import { sql } from 'kysely';
import { notFound } from '../../shared/domain-errors.ts';
import { foldAccents } from '../../shared/fold.ts';
import { peopleServing } from '../auth/index.ts';
import { callTitle } from '../calls/index.ts';
import { recordEvent } from './applications.queries.ts';
import { applicationPath, follow, type WorkContext } from './applications.service.ts';

interface Target {
  id: string;
  comune_istat: string;
  call_id: string;
}
interface Colleague {
  id: string;
  name: string;
  email: string;
}

/**
 * Colleagues a note names with `@`: by full name (`@Sara Bianchi`), by the part of their e-mail before
 * the `@` (`@s.bianchi`), or by first name when no other colleague shares it (`@Sara`).
 */
export function mentionedIn(body: string, colleagues: readonly Colleague[]): Colleague[] {
  const text = foldAccents(body);
  const firstNames = new Map<string, number>();
  for (const c of colleagues) {
    const first = foldAccents(c.name).split(/\s+/)[0]!;
    firstNames.set(first, (firstNames.get(first) ?? 0) + 1);
  }
  const named = (handle: string) => new RegExp(`(^|[^\\p{L}\\p{N}.])@${handle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u').test(text);
  return colleagues.filter((c) => {
    const first = foldAccents(c.name).split(/\s+/)[0]!;
    return named(foldAccents(c.name)) || named(foldAccents(c.email.split('@')[0]!)) || (firstNames.get(first) === 1 && named(first));
  });
}

async function tellMentioned(ctx: WorkContext, application: Target, noteId: string, people: Colleague[], authorName: string) {
  const userIds = people.map((p) => p.id).filter((id) => id !== ctx.actorId);
  if (userIds.length === 0) return;
  for (const id of userIds) await follow(ctx.trx, application.id, id);
  const callName = await callTitle(ctx.trx, application.call_id);
  await ctx.notify({
    callId: application.call_id,
    comuneIstat: application.comune_istat,
    eventKey: `application:${application.id}:note:${noteId}:mention`,
    title: `${authorName} ti ha citato in una nota`,
    body: `Candidatura al bando «${callName}».`,
    path: applicationPath(application.comune_istat, application.call_id),
    userIds,
  });
}

async function authorName(ctx: WorkContext) {
  if (!ctx.actorId) return 'Un collega';
  return (await ctx.trx.selectFrom('users').select('name').where('id', '=', ctx.actorId).executeTakeFirst())?.name ?? 'Un collega';
}

export async function addNote(ctx: WorkContext, application: Target, body: string) {
  const note = await ctx.trx
    .insertInto('application_notes')
    .values({ application_id: application.id, author_id: ctx.actorId, body: body.trim() })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(ctx.trx, { applicationId: application.id, istat: application.comune_istat, actorId: ctx.actorId, action: 'note.created' });
  await follow(ctx.trx, application.id, ctx.actorId);
  await tellMentioned(ctx, application, note.id, mentionedIn(note.body, await peopleServing(ctx.trx, application.comune_istat)), await authorName(ctx));
  return note;
}

/** A new text keeps the old one as a revision; only colleagues named for the first time are told. */
export async function editNote(ctx: WorkContext, application: Target, noteId: string, body: string) {
  const before = await ctx.trx
    .selectFrom('application_notes')
    .selectAll()
    .where('id', '=', noteId)
    .where('application_id', '=', application.id)
    .forUpdate()
    .executeTakeFirst();
  if (!before) throw notFound('NOTE_NOT_FOUND', 'Nota non trovata in questa candidatura.');
  const text = body.trim();
  if (text === before.body) return before;
  await ctx.trx.insertInto('application_note_revisions').values({ note_id: noteId, previous_body: before.body, edited_by: ctx.actorId }).execute();
  const after = await ctx.trx
    .updateTable('application_notes')
    .set({ body: text, updated_at: sql`now()` })
    .where('id', '=', noteId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(ctx.trx, { applicationId: application.id, istat: application.comune_istat, actorId: ctx.actorId, action: 'note.edited' });
  const team = await peopleServing(ctx.trx, application.comune_istat);
  const already = new Set(mentionedIn(before.body, team).map((p) => p.id));
  await tellMentioned(
    ctx,
    application,
    `${noteId}:${after.updated_at.getTime()}`,
    mentionedIn(text, team).filter((p) => !already.has(p.id)),
    await authorName(ctx),
  );
  return after;
}

export async function setFollowing(ctx: WorkContext, application: Target, userId: string, following: boolean) {
  const changed = following
    ? await follow(ctx.trx, application.id, userId)
    : (await ctx.trx.deleteFrom('application_followers').where('application_id', '=', application.id).where('user_id', '=', userId).executeTakeFirst())
        .numDeletedRows > 0n;
  if (changed)
    await recordEvent(ctx.trx, {
      applicationId: application.id,
      istat: application.comune_istat,
      actorId: userId,
      action: following ? 'followed' : 'unfollowed',
    });
}
