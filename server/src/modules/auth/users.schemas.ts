import { Type } from '../../shared/schema.ts';
import { PageOf, PageQuery } from '../../plugins/pagination.ts';
import { EmailSchema, IstatSchema, RoleSchema, UuidSchema } from './auth.schemas.ts';

export const UserPage = PageOf(Type.Ref('User'), 'UserPage');

export const UserListQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 100 })), role: Type.Optional(RoleSchema), ...PageQuery },
  { additionalProperties: false },
);

export const UserIdParams = Type.Object({ id: UuidSchema });
export const MembershipParams = Type.Object({ id: UuidSchema, membershipId: UuidSchema });

export const CreateUserBody = Type.Object(
  {
    email: EmailSchema,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: RoleSchema,
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    comuni: Type.Optional(Type.Array(IstatSchema, { maxItems: 500, uniqueItems: true })),
    aggregations: Type.Optional(Type.Array(UuidSchema, { maxItems: 100, uniqueItems: true })),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(RoleSchema),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
    oidcSubject: Type.Optional(
      Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength: 255 })], {
        description: 'Soggetto OIDC (es. dal broker SPID/CIE) da collegare; null per scollegare',
      }),
    ),
  },
  { additionalProperties: false },
);

export const GrantMembershipBody = Type.Union(
  [Type.Object({ comuneIstat: IstatSchema }, { additionalProperties: false }), Type.Object({ aggregationId: UuidSchema }, { additionalProperties: false })],
  { description: 'Un comune (comuneIstat) oppure un’aggregazione (aggregationId)' },
);

export const UserDetailSchema = Type.Object({ user: Type.Ref('User'), memberships: Type.Array(Type.Ref('Membership')) }, { $id: 'UserDetail' });

export const CreateInvitationBody = Type.Object(
  {
    email: EmailSchema,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: RoleSchema,
    comuni: Type.Array(IstatSchema, { maxItems: 500, uniqueItems: true, default: [] }),
    aggregations: Type.Array(UuidSchema, { maxItems: 100, uniqueItems: true, default: [] }),
  },
  { additionalProperties: false },
);

export const InvitationSchema = Type.Object(
  {
    id: UuidSchema,
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    comuni: Type.Array(Type.String()),
    aggregations: Type.Array(Type.String()),
    expiresAt: Type.String({ format: 'date-time' }),
    acceptedAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Invitation' },
);
export const InvitationPage = PageOf(Type.Ref('Invitation'), 'InvitationPage');

export const ApiTokenSchema = Type.Object(
  {
    id: UuidSchema,
    name: Type.String(),
    role: RoleSchema,
    comuni: Type.Array(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
    lastUsedAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
    revokedAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
  },
  { $id: 'ApiToken' },
);
export const ApiTokenPage = PageOf(Type.Ref('ApiToken'), 'ApiTokenPage');
export const CreatedApiTokenSchema = Type.Object(
  { token: Type.Ref('ApiToken'), secret: Type.String({ description: 'Mostrato una sola volta: usalo come Authorization: Bearer <secret>' }) },
  { $id: 'CreatedApiToken' },
);
export const CreateApiTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: RoleSchema,
    comuni: Type.Array(IstatSchema, { maxItems: 500, uniqueItems: true, default: [] }),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const AuditEntrySchema = Type.Object(
  {
    id: Type.Integer({ format: 'int64' }),
    at: Type.String({ format: 'date-time' }),
    actorUserId: Type.Union([Type.Null(), Type.String()]),
    actorTokenId: Type.Union([Type.Null(), Type.String()]),
    action: Type.String(),
    entity: Type.String(),
    entityId: Type.Union([Type.Null(), Type.String()]),
    changes: Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { maxProperties: 200, description: 'Campi modificati: valore prima e dopo' }),
    requestId: Type.Union([Type.Null(), Type.String()]),
  },
  { $id: 'AuditEntry' },
);
export const AuditPage = PageOf(Type.Ref('AuditEntry'), 'AuditPage');
export const AuditQuery = Type.Object(
  {
    entity: Type.Optional(Type.String({ maxLength: 50 })),
    entityId: Type.Optional(Type.String({ maxLength: 100 })),
    actorUserId: Type.Optional(UuidSchema),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const usersSharedSchemas = [
  UserPage,
  UserDetailSchema,
  InvitationSchema,
  InvitationPage,
  ApiTokenSchema,
  ApiTokenPage,
  CreatedApiTokenSchema,
  AuditEntrySchema,
  AuditPage,
];
