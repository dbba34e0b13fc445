import { codesOf, labelOf, SIZE_CLASS_LABELS, VERDICT_LABELS, VERDICT_SHORT_LABELS } from '../../shared/labels.ts';
import { Type, Nullable } from '../../shared/schema.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static } from '@sinclair/typebox';
import { csvEuros, toCsv } from '../../shared/csv-write.ts';
import type { FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { page, PageOf, PageQuery } from '../../plugins/pagination.ts';
import { sendRendered } from '../../plugins/rendered-pages.ts';
import type { Clock } from '../../shared/clock.ts';
import { CALL_STATUSES, callExists, PROGRAMME_KINDS } from '../calls/index.ts';
import { daysLeftChangeAt, selectOpportunities, timedList, toOpportunity, type StoredMatch } from './matching.queries.ts';
import { OpportunityCall, STORED_VERDICTS } from './matching.schemas.ts';
import { callReach, previewReach } from './matching.call-reach.ts';

const VERDICTS = codesOf(VERDICT_LABELS);
/** Calls missed by one condition the comune could act on: computed on request, listed on their own. */
const LISTED_VERDICTS = [...STORED_VERDICTS, 'near_miss'];
/** Comuni the preview lists on the page; the CSV has them all. */
const PREVIEW_COMUNI = 50;
const Check = Type.Object({ rule: Type.String(), outcome: Type.String(), message: Type.String() });
const Opportunity = Type.Object(
  {
    call: OpportunityCall,
    verdict: Type.String({ enum: VERDICTS }),
    score: Type.Integer({ minimum: 0, maximum: 100, format: 'int32' }),
    components: Type.Record(Type.String(), Type.Integer({ format: 'int32' }), {
      description: 'Punteggio per componente: programming, interests, text, need, urgency, amount, peers (pesi in matching/matching.relevance.ts)',
    }),
    reasons: Type.Object({
      fundableItems: Type.Array(Type.Object({ id: Type.String(), title: Type.String() }), {
        description: 'Interventi della programmazione che il bando può finanziare',
      }),
      similarItems: Type.Array(Type.Object({ id: Type.String(), title: Type.String() }), {
        description: 'Interventi con temi diversi di cui il testo del bando parla',
      }),
      matchedThemes: Type.Array(Type.String()),
      amountBasis: Nullable(Type.String()),
      daysLeft: Nullable(Type.Integer({ format: 'int32' })),
      warnings: Type.Array(Type.String()),
    }),
    amount: Nullable(Type.Object({ min: Type.Number({ format: 'double' }), max: Type.Number({ format: 'double' }), basis: Type.String() })),
    computedAt: Type.String({ format: 'date-time' }),
    checks: Type.Optional(Type.Array(Check, { description: 'Ogni condizione del bando con il suo esito' })),
    nearMiss: Type.Optional(
      Type.Object(
        {
          blocking: Type.Array(Check, { description: 'La condizione che esclude il comune' }),
          unblock: Type.String({ description: 'Che cosa potrebbe renderlo ammissibile' }),
        },
        { description: 'Solo per gli esiti near_miss: il bando sfugge al comune per una condizione su cui può agire' },
      ),
    ),
    peers: Type.Optional(
      Nullable(
        Type.Object(
          {
            province: Type.String({ description: 'Sigla della provincia del comune' }),
            provinceName: Type.String({ description: 'Nome della provincia del comune, come lo legge chi usa il sito' }),
            sizeClass: Nullable(Type.String({ enum: ['fino-5000', '5000-15000', 'oltre-15000'] })),
            comuni: Type.Integer({ format: 'int32', description: 'Comuni della stessa provincia e classe dimensionale' }),
            funded: Type.Integer({ format: 'int32', description: 'Di questi, quelli finanziati da edizioni precedenti della misura' }),
            share: Type.Number({ format: 'double', minimum: 0, maximum: 1 }),
            medianAmount: Nullable(Type.Number({ format: 'double', description: 'Importo mediano ottenuto' })),
            editions: Type.Array(Type.String(), { description: 'Le edizioni precedenti (avvisi della stessa misura)' }),
          },
          { description: 'Comuni come il tuo: null quando il bando non ha misura né edizioni precedenti nello storico dei finanziamenti' },
        ),
      ),
    ),
    population: Type.Optional(
      Nullable(
        Type.Object(
          {
            value: Type.Integer({ format: 'int32' }),
            basis: Type.String({ enum: ['resident', 'legal'] }),
            asOf: Nullable(Type.String({ format: 'date' })),
            label: Type.String(),
          },
          { description: 'La popolazione su cui il bando giudica il comune (limiti e fasce), la stessa in ogni punto della pagina' },
        ),
      ),
    ),
  },
  { $id: 'Opportunity' },
);
const Reach = Type.Object(
  {
    eligible: Type.Integer({ format: 'int32' }),
    eligibleViaAggregation: Type.Integer({ format: 'int32' }),
    notEligible: Type.Optional(Type.Integer({ format: 'int32', description: "Solo nell'anteprima: comuni del territorio del bando che non lo possono usare" })),
    byProvince: Type.Record(Type.String(), Type.Integer({ format: 'int32' })),
    bySizeClass: Type.Record(Type.String(), Type.Integer({ format: 'int32' })),
    totalEstimatedAmount: Type.Number({ format: 'double', description: 'Somma degli importi massimi stimati per i comuni ammissibili' }),
  },
  { $id: 'CallReach' },
);
const OpportunityPage = PageOf(Type.Ref('Opportunity'), 'OpportunityPage', {
  summary: Type.Optional(
    Type.Object(
      {
        count: Type.Integer({ format: 'int32', description: 'Bandi aperti (aperto, in scadenza) che il comune può usare' }),
        amount: Type.Number({ format: 'double', description: 'Somma degli importi massimi stimati di questi bandi, in euro' }),
        nextDeadline: Nullable(Type.String({ format: 'date-time', description: 'La più vicina delle loro scadenze' })),
      },
      { description: 'Il comune in sintesi, senza i filtri della pagina (non per near_miss): gli stessi numeri in cima a "Le mie opportunità"' },
    ),
  ),
});
const Query = Type.Object(
  {
    verdict: Type.Optional(
      Type.Array(Type.String({ enum: LISTED_VERDICTS }), {
        description: 'near_miss si chiede da solo: i bandi mancati per una sola condizione su cui il comune può agire',
      }),
    ),
    minScore: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, format: 'int32' })),
    theme: Type.Optional(Type.String({ maxLength: 100 })),
    status: Type.Optional(Type.Array(Type.String({ enum: [...CALL_STATUSES] }))),
    programme: Type.Optional(Type.String({ enum: [...PROGRAMME_KINDS] })),
    sort: Type.String({ enum: ['score', 'deadline', 'amount'], default: 'score' }),
    ...PageQuery,
  },
  { additionalProperties: false },
);
/**
 * The figures at the top of "Le mie opportunità": the open calls the comune can use, whatever the page's
 * filters, with their total estimated amount and the nearest deadline.
 */
