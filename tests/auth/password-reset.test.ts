import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { createTestUser, loginAs, PASSWORD, type Agent } from '../helpers/identity.ts';
import { waitFor } from '../helpers/processes.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const sink = await startSmtpSink();
const ctx = useTestApp({ env: { SMTP_URL: sink.url } });
const NEW_PASSWORD = 'una-nuova-password-2026';

afterAll(() => sink.close());

beforeAll(async () => {
  await createTestUser(ctx.db, 'rtd@comune.crema.cr.it', 'rtd');
  await createTestUser(ctx.db, 'sospeso@comune.crema.cr.it', 'rtd');
  await createTestUser(ctx.db, 'scaduto@comune.crema.cr.it', 'rtd');
});

async function anonymous(): Promise<Agent> {
  const agent = request.agent(ctx.app.server) as Agent;
  agent.csrf = (await agent.get('/api/v1/auth/csrf')).body.token;
  return agent;
}

async function askReset(email: string, ip = '127.0.0.1') {
  const agent = await anonymous();
  return agent.post('/api/v1/auth/password-reset').set('x-csrf-token', agent.csrf).set('x-forwarded-for', ip).send({ email });
}

async function confirm(token: string, password = NEW_PASSWORD) {
  const agent = await anonymous();
  const res = await agent.post('/api/v1/auth/password-reset/confirm').set('x-csrf-token', agent.csrf).send({ token, password });
  return { res, agent };
}

async function mailTo(address: string) {
  await waitFor(() => sink.messages.some((m) => m.to && 'text' in m.to && m.to.text === address), 5000, `reset mail to ${address}`);
  const mail = sink.messages.filter((m) => m.to && 'text' in m.to && m.to.text === address).at(-1)!;
  const token = /\/reimposta-password#([\w-]+)/.exec(mail.text ?? '')![1]!;
  return { mail, token };
}

describe('POST /api/v1/auth/password-reset', () => {
  it('answers an unknown e-mail with the same 202 and sends nothing', async () => {
    const known = await askReset('rtd@comune.crema.cr.it');
    const unknown = await askReset('nessuno@comune.crema.cr.it');
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    await mailTo('rtd@comune.crema.cr.it');
    expect(sink.messages.some((m) => m.to && 'text' in m.to && m.to.text === 'nessuno@comune.crema.cr.it')).toBe(false);
  });

  it('e-mails a known account an Italian message with a single-use link whose token sits after #', async () => {
    const { mail, token } = await mailTo('rtd@comune.crema.cr.it');
    expect(mail.subject).toBe('Reimposta la password del Cruscotto digitale dei comuni');
    expect(mail.text).toContain('Gentile rtd,');
    expect(mail.text).toContain(`http://cruscotto.test/reimposta-password#${token}`);
    expect(mail.html).toContain(`http://cruscotto.test/reimposta-password#${token}`);
    const stored = await ctx.db.selectFrom('password_resets').select('token_hash').execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(token);
  });

  it('stops mailing one account after three requests in an hour, with the same answer', async () => {
    await ctx.db.deleteFrom('password_reset_requests').execute();
    const before = sink.messages.length;
    for (let i = 0; i < 4; i += 1) expect((await askReset('scaduto@comune.crema.cr.it', '10.0.0.9')).status).toBe(202);
    await waitFor(() => sink.messages.length >= before + 3, 5000, 'three reset mails');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.messages.length).toBe(before + 3);
    await ctx.db.deleteFrom('password_reset_requests').execute();
  });
});

describe('POST /api/v1/auth/password-reset/confirm', () => {
  it('sets the password once, closes the other sessions and audits the change', async () => {
    const elsewhere = await loginAs(ctx.app, 'rtd@comune.crema.cr.it');
    expect((await elsewhere.get('/api/v1/me')).status).toBe(200);
    sink.messages.length = 0;
    await askReset('rtd@comune.crema.cr.it');
    const { token } = await mailTo('rtd@comune.crema.cr.it');

    const weak = await confirm(token, 'corta');
    expect(weak.res.status).toBe(422);
    expect(weak.res.body.code).toBe('WEAK_PASSWORD');

    const { res, agent } = await confirm(token);
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe('rtd@comune.crema.cr.it');
    expect((await agent.get('/api/v1/me')).status).toBe(200);
    expect((await elsewhere.get('/api/v1/me')).status).toBe(401);

    const again = await confirm(token, 'ancora-unaltra-password');
    expect(again.res.status).toBe(422);
    expect(again.res.body.code).toBe('PASSWORD_RESET_INVALID');
    await expect(loginAs(ctx.app, 'rtd@comune.crema.cr.it', PASSWORD)).rejects.toThrow(/401/);
    await loginAs(ctx.app, 'rtd@comune.crema.cr.it', NEW_PASSWORD);

    const audit = await ctx.db.selectFrom('audit_log').select('action').where('action', 'like', 'user.password-reset%').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(expect.arrayContaining(['user.password-reset', 'user.password-reset-requested']));
  });

  it('refuses an expired link', async () => {
    sink.messages.length = 0;
    await askReset('scaduto@comune.crema.cr.it');
    const { token } = await mailTo('scaduto@comune.crema.cr.it');
    await ctx.db
      .updateTable('password_resets')
      .set({ expires_at: sql<Date>`now() - interval '1 minute'` })
      .where('used_at', 'is', null)
      .execute();
    const { res } = await confirm(token);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('PASSWORD_RESET_INVALID');
  });

  it('refuses a link of an account disabled after it was sent, and sends none to a disabled account', async () => {
    sink.messages.length = 0;
    await askReset('sospeso@comune.crema.cr.it');
    const { token } = await mailTo('sospeso@comune.crema.cr.it');
    await ctx.db.updateTable('users').set({ status: 'disabled' }).where('email', '=', 'sospeso@comune.crema.cr.it').execute();
    expect((await confirm(token)).res.status).toBe(422);
    sink.messages.length = 0;
    expect((await askReset('sospeso@comune.crema.cr.it')).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.messages).toHaveLength(0);
  });
});
