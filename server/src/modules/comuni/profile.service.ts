import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { diff, recordAudit } from '../auth/index.ts';
import type { Database } from '../../plugins/db/schema.ts';
import { unprocessable } from '../../shared/domain-errors.ts';
import { notifyComuniChanged } from './comuni.changes.ts';
import { unknownThemeMessage, unknownThemes } from '../themes/index.ts';

export interface ProfileExtras {
  contacts: { name: string; role: string; email: string | null; phone: string | null }[];
  interests: string[];
  notes: string | null;
}

export async function findProfileExtras(db: Kysely<Database>, istat: string) {
  const [profile, contacts, interests] = await Promise.all([
    db.selectFrom('comune_profiles').select(['notes', 'updated_at']).where('comune_istat', '=', istat).executeTakeFirst(),
    db.selectFrom('comune_contacts').select(['name', 'role', 'email', 'phone']).where('comune_istat', '=', istat).orderBy('position').execute(),
    db.selectFrom('comune_interests').select('theme_code').where('comune_istat', '=', istat).orderBy('theme_code').execute(),
  ]);
  return { contacts, interests: interests.map((i) => i.theme_code), notes: profile?.notes ?? null, updatedAt: profile?.updated_at.toISOString() ?? null };
}

/** Replaces contacts, interests and notes of a comune as one change, audited with what changed. */
export async function replaceProfileExtras(trx: Transaction<Database>, request: FastifyRequest, istat: string, extras: ProfileExtras) {
  const unknown = await unknownThemes(trx, extras.interests);
  if (unknown.length > 0) {
    throw unprocessable(
      'UNKNOWN_THEME',
      `Temi inesistenti: ${unknown.join(', ')}.`,
      unknown.map((code) => ({ field: 'body.interests', message: unknownThemeMessage(code) })),
    );
  }
  const before = await findProfileExtras(trx, istat);
  await trx
    .insertInto('comune_profiles')
    .values({ comune_istat: istat, notes: extras.notes, updated_by: request.principal?.userId ?? null })
    .onConflict((oc) => oc.column('comune_istat').doUpdateSet({ notes: extras.notes, updated_by: request.principal?.userId ?? null, updated_at: sql`now()` }))
    .execute();
  await trx.deleteFrom('comune_contacts').where('comune_istat', '=', istat).execute();
  if (extras.contacts.length > 0) {
    await trx
      .insertInto('comune_contacts')
      .values(extras.contacts.map((c, position) => ({ ...c, comune_istat: istat, position })))
      .execute();
  }
  await trx.deleteFrom('comune_interests').where('comune_istat', '=', istat).execute();
  if (extras.interests.length > 0) {
    await trx
      .insertInto('comune_interests')
      .values(extras.interests.map((theme_code) => ({ comune_istat: istat, theme_code })))
      .execute();
  }
  const changes = diff({ contacts: before.contacts, interests: before.interests, notes: before.notes }, { ...extras, interests: [...extras.interests].sort() });
  if (Object.keys(changes).length > 0) await recordAudit(trx, request, { action: 'comune.profile.updated', entity: 'comune', entityId: istat, changes });
  await notifyComuniChanged(trx, istat);
  return findProfileExtras(trx, istat);
}
