import { Type, type Static } from '@sinclair/typebox';
import { PROGRAMME_KINDS } from '../calls/calls.schemas.ts';

const EMAIL_MODES = ['immediate', 'daily', 'weekly', 'off'] as const;

export const Subscription = Type.Object(
  {
    comuni: Type.Array(Type.String({ pattern: '^[0-9]{6}$' }), { maxItems: 200, uniqueItems: true, description: 'Comuni seguiti; vuoto: quelli di cui l’utente è RTD, giorno per giorno' }),
    email: Type.String({ enum: [...EMAIL_MODES], description: 'E-mail: subito, riepilogo giornaliero o settimanale, nessuna' }),
    inApp: Type.Boolean({ description: 'Notifiche nel cruscotto' }),
    themes: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50, uniqueItems: true, description: 'Solo bandi su questi temi (vuoto: tutti)' }),
    programmes: Type.Array(Type.String({ enum: [...PROGRAMME_KINDS] }), { uniqueItems: true, description: 'Solo questi programmi (vuoto: tutti)' }),
    minScore: Type.Integer({ minimum: 0, maximum: 100, format: 'int32' }),
    eligibleOnly: Type.Boolean({ description: 'Escludi i bandi usabili solo in forma associata' }),
    reminderDays: Type.Array(Type.Integer({ minimum: 1, maximum: 90, format: 'int32' }), { maxItems: 5, uniqueItems: true, description: 'Promemoria: giorni prima della chiusura' }),
  },
  { $id: 'AlertSubscription', additionalProperties: false },
);
export type SubscriptionInput = Static<typeof Subscription>;

export const Notification = Type.Object(
  {
    id: Type.Integer({ format: 'int64' }),
    callId: Type.String({ format: 'uuid' }),
    comune: Type.Union([Type.Null(), Type.String()]),
    title: Type.String(),
    body: Type.String(),
    link: Type.String({ format: 'uri' }),
    createdAt: Type.String({ format: 'date-time' }),
    read: Type.Boolean(),
  },
  { $id: 'Notification' },
);

export const DEFAULT_SUBSCRIPTION: SubscriptionInput = { comuni: [], email: 'weekly', inApp: true, themes: [], programmes: [], minScore: 0, eligibleOnly: false, reminderDays: [14, 7, 2] };
