import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/src/app.ts';
import { migrateDown, migrateUp } from '../../server/src/plugins/db/migrator.ts';
import { testConfig, useTestApp } from '../helpers/app.ts';
import { createTestDatabase, openDb, type TestDatabase } from '../helpers/database.ts';

const ctx = useTestApp();

describe('GET /api/v1/status', () => {
  it('answers 200 with the version and the time', async () => {
    const res = await request(ctx.app.server).get('/api/v1/status');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), time: expect.any(String) });
    expect(new Date(res.body.time).toISOString()).toBe(res.body.time);
  });

  it('sends security headers', async () => {
    const res = await request(ctx.app.server).get('/api/v1/status');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

describe('GET /api/v1/ready', () => {
  it('answers 200 when the database is reachable and migrated', async () => {
    const res = await request(ctx.app.server).get('/api/v1/ready');
    expect(res.status).toBe(200);
    expect(res.body.checks.database.status).toBe('ok');
    expect(res.body.checks.migrations.status).toBe('ok');
  });

  describe('with a migration not yet applied', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase();
      const db = openDb(database);
      await migrateDown(db);
      await db.destroy();
    });
    afterAll(() => database.drop());

    it('answers 503 problem+json with Retry-After', async () => {
      const app = await buildApp(testConfig(), { db: openDb(database) });
      await app.ready();
      try {
        const res = await request(app.server).get('/api/v1/ready');
        expect(res.status).toBe(503);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.body).toMatchObject({ code: 'NOT_READY', status: 503 });
        expect(res.body.detail).toContain('migrazioni da applicare');
      } finally {
        await app.close();
      }
      const db = openDb(database);
      await migrateUp(db);
      await db.destroy();
    });
  });

  it('answers 503 when the database is unreachable', async () => {
    const { createDb } = await import('../../server/src/plugins/db/database.ts');
    const app = await buildApp(testConfig(), { db: createDb('postgres://nobody:x@127.0.0.1:1/none') });
    await app.ready();
    try {
      const res = await request(app.server).get('/api/v1/ready');
      expect(res.status).toBe(503);
      expect(res.body.detail).toContain('database non raggiungibile');
    } finally {
      await app.close();
    }
  });
});

describe('the SPA', () => {
  it('never answers an API path with the SPA page', async () => {
    const res = await request(ctx.app.server).get('/api/v2/anything').set('accept', 'text/html');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
