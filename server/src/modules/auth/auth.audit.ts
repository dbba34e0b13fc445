import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { accountableUser } from './auth.permissions.ts';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  /** Changed fields as { field: { from, to } } or a small description of the act; never secrets. */
  changes?: Record<string, unknown>;
}

/** Appends one row to the audit log, inside the caller's transaction when given one. */
export async function recordAudit(db: Kysely<Database>, request: FastifyRequest | null, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_user_id: accountableUser(request?.principal),
      actor_token_id: request?.principal?.tokenId ?? null,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId ?? null,
      changes: JSON.stringify(entry.changes ?? {}),
      request_id: request ? String(request.id) : null,
      ip: request?.ip ?? null,
    })
    .execute();
}

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep the order a value was written in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** `{ field: { from, to } }` for the fields whose value differs. */
export function diff<T extends Record<string, unknown>>(before: T, after: Partial<T>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, value] of Object.entries(after)) {
    if (value !== undefined && canonicalJson(before[key]) !== canonicalJson(value)) changes[key] = { from: before[key] ?? null, to: value };
  }
  return changes;
}
