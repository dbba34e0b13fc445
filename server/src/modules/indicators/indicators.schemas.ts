import { Type } from '../../shared/schema.ts';
import { Nullable } from '../../shared/schema.ts';

const Int = Type.Integer({ format: 'int32' });
const Day = Type.String({ format: 'date', description: 'Giorno (AAAA-MM-GG), ora di Roma' });

export const PeriodQuery = Type.Object(
  {
    from: Type.Optional({ ...Day, description: 'Primo giorno del periodo (predefinito: un anno fa)' }),
    to: Type.Optional({ ...Day, description: 'Ultimo giorno del periodo (predefinito: oggi)' }),
  },
  { additionalProperties: false },
);

export const Indicators = Type.Object(
  {
    period: Type.Object({ from: Day, to: Day }),
    indicators: Type.Array(
      Type.Object({
        key: Type.String(),
        label: Type.String(),
        unit: Type.String({ enum: ['count', 'percent'] }),
        value: Nullable(Type.Number()),
        target: Nullable(Int),
        reached: Type.Optional(Type.Boolean({ description: 'Obiettivo raggiunto; assente quando non c’è un obiettivo o un valore' })),
      }),
    ),
    counts: Type.Object({
      registeredUsers: Int,
      administrations: Int,
      activeComuni30: Int,
      activeComuni90: Int,
      callsPublished: Int,
      comuniReached: Int,
      alertEmailsSent: Int,
      alertLinkClicks: Int,
      callPageViews: Int,
      emptySearches: Int,
      usefulYes: Int,
      usefulNo: Int,
    }),
    monthly: Type.Array(Type.Object({ month: Type.String({ description: 'AAAA-MM' }), callPageViews: Int, alertLinkClicks: Int, emptySearches: Int })),
    emptySearches: Type.Array(Type.Object({ query: Type.String(), count: Int })),
    comments: Type.Array(Type.Object({ day: Day, useful: Type.Boolean(), comment: Nullable(Type.String()), callId: Type.String(), callTitle: Type.String() })),
  },
  { $id: 'Indicators' },
);

export const TargetParams = Type.Object({ key: Type.String({ maxLength: 40 }) });
export const TargetBody = Type.Object({ target: Type.Integer({ minimum: 0, maximum: 10_000_000 }) }, { additionalProperties: false });

export const FeedbackBody = Type.Object(
  {
    useful: Type.Boolean({ description: 'Ti è stato utile?' }),
    comment: Type.Optional(Type.String({ maxLength: 1000, description: 'Commento facoltativo: non scrivere dati personali' })),
  },
  { additionalProperties: false },
);

export const TrackedLinkQuery = Type.Object({ to: Type.String({ maxLength: 500 }), s: Type.String({ maxLength: 100 }) }, { additionalProperties: false });
