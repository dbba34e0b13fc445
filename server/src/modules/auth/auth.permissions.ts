import type { Role } from '../../plugins/db/schema.ts';

export const ROLES: readonly Role[] = ['rtd', 'editor', 'admin', 'viewer', 'staff', 'lettura'];

/** Roles held for some comuni only (their memberships): the RTD and the comune's staff and read-only colleagues. */
export const COMUNE_ROLES: readonly Role[] = ['rtd', 'staff', 'lettura'];
export const isComuneRole = (role: Role) => COMUNE_ROLES.includes(role);

/**
 * The permission model in one table. A permission marked `scoped` holds for an RTD (and comune staff) only on
 * the comuni of their memberships (directly or through an aggregation); the other roles hold it everywhere.
 */
export const PERMISSIONS = {
  'comuni:read-private': {
    roles: ['rtd', 'staff', 'lettura', 'editor', 'admin', 'viewer'],
    scoped: true,
    description: 'profilo, programmazione e storico di un comune',
  },
  'programming:write': { roles: ['rtd', 'admin'], scoped: true, description: 'profilo e programmazione di un comune' },
  'subscriptions:write': { roles: ['rtd', 'admin'], scoped: true, description: 'avvisi, feed e webhook di un comune' },
  'invitations:create': { roles: ['rtd', 'admin'], scoped: true, description: 'invitare colleghi' },
  'applications:read': { roles: ['rtd', 'staff', 'lettura', 'admin'], scoped: true, description: 'candidature, passi, note e attività di un comune' },
  'applications:write': { roles: ['rtd', 'admin'], scoped: true, description: 'stato, importi, CUP e passi di una candidatura' },
  'applications:collaborate': { roles: ['rtd', 'staff', 'admin'], scoped: true, description: 'note, spunta dei passi e seguire una candidatura' },
  'calls:write': { roles: ['editor', 'admin'], scoped: false, description: 'bozze e modifiche dei bandi' },
  'calls:review': { roles: ['editor', 'admin'], scoped: false, description: 'revisione, pubblicazione, ritiro' },
  'ingest:run': { roles: ['editor', 'admin'], scoped: false, description: 'fonti e importazioni dei bandi' },
  'analytics:read': { roles: ['viewer', 'editor', 'admin'], scoped: false, description: 'copertura e statistiche' },
  'users:manage': { roles: ['admin'], scoped: false, description: 'utenti, appartenenze, token' },
  'registry:manage': { roles: ['admin'], scoped: false, description: 'anagrafe comuni, aggregazioni, temi, importazioni' },
  'audit:read': { roles: ['admin'], scoped: false, description: 'registro delle modifiche' },
  'deliveries:read': { roles: ['admin'], scoped: false, description: 'registro degli invii e messaggi non recapitati' },
} as const satisfies Record<string, { roles: readonly Role[]; scoped: boolean; description: string }>;

export type Permission = keyof typeof PERMISSIONS;

export interface Principal {
  kind: 'session' | 'token';
  /** The person signed in; null for an API token, a machine identity that never acts as a person. */
  userId: string | null;
  tokenId: string | null;
  /** For a token, the user who created it: recorded in the audit log, never a source of rights. */
  createdBy: string | null;
  role: Role;
  /** Comuni an RTD (or a comune-scoped token) may act on; `all` for unscoped principals. */
  comuni: ReadonlySet<string> | 'all';
  sessionId: string | null;
}

/** Whether a user holding role `holder` may do everything role `role` may: the same role or a wider one. */
export function roleCovers(holder: Role, role: Role): boolean {
  return Object.values(PERMISSIONS).every((rule) => !(rule.roles as readonly Role[]).includes(role) || (rule.roles as readonly Role[]).includes(holder));
}

/** The person answerable for an act: the one signed in, or the creator of the token used. */
export const accountableUser = (principal: Principal | null | undefined): string | null => principal?.userId ?? principal?.createdBy ?? null;

export function hasPermission(principal: Principal, permission: Permission, comune?: string): boolean {
  const rule = PERMISSIONS[permission];
  if (!(rule.roles as readonly Role[]).includes(principal.role)) return false;
  if (principal.comuni === 'all') return true;
  // A principal limited to some comuni holds nothing beyond them: a comune-scoped admin token cannot
  // edit the registry (aggregation members widen RTD access), read the audit log or every comune's data.
  if (!rule.scoped) return false;
  if (comune === undefined) return true;
  return principal.comuni.has(comune);
}
