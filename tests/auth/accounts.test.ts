import { waitFor } from '../helpers/processes.ts';
import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';
import { loginEmailHash } from '../../server/src/modules/auth/login.throttle.ts';

const ctx = useTestApp();
let admin: Agent;
let rtd: Agent;

beforeAll(async () => {
  await createComune(ctx.db, '019035', 'Crema');
  await createComune(ctx.db, '097055', 'Morterone');
  await createTestUser(ctx.db, 'admin@anci.example.it', 'admin');
  await createTestUser(ctx.db, 'rtd@comune.crema.cr.it', 'rtd', ['019035']);
  admin = await loginAs(ctx.app, 'admin@anci.example.it');
  rtd = await loginAs(ctx.app, 'rtd@comune.crema.cr.it');
});

async function lastMailTo(address: string) {
  return ctx.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', address).orderBy('created_at', 'desc').executeTakeFirst();
}

describe('invitations', () => {
  it('lets an RTD invite a colleague of their comune, who sets a password through the single-use link', async () => {
    const invite = await rtd
      .post('/api/v1/invitations')
      .set('x-csrf-token', rtd.csrf)
      .send({ email: 'collega@comune.crema.cr.it', name: 'Anna Verdi', role: 'rtd', comuni: ['019035'] });
    expect(invite.status).toBe(201);
    const mail = await lastMailTo('collega@comune.crema.cr.it');
    expect(mail?.subject).toBe('Invito al Cruscotto digitale dei comuni');
    expect(mail?.text_body).toContain('Gentile Anna Verdi');
    const token = /\/invito#([\w-]+)/.exec(mail!.text_body)![1]!;
    expect(mail!.text_body).toContain(`http://cruscotto.test/invito#${token}`);

    const browser = request.agent(ctx.app.server);
    const csrf = (await browser.get('/api/v1/auth/csrf')).body.token;
    const accepted = await browser.post('/api/v1/invitations/accept').set('x-csrf-token', csrf).send({ token, password: 'password-della-collega' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.comuni).toEqual(['019035']);
    expect((await browser.get('/api/v1/me')).body.user.email).toBe('collega@comune.crema.cr.it');

    const sessionCsrf = (await browser.get('/api/v1/auth/csrf')).body.token;
    const again = await browser.post('/api/v1/invitations/accept').set('x-csrf-token', sessionCsrf).send({ token, password: 'password-della-collega' });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('INVITATION_INVALID');
  });

  it('refuses an RTD inviting to a comune they do not serve, and any PEC address', async () => {
    const other = await rtd
      .post('/api/v1/invitations')
      .set('x-csrf-token', rtd.csrf)
      .send({ email: 'x@comune.morterone.lc.it', name: 'X', role: 'rtd', comuni: ['097055'] });
    expect(other.status).toBe(403);
    const editor = await rtd
      .post('/api/v1/invitations')
      .set('x-csrf-token', rtd.csrf)
      .send({ email: 'y@comune.crema.cr.it', name: 'Y', role: 'editor', comuni: ['019035'] });
    expect(editor.status).toBe(403);
    const pec = await admin
      .post('/api/v1/invitations')
      .set('x-csrf-token', admin.csrf)
      .send({ email: 'protocollo@pec.comune.crema.cr.it', name: 'PEC', role: 'rtd', comuni: ['019035'] });
    expect(pec.status).toBe(422);
    expect(pec.body.code).toBe('PEC_NOT_ALLOWED');
    expect(await ctx.db.selectFrom('invitations').select('id').where('email', '=', 'protocollo@pec.comune.crema.cr.it').executeTakeFirst()).toBeUndefined();
  });
});

describe('users and memberships (admin)', () => {
  it('creates a user, grants and revokes a comune, and records each act in the audit log', async () => {
    const created = await admin
      .post('/api/v1/users')
      .set('x-csrf-token', admin.csrf)
      .send({ email: 'nuovo@comune.example.it', name: 'Nuovo', role: 'rtd', password: 'password-lunga-abbastanza' });
    expect(created.status).toBe(201);
    const id = created.body.user.id;
    const granted = await admin.post(`/api/v1/users/${id}/memberships`).set('x-csrf-token', admin.csrf).send({ comuneIstat: '097055' });
    expect(granted.status).toBe(201);
    const membership = granted.body.memberships[0];
    expect(membership.comune).toEqual({ istat: '097055', name: 'Morterone' });
    const duplicate = await admin.post(`/api/v1/users/${id}/memberships`).set('x-csrf-token', admin.csrf).send({ comuneIstat: '097055' });
    expect(duplicate.status).toBe(409);
    const unknown = await admin.post(`/api/v1/users/${id}/memberships`).set('x-csrf-token', admin.csrf).send({ comuneIstat: '999999' });
    expect(unknown.status).toBe(422);
    expect((await admin.delete(`/api/v1/users/${id}/memberships/${membership.id}`).set('x-csrf-token', admin.csrf)).status).toBe(204);

    const audit = await admin.get(`/api/v1/audit-log?entity=user&entityId=${id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['membership.granted', 'membership.revoked', 'user.created']);
    expect(audit.body.items[0].requestId).toEqual(expect.any(String));
  });

  it('rejects a weak password with 422 naming the field', async () => {
    const res = await admin
      .post('/api/v1/users')
      .set('x-csrf-token', admin.csrf)
      .send({ email: 'debole@example.it', name: 'D', role: 'viewer', password: 'corta' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'body.password', message: 'Almeno 12 caratteri.' }]);
  });
});

describe('the audit log', () => {
  it('is append-only, for the application and its database role alike', async () => {
    await expect(sql`update audit_log set action = 'forged'`.execute(ctx.db)).rejects.toThrow(/permission denied|append-only/);
    await expect(sql`delete from audit_log`.execute(ctx.db)).rejects.toThrow(/permission denied|append-only/);
  });
});

describe('API tokens', () => {
  it('authenticate machine clients with their role and scope, until revoked', async () => {
    const created = await admin
      .post('/api/v1/api-tokens')
      .set('x-csrf-token', admin.csrf)
      .send({ name: 'Script del Cremasco', role: 'rtd', comuni: ['019035'] });
    expect(created.status).toBe(201);
    const { secret, token } = created.body;
    const stored = await ctx.db.selectFrom('api_tokens').select('token_hash').where('id', '=', token.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(secret);

    const profile = (istat: string) => request(ctx.app.server).get(`/api/v1/comuni/${istat}/profile`).set('authorization', `Bearer ${secret}`);
    expect((await profile('019035')).status).toBe(200);
    expect((await profile('097055')).status).toBe(403);
    // Bearer clients carry no ambient cookie, so they need no CSRF token.
    expect((await request(ctx.app.server).get('/api/v1/users').set('authorization', `Bearer ${secret}`)).status).toBe(403);

    expect((await admin.delete(`/api/v1/api-tokens/${token.id}`).set('x-csrf-token', admin.csrf)).status).toBe(204);
    const revoked = await profile('019035');
    expect(revoked.status).toBe(401);
    expect(revoked.body.code).toBe('TOKEN_INVALID');
  });

  it('stop working at once when revoked from another process, though the app keeps principals in memory', async () => {
    const { body } = await admin
      .post('/api/v1/api-tokens')
      .set('x-csrf-token', admin.csrf)
      .send({ name: 'Cruscotto della Regione', role: 'viewer', comuni: [] });
    const read = () => request(ctx.app.server).get('/api/v1/coverage/uncovered').set('authorization', `Bearer ${body.secret}`);
    expect((await read()).status).toBe(200);
    expect((await read()).status).toBe(200);
    // As the CLI would: straight to the database, nothing said to this app.
    await ctx.db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('id', '=', body.token.id).execute();
    await waitFor(async () => (await read()).status === 401, 2000, 'the revoked token to be refused');
  });
});

describe('privacy rights', () => {
  it('exports all personal data, then erases it keeping an anonymous actor in the audit log', async () => {
    await createTestUser(ctx.db, 'da.cancellare@comune.crema.cr.it', 'rtd', ['019035']);
    const person = await loginAs(ctx.app, 'da.cancellare@comune.crema.cr.it');
    const exported = await person.get('/api/v1/me/export');
    expect(exported.status).toBe(200);
    expect(exported.headers['content-disposition']).toContain('attachment');
    expect(exported.body.user.email).toBe('da.cancellare@comune.crema.cr.it');
    expect(exported.body.memberships).toHaveLength(1);
    expect(exported.body.activity.map((a: { action: string }) => a.action)).toContain('user.login');
    expect(exported.body.signInAddresses).toHaveLength(1);
    const userId = exported.body.user.id;
    const loginRows = async () => {
      const hash = loginEmailHash('da.cancellare@comune.crema.cr.it');
      const failures = await ctx.db.selectFrom('login_failures').select('ip').where('email_hash', '=', hash).execute();
      const known = await ctx.db.selectFrom('login_known_clients').select('ip').where('email_hash', '=', hash).execute();
      return failures.length + known.length;
    };
    expect(await loginRows()).toBeGreaterThan(0);

    expect((await person.delete('/api/v1/me').set('x-csrf-token', person.csrf)).status).toBe(204);
    expect((await person.get('/api/v1/me')).status).toBe(401);
    const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'erased', name: 'Utente cancellato', password_hash: null });
    expect(row.email).not.toContain('da.cancellare');
    const audit = await ctx.db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('actor_user_id', '=', userId).execute();
    expect(audit.map((a) => a.action)).toContain('user.erased');
    expect(await loginRows()).toBe(0);
    const relogin = request.agent(ctx.app.server);
    const csrf = (await relogin.get('/api/v1/auth/csrf')).body.token;
    expect(
      (
        await relogin
          .post('/api/v1/auth/login')
          .set('x-csrf-token', csrf)
          .send({ email: 'da.cancellare@comune.crema.cr.it', password: 'una-password-lunga-2026' })
      ).status,
    ).toBe(401);
  });
});
