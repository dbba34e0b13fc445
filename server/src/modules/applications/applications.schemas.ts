import { Type } from '../../shared/schema.ts';
import { type Static } from '@sinclair/typebox';
import { PageOf, PageQuery } from '../../plugins/pagination.ts';
import { APPLICATION_STATUSES, REASONS } from './applications.rules.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([Type.Null(), schema]);
const Day = Type.String({ format: 'date', description: 'AAAA-MM-GG' });
const Uuid = Type.String({ format: 'uuid' });

export const StatusSchema = Type.Union(
  APPLICATION_STATUSES.map((s) => Type.Literal(s)),
  { description: 'interessato, in_preparazione, presentata, finanziata, non_finanziata, rinunciata, non_pertinente' },
);
export const ReasonSchema = Type.Union(
  REASONS.map((r) => Type.Literal(r)),
  { description: 'Perché il comune non partecipa: no_cofinanziamento, scadenza_vicina, gia_coperto, mancanza_personale, non_prioritario, altro' },
);

export const ApplicationParams = Type.Object({ istat: Type.String({ pattern: '^[0-9]{6}$' }), callId: Uuid });
export const StepParams = Type.Object({ istat: Type.String({ pattern: '^[0-9]{6}$' }), callId: Uuid, stepId: Uuid });
export const NoteParams = Type.Object({ istat: Type.String({ pattern: '^[0-9]{6}$' }), callId: Uuid, noteId: Uuid });

export const ApplicationInput = Type.Object(
  {
    status: StatusSchema,
    reason: Type.Optional(Nullable(ReasonSchema)),
    reasonText: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    amountRequested: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 999_999_999_999, format: 'double' }))),
    cup: Type.Optional(Nullable(Type.String({ maxLength: 30, description: 'Codice Unico di Progetto, 15 caratteri' }))),
    protocolNumber: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    protocolDate: Type.Optional(Nullable(Day)),
  },
  { $id: 'ApplicationInput', additionalProperties: false },
);
export type ApplicationInput = Static<typeof ApplicationInput>;

const Person = Type.Object({ id: Uuid, name: Type.String() });

export const Step = Type.Object(
  {
    id: Uuid,
    phase: Type.Union([Type.Literal('preparazione'), Type.Literal('attuazione')]),
    title: Type.String(),
    dueOn: Nullable(Day),
    position: Type.Integer({ format: 'int32' }),
    assignee: Nullable(Person),
    done: Type.Boolean(),
    doneAt: Nullable(Type.String({ format: 'date-time' })),
    doneBy: Nullable(Person),
    overdue: Type.Boolean(),
  },
  { $id: 'ApplicationStep' },
);

export const StepInput = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    dueOn: Type.Optional(Nullable(Day)),
    assigneeId: Type.Optional(Nullable(Uuid)),
    phase: Type.Optional(Type.Union([Type.Literal('preparazione'), Type.Literal('attuazione')])),
  },
  { $id: 'ApplicationStepInput', additionalProperties: false },
);
export type StepInput = Static<typeof StepInput>;

export const StepChange = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    dueOn: Type.Optional(Nullable(Day)),
    assigneeId: Type.Optional(Nullable(Uuid)),
    done: Type.Optional(Type.Boolean()),
  },
  { $id: 'ApplicationStepChange', additionalProperties: false, minProperties: 1 },
);
export type StepChange = Static<typeof StepChange>;

const Event = Type.Object({
  id: Type.String(),
  action: Type.String({ description: 'created, updated, imported, step.*, note.*, followed, unfollowed' }),
  sentence: Type.String({ description: 'Cosa è cambiato, in italiano' }),
  actor: Nullable(Person),
  at: Type.String({ format: 'date-time' }),
});

export const Application = Type.Object(
  {
    id: Uuid,
    istat: Type.String(),
    comune: Type.String(),
    call: Type.Object({ id: Uuid, title: Type.String(), closesAt: Nullable(Type.String({ format: 'date-time' })) }),
    status: StatusSchema,
    statusLabel: Type.String(),
    statusSource: Type.Union([Type.Literal('manuale'), Type.Literal('importazione')]),
    reason: Nullable(ReasonSchema),
    reasonLabel: Nullable(Type.String()),
    reasonText: Nullable(Type.String()),
    amountRequested: Nullable(Type.Number({ format: 'double' })),
    cup: Nullable(Type.String()),
    protocolNumber: Nullable(Type.String()),
    protocolDate: Nullable(Day),
    updatedAt: Type.String({ format: 'date-time' }),
    steps: Type.Array(Type.Ref('ApplicationStep')),
    following: Type.Boolean({ description: 'Se chi chiede segue la candidatura' }),
    followers: Type.Array(Person),
    history: Type.Array(Event),
  },
  { $id: 'Application' },
);

