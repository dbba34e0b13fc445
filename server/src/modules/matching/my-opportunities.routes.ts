import { labelOf, PROGRAMME_LABELS, VERDICT_SHORT_LABELS } from '../../shared/labels.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERSON_403 } from '../auth/index.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { page, PageOf, PageQuery } from '../../plugins/pagination.ts';
import { csvDemo, csvEuros, DEMO_CSV_HEADER, toCsv } from '../../shared/csv-write.ts';
import { Type, Nullable } from '../../shared/schema.ts';
import type { Principal } from '../auth/index.ts';
import { comuniOfUser } from '../auth/index.ts';
import { CALL_STATUS_LABELS, PROGRAMME_KINDS } from '../calls/index.ts';
import { OpportunityCall, STORED_VERDICTS } from './matching.schemas.ts';
import { keptOpportunityRows } from './my-opportunities.memo.ts';
import { OPEN_STATUSES, ROW_SORTS, toRow, type OpportunityRow, type RowFilter, type ServedComune } from './my-opportunities.service.ts';

/** One empty list for every comune without matches, so that a kept list sees it unchanged. */
const NO_MATCHES: ServedComune['matches'] = [];

const ServedComuneSchema = Type.Object({ istat: Type.String(), name: Type.String(), provinceSigla: Type.String() });
const MyOpportunity = Type.Object(
  {
    comune: ServedComuneSchema,
    call: OpportunityCall,
    verdict: Type.String({ enum: STORED_VERDICTS }),
    score: Type.Integer({ minimum: 0, maximum: 100, format: 'int32' }),
    amount: Nullable(Type.Object({ min: Type.Number({ format: 'double' }), max: Type.Number({ format: 'double' }), basis: Type.String() })),
    daysLeft: Nullable(Type.Integer({ format: 'int32' })),
    warnings: Type.Array(Type.String()),
  },
  { $id: 'MyOpportunity', description: 'Un bando aperto o in arrivo per uno dei comuni che seguo' },
);
const MyOpportunityPage = PageOf(Type.Ref('MyOpportunity'), 'MyOpportunityPage', {
  comuni: Type.Array(
    Type.Object({ ...ServedComuneSchema.properties, count: Type.Integer({ format: 'int32', description: 'Righe del comune con gli altri filtri' }) }),
    { description: 'Ogni comune che seguo, anche senza bandi' },
  ),
});
const Query = Type.Object(
  {
    comune: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{6}$' }), { description: 'Solo questi comuni (codici ISTAT tra i miei)' })),
    status: Type.Optional(Type.Array(Type.String({ enum: [...OPEN_STATUSES] }), { description: 'Predefinito: in arrivo, aperto, in scadenza' })),
    programme: Type.Optional(Type.String({ enum: [...PROGRAMME_KINDS] })),
    verdict: Type.Optional(Type.Array(Type.String({ enum: STORED_VERDICTS }))),
    sort: Type.String({ enum: [...ROW_SORTS], default: 'deadline', description: '`-` per l’ordine decrescente; a parità, per scadenza e comune' }),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const ROME_DATE_TIME = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', dateStyle: 'short', timeStyle: 'short' });
const CSV_HEADERS = [
  'Codice ISTAT',
  'Comune',
  'Bando',
  'Ente erogatore',
  'Programma',
  'Misura',
  'Stato',
  'Partecipazione',
  'Pertinenza',
  'Importo stimato minimo (€)',
  'Importo stimato massimo (€)',
  'Scadenza',
  DEMO_CSV_HEADER,
];

function rowsCsv(rows: OpportunityRow[]): string {
  return toCsv(
    CSV_HEADERS,
    rows.map((r) => [
      r.comune.istat,
      r.comune.name,
      r.call.title,
      r.call.issuer,
      labelOf(PROGRAMME_LABELS, r.call.programme),
      r.call.measureCode,
      labelOf(CALL_STATUS_LABELS, r.call.status),
      labelOf(VERDICT_SHORT_LABELS, r.verdict),
      r.score,
      csvEuros(r.amount?.min ?? null),
      csvEuros(r.amount?.max ?? null),
      r.call.nextDeadline ? ROME_DATE_TIME.format(new Date(r.call.nextDeadline)) : null,
      csvDemo(r.call.demo),
    ]),
  );
}

/** "Tutti i miei comuni": one table of every open call for every comune the signed-in person serves. */
const myOpportunitiesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(MyOpportunity);
  app.addSchema(MyOpportunityPage);
  const opportunityRows = keptOpportunityRows();

  /** The comuni a person serves today, with their stored matches; an unscoped role counts only its memberships. */
  async function servedBy(principal: Principal): Promise<ServedComune[]> {
    const istats = principal.comuni === 'all' ? await comuniOfUser(app.db, principal.userId!) : [...principal.comuni];
    const served = await Promise.all(
      istats.map(async (istat) => {
        const comune = await app.profileCache.get(istat);
        if (!comune || comune.valid_to !== null) return null;
        return { istat, name: comune.name, provinceSigla: comune.province_sigla, matches: (await app.opportunitiesCache.get(istat)) ?? NO_MATCHES };
      }),
    );
    return served.filter((c) => c !== null).sort((a, b) => a.name.localeCompare(b.name, 'it'));
  }

  app.get(
    '/me/opportunities',
    {
      config: { access: 'person' },
      schema: {
        tags: ['matching'],
        operationId: 'listMyOpportunities',
        summary:
          'Tutti i miei comuni: ogni bando aperto o in arrivo per ciascun comune che seguo, con esito, importo stimato e scadenza (anche in CSV con Accept: text/csv)',
        description:
          'I comuni sono quelli serviti oggi, direttamente o tramite un’aggregazione (ufficio RTD associato, unione). Con Accept: text/csv restituisce tutte le righe filtrate, senza paginazione.',
        querystring: Query,
        produces: ['application/json', 'text/csv'],
        response: { 200: Type.Ref('MyOpportunityPage'), ...problemResponses({ 401: 'Non autenticato', 403: PERSON_403 }) },
      },
    },
    async (request, reply) => {
      const { comune, limit, offset, ...filter } = request.query;
      const clock = app.clock();
      const served = await servedBy(request.principal!);
      const every = opportunityRows(served, { ...filter, sort: filter.sort as RowFilter['sort'] }, clock);
      const rows = comune?.length ? every.filter((r) => comune.includes(r.comune.istat)) : every;
      if ((request.headers.accept ?? '').includes('text/csv')) {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="bandi-dei-miei-comuni.csv"')
          .send(rowsCsv(rows.map((r) => toRow(r, clock))) as never);
      }
      const counts = new Map<string, number>();
      for (const r of every) counts.set(r.comune.istat, (counts.get(r.comune.istat) ?? 0) + 1);
      const comuni = served.map(({ istat, name, provinceSigla }) => ({ istat, name, provinceSigla, count: counts.get(istat) ?? 0 }));
      return {
        comuni,
        ...page(
          request,
          rows.slice(offset, offset + limit).map((r) => toRow(r, clock)),
          rows.length,
          limit,
          offset,
        ),
      };
    },
  );
};

export default myOpportunitiesRoutes;
