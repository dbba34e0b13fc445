import type { Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, AuditLogTable, Database, InvitationsTable } from '../../plugins/db/schema.ts';
import { pageRows } from '../../plugins/db/page-rows.ts';

type Db = Kysely<Database>;

export async function listInvitations(db: Db, limit: number, offset: number) {
  return pageRows(db.selectFrom('invitations'), (q) => q.selectAll().orderBy('created_at', 'desc'), { limit, offset });
}

export async function listApiTokens(db: Db, limit: number, offset: number) {
  return pageRows(db.selectFrom('api_tokens'), (q) => q.selectAll().orderBy('created_at', 'desc'), { limit, offset });
}

export async function listAudit(
  db: Db,
  filter: { entity?: string | undefined; entityId?: string | undefined; actorUserId?: string | undefined },
  limit: number,
  offset: number,
) {
  let query = db.selectFrom('audit_log');
  if (filter.entity) query = query.where('entity', '=', filter.entity);
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId);
  if (filter.actorUserId) query = query.where('actor_user_id', '=', filter.actorUserId);
  return pageRows(query, (q) => q.selectAll().orderBy('id', 'desc'), { limit, offset });
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toInvitation(row: Selectable<InvitationsTable>) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    comuni: row.comune_istats,
    aggregations: row.aggregation_ids,
    expiresAt: row.expires_at.toISOString(),
    acceptedAt: iso(row.accepted_at),
    createdAt: row.created_at.toISOString(),
  };
}

export function toApiToken(row: Selectable<ApiTokensTable>) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    comuni: row.comune_istats,
    createdAt: row.created_at.toISOString(),
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}

export function toAuditEntry(row: Selectable<AuditLogTable>) {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorUserId: row.actor_user_id,
    actorTokenId: row.actor_token_id,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    changes: (row.changes ?? {}) as Record<string, unknown>,
    requestId: row.request_id,
  };
}
