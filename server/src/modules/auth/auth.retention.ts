import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { KNOWN_CLIENT_DAYS } from './login.throttle.ts';
import { forgetOldPasswordResets } from './password-reset.service.ts';
import { eraseUser } from './users.service.ts';

export interface RetentionReport {
  sessionsRemoved: number;
  invitationsRemoved: number;
  loginFailuresRemoved: number;
  knownClientsRemoved: number;
  oidcFlowsRemoved: number;
  usersAnonymised: number;
}

/** Keeps only what is still needed: expired sessions and invitations go, long-inactive people are anonymised. */
export async function applyRetention(db: Kysely<Database>, options: { inactiveUserDays: number }): Promise<RetentionReport> {
  return db.transaction().execute(async (trx) => {
    const sessions = await trx
      .deleteFrom('sessions')
      .where('expires_at', '<', sql<Date>`now()`)
      .executeTakeFirst();
    const invitations = await trx
      .deleteFrom('invitations')
      .where('accepted_at', 'is', null)
      .where('expires_at', '<', sql<Date>`now()`)
      .executeTakeFirst();
    const failures = await trx
      .deleteFrom('login_failures')
      .where('at', '<', sql<Date>`now() - interval '1 day'`)
      .executeTakeFirst();
    const knownClients = await trx
      .deleteFrom('login_known_clients')
      .where('last_success_at', '<', sql<Date>`now() - make_interval(days => ${KNOWN_CLIENT_DAYS})`)
      .executeTakeFirst();
    await forgetOldPasswordResets(trx);
    const flows = await trx
      .deleteFrom('oidc_flows')
      .where('created_at', '<', sql<Date>`now() - interval '15 minutes'`)
      .executeTakeFirst();
    const inactive = await trx
      .selectFrom('users')
      .select('id')
      .where('status', '!=', 'erased')
      .where(sql<Date>`coalesce(last_seen_at, created_at)`, '<', sql<Date>`now() - make_interval(days => ${options.inactiveUserDays})`)
      .execute();
    for (const { id } of inactive) await eraseUser(trx, null, id);
    return {
      sessionsRemoved: Number(sessions.numDeletedRows),
      invitationsRemoved: Number(invitations.numDeletedRows),
      loginFailuresRemoved: Number(failures.numDeletedRows),
      knownClientsRemoved: Number(knownClients.numDeletedRows),
      oidcFlowsRemoved: Number(flows.numDeletedRows),
      usersAnonymised: inactive.length,
    };
  });
}
