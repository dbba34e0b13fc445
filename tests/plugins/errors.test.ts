import { Type } from '@sinclair/typebox';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';

const PROBLEM = /^application\/problem\+json/;
const logLines: string[] = [];

const ctx = useTestApp({
  env: { RATE_LIMIT_MAX: '1000', BODY_LIMIT_BYTES: '2048', LOG_LEVEL: 'info' },
  logStream: { write: (line) => void logLines.push(line) },
  extend(app) {
    app.post(
      '/api/v1/test-echo',
      {
        config: { access: 'public' },
        schema: {
          body: Type.Object(
            { title: Type.String({ minLength: 3 }), amount: Type.Number({ minimum: 0 }), closesOn: Type.String({ format: 'date' }) },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => req.body,
    );
    app.get('/api/v1/test-crash', { config: { access: 'public' } }, async () => {
      throw new Error('connection string postgres://secret@db leaked');
    });
  },
});

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(PROBLEM);
  expect(res.body).toMatchObject({ status, code, type: expect.stringMatching(/^urn:cruscotto:problem:/), title: expect.any(String) });
  expect(res.body.detail).toEqual(expect.any(String));
  expect(res.body.instance).toEqual(expect.stringMatching(/^\/api\/v1\//));
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}

describe('error contract', () => {
  it('answers an unknown API route with 404 problem+json', async () => {
    const res = await request(ctx.app.server).get('/api/v1/no-such-route?x=1');
    expectProblem(res, 404, 'ROUTE_NOT_FOUND');
    expect(res.body.instance).toBe('/api/v1/no-such-route');
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await request(ctx.app.server).post('/api/v1/test-echo').set('content-type', 'application/json').send('{"title": ');
    expectProblem(res, 400, 'MALFORMED_JSON');
  });

  it('answers an empty JSON body with 400 problem+json', async () => {
    const res = await request(ctx.app.server).post('/api/v1/test-echo').set('content-type', 'application/json').send('');
    expectProblem(res, 400, 'EMPTY_BODY');
  });

  it('answers a wrong content type with 415 problem+json', async () => {
    const res = await request(ctx.app.server).post('/api/v1/test-echo').set('content-type', 'text/plain').send('hello');
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(res.body.detail).toContain('application/json');
  });

  it('answers a body over the limit with 413 problem+json', async () => {
    const res = await request(ctx.app.server)
      .post('/api/v1/test-echo')
      .send({ title: 'x'.repeat(5000), amount: 1, closesOn: '2026-03-31' });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('lists every invalid field in Italian with 400 problem+json', async () => {
    const res = await request(ctx.app.server).post('/api/v1/test-echo').send({ title: 'ab', amount: -5, closesOn: '31/03/2026', extra: 1 });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'body.title', message: 'Deve contenere almeno 3 caratteri.' },
        { field: 'body.amount', message: 'Deve essere maggiore o uguale a 0.' },
        { field: 'body.closesOn', message: 'Non è nel formato atteso (data AAAA-MM-GG).' },
        { field: 'body.extra', message: 'Il campo «extra» non è previsto.' },
      ]),
    );
  });

  it('names a missing required field', async () => {
    const res = await request(ctx.app.server).post('/api/v1/test-echo').send({ title: 'abc', amount: 1 });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual([{ field: 'body.closesOn', message: 'Campo obbligatorio.' }]);
  });

  it('hides the cause of a 500 from the client and logs it', async () => {
    const res = await request(ctx.app.server).get('/api/v1/test-crash');
    expectProblem(res, 500, 'INTERNAL_ERROR');
    expect(JSON.stringify(res.body)).not.toContain('postgres://');
    const logged = logLines.map((line) => JSON.parse(line)).find((entry) => entry.reqId === res.body.requestId && entry.err);
    expect(logged?.err.message).toContain('leaked');
  });

  it('accepts valid input', async () => {
    const res = await request(ctx.app.server).post('/api/v1/test-echo').send({ title: 'abc', amount: 1, closesOn: '2026-03-31' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ title: 'abc', amount: 1, closesOn: '2026-03-31' });
  });
});

describe('request logging', () => {
  it('writes one line per request with UTC time, method, URI, status, client IP, user and request id', async () => {
    const res = await request(ctx.app.server).get('/api/v1/status').set('x-request-id', 'trace-12345678');
    expect(res.headers['x-request-id']).toBe('trace-12345678');
    const line = logLines.map((l) => JSON.parse(l)).find((e) => e.reqId === 'trace-12345678' && e.msg === 'request completed');
    expect(line).toMatchObject({ method: 'GET', url: '/api/v1/status', statusCode: 200, ip: expect.any(String), userId: null });
    expect(line.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('replaces an unsafe incoming request id', async () => {
    const res = await request(ctx.app.server).get('/api/v1/status').set('x-request-id', '<script>');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('errors raised before routing', () => {
  it('answers a path parameter that is too long with 414 problem+json', async () => {
    const res = await request(ctx.app.server).get(`/api/v1/users/${'a'.repeat(300)}`);
    expect(res.status).toBe(414);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.code).toBe('URI_TOO_LONG');
  });

  it('answers oversized headers with 431 problem+json', async () => {
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/api/v1/status`, { headers: { 'x-big': 'a'.repeat(20_000) } });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
    expect(((await res.json()) as { code: string }).code).toBe('HEADERS_TOO_LARGE');
  });
});

describe('control characters', () => {
  const controlProblem = (res: request.Response, field: string) => {
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toContainEqual({ field, message: 'Contiene caratteri di controllo non ammessi.' });
  };

  it('refuses NUL in a query parameter of a public list with 400 naming the field', async () => {
    controlProblem(await request(ctx.app.server).get('/api/v1/calls?q=%00'), 'querystring.q');
    controlProblem(await request(ctx.app.server).get('/api/v1/calls/search?q=a%00b'), 'querystring.q');
  });

  it('refuses NUL in a path parameter', async () => {
    controlProblem(await request(ctx.app.server).get('/api/v1/calls/a%00b'), 'params.id');
  });

  it('refuses NUL in the e-mail of a login with 400 naming the field', async () => {
    const agent = request.agent(ctx.app.server);
    const { token } = (await agent.get('/api/v1/auth/csrf')).body;
    const res = await agent
      .post('/api/v1/auth/login')
      .set('x-csrf-token', token)
      .send({ email: 'rtd@comune.example.it\u0000', password: 'una-password-lunga-2026' });
    controlProblem(res, 'body.email');
  });

  it('refuses a lone surrogate and other C0 characters in a JSON body, keeping tabs and line breaks', async () => {
    const send = (json: string) => request(ctx.app.server).post('/api/v1/test-echo').set('content-type', 'application/json').send(json);
    controlProblem(await send('{"title": "ab\\ud800c", "amount": 1, "closesOn": "2026-03-31"}'), 'body.title');
    controlProblem(await send('{"title": "abc\\u001b", "amount": 1, "closesOn": "2026-03-31"}'), 'body.title');
    const multiLine = await send('{"title": "a\\tb\\r\\nc\\rd", "amount": 1, "closesOn": "2026-03-31"}');
    expect(multiLine.status).toBe(200);
    const emoji = await send('{"title": "bandi \\ud83d\\udcb6", "amount": 1, "closesOn": "2026-03-31"}');
    expect(emoji.status).toBe(200);
  });
});
