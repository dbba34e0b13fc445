import { CALL_STATUS_LABELS, codesOf, PROGRAMME_LABELS } from '../../shared/labels.ts';
import { Type, Nullable } from '../../shared/schema.ts';
import { type Static } from '@sinclair/typebox';
import { PageOf, PageQuery } from '../../plugins/pagination.ts';
import { CALL_ACTIONS } from './calls.steps.ts';
import { QUEUE_NAMES } from './editorial.queues.ts';
import { CALL_STATUSES, type CallStatus } from '../../shared/call-status.ts';

export { CALL_STATUSES, type CallStatus };

export const BODY_TYPES = [
  'comune',
  'unione',
  'comunita_montana',
  'provincia',
  'citta_metropolitana',
  'regione',
  'scuola',
  'asl',
  'universita',
  'pa_centrale',
  'altro',
] as const;
export const PROGRAMME_KINDS = codesOf(PROGRAMME_LABELS);
export const PROCEDURES = ['sportello', 'graduatoria', 'finestre'] as const;
export const EDITORIAL_STATUSES = ['draft', 'in_review', 'approved', 'scheduled', 'published', 'withdrawn', 'archived'] as const;
export { CALL_STATUS_LABELS };

// No minimum here: a negative amount is answered by the validation as 422 naming the field.
const Euros = Type.Number({ maximum: 1e12, format: 'double' });
const DateTime = Type.String({ format: 'date-time' });

const Bracket = Type.Object(
  {
    populationMin: Type.Integer({ minimum: 0, format: 'int32' }),
    populationMax: Nullable(Type.Integer({ minimum: 0, format: 'int32' })),
    amount: Euros,
    range: Type.Optional(
      Type.Object(
        { min: Euros, max: Euros },
        {
          additionalProperties: false,
          description:
            "Quando l'importo dipende da una scelta del comune (servizi, pacchetti) o da una base diversa dalla popolazione: da quanto a quanto; amount è il valore più frequente",
        },
      ),
    ),
  },
  { additionalProperties: false, description: 'Fascia di popolazione (estremi inclusi; massimo null = senza limite)' },
);

export const AmountRule = Type.Union(
  [
    Type.Object({ kind: Type.Literal('fixed'), amount: Euros }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('range'), min: Euros, max: Euros }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('brackets'), brackets: Type.Array(Bracket, { minItems: 1, maxItems: 30 }) }, { additionalProperties: false }),
    Type.Object(
      {
        kind: Type.Literal('per_unit'),
        unitLabel: Type.String({ minLength: 1, maxLength: 100, description: 'Es. servizio attivato su pagoPA' }),
        brackets: Type.Array(Bracket, { minItems: 1, maxItems: 30, description: 'Importo per unità, per fascia di popolazione' }),
        minUnits: Type.Integer({ minimum: 0, format: 'int32' }),
        maxUnits: Type.Integer({ minimum: 1, format: 'int32' }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'Importo per richiedente: fisso, minimo e massimo, per fascia di popolazione, o per unità' },
);

export const Exclusion = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('funded_by_measure'),
      measureCode: Type.String({ pattern: '^[0-9]+(\\.[0-9]+)*$' }),
      description: Type.Optional(Type.String({ maxLength: 500 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('funded_by_avviso'),
      avviso: Type.String({ minLength: 1, maxLength: 300 }),
      description: Type.Optional(Type.String({ maxLength: 500 })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('funded_in_earlier_window'), description: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
]);

export const Eligibility = Type.Object(
  {
    bodyTypes: Type.Array(Type.String({ maxLength: 50 }), { minItems: 1, uniqueItems: true, description: `Tipi di ente ammessi: ${BODY_TYPES.join(', ')}` }),
    population: Type.Optional(
      Type.Object(
        { min: Type.Optional(Type.Integer({ minimum: 0, format: 'int32' })), max: Type.Optional(Type.Integer({ minimum: 0, format: 'int32' })) },
        { additionalProperties: false },
      ),
    ),
    populationBasis: Type.Optional(
      Type.String({
        enum: ['resident', 'legal'],
        description: 'Popolazione su cui il bando misura limiti e fasce: residente ISTAT (se il bando non dice nulla) o legale (censimento)',
      }),
    ),
    territory: Type.Optional(
      Type.Object(
        {
          regions: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{2}$' }), { uniqueItems: true })),
          provinces: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { uniqueItems: true })),
          comuni: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{6}$' }), { uniqueItems: true, maxItems: 2000 })),
        },
        { additionalProperties: false },
      ),
    ),
    altitudeZones: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 5, format: 'int32' }), { uniqueItems: true })),
    aggregation: Type.String({ enum: ['not_allowed', 'allowed', 'required'], default: 'allowed' }),
    exclusions: Type.Array(Exclusion, { default: [], maxItems: 20 }),
    conditions: Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), {
      default: [],
      maxItems: 30,
      description: 'Condizioni in testo libero: mostrate, non verificate',
    }),
  },
  { $id: 'CallEligibility', additionalProperties: false },
);
export type Eligibility = Static<typeof Eligibility>;

