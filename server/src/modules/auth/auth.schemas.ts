import { Type } from '../../shared/schema.ts';
import { type Static } from '@sinclair/typebox';
import { ROLES } from './auth.permissions.ts';

export const RoleSchema = Type.Union(
  ROLES.map((r) => Type.Literal(r)),
  { description: 'rtd, editor, admin, viewer, staff (personale del comune), lettura (sola lettura: sindaco, giunta, segretario)' },
);
export const IstatSchema = Type.String({ pattern: '^[0-9]{6}$', description: 'Codice ISTAT del comune (6 cifre)' });
export const UuidSchema = Type.String({ format: 'uuid' });
export const EmailSchema = Type.String({ format: 'email', maxLength: 254 });

export const MembershipSchema = Type.Object(
  {
    id: UuidSchema,
    comune: Type.Union([Type.Null(), Type.Object({ istat: Type.String(), name: Type.String() })]),
    aggregation: Type.Union([Type.Null(), Type.Object({ id: Type.String(), name: Type.String(), kind: Type.String() })]),
    grantedBy: Type.Union([Type.Null(), Type.String()]),
    grantedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Membership' },
);

export const UserSchema = Type.Object(
  {
    id: UuidSchema,
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    status: Type.String({ enum: ['active', 'disabled', 'erased'] }),
    hasPassword: Type.Boolean(),
    oidcLinked: Type.Boolean(),
    lastLoginAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);

export const MeSchema = Type.Object(
  {
    user: Type.Ref('User'),
    memberships: Type.Array(Type.Ref('Membership')),
    comuni: Type.Array(Type.String(), { description: 'Codici ISTAT dei comuni su cui può operare (vuoto se non limitato)' }),
    scoped: Type.Boolean({ description: 'true se opera solo sui comuni elencati' }),
    permissions: Type.Array(Type.String()),
  },
  { $id: 'Me' },
);

export const LoginBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

export const PasswordResetBody = Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }) }, { additionalProperties: false });
export const PasswordResetConfirmBody = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
export const PasswordResetAcceptedSchema = Type.Object({ message: Type.String() }, { $id: 'PasswordResetAccepted' });

export const CsrfSchema = Type.Object({ token: Type.String() }, { $id: 'CsrfToken' });

export type LoginBodyType = Static<typeof LoginBody>;

/** Registered once on the app so every route can reference them by `$id`. */
export const authSharedSchemas = [MembershipSchema, UserSchema, MeSchema, CsrfSchema, PasswordResetAcceptedSchema];
