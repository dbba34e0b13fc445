import { codesOf, SIZE_CLASS_LABELS } from '../../shared/labels.ts';
import { Type, Nullable } from '../../shared/schema.ts';
import { PageOf, PageQuery } from '../../plugins/pagination.ts';

export const SIZE_CLASSES = codesOf(SIZE_CLASS_LABELS);
export type SizeClass = (typeof SIZE_CLASSES)[number];

export const ComuneSummarySchema = Type.Object(
  {
    istat: Type.String({ description: 'Codice ISTAT (6 cifre)' }),
    name: Type.String(),
    provinceSigla: Type.String(),
    regionCode: Type.String(),
    legalPopulation: Nullable(Type.Integer({ format: 'int32' })),
    sizeClass: Nullable(Type.String({ enum: [...SIZE_CLASSES], description: 'Classe dimensionale usata dalla Regione, dalla popolazione legale' })),
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
    residentPopulation: Nullable(Type.Integer({ format: 'int32' })),
    residentPopulationDate: Nullable(Type.String({ format: 'date' })),
    legalPopulation: Nullable(Type.Integer({ format: 'int32' })),
    legalPopulationDate: Nullable(Type.String({ format: 'date' })),
    sizeClass: Nullable(Type.String({ enum: [...SIZE_CLASSES] })),
    surfaceKm2: Nullable(Type.Number({ format: 'double' })),
    densityPerKm2: Nullable(Type.Number({ format: 'double' })),
    altitudeZone: Nullable(
      Type.Integer({ format: 'int32', description: '1 montagna interna, 2 montagna litoranea, 3 collina interna, 4 collina litoranea, 5 pianura' }),
    ),
    altitudeM: Nullable(Type.Integer({ format: 'int32' })),
    coastal: Type.Boolean(),
    island: Type.Boolean(),
    codiceCatastale: Nullable(Type.String()),
    codiceIpa: Nullable(Type.String()),
    validFrom: Nullable(Type.String({ format: 'date' })),
    validTo: Nullable(Type.String({ format: 'date' })),
    successorIstat: Nullable(Type.String()),
    aggregations: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), kind: Type.String(), joinedOn: Type.String({ format: 'date' }) })),
    interests: Type.Array(Type.Object({ code: Type.String(), label: Type.String() }), { description: 'Temi di interesse dichiarati dal comune' }),
    contacts: Type.Optional(Type.Array(Type.Ref('ComuneContact'), { description: 'Referenti del comune: visibili solo agli utenti autenticati' })),
    programming: Type.Object(
      {
        items: Type.Integer({ format: 'int32' }),
        byStatus: Type.Object({
          planned: Type.Integer({ format: 'int32' }),
          inProgress: Type.Integer({ format: 'int32' }),
          done: Type.Integer({ format: 'int32' }),
          dropped: Type.Integer({ format: 'int32' }),
        }),
        byFundingStatus: Type.Object({
          unfunded: Type.Integer({ format: 'int32' }),
          partlyFunded: Type.Integer({ format: 'int32' }),
          funded: Type.Integer({ format: 'int32' }),
        }),
        estimatedCost: Type.Number({ format: 'double', description: 'Costo stimato degli interventi non abbandonati, in euro' }),
        unfundedCost: Type.Number({ format: 'double', description: 'Parte del costo stimato ancora senza finanziamento' }),
      },
      { description: 'Sintesi della programmazione ICT locale' },
    ),
    funding: Type.Object(
      {
        awards: Type.Integer({ format: 'int32' }),
        amount: Type.Number({ format: 'double', description: 'Finanziamenti ottenuti (assegnati o erogati), in euro' }),
        renounced: Type.Integer({ format: 'int32' }),
        lastFundedOn: Nullable(Type.String({ format: 'date' })),
        byMeasure: Type.Array(
          Type.Object({
            measureCode: Type.String(),
            measureName: Nullable(Type.String()),
            awards: Type.Integer({ format: 'int32' }),
            amount: Type.Number({ format: 'double' }),
          }),
        ),
      },
      { description: 'Sintesi dello storico dei finanziamenti (PA digitale 2026)' },
    ),
  },
  { $id: 'Comune' },
);

export const ComuneContactSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: Type.String({ minLength: 1, maxLength: 100, description: 'Es. RTD, referente informatico, segretario comunale' }),
    email: Type.Union([Type.Null(), Type.String({ format: 'email', maxLength: 254 })]),
    phone: Type.Union([Type.Null(), Type.String({ pattern: '^[0-9 +()./-]{5,30}$' })]),
  },
  { $id: 'ComuneContact', additionalProperties: false },
);

export const ComuneProfileExtras = Type.Object(
  {
    contacts: Type.Array(Type.Ref('ComuneContact'), { maxItems: 20 }),
    interests: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50, uniqueItems: true, description: 'Codici dei temi di interesse' }),
    notes: Type.Union([Type.Null(), Type.String({ maxLength: 5000 })]),
  },
  { $id: 'ComuneProfileExtras', additionalProperties: false },
);

export const ComuneProfileExtrasView = Type.Object(
  {
    contacts: Type.Array(Type.Ref('ComuneContact')),
    interests: Type.Array(Type.String()),
    notes: Type.Union([Type.Null(), Type.String()]),
    updatedAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
  },
  { $id: 'ComuneProfileExtrasView' },
);

export const FundingAwardSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    avviso: Type.String(),
    measureCode: Type.String({ description: 'Codice della misura PNRR, es. 1.4.1' }),
    measureName: Nullable(Type.String()),
    window: Nullable(Type.Integer({ format: 'int32', description: 'Numero della finestra temporale' })),
    amount: Type.Number({ format: 'double' }),
    appliedAt: Nullable(Type.String({ format: 'date-time' })),
    fundedOn: Nullable(Type.String({ format: 'date' })),
    cup: Nullable(Type.String()),
    status: Type.String({ enum: ['assegnato', 'erogato', 'rinuncia'] }),
    statusOn: Nullable(Type.String({ format: 'date' })),
  },
  { $id: 'FundingAward' },
);
export const FundingAwardPage = PageOf(Type.Ref('FundingAward'), 'FundingAwardPage');
export const FundingListQuery = Type.Object(
  {
    measure: Type.Optional(Type.String({ pattern: '^[0-9]+(\\.[0-9]+)*$', description: 'Codice della misura, es. 1.4.1' })),
    status: Type.Optional(Type.String({ enum: ['assegnato', 'erogato', 'rinuncia'] })),
    ...PageQuery,
  },
  { additionalProperties: false },
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

export const ImportReportSchema = Type.Object(
  {
    format: Type.String(),
    encoding: Type.String(),
    read: Type.Integer({ format: 'int32' }),
    created: Type.Integer({ format: 'int32' }),
    updated: Type.Integer({ format: 'int32' }),
    unchanged: Type.Integer({ format: 'int32' }),
    superseded: Type.Integer({ format: 'int32', description: 'Righe sostituite da una rilevazione più recente della stessa voce nello stesso file' }),
    rejected: Type.Array(Type.Object({ line: Type.Integer({ format: 'int32' }), reason: Type.String() })),
  },
  { $id: 'ImportReport' },
);

export const comuniSharedSchemas = [
  ImportReportSchema,
  ComuneSummarySchema,
  ComunePage,
  ComuneContactSchema,
  ComuneProfileExtras,
  ComuneProfileExtrasView,
  FundingAwardSchema,
  FundingAwardPage,
];
