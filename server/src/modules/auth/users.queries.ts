import { sql, type Kysely } from 'kysely';
import type { Database, Role } from '../../plugins/db/schema.ts';
import { pageRows } from '../../plugins/db/page-rows.ts';

type Db = Kysely<Database>;

export async function findUserById(db: Db, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Db, email: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function membershipsOf(db: Db, userId: string) {
  return db
    .selectFrom('memberships as m')
    .leftJoin('comuni as c', 'c.istat', 'm.comune_istat')
    .leftJoin('aggregations as a', 'a.id', 'm.aggregation_id')
    .select([
      'm.id',
      'm.comune_istat as comuneIstat',
      'c.name as comuneName',
      'm.aggregation_id as aggregationId',
      'a.name as aggregationName',
      'a.kind as aggregationKind',
      'm.granted_by as grantedBy',
      'm.granted_at as grantedAt',
    ])
    .where('m.user_id', '=', userId)
    .orderBy('m.granted_at')
    .execute();
}

export interface UserFilter {
  q?: string | undefined;
  role?: Role | undefined;
  limit: number;
  offset: number;
}

export async function listUsers(db: Db, filter: UserFilter) {
  let query = db.selectFrom('users').where('status', '!=', 'erased');
  if (filter.role) query = query.where('role', '=', filter.role);
  if (filter.q) {
    const pattern = `%${filter.q.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`;
    query = query.where((eb) => eb.or([eb(sql`lower(name)`, 'like', pattern), eb(sql`lower(email)`, 'like', pattern)]));
  }
  return pageRows(query, (q) => q.selectAll().orderBy('name').orderBy('id'), filter);
}

export async function comuneExists(db: Db, istat: string): Promise<boolean> {
  return (await db.selectFrom('comuni').select('istat').where('istat', '=', istat).executeTakeFirst()) !== undefined;
}

export async function aggregationExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('aggregations').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}
