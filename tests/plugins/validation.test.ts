import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';

/** A feature's plugin as the modules write them: its own named schemas, then routes that use them. */
function featureWithSchema(id: string, path: string) {
  return async (app: FastifyInstance) => {
    app.addSchema(
      Type.Object({ amount: Type.Number({ minimum: 0 }), note: Type.Union([Type.Number(), Type.Null()]) }, { $id: id, additionalProperties: false }),
    );
    app.post(
      path,
      { config: { access: 'public' }, schema: { body: Type.Ref(id), querystring: Type.Object({ page: Type.Optional(Type.Integer()) }) } },
      async (req) => ({ body: req.body, query: req.query }),
    );
  };
}

const ctx = useTestApp({
  extend(app) {
    void app.register(featureWithSchema('TestFirstInput', '/api/v1/test-first'));
    void app.register(featureWithSchema('TestSecondInput', '/api/v1/test-second'));
  },
});

describe('request validation shared by every feature', () => {
  it('coerces a query string to its types but takes a JSON body as sent, null included', async () => {
    const res = await request(ctx.app.server).post('/api/v1/test-first?page=2').send({ amount: 5, note: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: { amount: 5, note: null }, query: { page: 2 } });
  });

  it("refuses a body that breaks a feature's own schema, in each feature", async () => {
    for (const path of ['/api/v1/test-first', '/api/v1/test-second']) {
      const text = await request(ctx.app.server).post(path).send({ amount: '5', note: null });
      expect(text.status, path).toBe(400);
      expect(text.body.errors, path).toEqual([expect.objectContaining({ field: 'body.amount' })]);
      expect((await request(ctx.app.server).post(path).send({ amount: -1, note: 3 })).status, path).toBe(400);
      expect((await request(ctx.app.server).post(path).send({ amount: 1, note: 3 })).status, path).toBe(200);
    }
  });

  it('refuses a query string value that is not of its type', async () => {
    expect((await request(ctx.app.server).post('/api/v1/test-second?page=due').send({ amount: 1, note: null })).status).toBe(400);
  });
});
