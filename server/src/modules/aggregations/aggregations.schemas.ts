import { Type } from '../../shared/schema.ts';
import { type Static } from '@sinclair/typebox';
import { PageOf, PageQuery } from '../../plugins/pagination.ts';

export const AGGREGATION_KINDS = ['unione', 'comunita_montana', 'ufficio_rtd_associato', 'consorzio', 'altro'] as const;
const Kind = Type.String({ enum: [...AGGREGATION_KINDS], description: 'unione di comuni, comunità montana, ufficio RTD associato, consorzio, altro' });
const Day = Type.String({ format: 'date' });

export const AggregationInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Kind,
    codiceFiscale: Type.Optional(Type.Union([Type.Null(), Type.String({ pattern: '^[0-9]{11}$' })])),
    members: Type.Array(
      Type.Object(
        { istat: Type.String({ pattern: '^[0-9]{6}$' }), joinedOn: Type.Optional(Day), leftOn: Type.Optional(Type.Union([Type.Null(), Day])) },
        { additionalProperties: false },
      ),
      { maxItems: 500 },
    ),
  },
  { $id: 'AggregationInput', additionalProperties: false },
);
export type AggregationInput = Static<typeof AggregationInput>;

export const AggregationSummary = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    kind: Kind,
    codiceFiscale: Type.Union([Type.Null(), Type.String()]),
    currentMembers: Type.Integer({ format: 'int32' }),
  },
  { $id: 'AggregationSummary' },
);

export const AggregationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    kind: Kind,
    codiceFiscale: Type.Union([Type.Null(), Type.String()]),
    members: Type.Array(Type.Object({ istat: Type.String(), name: Type.String(), joinedOn: Day, leftOn: Type.Union([Type.Null(), Day]) })),
  },
  { $id: 'Aggregation' },
);

export const AggregationPage = PageOf(Type.Ref('AggregationSummary'), 'AggregationPage');
export const AggregationListQuery = Type.Object(
  {
    kind: Type.Optional(Kind),
    comune: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: 'Solo le aggregazioni di cui il comune fa parte oggi' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export const AggregationParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const aggregationsSharedSchemas = [AggregationInput, AggregationSummary, AggregationSchema, AggregationPage];
