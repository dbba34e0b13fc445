import { unprocessable } from '../../shared/domain-errors.ts';
import type { Principal } from './auth.permissions.ts';

/** The person behind a request. Routes that use it are declared `person`, so an API token never gets here. */
export function userOf(principal: Principal | null): string {
  if (!principal?.userId) throw unprocessable('NO_USER', 'Questo accesso non appartiene a un utente: avvisi e notifiche sono personali.');
  return principal.userId;
}
