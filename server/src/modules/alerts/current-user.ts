import { unprocessable } from '../../plugins/errors/problem.ts';
import type { Principal } from '../auth/permissions.ts';

/** The user behind a request; API tokens of a comune have none, and alerts are personal. */
export function userOf(principal: Principal | null): string {
  if (!principal?.userId) throw unprocessable('NO_USER', 'Questo accesso non appartiene a un utente: avvisi e notifiche sono personali.');
  return principal.userId;
}
