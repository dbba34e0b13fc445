import { type Static } from '@sinclair/typebox';
import { PROGRAMME_KINDS } from '../calls/index.ts';
import { PageOf } from '../../plugins/pagination.ts';
import { Type, Nullable } from '../../shared/schema.ts';

const EMAIL_MODES = ['immediate', 'daily', 'weekly', 'off'] as const;

export const Subscription = Type.Object(
  {
    comuni: Type.Array(Type.String({ pattern: '^[0-9]{6}$' }), {
      maxItems: 200,
      uniqueItems: true,
      description: 'Comuni seguiti; vuoto: quelli di cui l’utente è RTD, giorno per giorno',
    }),
    email: Type.String({ enum: [...EMAIL_MODES], description: 'E-mail: subito, riepilogo giornaliero o settimanale, nessuna' }),
    inApp: Type.Boolean({ description: 'Notifiche nel cruscotto' }),
    themes: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50, uniqueItems: true, description: 'Solo bandi su questi temi (vuoto: tutti)' }),
    programmes: Type.Array(Type.String({ enum: [...PROGRAMME_KINDS] }), {
      uniqueItems: true,
      maxItems: PROGRAMME_KINDS.length,
      description: 'Solo questi programmi (vuoto: tutti)',
    }),
    minScore: Type.Integer({ minimum: 0, maximum: 100, format: 'int32' }),
    eligibleOnly: Type.Boolean({ description: 'Escludi i bandi usabili solo in forma associata' }),
    reminderDays: Type.Array(Type.Integer({ minimum: 1, maximum: 90, format: 'int32' }), {
      maxItems: 5,
      uniqueItems: true,
      description: 'Promemoria: giorni prima della chiusura',
    }),
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

export const DEFAULT_SUBSCRIPTION: SubscriptionInput = {
  comuni: [],
  email: 'weekly',
  inApp: true,
  themes: [],
  programmes: [],
  minScore: 0,
  eligibleOnly: false,
  reminderDays: [14, 7, 2],
};

const Delivery = Type.Object(
  {
    id: Type.Integer({ format: 'int64' }),
    channel: Type.String({ enum: ['email', 'webhook'] }),
    kind: Type.String({ description: 'published, changed, withdrawn, reminder, opened, search, digest, test' }),
    status: Type.String({ enum: ['queued', 'sent', 'dead'] }),
    to: Type.String({ description: 'Destinatario: indirizzo e-mail o URL del webhook' }),
    subject: Type.String({ description: 'Oggetto dell’e-mail o evento del webhook' }),
    callId: Nullable(Type.String({ format: 'uuid' })),
    webhookId: Nullable(Type.String({ format: 'uuid' })),
    attempts: Type.Integer({ format: 'int32' }),
    lastError: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    sentAt: Nullable(Type.String({ format: 'date-time' })),
    nextAttemptAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'AlertDelivery' },
);

const OutboxMessage = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    to: Type.String(),
    subject: Type.String(),
    text: Type.String(),
    html: Nullable(Type.String()),
    headers: Type.Record(Type.String(), Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'OutboxMessage' },
);

/** Schemas more than one alerts plugin refers to: registered once at the root. */
export const alertsSharedSchemas = [
  Delivery,
  PageOf(Type.Ref('AlertDelivery'), 'AlertDeliveryPage'),
  OutboxMessage,
  PageOf(Type.Ref('OutboxMessage'), 'OutboxPage'),
];
