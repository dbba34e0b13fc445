import { Type } from '../../shared/schema.ts';
import { type Static } from '@sinclair/typebox';
import { PageOf, PageQuery } from '../../plugins/pagination.ts';

export const PRIORITIES = ['high', 'medium', 'low'] as const;
export const STATUSES = ['planned', 'in_progress', 'done', 'dropped'] as const;
export const FUNDING_STATUSES = ['unfunded', 'partly_funded', 'funded'] as const;

/** The limits of an item, for the JSON body and the CSV template alike (`estimated_cost` is numeric(14, 2)). */
export const ITEM_LIMITS = { estimatedCost: 1e11, themes: 10, themeCode: 100, fundings: 20, code: 40 } as const;
/** A code is one plain token of a CSV cell: no `;`, no tab, line break or other control character. */
export const ITEM_CODE_PATTERN = '^[^;\\u0000-\\u001F\\u007F]+$';

const Year = Type.Integer({ minimum: 2000, maximum: 2100, format: 'int32' });
const ThemeCodes = Type.Array(Type.String({ maxLength: ITEM_LIMITS.themeCode }), {
  minItems: 1,
  maxItems: ITEM_LIMITS.themes,
  uniqueItems: true,
  description: 'Codici dei temi (vocabolario /themes)',
});

export const ProgrammingItemInput = Type.Object(
  {
    code: Type.Optional(
      Type.Union([
        Type.Null(),
        Type.String({
          minLength: 1,
          maxLength: ITEM_LIMITS.code,
          pattern: ITEM_CODE_PATTERN,
          description:
            'Codice dato dal comune, es. PT-2026-01: riconosce l\u2019intervento nelle importazioni CSV. Se manca: per un nuovo intervento viene generato (PT-<anno di inizio>-<numero>), in una modifica resta quello attuale',
        }),
      ]),
    ),
    title: Type.String({ minLength: 1, maxLength: 300 }),
    description: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 5000 })])),
    themes: ThemeCodes,
    startYear: Year,
    endYear: Year,
    estimatedCost: Type.Optional(
      Type.Union([Type.Null(), Type.Number({ minimum: 0, maximum: ITEM_LIMITS.estimatedCost, format: 'double', description: 'Costo stimato in euro' })]),
    ),
    priority: Type.Optional(Type.String({ enum: [...PRIORITIES], default: 'medium' })),
    status: Type.Optional(Type.String({ enum: [...STATUSES], default: 'planned' })),
    fundingStatus: Type.Optional(Type.String({ enum: [...FUNDING_STATUSES], default: 'unfunded' })),
    fundingAwardIds: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), {
        maxItems: ITEM_LIMITS.fundings,
        uniqueItems: true,
        description: 'Finanziamenti ottenuti che coprono l\u2019intervento (storico del comune)',
      }),
    ),
  },
  { $id: 'ProgrammingItemInput', additionalProperties: false },
);
export type ProgrammingItemInput = Static<typeof ProgrammingItemInput>;

export const ProgrammingItemSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    istat: Type.String(),
    code: Type.String({ description: 'Unico nel comune' }),
    title: Type.String(),
    description: Type.Union([Type.Null(), Type.String()]),
    themes: Type.Array(Type.String()),
    startYear: Type.Integer({ format: 'int32' }),
    endYear: Type.Integer({ format: 'int32' }),
    estimatedCost: Type.Union([Type.Null(), Type.Number({ format: 'double' })]),
    priority: Type.String({ enum: [...PRIORITIES] }),
    status: Type.String({ enum: [...STATUSES] }),
    fundingStatus: Type.String({ enum: [...FUNDING_STATUSES] }),
    fundings: Type.Array(
      Type.Object({
        id: Type.String({ format: 'uuid' }),
        avviso: Type.String(),
        measureCode: Type.String(),
        amount: Type.Number({ format: 'double' }),
        cup: Type.Union([Type.Null(), Type.String()]),
        status: Type.String(),
      }),
    ),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ProgrammingItem' },
);
export const ProgrammingPage = PageOf(Type.Ref('ProgrammingItem'), 'ProgrammingPage');

export const ProgrammingListQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ enum: [...STATUSES] })),
    fundingStatus: Type.Optional(Type.String({ enum: [...FUNDING_STATUSES] })),
    theme: Type.Optional(Type.String({ maxLength: 100, description: 'Tema, compresi i suoi sottotemi' })),
    year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, format: 'int32', description: 'Interventi previsti in quell\u2019anno' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ItemParams = Type.Object({ istat: Type.String({ pattern: '^[0-9]{6}$' }), id: Type.String({ format: 'uuid' }) });

export const programmingSharedSchemas = [ProgrammingItemInput, ProgrammingItemSchema, ProgrammingPage];
