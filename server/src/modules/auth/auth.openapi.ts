import type { SecurityRequirement } from '../../plugins/security-schemes.ts';
import type { Role } from '../../plugins/db/schema.ts';
import { PERMISSIONS } from './auth.permissions.ts';
import type { Access } from './auth.plugin.ts';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ROLE_NAMES: Record<Role, string> = {
  rtd: 'RTD',
  staff: 'personale del comune',
  lettura: 'sola lettura del comune',
  editor: 'redazione',
  admin: 'amministrazione',
  viewer: 'osservatore',
};

/** What the OpenAPI document says a route accepts, derived from the rule the access-control hook enforces. */
export function securityOf(access: Access, csrf: 'anonymous' | 'none' | undefined, method: string): SecurityRequirement[] {
  const unsafe = UNSAFE_METHODS.has(method);
  if (access === 'public') return unsafe && csrf === 'anonymous' ? [{ csrfToken: [] }] : [{}];
  const session: SecurityRequirement = unsafe && csrf !== 'none' ? { oidcSession: [], csrfToken: [] } : { oidcSession: [] };
  if (access === 'person' || access.person) return [session];
  return [session, { apiToken: [] }];
}

/** The sentence of an operation's description that says who may call it, in Italian. */
export function accessSentence(access: Access, csrf: 'anonymous' | 'none' | undefined): string {
  if (access === 'public') {
    return csrf === 'anonymous' ? 'Accesso: pubblico, con il token CSRF di GET /auth/csrf.' : 'Accesso: pubblico, senza credenziali.';
  }
  if (access === 'person') return 'Accesso: solo una persona con la propria sessione; un token API riceve 403 TOKEN_NOT_ALLOWED.';
  const rule = PERMISSIONS[access.permission];
  const roles = rule.roles.map((role) => ROLE_NAMES[role]).join(', ');
  const scope = rule.scoped ? '; un RTD solo per i comuni che segue' : '';
  const how = access.person ? 'con la propria sessione (non con un token API)' : 'con la sessione o con un token API';
  return `Accesso: permesso ${access.permission} (${rule.description}), ruoli ${roles}${scope}; ${how}. Senza credenziali 401, senza permesso 403.`;
}
