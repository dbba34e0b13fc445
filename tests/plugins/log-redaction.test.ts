import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { unsubscribeToken } from '../../server/src/modules/alerts/alerts.email.ts';
import { redactedUrl } from '../../server/src/plugins/logging.ts';
import { useTestApp } from '../helpers/app.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const logLines: string[] = [];
const ctx = useTestApp({ env: { LOG_LEVEL: 'info' }, logStream: { write: (line) => void logLines.push(line) } });
let rtd: Agent;
let userId: string;

beforeAll(async () => {
  await createComune(ctx.db, '097055', 'Morterone', 30);
  userId = (await createTestUser(ctx.db, 'rtd@morterone.example.it', 'rtd', ['097055'])).id;
  rtd = await loginAs(ctx.app, 'rtd@morterone.example.it');
});

const urls = (method: string) =>
  logLines
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.msg === 'request completed' && entry.method === method)
    .map((entry) => entry.url as string);

describe('access logs', () => {
  it('keep no feed key, unsubscribe token or OpenID Connect code, only the route', async () => {
    const comune = (await rtd.get('/api/v1/comuni/097055/feeds')).body;
    const personal = (await rtd.get('/api/v1/me/feeds')).body;
    const feedKeys = [comune.atom, personal.ical].map((url: string) => new URL(url).pathname.split('/')[4]!);
    const unsubscribe = unsubscribeToken(ctx.app.config.sessionSecret, userId);
    for (const key of feedKeys) {
      expect((await request(ctx.app.server).get(`/api/v1/feeds/${key}/bandi.atom`)).status).toBe(200);
      expect((await request(ctx.app.server).get(`/api/v1/feeds/${key}/scadenze.ics?x=1`)).status).toBe(200);
    }
    expect(
      (await request(ctx.app.server).post(`/api/v1/alerts/unsubscribe/${userId}/${unsubscribe}`).type('form').send('List-Unsubscribe=One-Click')).status,
    ).toBe(204);
    await request(ctx.app.server).get(`/disiscrizione/${userId}/${unsubscribe}`);
    await request(ctx.app.server).get('/api/v1/auth/oidc/callback?code=codice-segreto-del-fornitore&state=stato-segreto');

    const secrets = [...feedKeys, unsubscribe, 'codice-segreto-del-fornitore', 'stato-segreto'];
    expect(logLines.filter((line) => secrets.some((secret) => line.includes(secret)))).toEqual([]);
    expect(urls('GET')).toEqual(
      expect.arrayContaining([
        '/api/v1/feeds/[redacted]/bandi.atom',
        '/api/v1/feeds/[redacted]/scadenze.ics?x=1',
        `/disiscrizione/${userId}/[redacted]`,
        '/api/v1/auth/oidc/callback?code=[redacted]&state=[redacted]',
      ]),
    );
    expect(urls('POST')).toContain(`/api/v1/alerts/unsubscribe/${userId}/[redacted]`);
  });

  it('keep every other URL as it came', () => {
    for (const url of ['/api/v1/calls?q=feeds&status=aperto', '/api/v1/comuni/097055/feeds', '/bandi/abc?comune=097055']) expect(redactedUrl(url)).toBe(url);
  });
});