function openSummary(matches: StoredMatch[], now: Clock) {
  const open = selectOpportunities(matches, { status: ['aperto', 'in_scadenza'], sort: 'deadline', limit: Number.MAX_SAFE_INTEGER, offset: 0 }, now).items.map(
    (view) => toOpportunity(view, now),
  );
  return {
    count: open.length,
    amount: open.reduce((sum, o) => sum + (o.amount?.max ?? 0), 0),
    nextDeadline: open.find((o) => o.call.nextDeadline !== null)?.call.nextDeadline ?? null,
  };
}
const comuneOf = (request: FastifyRequest) => (request.params as { istat: string }).istat;
const READ = { access: { permission: 'comuni:read-private' as const, comune: comuneOf } };
const ERRORS = problemResponses({ 401: 'Non autenticato', 403: 'Non puoi vedere questo comune', 404: 'Comune o bando non trovato' });

/** What each comune can get: matched calls with verdict, score, amount and reasons. */
const matchingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Opportunity);
  app.addSchema(OpportunityPage);
  const clock = app.clock;

  app.get(
    '/comuni/:istat/opportunities',
    {
      config: READ,
      schema: {
        tags: ['matching'],
        operationId: 'listOpportunities',
        summary: 'Bandi adatti al comune, con perché, quanto ed entro quando',
        params: Type.Object({ istat: Type.String({ pattern: '^[0-9]{6}$' }) }),
        querystring: Query,
        response: { 200: Type.Ref('OpportunityPage'), ...ERRORS },
      },
    },
    async (request, reply) => {
      const { limit, offset } = request.query;
      const now = clock();
      if (request.query.verdict?.includes('near_miss')) return nearMissPage(request, request.params.istat, request.query, now);
      const matches = (await app.opportunitiesCache.get(request.params.istat)) ?? [];
      // The landing page of every RTD: the same few pages, rendered once until the data or the clock moves them.
      return sendRendered(request, reply, timedList(matches, now).rendered, () => {
        const { items, total } = selectOpportunities(matches, { ...request.query, sort: request.query.sort as 'score' }, now);
        const listed = page(
          request,
          items.map((view) => toOpportunity(view, now)),
          total,
          limit,
          offset,
        );
        return { summary: openSummary(matches, now), ...listed };
      });
    },
  );

  async function nearMissPage(request: FastifyRequest, istat: string, query: Static<typeof Query>, now: Clock) {
    const { verdict, limit, offset } = query;
    if (verdict!.length > 1) throw badRequest('VERDICT_NOT_COMBINABLE', 'I bandi quasi ammissibili (near_miss) si chiedono da soli, senza altri esiti.');
    const views = (await app.nearMissCache.get(istat)) ?? [];
    const at = now.now.getTime();
    const open = views.filter((view) => view.deadline === null || view.deadline > at).sort((a, b) => (a.deadline ?? Infinity) - (b.deadline ?? Infinity));
    return page(
      request,
      open.slice(offset, offset + limit).map((view) => toOpportunity(view, now)),
      open.length,
      limit,
      offset,
    );
  }

  app.get(
    '/comuni/:istat/opportunities/:callId',
    {
      config: READ,
      schema: {
        tags: ['matching'],
        operationId: 'getOpportunity',
        summary: 'Un bando per il comune, con tutte le condizioni verificate',
        params: Type.Object({ istat: Type.String({ pattern: '^[0-9]{6}$' }), callId: Type.String({ format: 'uuid' }) }),
        response: { 200: Type.Ref('Opportunity'), ...ERRORS },
      },
    },
    async (request, reply) => {
      const { istat, callId } = request.params;
      const now = clock();
      const kept = await app.checklistCache.get(istat, callId);
      if (!kept) throw notFound('OPPORTUNITY_NOT_FOUND', 'Bando non pubblicato o comune inesistente: nessun abbinamento da mostrare.');
      const at = now.now.getTime();
      return sendRendered(request, reply, kept.rendered, () => toOpportunity(kept.view, now), {
        now: at,
        until: daysLeftChangeAt(kept.view.deadline, at),
        key: request.url.split('?')[0],
      });
    },
  );

  app.addSchema(Reach);
  const CallParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

  app.get(
    '/calls/:id/matches',
    {
      config: { access: { permission: 'analytics:read' } },
      schema: {
        tags: ['matching'],
        operationId: 'listCallMatches',
        summary: 'Comuni che il bando raggiunge: conteggi per provincia e classe dimensionale, importo stimato complessivo (anche in CSV con Accept: text/csv)',
        params: CallParams,
        produces: ['application/json', 'text/csv'],
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            reach: Type.Ref('CallReach'),
            items: Type.Array(
              Type.Object({
                istat: Type.String(),
                name: Type.String(),
                provinceSigla: Type.String(),
                sizeClass: Nullable(Type.String()),
                verdict: Type.String(),
                score: Type.Integer({ format: 'int32' }),
                amountMax: Nullable(Type.Number({ format: 'double' })),
              }),
            ),
            total: Type.Integer({ format: 'int32' }),
            limit: Type.Integer({ format: 'int32' }),
            offset: Type.Integer({ format: 'int32' }),
          }),
          ...problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti', 404: 'Bando non trovato' }),
        },
      },
    },
    async (request, reply) => {
      if (!(await callExists(app.db, request.params.id))) throw notFound('CALL_NOT_FOUND', 'Bando non trovato.');
      const { limit, offset } = request.query;
      if ((request.headers.accept ?? '').includes('text/csv')) {
        const { items } = await callReach(app.db, request.params.id, Number.MAX_SAFE_INTEGER, 0);
        const csv = toCsv(
          ['Codice ISTAT', 'Comune', 'Provincia', 'Classe dimensionale', 'Partecipazione', 'Pertinenza', 'Importo stimato massimo (€)'],
          items.map((c) => [
            c.istat,
            c.name,
            c.provinceSigla,
            c.sizeClass && labelOf(SIZE_CLASS_LABELS, c.sizeClass),
            labelOf(VERDICT_SHORT_LABELS, c.verdict),
            c.score,
            csvEuros(c.amountMax),
          ]),
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="comuni-raggiunti.csv"')
          .send(csv as never);
      }
      return { ...(await callReach(app.db, request.params.id, limit, offset)), limit, offset };
    },
  );

  const ReachedComune = Type.Object({
    istat: Type.String(),
    name: Type.String(),
    provinceSigla: Type.String(),
    sizeClass: Nullable(Type.String({ description: 'fino-5000, 5000-15000, oltre-15000 (popolazione legale)' })),
    verdict: Type.String({ enum: STORED_VERDICTS, description: 'eligible: da solo; eligible_via_aggregation: solo in forma associata' }),
    amountMin: Nullable(Type.Number({ format: 'double' })),
    amountMax: Nullable(Type.Number({ format: 'double', description: 'Importo stimato massimo per il comune' })),
  });
  const MatchPreview = Type.Object(
    {
      ...Reach.properties,
      comuni: Type.Array(ReachedComune, { description: `I primi ${PREVIEW_COMUNI} comuni raggiunti in ordine alfabetico (tutti nel CSV)` }),
      comuniTotal: Type.Integer({ format: 'int32', description: 'Quanti comuni raggiunge in tutto' }),
    },
    { $id: 'CallMatchPreview' },
  );
  app.addSchema(MatchPreview);
  const previewSchema = {
    tags: ['matching'],
    params: CallParams,
    response: { 200: Type.Ref('CallMatchPreview'), ...problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti', 404: 'Bando non trovato' }) },
  };
  async function preview(id: string) {
    const reach = await previewReach(app.db, id, clock());
    if (!reach) throw notFound('CALL_NOT_FOUND', 'Bando non trovato.');
    return reach;
  }

  app.post(
    '/calls/:id/match-preview',
    {
      config: { access: { permission: 'calls:write' } },
      schema: { ...previewSchema, operationId: 'previewCallMatches', summary: 'Quali comuni raggiungerebbe il bando (anche in bozza), senza salvare nulla' },
    },
    async (request) => {
      const { comuni, ...reach } = await preview(request.params.id);
      return { ...reach, comuni: comuni.slice(0, PREVIEW_COMUNI), comuniTotal: comuni.length };
    },
  );

  app.get(
    '/calls/:id/match-preview',
    {
      config: { access: { permission: 'calls:write' } },
      schema: {
        ...previewSchema,
        operationId: 'getCallMatchPreview',
        summary: 'L’anteprima degli abbinamenti, anche in CSV con tutti i comuni raggiunti (Accept: text/csv)',
        produces: ['application/json', 'text/csv'],
      },
    },
    async (request, reply) => {
      const { comuni, ...reach } = await preview(request.params.id);
      if (!(request.headers.accept ?? '').includes('text/csv')) return { ...reach, comuni: comuni.slice(0, PREVIEW_COMUNI), comuniTotal: comuni.length };
      const csv = toCsv(
        ['Codice ISTAT', 'Comune', 'Provincia', 'Classe dimensionale', 'Partecipazione', 'Importo stimato minimo (€)', 'Importo stimato massimo (€)'],
        comuni.map((c) => [
          c.istat,
          c.name,
          c.provinceSigla,
          c.sizeClass && labelOf(SIZE_CLASS_LABELS, c.sizeClass),
          labelOf(VERDICT_SHORT_LABELS, c.verdict),
          csvEuros(c.amountMin),
          csvEuros(c.amountMax),
        ]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="anteprima-comuni-raggiunti.csv"')
        .send(csv as never);
    },
  );
};

export default matchingRoutes;
