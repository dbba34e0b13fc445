import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

/**
 * The bounds the OpenAPI document states are the ones validation enforces: one step past each kind of
 * bound, on a sample of routes, is refused with 400 problem+json naming the field. Every bound is read
 * from the served document, so the test follows it when a limit changes.
 */
const ctx = useTestApp({ env: { WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' } });
const ISTAT = '019035';
type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; items?: Schema; $ref?: string };
let doc: { paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, Schema> } };
let admin: Agent;
let rtd: Agent;

const resolve = (schema: Schema): Schema => (schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!]! : schema);
function bodySchema(method: string, path: string): Schema {
  const content = (doc.paths[path]![method]!.requestBody as { content: Record<string, { schema: Schema }> }).content;
  return resolve(Object.values(content)[0]!.schema);
}
const bodyProperty = (method: string, path: string, name: string) => resolve(bodySchema(method, path).properties![name]!);
function parameter(method: string, path: string, name: string): Schema {
  const parameters = doc.paths[path]![method]!.parameters as { name: string; schema: Schema }[];
  return parameters.find((p) => p.name === name)!.schema;
}

beforeAll(async () => {
  await createComune(ctx.db, ISTAT, 'Crema');
  await createTestUser(ctx.db, 'admin@example.it', 'admin');
  await createTestUser(ctx.db, 'rtd@example.it', 'rtd', [ISTAT]);
  admin = await loginAs(ctx.app, 'admin@example.it');
  rtd = await loginAs(ctx.app, 'rtd@example.it');
  doc = (await request(ctx.app.server).get('/api/v1/openapi.json')).body;
});

function expectRefused(res: request.Response, field: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

describe('the bounds of the OpenAPI document, enforced', () => {
  it('refuses a string one character past its maxLength (a theme label)', async () => {
    const { maxLength } = bodyProperty('post', '/themes', 'label') as { maxLength: number };
    const send = (label: string) => admin.post('/api/v1/themes').set('x-csrf-token', admin.csrf).send({ code: 'prova-limiti', label });
    expectRefused(await send('a'.repeat(maxLength + 1)), 'body.label');
    expect((await send('a'.repeat(maxLength))).status).toBe(201);
  });

  it('refuses a property the schema does not declare (additionalProperties: false)', async () => {
    expect(bodySchema('post', '/themes').additionalProperties).toBe(false);
    const res = await admin.post('/api/v1/themes').set('x-csrf-token', admin.csrf).send({ code: 'prova-extra', label: 'Prova', colour: 'rosso' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses a number past its maximum or under its minimum (page size, ingest interval)', async () => {
    const { maximum } = parameter('get', '/calls', 'limit') as { maximum: number };
    expectRefused(await request(ctx.app.server).get(`/api/v1/calls?limit=${maximum + 1}`), 'querystring.limit');
    expect((await request(ctx.app.server).get(`/api/v1/calls?limit=${maximum}`)).status).toBe(200);
    const { minimum } = bodyProperty('post', '/ingest/sources', 'everyMinutes') as { minimum: number };
    const source = { name: 'Prova', kind: 'rss', location: 'https://esempio.it/feed.xml', everyMinutes: minimum - 1 };
    expectRefused(await admin.post('/api/v1/ingest/sources').set('x-csrf-token', admin.csrf).send(source), 'body.everyMinutes');
  });

  it('refuses an array one item past its maxItems (notifications marked read)', async () => {
    const { maxItems } = bodyProperty('post', '/me/notifications/read', 'ids') as { maxItems: number };
    const ids = Array.from({ length: maxItems + 1 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expectRefused(await rtd.post('/api/v1/me/notifications/read').set('x-csrf-token', rtd.csrf).send({ ids }), 'body.ids');
  });

  it('refuses a value outside its pattern, format or enum', async () => {
    expect(parameter('get', '/comuni/{istat}/profile', 'istat')).toHaveProperty('pattern');
    expectRefused(await admin.get('/api/v1/comuni/19035/profile'), 'params.istat');
    expect(parameter('put', '/me/follows/{callId}', 'callId')).toHaveProperty('format', 'uuid');
    expectRefused(await rtd.put('/api/v1/me/follows/non-un-uuid').set('x-csrf-token', rtd.csrf).send({ mode: 'follow' }), 'params.callId');
    expect(bodyProperty('put', '/me/follows/{callId}', 'mode')).toHaveProperty('enum');
    const callId = '00000000-0000-4000-8000-000000000001';
    expectRefused(await rtd.put(`/api/v1/me/follows/${callId}`).set('x-csrf-token', rtd.csrf).send({ mode: 'sempre' }), 'body.mode');
  });
});

describe('PATCH as a merge patch (RFC 7396)', () => {
  let hook: string;
  beforeAll(async () => {
    const created = await rtd.post(`/api/v1/comuni/${ISTAT}/webhooks`).set('x-csrf-token', rtd.csrf).send({ url: 'http://127.0.0.1:9/cruscotto' });
    expect(created.status).toBe(201);
    hook = created.body.id;
  });
  const patch = () => rtd.patch(`/api/v1/comuni/${ISTAT}/webhooks/${hook}`).set('x-csrf-token', rtd.csrf);

  it('applies an application/merge-patch+json body, and validates it like any other', async () => {
    const res = await patch()
      .set('content-type', 'application/merge-patch+json')
      .send(JSON.stringify({ active: false, description: 'Protocollo' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: false, description: 'Protocollo' });
    const { maxLength } = bodyProperty('patch', '/comuni/{istat}/webhooks/{id}', 'description') as { maxLength: number };
    const tooLong = await patch()
      .set('content-type', 'application/merge-patch+json')
      .send(JSON.stringify({ description: 'a'.repeat(maxLength + 1) }));
    expectRefused(tooLong, 'body.description');
  });

  it('refuses application/json on PATCH with 415 problem+json naming the merge-patch type', async () => {
    const res = await patch().send({ active: true });
    expect(res.status).toBe(415);
    expect(res.body.detail).toContain('application/merge-patch+json');
  });

  it('answers 415 problem+json to any other type, and to a merge patch sent with another method', async () => {
    const text = await patch().set('content-type', 'text/plain').send('active=false');
    expect(text.status).toBe(415);
    expect(text.headers['content-type']).toMatch(/^application\/problem\+json/);
    const post = await rtd
      .post(`/api/v1/comuni/${ISTAT}/webhooks`)
      .set('x-csrf-token', rtd.csrf)
      .set('content-type', 'application/merge-patch+json')
      .send(JSON.stringify({ url: 'http://127.0.0.1:9/altro' }));
    expect(post.status).toBe(415);
    expect(post.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
