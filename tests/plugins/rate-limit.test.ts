import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';

const ctx = useTestApp({ env: { RATE_LIMIT_MAX: '3' } });

describe('rate limiting', () => {
  it('counts down X-RateLimit-Remaining and answers 429 problem+json with Retry-After past the limit', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await request(ctx.app.server).get('/api/v1/status'));
    expect(answers.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers.map((r) => r.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0', '0']);
    expect(answers[0]!.headers['x-ratelimit-limit']).toBe('3');
    expect(Number(answers[0]!.headers['x-ratelimit-reset'])).toBeGreaterThan(0);

    const limited = answers[3]!;
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', title: 'Troppe richieste' });
    expect(limited.body.detail).toMatch(/Riprova tra \d+ secondi/);
  });
});