const Window = Type.Object(
  {
    label: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    opensAt: DateTime,
    closesAt: Nullable(Type.String({ format: 'date-time', description: 'null: fino a esaurimento delle risorse' })),
  },
  { additionalProperties: false },
);
const Link = Type.Object(
  { label: Type.String({ minLength: 1, maxLength: 200 }), url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }) },
  { additionalProperties: false },
);

export const CallInput = Type.Object(
  {
    title: Type.String({ minLength: 3, maxLength: 500 }),
    summary: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    description: Type.Optional(Nullable(Type.String({ maxLength: 50000 }))),
    issuer: Type.String({ minLength: 1, maxLength: 300, description: 'Ente erogatore' }),
    programme: Type.Object(
      {
        kind: Type.String({ enum: [...PROGRAMME_KINDS] }),
        code: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'Codice come pubblicato, es. M1C1I1.4.1 o "Misura 1.4.1"' }))),
      },
      { additionalProperties: false },
    ),
    themes: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 15, uniqueItems: true }),
    eligibility: Type.Ref('CallEligibility'),
    money: Type.Object(
      {
        totalBudget: Type.Optional(Nullable(Euros)),
        remainingBudget: Type.Optional(Nullable(Euros)),
        amount: Type.Optional(Nullable(AmountRule)),
        cofinancingShare: Type.Optional(
          Nullable(Type.Number({ minimum: 0, maximum: 1, format: 'double', description: 'Quota di cofinanziamento a carico del richiedente (0-1)' })),
        ),
      },
      { additionalProperties: false },
    ),
    procedure: Type.String({ enum: [...PROCEDURES] }),
    publicationDate: Type.Optional(Nullable(Type.String({ format: 'date' }))),
    windows: Type.Array(Window, { minItems: 1, maxItems: 20, description: 'Finestre di presentazione (una sola per sportello e graduatoria)' }),
    links: Type.Array(Link, { default: [], maxItems: 30 }),
    contact: Type.Optional(
      Nullable(
        Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 200 })),
            email: Type.Optional(Type.String({ format: 'email' })),
            phone: Type.Optional(Type.String({ maxLength: 40 })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { $id: 'CallInput', additionalProperties: false },
);
// The body refers to the eligibility schema by id (a named OpenAPI component); its type is the schema's own.
export type CallInput = Omit<Static<typeof CallInput>, 'eligibility'> & { eligibility: Eligibility };

/** The flag every view of a call carries, so that pages label the demo catalogue "dimostrativo". */
export const Demo = Type.Boolean({ description: 'Bando dimostrativo (di esempio, non reale), dal catalogo caricato con `seed demo`' });

