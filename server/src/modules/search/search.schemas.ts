import { Type, Nullable } from '../../shared/schema.ts';
import { PageQuery } from '../../plugins/pagination.ts';
import { FACETS, SORTS } from '../../plugins/search/engine.ts';
import { BODY_TYPES, CALL_STATUSES, Demo, EDITORIAL_STATUSES, PROGRAMME_KINDS } from '../calls/index.ts';

export const SearchQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Parole in italiano: accenti, maiuscole ed errori di battitura sono perdonati' })),
    status: Type.Optional(Type.Array(Type.String({ enum: [...CALL_STATUSES] }))),
    programme: Type.Optional(Type.String({ enum: [...PROGRAMME_KINDS] })),
    measure: Type.Optional(Type.String({ pattern: '^[0-9]+(\\.[0-9]+)*$' })),
    theme: Type.Optional(Type.String({ maxLength: 100 })),
    source: Type.Optional(Type.String({ maxLength: 60 })),
    bodyType: Type.Optional(Type.String({ enum: [...BODY_TYPES] })),
    region: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
    province: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
    editorialStatus: Type.Optional(
      Type.Array(Type.String({ enum: [...EDITORIAL_STATUSES] }), { description: 'Solo redazione: includere bozze e altri stati' }),
    ),
    facets: Type.Array(Type.String({ enum: [...FACETS] }), { default: [], description: `Faccette da contare: ${FACETS.join(', ')}` }),
    sort: Type.String({ enum: [...SORTS], default: 'relevance' }),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const Hit = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  summary: Nullable(Type.String()),
  issuer: Type.String(),
  programme: Type.String(),
  measureCode: Nullable(Type.String()),
  themes: Type.Array(Type.String()),
  status: Type.String({ enum: [...CALL_STATUSES] }),
  editorialStatus: Type.String(),
  nextDeadline: Nullable(Type.String({ format: 'date-time' })),
  totalBudget: Nullable(Type.Number({ format: 'double' })),
  amountMax: Nullable(Type.Number({ format: 'double' })),
  link: Nullable(Type.String()),
  demo: Demo,
  highlights: Type.Object({ title: Nullable(Type.String()), summary: Nullable(Type.String()) }, { description: 'Parole trovate tra <mark> e </mark>' }),
});

const Link = Type.Object({ href: Type.String() });
export const SearchPage = Type.Object(
  {
    items: Type.Array(Hit),
    total: Type.Integer({ format: 'int32' }),
    limit: Type.Integer({ format: 'int32' }),
    offset: Type.Integer({ format: 'int32' }),
    facets: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer({ format: 'int32' }))),
    _links: Type.Object({ self: Link, next: Type.Optional(Link), prev: Type.Optional(Link) }),
  },
  { $id: 'CallSearchPage' },
);

export const SearchStatus = Type.Object(
  {
    engine: Type.String({ enum: ['postgres', 'meilisearch'] }),
    healthy: Type.Boolean(),
    detail: Nullable(Type.String()),
    pending: Type.Integer({ format: 'int32', description: 'Modifiche non ancora indicizzate' }),
    oldestPendingSeconds: Nullable(Type.Integer({ format: 'int32' })),
  },
  { $id: 'SearchStatus' },
);