export const ApplicationSummary = Type.Object(
  {
    id: Uuid,
    istat: Type.String(),
    comune: Type.String(),
    callId: Uuid,
    callTitle: Type.String(),
    callClosesAt: Nullable(Type.String({ format: 'date-time' })),
    status: StatusSchema,
    statusLabel: Type.String(),
    reason: Nullable(ReasonSchema),
    amountRequested: Nullable(Type.Number({ format: 'double' })),
    cup: Nullable(Type.String()),
    nextStep: Nullable(Type.Object({ title: Type.String(), dueOn: Nullable(Day) })),
    nextDeadline: Nullable(Day),
    overdueSteps: Type.Integer({ format: 'int32', description: 'Passi di preparazione scaduti e non fatti' }),
    overdueMilestones: Type.Integer({ format: 'int32', description: 'Traguardi dopo il finanziamento scaduti e non raggiunti' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ApplicationSummary' },
);
export type ApplicationSummary = Static<typeof ApplicationSummary>;

export const ApplicationPage = PageOf(Type.Ref('ApplicationSummary'), 'ApplicationPage');

const ListFilters = {
  status: Type.Optional(Type.Array(StatusSchema, { maxItems: 7, description: 'Uno o più stati' })),
  callId: Type.Optional(Uuid),
  overdue: Type.Optional(Type.Boolean({ description: 'Solo candidature con passi o traguardi scaduti' })),
  sort: Type.Optional(Type.Union([Type.Literal('deadline'), Type.Literal('updated'), Type.Literal('comune')], { default: 'deadline' })),
};
export const ComuneListQuery = Type.Object({ ...ListFilters, ...PageQuery }, { additionalProperties: false });
export const BoardQuery = Type.Object(
  { comune: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{6}$' }), { maxItems: 200 })), ...ListFilters, ...PageQuery },
  { additionalProperties: false },
);
export type BoardFilter = Static<typeof BoardQuery>;

export const NoteInput = Type.Object({ body: Type.String({ minLength: 1, maxLength: 5000 }) }, { $id: 'ApplicationNoteInput', additionalProperties: false });

export const Note = Type.Object(
  {
    id: Uuid,
    body: Type.String(),
    author: Nullable(Person),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    mentions: Type.Array(Person),
    revisions: Type.Array(Type.Object({ previousBody: Type.String(), editedBy: Nullable(Person), editedAt: Type.String({ format: 'date-time' }) })),
  },
  { $id: 'ApplicationNote' },
);

export const TeamMember = Type.Object({ id: Uuid, name: Type.String(), role: Type.String(), roleLabel: Type.String() }, { $id: 'TeamMember' });
export const Team = Type.Object({ items: Type.Array(Type.Ref('TeamMember')) }, { $id: 'Team' });
export const NoteList = Type.Object({ items: Type.Array(Type.Ref('ApplicationNote')) }, { $id: 'ApplicationNoteList' });

export const ActivityItem = Type.Object(
  {
    id: Type.String(),
    callId: Uuid,
    callTitle: Type.String(),
    action: Type.String(),
    sentence: Type.String(),
    actor: Nullable(Person),
    at: Type.String({ format: 'date-time' }),
  },
  { $id: 'ActivityItem' },
);
export const ActivityPage = PageOf(Type.Ref('ActivityItem'), 'ActivityPage');

const Count = Type.Integer({ format: 'int32' });
const Funnel = { matched: Count, interested: Count, applied: Count, funded: Count, notApplying: Count };
export const ApplicationAnalytics = Type.Object(
  {
    total: Type.Object(Funnel),
    calls: Type.Array(Type.Object({ callId: Uuid, title: Type.String(), ...Funnel })),
    reasons: Type.Array(
      Type.Object({
        reason: ReasonSchema,
        label: Type.String(),
        province: Type.String(),
        sizeClass: Nullable(Type.String()),
        count: Count,
      }),
    ),
  },
  { $id: 'ApplicationAnalytics' },
);
export const AnalyticsQuery = Type.Object({ callId: Type.Optional(Uuid) }, { additionalProperties: false });

export const applicationsSharedSchemas = [
  ApplicationInput,
  Step,
  StepInput,
  StepChange,
  Application,
  ApplicationSummary,
  ApplicationPage,
  NoteInput,
  Note,
  NoteList,
  TeamMember,
  Team,
  ActivityItem,
  ActivityPage,
  ApplicationAnalytics,
];