const CallOutputFields = {
  id: Type.String({ format: 'uuid' }),
  status: Type.String({ enum: [...CALL_STATUSES], description: 'Stato per gli utenti, dalle date e dal budget' }),
  editorialStatus: Type.String({ enum: [...EDITORIAL_STATUSES] }),
  nextDeadline: Nullable(DateTime),
  measureCode: Nullable(Type.String({ description: 'Codice di misura PNRR ricavato dal codice di programma, es. 1.4.1' })),
  version: Type.Integer({ format: 'int32' }),
  publishAt: Nullable(DateTime),
  publishedAt: Nullable(DateTime),
  sources: Type.Array(Type.Object({ kind: Type.String(), externalId: Type.String(), url: Nullable(Type.String()) })),
  demo: Demo,
  suggestedThemes: Type.Array(Type.String(), { description: 'Temi proposti in automatico, da confermare' }),
  updatedAt: DateTime,
};

const { eligibility: _eligibility, ...inputFields } = CallInput.properties;
export const CallSchema = Type.Object({ ...inputFields, eligibility: Type.Ref('CallEligibility'), ...CallOutputFields }, { $id: 'Call' });

export const REVISION_ACTIONS = ['submit', 'approve', 'publish', 'discard'] as const;
export type RevisionAction = (typeof REVISION_ACTIONS)[number];
const Person = Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() });
const Changes = (description?: string) =>
  Type.Record(Type.String(), Type.Object({ from: Type.Unknown(), to: Type.Unknown() }), description ? { description } : {});

export const CallRevisionSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    status: Type.String({ enum: ['draft', 'in_review', 'approved'], description: 'bozza, in revisione, approvata (pronta per la pubblicazione)' }),
    content: Type.Ref('CallInput', { description: 'Il bando come sarà una volta pubblicata la revisione' }),
    changes: Changes('Campi che cambieranno rispetto alla versione pubblicata, con valori prima e dopo'),
    authors: Type.Array(Person, { description: 'Redattori che hanno scritto la revisione: nessuno di loro può approvarla' }),
    source: Nullable(Type.String({ description: 'Fonte di importazione (non fidata) da cui vengono le modifiche' })),
    submittedBy: Nullable(Person),
    approvedBy: Nullable(Person),
    createdAt: DateTime,
    updatedAt: DateTime,
    allowedActions: Type.Array(Type.String({ enum: [...REVISION_ACTIONS] }), { description: 'Cosa può farne ora chi chiede' }),
  },
  { $id: 'CallRevision', description: 'Modifiche a un bando pubblicato in attesa di revisione: il pubblico vede ancora la versione pubblicata' },
);
export const EditorialCallSchema = Type.Object(
  {
    ...CallSchema.properties,
    pendingRevision: Nullable(Type.Ref('CallRevision')),
    onSave: Type.String({
      enum: ['direct', 'revision', 'review'],
      description:
        'Cosa fa il salvataggio di una modifica: `direct` la applica al bando; `revision` la tiene come revisione in attesa, invisibile al pubblico finché un altro redattore non la approva e viene pubblicata; `review` rimanda il bando approvato in revisione',
    }),
    allowedActions: Type.Array(Type.String({ enum: [...CALL_ACTIONS] }), {
      description:
        'Passaggi di stato che chi chiede può fare ora (con la revisione obbligatoria, `approve` non è offerto a chi ha scritto o mandato in revisione il bando)',
    }),
  },
  { $id: 'EditorialCall', description: 'Un bando come lo vede la redazione, con le modifiche in attesa di revisione' },
);

