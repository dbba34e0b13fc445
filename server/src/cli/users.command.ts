import { createMailer } from '../plugins/mail.ts';
import type { Role } from '../plugins/db/schema.ts';
import { ROLES } from '../modules/auth/index.ts';
import { findUserByEmail, membershipsOf } from '../modules/auth/index.ts';
import { createInvitation, createUser, grantMembership, revokeMembership } from '../modules/auth/index.ts';
import { sendInvitationEmail } from '../modules/auth/index.ts';
import { flagValues, requiredFlag, UsageError, type CommandContext } from './context.ts';
import type { FastifyInstance } from 'fastify';

function role(ctx: CommandContext): Role {
  const value = requiredFlag(ctx.flags, 'role');
  if (!(ROLES as readonly string[]).includes(value)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

async function userId(ctx: CommandContext, db: Parameters<typeof findUserByEmail>[0]): Promise<string> {
  const email = requiredFlag(ctx.flags, 'email');
  const user = await findUserByEmail(db, email);
  if (!user) throw new Error(`no user with e-mail ${email}`);
  return user.id;
}

function target(ctx: CommandContext): { comuneIstat: string } | { aggregationId: string } {
  const [comune] = flagValues(ctx.flags, 'comune');
  const [aggregation] = flagValues(ctx.flags, 'aggregation');
  if (comune) return { comuneIstat: comune };
  if (aggregation) return { aggregationId: aggregation };
  throw new UsageError('--comune ISTAT or --aggregation ID is required');
}

/** `users create|invite|grant|revoke`: operator tasks, audited with no acting user. */
export async function runUsersCommand(ctx: CommandContext) {
  const sub = ctx.args[0];
  return ctx.withDb(async (db) => {
    switch (sub) {
      case 'create': {
        const password = flagValues(ctx.flags, 'password')[0];
        const user = await db.transaction().execute((trx) =>
          createUser(trx, null, {
            email: requiredFlag(ctx.flags, 'email'),
            name: requiredFlag(ctx.flags, 'name'),
            role: role(ctx),
            password,
            comuni: flagValues(ctx.flags, 'comune'),
            aggregations: flagValues(ctx.flags, 'aggregation'),
          }),
        );
        return { created: 1, user: { id: user.id, email: user.email, role: user.role } };
      }
      case 'invite': {
        const mailer = createMailer(ctx.config, db);
        const app = { config: ctx.config, mailer } as unknown as FastifyInstance;
        try {
          const invitation = await db.transaction().execute(async (trx) => {
            const created = await createInvitation(trx, null, {
              email: requiredFlag(ctx.flags, 'email'),
              name: requiredFlag(ctx.flags, 'name'),
              role: role(ctx),
              comuni: flagValues(ctx.flags, 'comune'),
              aggregations: flagValues(ctx.flags, 'aggregation'),
            });
            await sendInvitationEmail(app, created.invitation, created.token);
            return created.invitation;
          });
          return { created: 1, invitation: { id: invitation.id, email: invitation.email, expiresAt: invitation.expires_at }, delivery: mailer.kind };
        } finally {
          await mailer.close();
        }
      }
      case 'grant': {
        const id = await userId(ctx, db);
        await db.transaction().execute((trx) => grantMembership(trx, null, id, target(ctx)));
        return { created: 1 };
      }
      case 'revoke': {
        const id = await userId(ctx, db);
        const wanted = target(ctx);
        const membership = (await membershipsOf(db, id)).find((m) =>
          'comuneIstat' in wanted ? m.comuneIstat === wanted.comuneIstat : m.aggregationId === wanted.aggregationId,
        );
        if (!membership) throw new Error('the user has no such membership');
        await db.transaction().execute((trx) => revokeMembership(trx, null, id, membership.id));
        return { removed: 1 };
      }
      default:
        throw new UsageError('expected one of: create, invite, grant, revoke');
    }
  });
}
