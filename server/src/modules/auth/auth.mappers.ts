import type { Selectable } from 'kysely';
import type { UsersTable } from '../../plugins/db/schema.ts';
import type { membershipsOf } from './users.queries.ts';

export function toUser(row: Selectable<UsersTable>) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    hasPassword: row.password_hash !== null,
    oidcLinked: row.oidc_subject !== null,
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export function toMembership(row: Awaited<ReturnType<typeof membershipsOf>>[number]) {
  return {
    id: row.id,
    comune: row.comuneIstat ? { istat: row.comuneIstat, name: row.comuneName ?? '' } : null,
    aggregation: row.aggregationId ? { id: row.aggregationId, name: row.aggregationName ?? '', kind: row.aggregationKind ?? '' } : null,
    grantedBy: row.grantedBy,
    grantedAt: row.grantedAt.toISOString(),
  };
}