export const CallSummarySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    title: Type.String(),
    summary: Nullable(Type.String()),
    issuer: Type.String(),
    programme: Type.Object({ kind: Type.String(), code: Nullable(Type.String()) }),
    measureCode: Nullable(Type.String()),
    themes: Type.Array(Type.String()),
    status: Type.String({ enum: [...CALL_STATUSES] }),
    editorialStatus: Type.String({ enum: [...EDITORIAL_STATUSES] }),
    nextDeadline: Nullable(DateTime),
    totalBudget: Nullable(Euros),
    amountMax: Nullable(Euros),
    bodyTypes: Type.Array(Type.String()),
    demo: Demo,
  },
  { $id: 'CallSummary' },
);
export const CallPage = PageOf(Type.Ref('CallSummary'), 'CallPage');
const PendingRevisionStatus = Type.String({ enum: ['draft', 'in_review', 'approved'], description: 'Stato delle modifiche in attesa a un bando pubblicato' });
export const EditorialCallSummarySchema = Type.Object(
  { ...CallSummarySchema.properties, pendingRevision: Nullable(PendingRevisionStatus) },
  { $id: 'EditorialCallSummary' },
);
export const EditorialCallPage = PageOf(Type.Ref('EditorialCallSummary'), 'EditorialCallPage');
const QueueDescription =
  'Elenco della redazione: `drafts` bozze, `review` in revisione, `ready` approvati e programmati, `published` pubblicati, `closed` ritirati e archiviati. Un bando pubblicato sta anche nell’elenco dello stato delle sue modifiche in attesa.';
export const EditorialQueueCounts = Type.Object(
  Object.fromEntries(QUEUE_NAMES.map((q) => [q, Type.Integer({ format: 'int32' })])) as Record<(typeof QUEUE_NAMES)[number], ReturnType<typeof Type.Integer>>,
  {
    $id: 'EditorialQueueCounts',
    description: `Quanti bandi ha ogni elenco della redazione. ${QueueDescription}`,
  },
);

export const CallListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    status: Type.Optional(Type.Array(Type.String({ enum: [...CALL_STATUSES] }), { description: 'Uno o più stati' })),
    programme: Type.Optional(Type.String({ enum: [...PROGRAMME_KINDS] })),
    measure: Type.Optional(Type.String({ pattern: '^[0-9]+(\\.[0-9]+)*$' })),
    theme: Type.Optional(Type.String({ maxLength: 100, description: 'Tema, compresi i sottotemi' })),
    source: Type.Optional(Type.String({ maxLength: 50 })),
    bodyType: Type.Optional(Type.String({ enum: [...BODY_TYPES] })),
    deadlineFrom: Type.Optional(Type.String({ format: 'date' })),
    deadlineTo: Type.Optional(Type.String({ format: 'date' })),
    sort: Type.String({ enum: ['deadline', '-deadline', 'published', '-published', 'amount', '-amount'], default: 'deadline' }),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export const EditorialListQuery = Type.Object(
  {
    ...CallListQuery.properties,
    editorialStatus: Type.Optional(Type.Array(Type.String({ enum: [...EDITORIAL_STATUSES] }))),
    queue: Type.Optional(Type.String({ enum: [...QUEUE_NAMES], description: QueueDescription })),
  },
  { additionalProperties: false },
);

export const CallParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CallHistory = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        version: Type.Integer({ format: 'int32' }),
        changedAt: DateTime,
        changedBy: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
        changedBySource: Nullable(Type.String()),
        changes: Changes(),
        sentences: Type.Array(Type.String(), { description: 'Le modifiche in italiano semplice, come le leggono i comuni' }),
      }),
    ),
  },
  { $id: 'CallHistory' },
);

export const CallHistoryQuery = Type.Object(
  {
    scope: Type.Optional(
      Type.Union([Type.Literal('published'), Type.Literal('all')], {
        description:
          '`published`: solo le modifiche al bando pubblicato (quello che vede il pubblico); `all`: tutte le versioni, solo per la redazione. Predefinito: `all` per la redazione, `published` per gli altri.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const callsSharedSchemas = [
  Eligibility,
  CallInput,
  CallSchema,
  CallRevisionSchema,
  EditorialCallSchema,
  CallSummarySchema,
  CallPage,
  EditorialCallSummarySchema,
  EditorialCallPage,
  EditorialQueueCounts,
  CallHistory,
];
