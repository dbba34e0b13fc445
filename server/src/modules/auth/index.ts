import { defineFeature } from '../../plugins/feature.ts';
import { startAuthJobs } from './auth.jobs.ts';
import authRoutes from './auth.routes.ts';
import { authSharedSchemas } from './auth.schemas.ts';
import oidcRoutes from './oidc.routes.ts';
import usersRoutes from './users.routes.ts';
import { usersSharedSchemas } from './users.schemas.ts';

export { authPlugin, PERSON_403, PERSON_WRITE_403, type Access } from './auth.plugin.ts';
export { canonicalJson, diff, recordAudit } from './auth.audit.ts';
export { userOf } from './auth.current-user.ts';
export { accountableUser, hasPermission, isComuneRole, ROLES, type Principal } from './auth.permissions.ts';
export { comuniOfUser, peopleServing } from './principal.queries.ts';
export { applyRetention } from './auth.retention.ts';
export { findUserByEmail, membershipsOf } from './users.queries.ts';
export { createInvitation, createUser, grantMembership, revokeMembership } from './users.service.ts';
export { sendInvitationEmail } from './invitations.email.ts';

/** Accounts, sign-in (password and OIDC), sessions, API tokens, memberships and the audit log. */
export default defineFeature({
  name: 'auth',
  dependencies: ['database', 'queue', 'mailer', 'scheduler', 'access-control'],
  schemas: [...authSharedSchemas, ...usersSharedSchemas],
  setup: (app) => app.scheduler.add({ name: 'auth', start: () => startAuthJobs(app) }),
  routes: [authRoutes, usersRoutes, oidcRoutes],
});
