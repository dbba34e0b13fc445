import type { Db } from '../../plugins/db/database.ts';
import { notFound } from '../../shared/domain-errors.ts';
import { eventsOf, findApplication, followersOf, notesOf, stepsOf } from './applications.queries.ts';
import { toApplicationCore, toEvent, toStep } from './applications.mappers.ts';
import { peopleServing } from '../auth/index.ts';
import { mentionedIn } from './notes.service.ts';

const HISTORY_SHOWN = 100;
const person = (id: string | null, name: string | null) => (id && name ? { id, name } : null);

/** The application page: fields, steps and milestones, followers and the latest history. */
export async function applicationDetail(db: Db, istat: string, callId: string, viewerId: string | null, today: string) {
  const row = await findApplication(db, istat, callId);
  if (!row) throw notFound('APPLICATION_NOT_FOUND', 'Il comune non ha ancora una candidatura per questo bando.');
  const [steps, followers, history] = await Promise.all([stepsOf(db, row.id), followersOf(db, row.id), eventsOf(db, { applicationId: row.id }, HISTORY_SHOWN)]);
  return {
    ...toApplicationCore(row),
    steps: steps.map((s) => toStep(s, row.status, today)),
    following: followers.some((f) => f.id === viewerId),
    followers,
    history: history.rows.map(toEvent),
  };
}

export async function applicationNotes(db: Db, istat: string, callId: string) {
  const row = await findApplication(db, istat, callId);
  if (!row) throw notFound('APPLICATION_NOT_FOUND', 'Il comune non ha ancora una candidatura per questo bando.');
  const [{ notes, revisions }, team] = await Promise.all([notesOf(db, row.id), peopleServing(db, istat)]);
  return notes.map((n) => ({
    id: n.id,
    body: n.body,
    author: person(n.author_id, n.author_name),
    createdAt: n.created_at.toISOString(),
    updatedAt: n.updated_at.toISOString(),
    mentions: mentionedIn(n.body, team).map(({ id, name }) => ({ id, name })),
    revisions: revisions
      .filter((r) => r.note_id === n.id)
      .map((r) => ({ previousBody: r.previous_body, editedBy: person(r.edited_by, r.editor_name), editedAt: r.edited_at.toISOString() })),
  }));
}
