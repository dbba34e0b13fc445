import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from '../../server/src/modules/auth/auth.retention.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { createComune, createTestUser } from '../helpers/identity.ts';
import { spawnEntry } from '../helpers/processes.ts';

const ctx = useTestDatabase();
beforeAll(() => createComune(ctx.db, '019035', 'Crema'));

async function cli(...args: string[]) {
  const run = spawnEntry('server/src/cli/main.ts', [...args, '--json'], {
    DATABASE_URL: ctx.database.url,
    SESSION_SECRET: 'cli-secret-cli-secret-cli-secret-000000',
  });
  const code = await run.exited;
  return { code, report: JSON.parse(run.output().trim().split('\n').at(-1)!) };
}

describe('npm run cli -- users', () => {
  it('creates a user with a membership, grants and revokes, reporting JSON', async () => {
    const created = await cli(
      'users',
      'create',
      '--email',
      'operatore@comune.crema.cr.it',
      '--name',
      'Operatore',
      '--role',
      'rtd',
      '--password',
      'password-operatore',
      '--comune',
      '019035',
    );
    expect(created).toMatchObject({ code: 0, report: { ok: true, created: 1, user: { role: 'rtd' } } });
    const memberships = await ctx.db.selectFrom('memberships').select('comune_istat').where('user_id', '=', created.report.user.id).execute();
    expect(memberships).toEqual([{ comune_istat: '019035' }]);

    expect(await cli('users', 'revoke', '--email', 'operatore@comune.crema.cr.it', '--comune', '019035')).toMatchObject({ code: 0, report: { removed: 1 } });
    expect(await cli('users', 'grant', '--email', 'operatore@comune.crema.cr.it', '--comune', '019035')).toMatchObject({ code: 0, report: { created: 1 } });
  });

  it('invites by e-mail into the outbox when no SMTP server is configured', async () => {
    const invited = await cli('users', 'invite', '--email', 'nuova@comune.crema.cr.it', '--name', 'Nuova', '--role', 'rtd', '--comune', '019035');
    expect(invited).toMatchObject({ code: 0, report: { created: 1, delivery: 'outbox' } });
    expect(await ctx.db.selectFrom('mail_outbox').select('subject').where('to_address', '=', 'nuova@comune.crema.cr.it').execute()).toHaveLength(1);
  });

  it('fails with exit code 1 and a JSON error for a bad role or an unknown comune, writing nothing', async () => {
    expect(await cli('users', 'create', '--email', 'x@example.it', '--name', 'X', '--role', 'sindaco')).toMatchObject({ code: 1, report: { ok: false } });
    expect(await cli('users', 'create', '--email', 'y@example.it', '--name', 'Y', '--role', 'rtd', '--comune', '999999')).toMatchObject({
      code: 1,
      report: { ok: false },
    });
    expect(await ctx.db.selectFrom('users').select('id').where('email', 'in', ['x@example.it', 'y@example.it']).execute()).toEqual([]);
  });
});

describe('retention', () => {
  it('removes expired sessions and invitations and anonymises long-inactive users', async () => {
    const stale = await createTestUser(ctx.db, 'inattivo@comune.crema.cr.it', 'rtd', ['019035']);
    const active = await createTestUser(ctx.db, 'attivo@comune.crema.cr.it', 'rtd', ['019035']);
    await ctx.db
      .updateTable('users')
      .set({ last_seen_at: sql<Date>`now() - interval '800 days'` })
      .where('id', '=', stale.id)
      .execute();
    await ctx.db
      .updateTable('users')
      .set({ last_seen_at: sql<Date>`now()` })
      .where('id', '=', active.id)
      .execute();
    await ctx.db
      .insertInto('sessions')
      .values({ id_hash: 'scaduta', user_id: active.id, expires_at: new Date(Date.now() - 1000) })
      .execute();

    const report = await applyRetention(ctx.db, { inactiveUserDays: 730 });
    expect(report.sessionsRemoved).toBe(1);
    expect(report.usersAnonymised).toBeGreaterThanOrEqual(1);
    const rows = await ctx.db.selectFrom('users').select(['id', 'status']).where('id', 'in', [stale.id, active.id]).execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [stale.id]: 'erased', [active.id]: 'active' });
  });
});
