import { Type } from '../../shared/schema.ts';
import { PageOf, PageQuery } from '../../plugins/pagination.ts';
import { SOURCE_KINDS } from './connectors/index.ts';

const Kind = Type.String({ enum: [...SOURCE_KINDS] });
const DateTime = Type.String({ format: 'date-time' });

export const SourceInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Kind,
    // http(s) only, checked by the route with a 422 that says why (a schema pattern would only say "formato").
    location: Type.String({ minLength: 1, maxLength: 2000, description: 'URL http o https della fonte (non in una rete privata o locale)' }),
    everyMinutes: Type.Union([
      Type.Null(),
      Type.Integer({ minimum: 5, maximum: 10080, format: 'int32', description: 'Ogni quanti minuti leggerla; null: solo a mano' }),
    ]),
    trusted: Type.Boolean({ description: 'Le fonti affidabili pubblicano direttamente; le altre creano bozze' }),
    enabled: Type.Boolean({ default: true }),
  },
  { $id: 'IngestSourceInput', additionalProperties: false },
);

export const SourceSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    ...SourceInput.properties,
    lastRun: Type.Union([Type.Null(), Type.Ref('IngestRun')]),
    newestRecordAt: Type.Union([Type.Null(), DateTime], { description: 'Quando è arrivata la voce più recente (prima lettura) delle fonti di questo tipo' }),
    lastSuccessAt: Type.Union([Type.Null(), DateTime], { description: 'Fine dell’ultima lettura riuscita' }),
    lastError: Type.Union([Type.Null(), Type.Object({ at: DateTime, message: Type.String() })], {
      description: 'L’ultima lettura non riuscita, con quando e perché',
    }),
    late: Type.Boolean({ description: 'In ritardo: fonte attiva e programmata da cui non arriva nulla di nuovo da più del doppio della sua frequenza' }),
  },
  { $id: 'IngestSource' },
);

export const RunSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    sourceId: Type.Union([Type.Null(), Type.String({ format: 'uuid' })]),
    kind: Type.String(),
    location: Type.String(),
    status: Type.String({ enum: ['running', 'succeeded', 'failed'] }),
    seen: Type.Integer({ format: 'int32' }),
    created: Type.Integer({ format: 'int32' }),
    updated: Type.Integer({ format: 'int32' }),
    unchanged: Type.Integer({ format: 'int32' }),
    failed: Type.Integer({ format: 'int32' }),
    failures: Type.Array(Type.Object({ externalId: Type.String(), reason: Type.String() })),
    error: Type.Union([Type.Null(), Type.String()]),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
  },
  { $id: 'IngestRun' },
);

export const SourceList = Type.Object({ items: Type.Array(Type.Ref('IngestSource')), total: Type.Integer({ format: 'int32' }) }, { $id: 'IngestSourceList' });
export const RunPage = PageOf(Type.Ref('IngestRun'), 'IngestRunPage');
export const RunListQuery = Type.Object({ source: Type.Optional(Type.String({ format: 'uuid' })), ...PageQuery }, { additionalProperties: false });

export const PushBody = Type.Object(
  {
    source: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,49}$', description: 'Nome del partner, es. fondazione-cariplo' }),
    items: Type.Array(
      Type.Object(
        {
          externalId: Type.String({ minLength: 1, maxLength: 200 }),
          url: Type.Optional(Type.Union([Type.Null(), Type.String({ format: 'uri', pattern: '^https?://' })])),
          call: Type.Ref('CallInput'),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { $id: 'IngestPush', additionalProperties: false },
);

export const ingestSharedSchemas = [SourceInput, RunSchema, SourceSchema, SourceList, RunPage, PushBody];
