import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import type { Role } from '../../server/src/plugins/db/schema.ts';
import { createUser } from '../../server/src/modules/auth/users.service.ts';
import type { Db } from '../../server/src/plugins/db/database.ts';

export const PASSWORD = 'una-password-lunga-2026';

export async function createComune(db: Db, istat: string, name: string, population = 3000) {
  await db
    .insertInto('comuni')
    .values({
      istat,
      name,
      province_code: istat.slice(0, 3),
      province_sigla: 'CR',
      province_name: 'Cremona',
      region_code: '03',
      region_name: 'Lombardia',
      resident_population: population,
      legal_population: population,
    })
    .onConflict((oc) => oc.column('istat').doNothing())
    .execute();
}

export async function createTestUser(db: Db, email: string, role: Role, comuni: string[] = []) {
  return db.transaction().execute((trx) => createUser(trx, null, { email, name: email.split('@')[0]!, role, password: PASSWORD, comuni }));
}

export type Agent = ReturnType<typeof request.agent> & { csrf: string };

/** A browser-like client: cookies kept, CSRF token fetched around the login. */
export async function loginAs(app: FastifyInstance, email: string, password = PASSWORD): Promise<Agent> {
  const agent = request.agent(app.server) as Agent;
  const before = await agent.get('/api/v1/auth/csrf');
  const login = await agent.post('/api/v1/auth/login').set('x-csrf-token', before.body.token).send({ email, password });
  if (login.status !== 200) throw new Error(`login failed for ${email}: ${login.status} ${JSON.stringify(login.body)}`);
  agent.csrf = (await agent.get('/api/v1/auth/csrf')).body.token;
  return agent;
}
