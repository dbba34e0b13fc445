import { Type } from '@sinclair/typebox';
import { PageOf, PageQuery } from '../../plugins/pagination.ts';

export const SIZE_CLASSES = ['fino-5000', '5000-15000', 'oltre-15000'] as const;
export type SizeClass = (typeof SIZE_CLASSES)[number];

const nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer> | ReturnType<typeof Type.Number>>(schema: T) => Type.Union([schema, Type.Null()]);

export const ComuneSummarySchema = Type.Object(
  {
    istat: Type.String({ description: 'Codice ISTAT (6 cifre)' }),
    name: Type.String(),
    provinceSigla: Type.String(),
    regionCode: Type.String(),
    legalPopulation: nullable(Type.Integer({ format: 'int32' })),
    sizeClass: nullable(Type.String({ enum: [...SIZE_CLASSES], description: 'Classe dimensionale usata dalla Regione, dalla popolazione legale' })),
  },
  { $id: 'ComuneSummary' },
);

export const ComunePage = PageOf(Type.Ref('ComuneSummary'), 'ComunePage');

export const ComuneSchema = Type.Object(
  {
    istat: Type.String(),
    name: Type.String(),
    province: Type.Object({ code: Type.String(), sigla: Type.String(), name: Type.String() }),
    region: Type.Object({ code: Type.String(), name: Type.String() }),
    residentPopulation: nullable(Type.Integer({ format: 'int32' })),
    residentPopulationDate: nullable(Type.String({ format: 'date' })),
    legalPopulation: nullable(Type.Integer({ format: 'int32' })),
    legalPopulationDate: nullable(Type.String({ format: 'date' })),
    sizeClass: nullable(Type.String({ enum: [...SIZE_CLASSES] })),
    surfaceKm2: nullable(Type.Number({ format: 'double' })),
    densityPerKm2: nullable(Type.Number({ format: 'double' })),
    altitudeZone: nullable(Type.Integer({ format: 'int32', description: '1 montagna interna, 2 montagna litoranea, 3 collina interna, 4 collina litoranea, 5 pianura' })),
    altitudeM: nullable(Type.Integer({ format: 'int32' })),
    coastal: Type.Boolean(),
    island: Type.Boolean(),
    codiceCatastale: nullable(Type.String()),
    codiceIpa: nullable(Type.String()),
    validFrom: nullable(Type.String({ format: 'date' })),
    validTo: nullable(Type.String({ format: 'date' })),
    successorIstat: nullable(Type.String()),
    aggregations: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), kind: Type.String(), joinedOn: Type.String({ format: 'date' }) })),
  },
  { $id: 'Comune' },
);

export const ComuneListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Inizio del nome, senza badare ad accenti e maiuscole' })),
    region: Type.Optional(Type.String({ pattern: '^[0-9]{2}$', description: 'Codice ISTAT della regione (Lombardia: 03)' })),
    province: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'Sigla della provincia' })),
    sizeClass: Type.Optional(Type.String({ enum: [...SIZE_CLASSES] })),
    altitudeZone: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, format: 'int32' })),
    aggregation: Type.Optional(Type.String({ format: 'uuid' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const IstatParams = Type.Object({ istat: Type.String({ pattern: '^[0-9]{6}$' }) });

export const comuniSharedSchemas = [ComuneSummarySchema, ComunePage];
